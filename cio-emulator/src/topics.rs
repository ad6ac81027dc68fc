//! Subscription preferences: `cio_subscription_preferences`, kept nested in the
//! profile as Customer.io keeps it (`{"topics": {"topic_1": true}}`), whether an
//! identify sets it whole or one topic at a time in dot notation
//! (`cio_subscription_preferences.topics.topic_1`).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// The attribute holding a person's subscription preferences.
pub(crate) const PREFERENCES: &str = "cio_subscription_preferences";

/// Rewrites the preferences an identify sets (whole, or by dotted paths under
/// [`PREFERENCES`]) into one nested `cio_subscription_preferences` attribute:
/// `current` (the profile's) with only what the identify names changed. Other
/// attributes are left as they are.
pub(crate) fn nest_preferences(current: Option<&Value>, attributes: &mut Map<String, Value>) {
    let prefix = format!("{PREFERENCES}.");
    let dotted: Vec<String> = attributes
        .keys()
        .filter(|name| name.starts_with(&prefix))
        .cloned()
        .collect();
    let whole = attributes.get(PREFERENCES).is_some_and(Value::is_object);
    if dotted.is_empty() && !whole {
        return;
    }
    let mut preferences = match current {
        Some(Value::Object(map)) => map.clone(),
        _ => Map::new(),
    };
    if let Some(Value::Object(given)) = attributes.remove(PREFERENCES) {
        deep_merge(&mut preferences, given);
    }
    for name in dotted {
        let Some(value) = attributes.remove(&name) else {
            continue;
        };
        let path: Vec<&str> = name[prefix.len()..].split('.').collect();
        set_path(&mut preferences, &path, value);
    }
    attributes.insert(PREFERENCES.to_owned(), Value::Object(preferences));
}

/// Merges `given` into `into`, object by object.
fn deep_merge(into: &mut Map<String, Value>, given: Map<String, Value>) {
    for (name, value) in given {
        match (into.get_mut(&name), value) {
            (Some(Value::Object(old)), Value::Object(new)) => deep_merge(old, new),
            (_, value) => {
                into.insert(name, value);
            }
        }
    }
}

/// Sets `value` at `path` in `map`, making the objects on the way.
fn set_path(map: &mut Map<String, Value>, path: &[&str], value: Value) {
    match path {
        [] => {}
        [last] => {
            map.insert((*last).to_owned(), value);
        }
        [first, rest @ ..] => {
            let next = map
                .entry((*first).to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if !next.is_object() {
                *next = Value::Object(Map::new());
            }
            if let Value::Object(inner) = next {
                set_path(inner, rest, value);
            }
        }
    }
}

/// The topics of a profile's preferences, by topic id: `true` subscribed, `false`
/// unsubscribed (topics not named are left out; keys not `topic_<id>` too).
pub(crate) fn topics(profile: &Map<String, Value>) -> BTreeMap<u64, bool> {
    let Some(Value::Object(topics)) = profile
        .get(PREFERENCES)
        .and_then(|preferences| preferences.get("topics"))
    else {
        return BTreeMap::new();
    };
    topics
        .iter()
        .filter_map(|(name, value)| {
            let id = name.strip_prefix("topic_")?.parse().ok()?;
            Some((id, value.as_bool()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn map(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn a_dotted_topic_changes_only_that_topic() {
        let current = json!({"topics": {"topic_1": true, "topic_2": true}});
        let mut attributes = map(json!({
            "cio_subscription_preferences.topics.topic_2": false,
            "plan": "pro",
        }));
        nest_preferences(Some(&current), &mut attributes);
        assert_eq!(
            Value::Object(attributes.clone()),
            json!({
                "plan": "pro",
                "cio_subscription_preferences": {"topics": {"topic_1": true, "topic_2": false}},
            })
        );
        assert_eq!(topics(&attributes), BTreeMap::from([(1, true), (2, false)]));
    }

    #[test]
    fn a_nested_object_merges_topic_by_topic() {
        let current = json!({"topics": {"topic_1": false}});
        let mut attributes =
            map(json!({"cio_subscription_preferences": {"topics": {"topic_3": true}}}));
        nest_preferences(Some(&current), &mut attributes);
        assert_eq!(
            attributes["cio_subscription_preferences"],
            json!({"topics": {"topic_1": false, "topic_3": true}})
        );
    }

    #[test]
    fn other_attributes_are_left_alone() {
        let mut attributes = map(json!({"plan": "pro"}));
        nest_preferences(None, &mut attributes);
        assert_eq!(Value::Object(attributes), json!({"plan": "pro"}));
    }
}
