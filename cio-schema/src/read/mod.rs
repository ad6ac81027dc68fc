//! Reading `events.toml` into the model: the first stage.
//!
//! The TOML is parsed with spans kept (`toml::de::DeTable`), then every section is read
//! into the model, recording every mistake (never stopping at the first). A declaration
//! with an error is left out of the model, and its name is kept in [`Declared`].

mod app;
mod condition;
mod duration;
mod fields;
mod ids;
mod objects;
mod reader;
mod types;
mod workflow;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use crate::diagnostic::Sink;
use crate::model::{AppMessage, AppMessageKind, Declared, ObjectType, Span, Taxonomy};
use crate::suggest::hint;
use reader::{entries, span, table};

const SECTIONS: [&str; 10] = [
    "enums",
    "profile",
    "events",
    "campaigns",
    "messages",
    "transactional",
    "broadcasts",
    "segments",
    "objects",
    "topics",
];

/// The first stage's outcome for a file that is valid TOML.
pub(crate) struct Read {
    /// Every declaration read without error.
    pub(crate) taxonomy: Taxonomy,
    /// Every name declared, with or without error.
    pub(crate) declared: Declared,
    /// A stand-in for each transactional message and broadcast with an error (see
    /// [`app::AppMessages::stand_ins`]).
    pub(crate) stand_ins: Vec<AppMessage>,
    /// A stand-in for each object type with an error in its `type_id` (see
    /// [`objects::Objects::stand_ins`]).
    pub(crate) object_stand_ins: Vec<ObjectType>,
}

/// Reads the text of `sink`'s file, recording errors in `sink`. Template files named
/// by `file = "..."` are read relative to `base_dir` and listed in `files`. `None`
/// when the text is not valid TOML (then nothing else can be read).
pub(crate) fn read(
    sink: &mut Sink<'_>,
    base_dir: Option<&Path>,
    files: &mut Vec<PathBuf>,
) -> Option<Read> {
    let file = sink.file;
    let source = file.text.as_str();
    let (root, toml_errors) = DeTable::parse_recoverable(source);
    if !toml_errors.is_empty() {
        for e in toml_errors {
            let range = e.span().unwrap_or(0..0);
            let at = Span::new(range.start, range.end);
            let message = toml_message(source, e.message(), at);
            sink.error(at, message);
        }
        return None;
    }
    let mut template_files = workflow::Files {
        base_dir,
        read: Vec::new(),
    };
    let mut stand_ins = Vec::new();
    let mut object_stand_ins = Vec::new();
    let taxonomy = read_sections(
        sink,
        root.get_ref(),
        &mut template_files,
        &mut stand_ins,
        &mut object_stand_ins,
    );
    files.append(&mut template_files.read);
    Some(Read {
        taxonomy,
        declared: declared(root.get_ref()),
        stand_ins,
        object_stand_ins,
    })
}

/// Every name `root` declares, whether or not its declaration is valid.
fn declared(root: &DeTable<'_>) -> Declared {
    fn keys(table: Option<&DeValue<'_>>) -> HashSet<String> {
        match table {
            Some(DeValue::Table(t)) => t.keys().map(|k| k.get_ref().to_string()).collect(),
            _ => HashSet::new(),
        }
    }
    let mut declared = Declared {
        enums: keys(root.get("enums").map(|v| v.get_ref())),
        events: keys(root.get("events").map(|v| v.get_ref())),
        messages: keys(root.get("messages").map(|v| v.get_ref())),
        attributes: keys(root.get("profile").map(|v| v.get_ref())),
        event_fields: HashMap::new(),
        objects: keys(root.get("objects").map(|v| v.get_ref())),
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

fn read_sections(
    sink: &mut Sink<'_>,
    root: &DeTable<'_>,
    files: &mut workflow::Files<'_>,
    stand_ins: &mut Vec<AppMessage>,
    object_stand_ins: &mut Vec<ObjectType>,
) -> Taxonomy {
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
            "transactional" => {
                let read = app::read_app_messages(
                    sink,
                    value,
                    AppMessageKind::Transactional,
                    &enum_names,
                    files,
                );
                taxonomy.transactional = read.read;
                stand_ins.extend(read.stand_ins);
            }
            "broadcasts" => {
                let read = app::read_app_messages(
                    sink,
                    value,
                    AppMessageKind::Broadcast,
                    &enum_names,
                    files,
                );
                taxonomy.broadcasts = read.read;
                stand_ins.extend(read.stand_ins);
            }
            "segments" => taxonomy.segments = app::read_segments(sink, value),
            "objects" => {
                let read = objects::read_objects(sink, value, &enum_names);
                taxonomy.objects = read.read;
                object_stand_ins.extend(read.stand_ins);
            }
            "topics" => taxonomy.topics = objects::read_topics(sink, value),
            other => {
                let mut hint = hint(other, SECTIONS);
                if hint.is_empty() {
                    hint =
                        "; sections are `enums`, `profile`, `events`, `campaigns`, `messages`, `transactional`, `broadcasts`, `segments`, `objects` and `topics`"
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
