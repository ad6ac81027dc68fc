//! Reading an `events.toml`: from a path or from git (`REV:PATH`), with every reason
//! it cannot be read said plainly, then loaded by `cio-schema`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use cio_schema::{Diagnostics, Loaded, Taxonomy};

/// Why a file could not be read.
#[derive(Debug)]
pub(crate) struct InputError(String);

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The text of an `events.toml`, with its name and the folder its templates are in.
pub(crate) struct Source {
    /// How messages name it (`events.toml`, `main:events.toml`).
    pub(crate) name: String,
    /// Its text.
    pub(crate) text: String,
    /// The folder template files are read from.
    pub(crate) base_dir: PathBuf,
}

impl Source {
    /// Reads, parses and validates the file with `cio-schema`.
    pub(crate) fn load(&self) -> Loaded {
        cio_schema::load_str(&self.text, &self.name, Some(&self.base_dir))
    }

    /// The validated taxonomy, or its errors.
    pub(crate) fn taxonomy(&self) -> Result<Taxonomy, Diagnostics> {
        self.load().result
    }
}

/// Reads the file at `path`.
pub(crate) fn read_path(path: &Path) -> Result<Source, InputError> {
    let shown = path.display();
    if path.is_dir() {
        return Err(InputError(format!(
            "{shown} is a directory; give the path of an events.toml"
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => InputError(format!("{shown}: no such file")),
        _ => InputError(format!("cannot read {shown}: {e}")),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        InputError(format!(
            "{shown} is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok(Source {
        name: shown.to_string(),
        text,
        base_dir: base_dir(path),
    })
}

/// Reads `spec`: a path when such a file exists, else `REV:PATH` from git. Template
/// files of a `REV:PATH` are read from the working tree.
pub(crate) fn read_spec(spec: &str) -> Result<Source, InputError> {
    let path = Path::new(spec);
    if path.exists() {
        return read_path(path);
    }
    let Some((rev, file)) = spec
        .split_once(':')
        .filter(|(rev, file)| !rev.is_empty() && !file.is_empty())
    else {
        return read_path(path);
    };
    // `--end-of-options`: a revision that starts with `-` (`--output=FILE:x`) is a
    // revision to git, never one of its options.
    let output = Command::new("git")
        .arg("show")
        .arg("--end-of-options")
        .arg(format!("{rev}:{file}"))
        .output()
        .map_err(|e| InputError(format!("cannot run git to read {spec}: {e}")))?;
    if !output.status.success() {
        let why = String::from_utf8_lossy(&output.stderr);
        return Err(InputError(format!(
            "cannot read {spec} from git: {}",
            why.trim()
        )));
    }
    let text = String::from_utf8(output.stdout)
        .map_err(|_| InputError(format!("{spec} is not UTF-8 text")))?;
    Ok(Source {
        name: spec.to_owned(),
        text,
        base_dir: base_dir(Path::new(file)),
    })
}

/// The folder of `path` (`.` for a bare file name).
fn base_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes `text` to `path`, or to standard output without one.
pub(crate) fn write_out(path: Option<&Path>, text: &str) -> Result<(), InputError> {
    match path {
        None => {
            say_raw!("{text}");
            Ok(())
        }
        Some(path) => std::fs::write(path, text)
            .map_err(|e| InputError(format!("cannot write {}: {e}", path.display()))),
    }
}
