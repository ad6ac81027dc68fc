//! The `[[steps]]` of a scenario: each `identify`, `track`, `object`, `relate` or
//! `advance`, with its optional `at`, checked against the taxonomy and the
//! scenario's people.

use cio_schema::Taxonomy;
use serde_json::Map;
use toml::de::{DeTable, DeValue};

use super::scenario::{entries, span, Action, Errors, Item};
use super::time;
use super::values::{self, hint, kind};

/// The keys each kind of step may have.
const IDENTIFY_KEYS: [&str; 3] = ["identify", "attributes", "at"];
const TRACK_KEYS: [&str; 4] = ["track", "person", "data", "at"];
const ADVANCE_KEYS: [&str; 1] = ["advance"];
const OBJECT_KEYS: [&str; 4] = ["object", "id", "attributes", "at"];
const RELATE_KEYS: [&str; 5] = ["relate", "to", "id", "relationship", "at"];
const KINDS: [&str; 5] = ["identify", "track", "advance", "object", "relate"];

/// `an` before `identify` and `object`, `a` before the others.
fn article(kind: &str) -> &'static str {
    if kind.starts_with('i') || kind.starts_with('o') {
        "an"
    } else {
        "a"
    }
}

/// Reads steps in order, keeping the time they happen at.
pub(crate) struct StepReader<'a> {
    /// The taxonomy the names and values are checked against.
    pub(crate) taxonomy: &'a Taxonomy,
    /// The ids of `[people]`.
    pub(crate) people: &'a [&'a str],
    /// Where the clock starts (Unix seconds).
    pub(crate) start: i64,
    /// Seconds since the start, after the steps read so far.
    pub(crate) clock: u64,
}

impl StepReader<'_> {
    /// The actions of one `[[steps]]` table (an `at` and what happens then).
    pub(crate) fn step(&mut self, errors: &mut Errors<'_>, item: &Item<'_>) -> Option<Vec<Action>> {
        let DeValue::Table(table) = item.get_ref() else {
            errors.error(
                span(item),
                format!(
                    "a step must be a table (`[[steps]]`), found {}",
                    kind(item.get_ref())
                ),
            );
            return None;
        };
        let fields = entries(table);
        let kinds: Vec<_> = fields
            .iter()
            .filter(|(k, _)| KINDS.contains(&k.get_ref().as_ref()))
            .collect();
        let (kind_key, kind_value) = match kinds.as_slice() {
            [one] => **one,
            [] => {
                let at = fields.first().map_or(span(item), |(k, _)| span(k));
                errors.error(
                    at,
                    "a step needs one of `identify = \"PERSON\"`, `track = \"EVENT\"`, `object = \"OBJECT_TYPE\"`, `relate = \"PERSON\"` or `advance = \"DURATION\"`",
                );
                return None;
            }
            [_, second, ..] => {
                errors.error(
                    errors.key_span(second.0),
                    format!(
                        "a step does one thing: `{}` and `{}` go in separate `[[steps]]`",
                        kinds[0].0.get_ref(),
                        second.0.get_ref()
                    ),
                );
                return None;
            }
        };
        let kind = kind_key.get_ref().as_ref();
        let allowed: &[&str] = match kind {
            "identify" => &IDENTIFY_KEYS,
            "track" => &TRACK_KEYS,
            "object" => &OBJECT_KEYS,
            "relate" => &RELATE_KEYS,
            _ => &ADVANCE_KEYS,
        };
        let mut ok = true;
        let get = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k.get_ref() == name)
                .map(|e| e.1)
        };
        for (key, _) in &fields {
            let name = key.get_ref().as_ref();
            if !allowed.contains(&name) {
                let hint = hint(name, allowed.iter().copied());
                errors.error(
                    errors.key_span(key),
                    format!(
                        "unknown key `{name}` in {} `{kind}` step{hint}",
                        article(kind)
                    ),
                );
                ok = false;
            }
        }
        let mut actions = Vec::new();
        if let Some(at) = get("at").filter(|_| kind != "advance") {
            match self.at(errors, at) {
                Some(until) => actions.push(Action::Until(until)),
                None => ok = false,
            }
        }
        let action = match kind {
            "identify" => {
                let person = self.person(errors, kind_value);
                let attributes = match get("attributes") {
                    Some(value) => {
                        let table = self.table(errors, value, "`attributes`")?;
                        let owner = "the profile".to_owned();
                        values::fields(
                            errors,
                            self.taxonomy,
                            Some(table),
                            span(value),
                            &self.taxonomy.profile,
                            (&owner, "attribute"),
                            false,
                        )
                    }
                    None => Map::new(),
                };
                Action::Identify {
                    person: person?,
                    attributes,
                }
            }
            "track" => {
                let event = self.event(errors, kind_value);
                let person = match get("person") {
                    Some(value) => self.person(errors, value),
                    None => {
                        errors.error(
                            errors.key_span(kind_key),
                            "a `track` step needs `person = \"ID\"`: who performs the event",
                        );
                        None
                    }
                };
                let data_value = get("data");
                let table = match data_value {
                    Some(value) => Some(self.table(errors, value, "`data`")?),
                    None => None,
                };
                let event = event?;
                let declared = self.taxonomy.event(&event).map_or(&[][..], |e| &e.data);
                let at = data_value.map_or_else(|| errors.content_span(kind_value), span);
                let owner = format!("event `{event}`");
                let data = values::fields(
                    errors,
                    self.taxonomy,
                    table,
                    at,
                    declared,
                    (&owner, "field"),
                    true,
                );
                Action::Track {
                    person: person?,
                    event,
                    data,
                }
            }
            "object" => {
                let object = self.object_type(errors, kind_value);
                let id = self.object_id(errors, kind_key, get("id"), "object");
                let (object, id) = (object?, id?);
                let declared = self.declared(&object, false);
                let owner = format!("object type `{object}`");
                let attributes = self.fields(
                    errors,
                    get("attributes"),
                    kind_value,
                    declared,
                    &owner,
                    "`attributes`",
                )?;
                Action::Object {
                    object_type: object,
                    id,
                    attributes,
                }
            }
            "relate" => {
                let person = self.person(errors, kind_value);
                let object = match get("to") {
                    Some(value) => self.object_type(errors, value),
                    None => {
                        errors.error(
                            errors.key_span(kind_key),
                            "a `relate` step needs `to = \"OBJECT_TYPE\"` and `id = \"ID\"`: the object the person is related to",
                        );
                        None
                    }
                };
                let id = self.object_id(errors, kind_key, get("id"), "relate");
                let (person, object, id) = (person?, object?, id?);
                let declared = self.declared(&object, true);
                let owner = format!("the relationship to a `{object}`");
                let relationship = self.fields(
                    errors,
                    get("relationship"),
                    kind_value,
                    declared,
                    &owner,
                    "`relationship`",
                )?;
                Action::Relate {
                    person,
                    object_type: object,
                    id,
                    relationship,
                }
            }
            _ => {
                let seconds = self.duration(errors, kind_value, "`advance`")?;
                self.clock = self.clock.saturating_add(seconds);
                Action::Advance(seconds)
            }
        };
        actions.push(action);
        ok.then_some(actions)
    }

    /// `at = "1h"`: Unix seconds of that time, never before the previous steps.
    fn at(&mut self, errors: &mut Errors<'_>, value: &Item<'_>) -> Option<i64> {
        let seconds = self.duration(errors, value, "`at`")?;
        if seconds < self.clock {
            errors.error(
                errors.content_span(value),
                format!(
                    "`at` is {}, before the time the previous steps reach ({}); steps run in order",
                    time::offset(i64::try_from(seconds).unwrap_or(i64::MAX)),
                    time::offset(i64::try_from(self.clock).unwrap_or(i64::MAX))
                ),
            );
            return None;
        }
        self.clock = seconds;
        Some(
            self.start
                .saturating_add(i64::try_from(seconds).unwrap_or(i64::MAX)),
        )
    }

    /// A duration string, in seconds.
    fn duration(&self, errors: &mut Errors<'_>, value: &Item<'_>, what: &str) -> Option<u64> {
        let DeValue::String(text) = value.get_ref() else {
            errors.error(
                span(value),
                format!(
                    "{what} must be a duration such as \"5m\", found {}",
                    kind(value.get_ref())
                ),
            );
            return None;
        };
        match time::parse_duration(text) {
            Ok(seconds) => Some(seconds),
            Err(why) => {
                errors.error(
                    errors.content_span(value),
                    format!("invalid duration `{text}` in {what}: {why}"),
                );
                None
            }
        }
    }

    /// A person named in a step: one of `[people]`.
    fn person(&self, errors: &mut Errors<'_>, value: &Item<'_>) -> Option<String> {
        let id = self.string(errors, value, "a person")?;
        if self.people.contains(&id.as_str()) {
            return Some(id);
        }
        let hint = hint(&id, self.people.iter().copied());
        let advice = if hint.is_empty() {
            format!("; declare it as `[people.{id}]`")
        } else {
            hint
        };
        errors.error(
            errors.content_span(value),
            format!("unknown person `{id}`{advice}"),
        );
        None
    }

    /// An object type named by `object` or `to`: one of `[objects]`.
    fn object_type(&self, errors: &mut Errors<'_>, value: &Item<'_>) -> Option<String> {
        let name = self.string(errors, value, "an object type")?;
        if self.taxonomy.object(&name).is_some() {
            return Some(name);
        }
        let names = self.taxonomy.objects.iter().map(|o| o.name.value.as_str());
        let hint = hint(&name, names);
        let advice = if hint.is_empty() {
            format!("; declare it as `[objects.{name}]` in events.toml")
        } else {
            hint
        };
        errors.error(
            errors.content_span(value),
            format!("unknown object type `{name}`{advice}"),
        );
        None
    }

    /// The `id = "..."` of an `object` or `relate` step: a string that is not empty.
    fn object_id(
        &self,
        errors: &mut Errors<'_>,
        kind_key: &super::scenario::Key<'_>,
        value: Option<&Item<'_>>,
        kind: &str,
    ) -> Option<String> {
        let Some(value) = value else {
            errors.error(
                errors.key_span(kind_key),
                format!(
                    "{} `{kind}` step needs `id = \"ID\"`: the object's id",
                    article(kind)
                ),
            );
            return None;
        };
        let id = self.string(errors, value, "`id`")?;
        if id.is_empty() {
            errors.error(span(value), "`id` must not be empty");
            return None;
        }
        Some(id)
    }

    /// The attributes (or, with `relationship`, the relationship's) that the object
    /// type `object` declares.
    fn declared(&self, object: &str, relationship: bool) -> &[cio_schema::Field] {
        self.taxonomy.object(object).map_or(&[][..], |o| {
            if relationship {
                &o.relationship
            } else {
                &o.attributes
            }
        })
    }

    /// The values of a table (`attributes`, `relationship`) checked against
    /// `declared`: every field without `?` required, no other field.
    fn fields(
        &self,
        errors: &mut Errors<'_>,
        value: Option<&Item<'_>>,
        kind_value: &Item<'_>,
        declared: &[cio_schema::Field],
        owner: &str,
        what: &str,
    ) -> Option<Map<String, serde_json::Value>> {
        let table = match value {
            Some(value) => Some(self.table(errors, value, what)?),
            None => None,
        };
        let at = value.map_or_else(|| errors.content_span(kind_value), span);
        Some(values::fields(
            errors,
            self.taxonomy,
            table,
            at,
            declared,
            (owner, "attribute"),
            true,
        ))
    }

    /// An event named by `track`: one the taxonomy declares.
    fn event(&self, errors: &mut Errors<'_>, value: &Item<'_>) -> Option<String> {
        let name = self.string(errors, value, "`track`")?;
        if self.taxonomy.event(&name).is_some() {
            return Some(name);
        }
        let names = self.taxonomy.events.iter().map(|e| e.name.value.as_str());
        let hint = hint(&name, names);
        errors.error(
            errors.content_span(value),
            format!("unknown event `{name}`{hint}"),
        );
        None
    }

    fn string(&self, errors: &mut Errors<'_>, value: &Item<'_>, what: &str) -> Option<String> {
        match value.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            other => {
                errors.error(
                    span(value),
                    format!("{what} must be a string, found {}", kind(other)),
                );
                None
            }
        }
    }

    fn table<'a, 'i>(
        &self,
        errors: &mut Errors<'_>,
        value: &'a Item<'i>,
        what: &str,
    ) -> Option<&'a DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(t) => Some(t),
            other => {
                errors.error(
                    span(value),
                    format!("{what} must be a table, found {}", kind(other)),
                );
                None
            }
        }
    }
}
