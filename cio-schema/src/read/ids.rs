//! Tables of names with ids, `[segments]` and `[topics]`: `name = ID` or
//! `name = { id = ID, doc = "..." }`, each id positive and used once.

use toml::de::DeValue;

use super::reader::{entries, key_name, kind, span, string, table, unsigned, Value};
use crate::diagnostic::Sink;
use crate::model::Name;

/// The keys of an entry's long form.
const KEYS: [&str; 2] = ["id", "doc"];

/// How one such table is named in its errors.
pub(crate) struct IdTable {
    /// The table, as errors name it: `` `topics` ``.
    pub(crate) section: &'static str,
    /// One entry: `topic`.
    pub(crate) noun: &'static str,
    /// The id the long form's example shows.
    pub(crate) example: u64,
    /// What a second use of an id breaks: `each topic has its own id`.
    pub(crate) unique: &'static str,
}

/// Reads the table `value` as `ids` describes it: each entry's name, id and doc, in
/// order, leaving out (with an error) those without a valid id or with an id taken.
pub(crate) fn read_ids(
    sink: &mut Sink<'_>,
    value: &Value<'_>,
    ids: &IdTable,
) -> Vec<(Name, u64, Option<String>)> {
    let Some(t) = table(sink, value, ids.section) else {
        return Vec::new();
    };
    let mut out: Vec<(Name, u64, Option<String>)> = Vec::new();
    for (key, v) in entries(t) {
        let name = key_name(key);
        let what = format!("{} `{}`", ids.noun, name.value);
        let (id, doc) = match v.get_ref() {
            DeValue::Integer(_) => (positive_id(sink, v, &what), None),
            DeValue::Table(long) => {
                let mut id = None;
                let mut doc = None;
                for (k, v) in entries(long) {
                    match k.get_ref().as_ref() {
                        "id" => id = positive_id(sink, v, &what),
                        "doc" => doc = string(sink, v, &format!("`doc` of {what}")).map(|s| s.text),
                        _ => sink.unknown_key(&key_name(k), &what, &KEYS),
                    }
                }
                if !long.contains_key("id") {
                    sink.error(name.span, format!("{what} has no `id`"));
                }
                (id, doc)
            }
            other => {
                sink.error(
                    span(v),
                    format!(
                        "{what} must be the {}'s id (a positive integer) or `{{ id = {}, doc = \"...\" }}`, found {}",
                        ids.noun,
                        ids.example,
                        kind(other)
                    ),
                );
                (None, None)
            }
        };
        let Some(id) = id else { continue };
        if let Some((first, ..)) = out.iter().find(|(_, taken, _)| *taken == id) {
            sink.error(
                span(v),
                format!(
                    "{what} has the id {id} of {} `{}`; {}",
                    ids.noun, first.value, ids.unique
                ),
            );
            continue;
        }
        out.push((name, id, doc));
    }
    out
}

fn positive_id(sink: &mut Sink<'_>, v: &Value<'_>, what: &str) -> Option<u64> {
    let id = unsigned(v.get_ref()).filter(|n| *n > 0);
    if id.is_none() {
        sink.error(
            span(v),
            format!("the id of {what} must be a positive integer"),
        );
    }
    id
}
