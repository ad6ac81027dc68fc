//! `[objects.*]` and `[topics]`: the object types people are related to (with the
//! attributes of an object and of a relationship), and the subscription-center
//! topics.

use toml::de::DeValue;

use super::fields::{read_fields, Owner};
use super::ids::{read_ids, IdTable};
use super::reader::{entries, key_name, kind, named_tables, span, string, table, unsigned, Value};
use crate::diagnostic::Sink;
use crate::model::{ObjectType, Span, TopicDef};

const OBJECT_KEYS: [&str; 4] = ["type_id", "doc", "attributes", "relationship"];

/// What `[objects]` declares.
#[derive(Debug, Default)]
pub(crate) struct Objects {
    /// The object types read without error.
    pub(crate) read: Vec<ObjectType>,
    /// A stand-in for each object type whose `type_id` has an error (missing, not a
    /// positive integer, or another type's): its name and the attributes that could
    /// be read, with its type id or (when it has none) 0. Only for generating code
    /// that keeps the error from cascading.
    pub(crate) stand_ins: Vec<ObjectType>,
}

/// Reads `[objects]`.
pub(crate) fn read_objects(sink: &mut Sink<'_>, value: &Value<'_>, enums: &[&str]) -> Objects {
    let mut out = Objects::default();
    for (name, what, t) in named_tables(sink, value, "objects", "object type") {
        let mut object = ObjectType {
            name: name.clone(),
            type_id: 0,
            type_id_span: name.span,
            doc: None,
            attributes: Vec::new(),
            relationship: Vec::new(),
        };
        let mut type_id = None;
        let mut type_id_given = false;
        for (k, v) in entries(t) {
            match k.get_ref().as_ref() {
                "type_id" => {
                    type_id_given = true;
                    type_id = read_type_id(sink, v, &what);
                }
                "doc" => object.doc = string(sink, v, &format!("`doc` of {what}")).map(|s| s.text),
                "attributes" => {
                    if let Some(fields) = table(sink, v, &format!("`attributes` of {what}")) {
                        object.attributes =
                            read_fields(sink, fields, Owner::Object(&name.value), enums);
                    }
                }
                "relationship" => {
                    if let Some(fields) = table(sink, v, &format!("`relationship` of {what}")) {
                        object.relationship =
                            read_fields(sink, fields, Owner::Relationship(&name.value), enums);
                    }
                }
                _ => sink.unknown_key(&key_name(k), &what, &OBJECT_KEYS),
            }
        }
        if name.value == "relationship" {
            sink.error(
                name.span,
                "an object type cannot be named `relationship`: Liquid reads the attributes of a relationship as `trigger.relationship.*`; choose another name",
            );
        }
        if !type_id_given {
            sink.error(
                name.span,
                format!("{what} has no `type_id`: give its object_type_id in Customer.io"),
            );
        }
        let Some((id, at)) = type_id else {
            out.stand_ins.push(object);
            continue;
        };
        object.type_id = id;
        object.type_id_span = at;
        if let Some(first) = out.read.iter().find(|o| o.type_id == id) {
            sink.error(
                at,
                format!(
                    "{what} has the type_id {id} of object type `{}`; each object type has its own type_id",
                    first.name.value
                ),
            );
            out.stand_ins.push(object);
            continue;
        }
        out.read.push(object);
    }
    out
}

/// An object type's `type_id`: a positive integer.
fn read_type_id(sink: &mut Sink<'_>, v: &Value<'_>, what: &str) -> Option<(u64, Span)> {
    let id = match v.get_ref() {
        DeValue::Integer(_) => unsigned(v.get_ref()).filter(|n| *n > 0),
        other => {
            sink.error(
                span(v),
                format!(
                    "`type_id` of {what} must be its object_type_id in Customer.io, a positive integer, found {}",
                    kind(other)
                ),
            );
            return None;
        }
    };
    if id.is_none() {
        sink.error(
            span(v),
            format!("`type_id` of {what} must be a positive integer"),
        );
    }
    id.map(|id| (id, span(v)))
}

/// Reads `[topics]`: `name = 1` or `name = { id = 1, doc = "..." }`.
pub(crate) fn read_topics(sink: &mut Sink<'_>, value: &Value<'_>) -> Vec<TopicDef> {
    let topics = IdTable {
        section: "`topics`",
        noun: "topic",
        example: 1,
        unique: "each topic has its own id",
    };
    read_ids(sink, value, &topics)
        .into_iter()
        .map(|(name, id, doc)| TopicDef { name, id, doc })
        .collect()
}
