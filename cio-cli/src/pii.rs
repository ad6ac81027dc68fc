//! The fields `events.toml` marks `pii = true`, masked in what `cio-cli emulator` prints.

use std::collections::{BTreeMap, BTreeSet};

use cio_schema::{Field, Taxonomy};
use serde_json::{Map, Value};

/// What a masked value prints as.
pub(crate) const REDACTED: &str = "<redacted>";

/// The personal-data fields of a taxonomy: profile attributes, and data fields per
/// event.
#[derive(Default)]
pub(crate) struct Pii {
    profile: BTreeSet<String>,
    events: BTreeMap<String, BTreeSet<String>>,
}

impl Pii {
    /// The `pii = true` fields of `taxonomy`.
    pub(crate) fn of(taxonomy: &Taxonomy) -> Pii {
        let names = |fields: &[Field]| -> BTreeSet<String> {
            fields
                .iter()
                .filter(|f| f.pii)
                .map(|f| f.name.value.clone())
                .collect()
        };
        Pii {
            profile: names(&taxonomy.profile),
            events: taxonomy
                .events
                .iter()
                .map(|e| (e.name.value.clone(), names(&e.data)))
                .filter(|(_, fields)| !fields.is_empty())
                .collect(),
        }
    }

    /// `attributes` with the value of each personal-data attribute masked; the
    /// values masked are added to `found`.
    pub(crate) fn profile(
        &self,
        attributes: &Map<String, Value>,
        found: &mut Vec<String>,
    ) -> Value {
        mask(attributes, &self.profile, found)
    }

    /// The data of event `name` with each personal-data field masked (data that is
    /// not an object, or of an undeclared event, is shown as it is); the values
    /// masked are added to `found`.
    pub(crate) fn event(&self, name: &str, data: &Value, found: &mut Vec<String>) -> Value {
        match (self.events.get(name), data) {
            (Some(fields), Value::Object(map)) => mask(map, fields, found),
            _ => data.clone(),
        }
    }
}

fn mask(map: &Map<String, Value>, fields: &BTreeSet<String>, found: &mut Vec<String>) -> Value {
    let masked = map
        .iter()
        .map(|(key, value)| {
            if fields.contains(key) && !value.is_null() {
                match value {
                    Value::String(text) if !found.contains(text) => found.push(text.clone()),
                    _ => {}
                }
                (key.clone(), Value::String(REDACTED.to_owned()))
            } else {
                (key.clone(), value.clone())
            }
        })
        .collect();
    Value::Object(masked)
}

/// `text` with each of `values` (personal data seen for its person) masked.
pub(crate) fn scrub(text: &str, values: &[String]) -> String {
    let mut values: Vec<&String> = values.iter().filter(|v| !v.trim().is_empty()).collect();
    // The longest first, so that a value inside another is not masked in part.
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    values.into_iter().fold(text.to_owned(), |text, value| {
        text.replace(value.as_str(), REDACTED)
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    const SRC: &str = r#"
[profile]
email = { type = "email", pii = true }
plan = "string"

[events.cancelled]
data = { reason = { type = "string", pii = true }, plan = "string" }
"#;

    #[test]
    fn declared_personal_data_is_masked() {
        let pii = Pii::of(&cio_schema::parse_str(SRC, "events.toml", None).unwrap());
        let mut found = Vec::new();
        let profile = json!({"email": "jane@example.com", "plan": "pro", "nickname": "JJ"});
        assert_eq!(
            pii.profile(profile.as_object().unwrap(), &mut found),
            json!({"email": REDACTED, "plan": "pro", "nickname": "JJ"})
        );
        let data = json!({"reason": "moving abroad", "plan": "pro"});
        assert_eq!(
            pii.event("cancelled", &data, &mut found),
            json!({"reason": REDACTED, "plan": "pro"})
        );
        assert_eq!(pii.event("other", &data, &mut found), data);
        assert_eq!(found, ["jane@example.com", "moving abroad"]);
        assert_eq!(
            scrub("Bye jane@example.com: moving abroad", &found),
            "Bye <redacted>: <redacted>"
        );
    }
}
