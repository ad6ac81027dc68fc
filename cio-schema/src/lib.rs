//! The `events.toml` model of [cio](https://docs.rs/cio): parsing, validation and
//! Liquid analysis, as plain library code (no `proc_macro`), so that it is unit-tested
//! directly and reusable by tools.
//!
//! ```
//! let src = r#"
//! [events.signed_up]
//! data = { method = "string" }
//! "#;
//! let taxonomy = cio_schema::parse_str(src, "events.toml", None).unwrap();
//! assert_eq!(taxonomy.events[0].name.as_str(), "signed_up");
//! ```

//! The stages run in one direction, each called in order by [`load`] and
//! [`parse_str`]: reading the TOML into the model (`read`), checks across the model
//! (`validate`), then the Liquid checks of the messages ([`liquid`]), which run only
//! on a file without any other error. A stage imports only the shared modules
//! ([`model`], [`diagnostic`], [`naming`], [`suggest`]), never a stage after it.

pub mod diagnostic;
pub mod liquid;
pub mod model;
pub mod naming;
mod read;
pub mod suggest;
mod validate;

use std::path::{Path, PathBuf};

use diagnostic::Sink;
pub use diagnostic::{Diagnostic, Diagnostics, Location, SourceFile};
pub use model::*;

/// The outcome of [`load`]: the taxonomy or its errors, and every file that was read
/// (so that a macro can make cargo rebuild when any of them changes).
#[derive(Debug)]
pub struct Loaded {
    /// `events.toml` and each template file it names that could be read.
    pub files: Vec<PathBuf>,
    /// The validated taxonomy, or every error found.
    pub result: Result<Taxonomy, Diagnostics>,
    /// When the only errors are in messages' Liquid, the taxonomy itself (its
    /// structure is valid): a macro can still generate the types, so the real error
    /// is not buried under "cannot find type" errors at every use.
    pub structure: Option<Taxonomy>,
}

/// Reads, parses and validates the `events.toml` at `path`, and the template files
/// it names (relative to its folder). `display_name` is how the file is named in
/// error messages (`events.toml`).
pub fn load(path: &Path, display_name: &str) -> Loaded {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let mut loaded = run(&text, display_name, path.parent());
            loaded.files.insert(0, path.to_path_buf());
            loaded
        }
        Err(e) => Loaded {
            files: Vec::new(),
            result: Err(Diagnostics(vec![Diagnostic::new(format!(
                "cannot read {display_name} ({}): {e}",
                path.display()
            ))])),
            structure: None,
        },
    }
}

/// Parses and validates `events.toml` text. Template files named by `file = "..."`
/// are read relative to `base_dir`; with `None`, naming a file is an error.
pub fn parse_str(
    source: &str,
    display_name: &str,
    base_dir: Option<&Path>,
) -> Result<Taxonomy, Diagnostics> {
    run(source, display_name, base_dir).result
}

/// The driver: read, then validate, then (on a file without other errors) Liquid.
fn run(source: &str, display_name: &str, base_dir: Option<&Path>) -> Loaded {
    let file = SourceFile::new(display_name, source);
    let mut sink = Sink::new(&file);
    let mut files = Vec::new();
    let Some(read) = read::read(&mut sink, base_dir, &mut files) else {
        return Loaded {
            files,
            result: Err(Diagnostics(sink.into_sorted())),
            structure: None,
        };
    };
    validate::check(&mut sink, &read.taxonomy, &read.declared);
    let mut structure = None;
    if !sink.has_errors() {
        let liquid = liquid::check_taxonomy(&read.taxonomy, &file);
        if !liquid.is_empty() {
            structure = Some(read.taxonomy.clone());
        }
        sink.extend(liquid);
    }
    let result = if sink.has_errors() {
        Err(Diagnostics(sink.into_sorted()))
    } else {
        Ok(read.taxonomy)
    };
    Loaded {
        files,
        result,
        structure,
    }
}
