//! Reading `events.toml` into the model.
//!
//! The TOML is parsed with spans kept (`toml::de::DeTable`), then every section is read
//! into the model, recording every mistake (never stopping at the first). Cross-section
//! checks follow in [`crate::validate`]; the Liquid checks run last and only on a file
//! without any other error, since they need a consistent taxonomy.

mod duration;
mod fields;
pub(crate) mod reader;
mod types;
mod workflow;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use toml::de::{DeTable, DeValue};

use crate::model::{Span, Taxonomy};
use crate::suggest::hint;
use crate::{Diagnostic, Diagnostics, Loaded, SourceFile};
use reader::{entries, span, table, Sink};

pub(crate) fn load(path: &Path, display_name: &str) -> Loaded {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let mut loaded = parse_str(&text, display_name, path.parent());
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

const SECTIONS: [&str; 5] = ["enums", "profile", "events", "campaigns", "messages"];

pub(crate) fn parse_str(source: &str, display_name: &str, base_dir: Option<&Path>) -> Loaded {
    let file = SourceFile::new(display_name, source);
    let mut sink = Sink::new(&file);
    let mut files = workflow::Files {
        base_dir,
        read: Vec::new(),
    };
    let (root, toml_errors) = DeTable::parse_recoverable(source);
    if !toml_errors.is_empty() {
        for e in toml_errors {
            let range = e.span().unwrap_or(0..0);
            let at = Span::new(range.start, range.end);
            let message = toml_message(source, e.message(), at);
            sink.error(at, message);
        }
        return Loaded {
            files: files.read,
            result: Err(Diagnostics(sink.into_sorted())),
            structure: None,
        };
    }
    let taxonomy = read(&mut sink, root.get_ref(), &mut files);
    let declared = Declared::of(root.get_ref());
    crate::validate::check(&mut sink, &taxonomy, &declared);
    let mut structure = None;
    if !sink.has_errors() {
        let liquid = crate::liquid::check_taxonomy(&taxonomy, &file);
        if !liquid.is_empty() {
            structure = Some(taxonomy.clone());
        }
        for d in liquid {
            sink.errors.push((0, d));
        }
    }
    let result = if sink.has_errors() {
        Err(Diagnostics(sink.into_sorted()))
    } else {
        Ok(taxonomy)
    };
    Loaded {
        files: files.read,
        result,
        structure,
    }
}

/// Every name the file declares, including those whose declaration has an error and
/// is therefore missing from the model: a reference to one of them is not reported
/// as unknown (its own error already is).
#[derive(Default)]
pub(crate) struct Declared {
    /// `[events.*]` names.
    pub(crate) events: HashSet<String>,
    /// `[messages.*]` names.
    pub(crate) messages: HashSet<String>,
    /// `[profile]` attribute names.
    pub(crate) attributes: HashSet<String>,
    /// Data field names by event.
    pub(crate) event_fields: HashMap<String, HashSet<String>>,
}

impl Declared {
    fn of(root: &DeTable<'_>) -> Self {
        fn keys(table: Option<&DeValue<'_>>) -> HashSet<String> {
            match table {
                Some(DeValue::Table(t)) => t.keys().map(|k| k.get_ref().to_string()).collect(),
                _ => HashSet::new(),
            }
        }
        let mut declared = Declared {
            events: keys(root.get("events").map(|v| v.get_ref())),
            messages: keys(root.get("messages").map(|v| v.get_ref())),
            attributes: keys(root.get("profile").map(|v| v.get_ref())),
            event_fields: HashMap::new(),
        };
        if let Some(DeValue::Table(events)) = root.get("events").map(|v| v.get_ref()) {
            for (name, event) in events.iter() {
                if let DeValue::Table(event) = event.get_ref() {
                    let fields = keys(event.get("data").map(|v| v.get_ref()));
                    declared
                        .event_fields
                        .insert(name.get_ref().to_string(), fields);
                }
            }
        }
        declared
    }
}

/// A TOML parser message as a sentence of ours.
fn toml_message(source: &str, message: &str, at: Span) -> String {
    let message = message.trim_end_matches(['\n', '.']);
    if message == "duplicate key" {
        let key = source.get(at.start..at.end).unwrap_or("").trim();
        if !key.is_empty() {
            return format!("duplicate key `{key}`; each name may be declared only once");
        }
    }
    let mut chars = message.chars();
    let lower = match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    };
    format!("invalid TOML: {lower}")
}

fn read(sink: &mut Sink<'_>, root: &DeTable<'_>, files: &mut workflow::Files<'_>) -> Taxonomy {
    let mut taxonomy = Taxonomy::default();
    // Enums first: field types refer to them wherever they are declared.
    if let Some(v) = root.get("enums") {
        taxonomy.enums = fields::read_enums(sink, v);
    }
    let enum_names: Vec<&str> = taxonomy.enums.iter().map(|e| e.name.as_str()).collect();
    let mut profile = Vec::new();
    let mut events = Vec::new();
    for (key, value) in entries(root) {
        match key.get_ref().as_ref() {
            "enums" => {}
            "profile" => {
                if let Some(t) = table(sink, value, "`profile`") {
                    profile = fields::read_fields(sink, t, fields::Owner::Profile, &enum_names);
                }
            }
            "events" => events = fields::read_events(sink, value, &enum_names),
            "campaigns" => taxonomy.campaigns = workflow::read_campaigns(sink, value),
            "messages" => taxonomy.messages = workflow::read_messages(sink, value, files),
            other => {
                let mut hint = hint(other, SECTIONS);
                if hint.is_empty() {
                    hint =
                        "; sections are `enums`, `profile`, `events`, `campaigns` and `messages`"
                            .into();
                }
                sink.error(span(key), format!("unknown section `{other}`{hint}"));
            }
        }
    }
    taxonomy.profile = profile;
    taxonomy.events = events;
    taxonomy
}
