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
pub mod report;
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
    /// When there are errors in a file that is valid TOML: every declaration read,
    /// without the parts that have an error, and an empty one (an event without
    /// data, an enum without values) for each declared name that could not be read
    /// at all. A macro can still generate the types, so that the real errors are
    /// not buried under "cannot find type" errors at every use.
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
    load_str(source, display_name, base_dir).result
}

/// [`parse_str`] with everything [`load`] tells: the template files read and, when
/// there are errors, what the file still declares ([`Loaded::structure`]).
///
/// ```
/// let loaded = cio_schema::load_str("[events.a]\ndata = { n = \"nt\" }\n", "events.toml", None);
/// assert!(loaded.result.is_err());
/// assert_eq!(loaded.structure.unwrap().events[0].name.as_str(), "a");
/// ```
pub fn load_str(source: &str, display_name: &str, base_dir: Option<&Path>) -> Loaded {
    run(source, display_name, base_dir)
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
    if !sink.has_errors() {
        sink.extend(liquid::check_taxonomy(&read.taxonomy, &file));
    }
    if !sink.has_errors() {
        return Loaded {
            files,
            result: Ok(read.taxonomy),
            structure: None,
        };
    }
    Loaded {
        files,
        result: Err(Diagnostics(sink.into_sorted())),
        structure: Some(with_stubs(
            read.taxonomy,
            &read.declared,
            read.stand_ins,
            read.object_stand_ins,
        )),
    }
}

/// `taxonomy` plus an empty declaration for every event, enum and object type that
/// is declared but could not be read (in name order), and the stand-ins of the
/// transactional messages, broadcasts and object types with an error.
fn with_stubs(
    mut taxonomy: Taxonomy,
    declared: &Declared,
    stand_ins: Vec<AppMessage>,
    object_stand_ins: Vec<ObjectType>,
) -> Taxonomy {
    for stand_in in stand_ins {
        match stand_in.kind {
            AppMessageKind::Transactional => taxonomy.transactional.push(stand_in),
            AppMessageKind::Broadcast => taxonomy.broadcasts.push(stand_in),
        }
    }
    taxonomy.objects.extend(object_stand_ins);
    let mut objects: Vec<&String> = declared
        .objects
        .iter()
        .filter(|name| taxonomy.object(name).is_none())
        .collect();
    objects.sort();
    for name in objects {
        taxonomy.objects.push(ObjectType {
            name: Name {
                value: name.clone(),
                span: Span::default(),
            },
            type_id: 0,
            type_id_span: Span::default(),
            doc: None,
            attributes: Vec::new(),
            relationship: Vec::new(),
        });
    }
    let mut events: Vec<&String> = declared
        .events
        .iter()
        .filter(|name| taxonomy.event(name).is_none())
        .collect();
    events.sort();
    for name in events {
        taxonomy.events.push(EventDef {
            name: Name {
                value: name.clone(),
                span: Span::default(),
            },
            doc: None,
            deprecated: None,
            data: Vec::new(),
        });
    }
    let mut enums: Vec<&String> = declared
        .enums
        .iter()
        .filter(|name| taxonomy.named_enum(name).is_none())
        .collect();
    enums.sort();
    for name in enums {
        taxonomy.enums.push(NamedEnum {
            name: Name {
                value: name.clone(),
                span: Span::default(),
            },
            values: Vec::new(),
            doc: None,
        });
    }
    taxonomy
}
