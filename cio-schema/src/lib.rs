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

pub mod diagnostic;
pub mod liquid;
pub mod model;
pub mod naming;
mod parse;
pub mod suggest;
mod validate;

use std::path::{Path, PathBuf};

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
    parse::load(path, display_name)
}

/// Parses and validates `events.toml` text. Template files named by `file = "..."`
/// are read relative to `base_dir`; with `None`, naming a file is an error.
pub fn parse_str(
    source: &str,
    display_name: &str,
    base_dir: Option<&Path>,
) -> Result<Taxonomy, Diagnostics> {
    parse::parse_str(source, display_name, base_dir).result
}
