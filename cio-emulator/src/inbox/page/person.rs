//! `GET /people/ID`: one person's journeys drawn as flows, attributes, timeline of
//! events and messages, and every message in its three views.

use std::fmt::Write as _;

use cio_core::journey::Simulation;
use cio_core::Timestamp;
use serde_json::{Map, Value};

use super::journey::flow;
use super::message::rendered;
use super::{layout, simulation};
use crate::inbox::fields::{self, event_data, Timestamps};
use crate::inbox::markup::{escape, json_text, person_href};
use crate::inbox::metrics;
use crate::inbox::report;
use crate::inbox::time::utc;
use crate::record::State;

/// Whether the inbox has a page for `person`.
pub(in crate::inbox) fn knows(state: &State, person: &str) -> bool {
    state.record.profiles.contains_key(person)
        || state.record.events.contains_key(person)
        || simulation(state).is_some_and(|s| s.profile(person).is_some())
}

/// The person's page.
pub(in crate::inbox) fn person(state: &State, person: &str) -> String {
    let timestamps = fields::declared(state);
    let sim = simulation(state);
    let profile = state.record.profile(person);
    let email = profile
        .and_then(|p| p.get("email"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut html = format!(
        "<div id=\"person-head\" data-live><h1 id=\"person\">{}</h1><p class=\"muted\" id=\"person-email\">{}</p></div>",
        escape(person),
        escape(email)
    );
    html.push_str(
        "<div class=\"grid\" id=\"person-grid\" data-live><div id=\"person-facts\" data-live>",
    );
    let _ = write!(
        html,
        "<section id=\"attributes-section\"><h2>Attributes</h2>{}</section>",
        attributes_table(profile, &timestamps)
    );
    html.push_str(&super::object::related(state, person));
    let _ = write!(
        html,
        "<section id=\"timeline-section\"><h2>Timeline</h2>{}</section></div>",
        timeline(state, sim, person, &timestamps)
    );
    html.push_str("<section id=\"journeys-section\" data-live><h2>Journeys</h2>");
    match sim {
        Some(sim) => {
            let mut any = false;
            for (k, journey) in sim.journeys_of(person).enumerate() {
                any = true;
                html.push_str(&flow(sim, &journey, k, &timestamps));
            }
            if !any {
                html.push_str("<p class=\"muted\" id=\"no-journeys-of\">In no journey.</p>");
            }
        }
        None => html.push_str("<p class=\"muted\">The emulator runs no journeys.</p>"),
    }
    html.push_str("</section></div>");
    if let Some(sim) = sim {
        html.push_str("<section id=\"messages-section\" data-live><h2>Messages</h2>");
        let mut any = false;
        let back = person_href(person);
        let reporting = report::enabled(state).then_some(back.as_str());
        for (n, d) in sim.deliveries().iter().enumerate().rev() {
            if d.person == person {
                any = true;
                html.push_str(&rendered(
                    n,
                    d,
                    sim.journeys(),
                    &metrics::of(state, n),
                    reporting,
                ));
            }
        }
        if !any {
            html.push_str("<p class=\"muted\" id=\"no-messages\">No messages yet.</p>");
        }
        html.push_str("</section>");
    }
    layout(person, state, "", &html)
}

fn attributes_table(attributes: Option<&Map<String, Value>>, timestamps: &Timestamps) -> String {
    let Some(attributes) = attributes.filter(|a| !a.is_empty()) else {
        return "<p class=\"muted\">No attributes.</p>".to_owned();
    };
    let mut html = String::from(
        "<table id=\"attributes\"><thead><tr><th>Attribute</th><th>Value</th></tr></thead><tbody>",
    );
    for (name, value) in attributes {
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td></tr>",
            escape(name),
            fields::value(value, timestamps.attribute(name))
        );
    }
    html.push_str("</tbody></table>");
    html
}

/// Events and messages in time order (the journeys' clock when there are journeys,
/// else the events' own `timestamp`).
fn timeline(
    state: &State,
    sim: Option<&Simulation>,
    person: &str,
    timestamps: &Timestamps,
) -> String {
    let mut html = String::from(
        "<table id=\"timeline\"><thead><tr><th>When</th><th>What</th><th>Details</th></tr></thead><tbody>",
    );
    match sim {
        Some(sim) => {
            let mut rows: Vec<(Timestamp, usize, String)> = Vec::new();
            for event in sim.events_of(person) {
                rows.push((
                    event.time,
                    rows.len(),
                    format!(
                        "<td>event <strong>{}</strong></td><td>{}</td>",
                        escape(&event.name),
                        event_data(&event.name, &event.data, timestamps)
                    ),
                ));
            }
            for (n, d) in sim.deliveries().iter().enumerate() {
                if d.person == person {
                    rows.push((
                        d.time,
                        rows.len(),
                        format!(
                            "<td>sent {} <strong>{}</strong> ({})</td><td><a class=\"subject\" href=\"/messages/{n}\">{}</a></td>",
                            d.channel,
                            escape(d.message),
                            escape(d.campaign),
                            escape(d.subject.as_deref().unwrap_or("(no subject)"))
                        ),
                    ));
                }
            }
            rows.sort_by_key(|(time, order, _)| (*time, *order));
            for (time, _, row) in rows {
                let _ = write!(html, "<tr><td>{}</td>{row}</tr>", escape(&utc(time)));
            }
        }
        None => {
            for event in state.record.events_of(person) {
                let when = event
                    .timestamp
                    .map_or_else(String::new, |t| utc(Timestamp::from_unix(t)));
                let details = match &event.data {
                    Value::Object(data) => event_data(&event.name, data, timestamps),
                    other => format!("<code>{}</code>", json_text(other)),
                };
                let _ = write!(
                    html,
                    "<tr><td>{}</td><td>{} <strong>{}</strong></td><td>{details}</td></tr>",
                    escape(&when),
                    escape(&event.kind),
                    escape(&event.name)
                );
            }
        }
    }
    html.push_str("</tbody></table>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn attributes_are_escaped_and_timestamps_dated() {
        let attributes = json!({"<b>name</b>": "<script>alert(1)</script>", "created_at": 0});
        let none = Map::new();
        let attributes = attributes.as_object().unwrap_or(&none);
        let html = attributes_table(
            Some(attributes),
            &Timestamps::from_paths(["customer.created_at"]),
        );
        assert!(!html.contains("<script") && !html.contains("<b>"), "{html}");
        assert!(html.contains("&lt;b&gt;name&lt;/b&gt;"), "{html}");
        assert!(
            html.contains("1970-01-01 00:00:00 UTC</time> <code class=\"raw\">0</code>"),
            "{html}"
        );
        assert_eq!(
            attributes_table(None, &Timestamps::default()),
            "<p class=\"muted\">No attributes.</p>"
        );
    }

    #[test]
    fn a_persons_page_escapes_what_the_person_sent() {
        let mut state = State::default();
        let hostile = "\"><script>alert(1)</script>";
        let mut profile = Map::new();
        profile.insert("email".to_owned(), json!(hostile));
        profile.insert(hostile.to_owned(), json!(hostile));
        state.record.profiles.insert(hostile.to_owned(), profile);
        let page = person(&state, hostile);
        assert_eq!(page.matches("<script").count(), 1, "{page}");
        assert!(knows(&state, hostile));
        assert!(!knows(&state, "nobody"));
    }
}
