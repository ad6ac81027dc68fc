//! `GET /objects/TYPE_ID/ID`: an object's attributes and the people related to it;
//! and, on a person's page, the objects they are related to and their subscription
//! topics.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::layout;
use crate::inbox::markup::{escape, json_text, person_href, segment};
use crate::objects::ObjectKey;
use crate::record::State;

/// An object's inbox path.
fn object_href(object: &ObjectKey) -> String {
    format!(
        "/objects/{}/{}",
        segment(&object.type_id),
        segment(&object.id)
    )
}

/// `company acme` when the object type's name is known, else `object 1:acme`.
fn title(state: &State, object: &ObjectKey) -> String {
    match state
        .journeys
        .as_ref()
        .and_then(|engine| engine.type_name(&object.type_id))
    {
        Some(name) => format!("{name} {}", object.id),
        None => format!("object {object}"),
    }
}

/// `{"a":1}` as escaped text, or `—` when empty.
fn attributes_text(attributes: &Map<String, Value>) -> String {
    if attributes.is_empty() {
        "—".to_owned()
    } else {
        json_text(&Value::Object(attributes.clone()))
    }
}

/// The object's page, or `None` when the emulator knows no such object.
pub(in crate::inbox) fn object(state: &State, type_id: &str, id: &str) -> Option<String> {
    let key = ObjectKey::new(type_id, id);
    let record = &state.record;
    let attributes = record.object_attributes.get(&key)?;
    let title = title(state, &key);
    let mut html = format!(
        "<div id=\"object-head\" data-live><h1 id=\"object\">{}</h1>\
         <p class=\"muted\" id=\"object-key\">object_type_id {} · object_id {}</p></div>",
        escape(&title),
        escape(type_id),
        escape(id)
    );
    html.push_str("<section id=\"object-attributes-section\" data-live><h2>Attributes</h2>");
    if attributes.is_empty() {
        html.push_str("<p class=\"muted\">No attributes.</p>");
    } else {
        html.push_str(
            "<table id=\"object-attributes\"><thead><tr><th>Attribute</th><th>Value</th></tr></thead><tbody>",
        );
        for (name, value) in attributes {
            let _ = write!(
                html,
                "<tr><td>{}</td><td>{}</td></tr>",
                escape(name),
                json_text(value)
            );
        }
        html.push_str("</tbody></table>");
    }
    html.push_str("</section><section id=\"object-people-section\" data-live><h2>People</h2>");
    let mut people = record.people_of(&key).peekable();
    if people.peek().is_none() {
        html.push_str("<p class=\"muted\" id=\"no-people\">Nobody is related to it.</p>");
    } else {
        html.push_str(
            "<table id=\"object-people\"><thead><tr><th>Person</th><th>Relationship</th></tr></thead><tbody>",
        );
        for (person, relationship) in people {
            let _ = write!(
                html,
                "<tr><td><a href=\"{}\">{}</a></td><td>{}</td></tr>",
                escape(&person_href(person)),
                escape(person),
                attributes_text(relationship)
            );
        }
        html.push_str("</tbody></table>");
    }
    html.push_str("</section>");
    Some(layout(&title, state, "", &html))
}

/// A person's objects (linked to their pages, with the relationship's attributes)
/// and subscription topics, for their page; empty when they have neither.
pub(in crate::inbox) fn related(state: &State, person: &str) -> String {
    let record = &state.record;
    let mut html = String::new();
    let mut objects = record.relationships_of(person).peekable();
    if objects.peek().is_some() {
        html.push_str("<section id=\"objects-section\"><h2>Objects</h2><ul id=\"objects\">");
        for (object, relationship) in objects {
            let _ = write!(
                html,
                "<li><a href=\"{}\">{}</a> <span class=\"muted\">{}</span></li>",
                escape(&object_href(object)),
                escape(&title(state, object)),
                attributes_text(relationship)
            );
        }
        html.push_str("</ul></section>");
    }
    let topics = record.topics_of(person);
    if !topics.is_empty() {
        html.push_str(
            "<section id=\"topics-section\"><h2>Subscription topics</h2><ul id=\"topics\">",
        );
        for (id, subscribed) in topics {
            let (class, word) = if subscribed {
                ("subscribed", "subscribed")
            } else {
                ("unsubscribed", "unsubscribed")
            };
            let name = match state.topics.iter().find(|(_, known)| *known == id) {
                Some((name, _)) => format!("{} (topic {id})", escape(name)),
                None => format!("topic {id}"),
            };
            let _ = write!(
                html,
                "<li class=\"{class}\" id=\"topic-{id}\">{name}: {word}</li>"
            );
        }
        html.push_str("</ul></section>");
    }
    html
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;
    use crate::objects::Related;

    fn map(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn an_objects_page_lists_its_people_escaped() {
        let mut state = State::default();
        let key = ObjectKey::new("1", "<acme>");
        state.upsert_object(&key, map(json!({"name": "<b>Acme</b>"})));
        let related = Related {
            object: key,
            attributes: map(json!({"role": "<i>admin</i>"})),
        };
        state.relate("<script>x</script>", related);
        let page = object(&state, "1", "<acme>").unwrap();
        assert!(page.contains("object 1:&lt;acme&gt;"), "{page}");
        assert!(page.contains("&lt;b&gt;Acme&lt;/b&gt;"), "{page}");
        assert!(page.contains("&lt;i&gt;admin&lt;/i&gt;"), "{page}");
        assert!(
            page.contains("/people/%3Cscript%3Ex%3C%2Fscript%3E"),
            "{page}"
        );
        assert!(!page.contains("<script>x"), "{page}");
        assert!(object(&state, "1", "other").is_none());
    }

    #[test]
    fn a_persons_objects_and_unsubscribed_topics_are_listed() {
        let mut state = State::default();
        let key = ObjectKey::new("1", "acme");
        state.relate(
            "ana",
            Related {
                object: key,
                attributes: Map::new(),
            },
        );
        let prefs = map(json!({"cio_subscription_preferences.topics.topic_2": false}));
        state.identify("ana", prefs, None);
        let html = related(&state, "ana");
        assert!(html.contains("href=\"/objects/1/acme\""), "{html}");
        assert!(
            html.contains("<li class=\"unsubscribed\" id=\"topic-2\">topic 2: unsubscribed</li>"),
            "{html}"
        );
        assert_eq!(related(&state, "bo"), "");
        state.topics = &[("product_updates", 1), ("newsletter", 2)];
        let named = related(&state, "ana");
        assert!(
            named.contains(
                "<li class=\"unsubscribed\" id=\"topic-2\">newsletter (topic 2): unsubscribed</li>"
            ),
            "{named}"
        );
    }
}
