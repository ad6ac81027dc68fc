//! Finding the `events.toml` a macro reads.

use std::path::{Path, PathBuf};

/// The `events.toml` (or other taxonomy file) a macro reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxonomyFile {
    /// Where it is on disk.
    pub path: PathBuf,
    /// How messages name it: as written, or relative to the crate root.
    pub display: String,
}

/// Finds the taxonomy file: `explicit` relative to `manifest_dir` when given,
/// otherwise the first `events.toml` in `manifest_dir` or one of its ancestors.
pub fn locate(manifest_dir: &Path, explicit: Option<&str>) -> Result<TaxonomyFile, String> {
    match explicit {
        Some(written) => {
            let relative = Path::new(written);
            if relative.is_absolute() || relative.has_root() {
                return Err(format!(
                    "the taxonomy path `{written}` is absolute; give it relative to the crate root (CARGO_MANIFEST_DIR), so that the build works on every machine"
                ));
            }
            let path = manifest_dir.join(relative);
            if !path.is_file() {
                return Err(format!(
                    "no taxonomy file at `{written}` (looked for {}); the path is relative to the crate root (CARGO_MANIFEST_DIR)",
                    path.display()
                ));
            }
            Ok(TaxonomyFile {
                path,
                display: written.to_string(),
            })
        }
        None => {
            for (depth, dir) in manifest_dir.ancestors().enumerate() {
                let path = dir.join("events.toml");
                if path.is_file() {
                    let display = if depth == 0 {
                        "events.toml".to_string()
                    } else {
                        format!("{}events.toml", "../".repeat(depth))
                    };
                    return Ok(TaxonomyFile { path, display });
                }
            }
            Err(format!(
                "no `events.toml` found in {} or any folder above it; create one, or name the file: `taxonomy!(\"path/to/events.toml\")` / `#[cio(taxonomy = \"path\")]`",
                manifest_dir.display()
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("cio-locate-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("app/nested")).unwrap();
        dir
    }

    #[test]
    fn finds_the_nearest_events_toml_upward() {
        let dir = scratch("up");
        std::fs::write(dir.join("events.toml"), "").unwrap();
        let found = locate(&dir.join("app/nested"), None).unwrap();
        assert_eq!(found.path, dir.join("events.toml"));
        assert_eq!(found.display, "../../events.toml");
        std::fs::write(dir.join("app/nested/events.toml"), "").unwrap();
        let found = locate(&dir.join("app/nested"), None).unwrap();
        assert_eq!(found.display, "events.toml");
    }

    #[test]
    fn explicit_paths_are_relative_to_the_crate() {
        let dir = scratch("explicit");
        std::fs::write(dir.join("app/plan.toml"), "").unwrap();
        let found = locate(&dir.join("app"), Some("plan.toml")).unwrap();
        assert_eq!(found.path, dir.join("app/plan.toml"));
        assert_eq!(found.display, "plan.toml");
        let err = locate(&dir.join("app"), Some("missing.toml")).unwrap_err();
        assert!(
            err.starts_with("no taxonomy file at `missing.toml`"),
            "{err}"
        );
        let err = locate(&dir, Some("/etc/events.toml")).unwrap_err();
        assert!(err.contains("is absolute"), "{err}");
    }
}
