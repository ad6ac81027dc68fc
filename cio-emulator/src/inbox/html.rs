//! The inbox pages, written as HTML strings; everything that comes from a request
//! (identifiers, attributes, event data, rendered messages) is escaped.

use std::fmt::Write as _;

use cio_core::journey::{Channel, Delivery, JourneyStatus, Simulation};
use cio_core::Timestamp;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{Map, Value};

use super::time::{offset, utc};
use crate::record::State;

/// The inbox's only script: reloads the page when the emulator's state changes.
pub(super) const SCRIPT: &str = "(function () {\n  var seen = null;\n  function poll() {\n    \
     fetch('/__version', { cache: 'no-store' })\n      .then(function (r) { return r.text(); })\n      \
     .then(function (v) { if (seen !== null && v !== seen) { location.reload(); } seen = v; })\n      \
     .catch(function () {});\n  }\n  poll();\n  setInterval(poll, 1000);\n})();\n";

const STYLE: &str = "body{font:14px system-ui,sans-serif;margin:0;color:#222}\
header{background:#1f3a5f;color:#fff;padding:.6em 1em;display:flex;gap:1em;align-items:center;flex-wrap:wrap}\
header a{color:#fff}header form{display:inline}main{padding:1em}\
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}\
th{background:#f0f0f0}.subject{font-weight:600}.muted{color:#777}.error{color:#b00020}\
code,pre{font:12px ui-monospace,monospace}pre{white-space:pre-wrap;background:#f7f7f7;padding:.5em;margin:0}\
iframe.body{width:100%;height:22em;border:1px solid #ccc;background:#fff}\
.message{border:1px solid #ddd;border-radius:4px;padding:.6em;margin:0 0 1em}";

/// Escapes text for HTML content and attribute values (quotes included).
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// What a path segment keeps as is: RFC 3986's unreserved characters.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A person's inbox path.
fn person_href(person: &str) -> String {
    format!("/people/{}", utf8_percent_encode(person, SEGMENT))
}

/// A decoded path segment, if it is UTF-8.
pub(super) fn decode(segment: &str) -> Option<String> {
    percent_decode_str(segment)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

/// A decoded query value (`+` is a space), if it is UTF-8.
pub(super) fn decode_query(value: &str) -> Option<String> {
    decode(&value.replace('+', " "))
}

/// Changes whenever something the inbox shows does.
pub(super) fn version(state: &State) -> String {
    let (now, deliveries) = state.journeys.as_ref().map_or((0, 0), |e| {
        (
            e.simulation.now().as_unix(),
            e.simulation.deliveries().len(),
        )
    });
    format!(
        "{now}-{deliveries}-{}-{}-{}",
        state.record.profiles.len(),
        state.record.event_count(),
        state.record.deleted.len()
    )
}

/// Whether the inbox has a page for `person`.
pub(super) fn knows(state: &State, person: &str) -> bool {
    state.record.profiles.contains_key(person)
        || state.record.events.contains_key(person)
        || simulation(state).is_some_and(|s| s.profile(person).is_some())
}

fn simulation(state: &State) -> Option<&Simulation> {
    state.journeys.as_ref().map(|e| &e.simulation)
}

fn layout(title: &str, state: &State, content: &str) -> String {
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{}</title><style>{STYLE}</style><script src=\"/__inbox.js\" defer></script></head>\
         <body><header><strong><a href=\"/\">cio inbox</a></strong>",
        escape(title)
    );
    match simulation(state) {
        Some(sim) => {
            let _ = write!(
                page,
                "<span id=\"clock\">now {}</span>",
                escape(&utc(sim.now()))
            );
            if let Some(due) = sim.next_due() {
                let _ = write!(
                    page,
                    "<span class=\"next\">next step {} ({})</span>",
                    escape(&utc(due)),
                    escape(&offset(sim.now(), due))
                );
            }
            page.push_str("<span>advance:");
            for (label, value) in [
                ("next step", "next"),
                ("5m", "300"),
                ("1h", "3600"),
                ("1d", "86400"),
                ("7d", "604800"),
            ] {
                let _ = write!(
                    page,
                    " <form method=\"post\" action=\"/__clock\"><button name=\"advance\" value=\"{value}\">{label}</button></form>"
                );
            }
            page.push_str("</span>");
        }
        None => page.push_str(
            "<span class=\"muted\">no journeys: start the emulator with \
             Emulator::builder().journeys(...) to run them</span>",
        ),
    }
    let _ = writeln!(page, "</header><main>{content}</main></body></html>");
    page
}

/// A 404 page.
pub(super) fn not_found(what: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head>\
         <body><p>{}. <a href=\"/\">Back to the inbox</a></p></body></html>\n",
        escape(what)
    )
}

fn status(now: Timestamp, status: JourneyStatus) -> String {
    match status {
        JourneyStatus::Waiting { until } => {
            format!("waiting until {} ({})", utc(until), offset(now, until))
        }
        JourneyStatus::Finished { at } => format!("finished {}", utc(at)),
    }
}

/// The people (everyone the emulator received something for) and every message.
pub(super) fn index(state: &State) -> String {
    let sim = simulation(state);
    let mut people: Vec<&str> = state.record.profiles.keys().map(String::as_str).collect();
    for person in state.record.events.keys() {
        if !state.record.profiles.contains_key(person) {
            people.push(person);
        }
    }
    let mut html = String::from("<h2>People</h2>");
    if people.is_empty() {
        html.push_str("<p class=\"muted\" id=\"no-people\">Nobody yet.</p>");
    } else {
        html.push_str(
            "<table id=\"people\"><tr><th>Person</th><th>Email</th><th>Events</th><th>Journeys</th><th>Messages</th></tr>",
        );
        for person in people {
            let email = state
                .record
                .profile(person)
                .and_then(|p| p.get("email"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let events = state.record.events_of(person).len();
            let (journeys, messages) = match sim {
                Some(sim) => (
                    sim.journeys_of(person)
                        .map(|j| {
                            format!(
                                "{}: {}",
                                escape(j.campaign),
                                escape(&status(sim.now(), j.status))
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("<br>"),
                    sim.deliveries_to(person).count(),
                ),
                None => (String::new(), 0),
            };
            let _ = write!(
                html,
                "<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td>{events}</td><td>{journeys}</td><td>{messages}</td></tr>",
                escape(&person_href(person)),
                escape(person),
                escape(email)
            );
        }
        html.push_str("</table>");
    }
    html.push_str("<h2>Messages</h2>");
    let deliveries = sim.map_or(&[][..], Simulation::deliveries);
    if deliveries.is_empty() {
        html.push_str("<p class=\"muted\" id=\"no-messages\">No messages yet.</p>");
    } else {
        html.push_str(
            "<table id=\"messages\"><tr><th>Sent</th><th>To</th><th>Campaign</th><th>Message</th><th>Channel</th><th>Subject</th></tr>",
        );
        for (n, d) in deliveries.iter().enumerate().rev() {
            let _ = write!(
                html,
                "<tr><td>{}</td><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td>\
                 <td><a class=\"subject\" href=\"/messages/{n}\">{}</a>{}</td></tr>",
                escape(&utc(d.time)),
                escape(&person_href(&d.person)),
                escape(&d.person),
                escape(d.campaign),
                escape(d.message),
                d.channel,
                escape(d.subject.as_deref().unwrap_or("(no subject)")),
                if d.error.is_some() {
                    " <span class=\"error\">render error</span>"
                } else {
                    ""
                }
            );
        }
        html.push_str("</table>");
    }
    layout("cio inbox", state, &html)
}

fn json_text(value: &Value) -> String {
    escape(&value.to_string())
}

fn attributes_table(attributes: Option<&Map<String, Value>>) -> String {
    let Some(attributes) = attributes.filter(|a| !a.is_empty()) else {
        return "<p class=\"muted\">No attributes.</p>".to_owned();
    };
    let mut html =
        String::from("<table id=\"attributes\"><tr><th>Attribute</th><th>Value</th></tr>");
    for (name, value) in attributes {
        let _ = write!(
            html,
            "<tr><td>{}</td><td><code>{}</code></td></tr>",
            escape(name),
            json_text(value)
        );
    }
    html.push_str("</table>");
    html
}

/// A delivered message, rendered: an email body as HTML in a sandboxed `srcdoc`
/// iframe (no script, no plugin, no navigation, an opaque origin), any other body as
/// escaped text.
pub(super) fn rendered(n: usize, d: &Delivery) -> String {
    let mut html = String::new();
    let _ = write!(
        html,
        "<section class=\"message\" id=\"message-{n}\"><h3 class=\"subject\">{}</h3>\
         <p class=\"muted\">{} · {} · {} · {} to <a href=\"{}\">{}</a></p>",
        escape(d.subject.as_deref().unwrap_or("(no subject)")),
        escape(&utc(d.time)),
        escape(d.campaign),
        escape(d.message),
        d.channel,
        escape(&person_href(&d.person)),
        escape(&d.person)
    );
    if let Some(error) = &d.error {
        let _ = write!(
            html,
            "<p class=\"error\">not rendered: {}</p>",
            escape(&error.to_string())
        );
    }
    if d.channel == Channel::Email {
        let _ = write!(
            html,
            "<iframe class=\"body\" sandbox=\"\" referrerpolicy=\"no-referrer\" title=\"{}\" srcdoc=\"{}\"></iframe>",
            escape(d.message),
            escape(&d.body)
        );
    } else {
        let _ = write!(html, "<pre class=\"body\">{}</pre>", escape(&d.body));
    }
    html.push_str("</section>");
    html
}

/// One person: attributes, a timeline of events and messages, journeys, and every
/// message rendered.
pub(super) fn person(state: &State, person: &str) -> String {
    let sim = simulation(state);
    let mut html = format!("<h1 id=\"person\">{}</h1>", escape(person));
    html.push_str("<h2>Attributes</h2>");
    html.push_str(&attributes_table(state.record.profile(person)));

    html.push_str("<h2>Timeline</h2><table id=\"timeline\"><tr><th>When</th><th>What</th><th>Details</th></tr>");
    match sim {
        Some(sim) => {
            let mut rows: Vec<(Timestamp, usize, String)> = Vec::new();
            for event in sim.events_of(person) {
                rows.push((
                    event.time,
                    rows.len(),
                    format!(
                        "<td>event <strong>{}</strong></td><td><code>{}</code></td>",
                        escape(&event.name),
                        json_text(&Value::Object(event.data.clone()))
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
                let _ = write!(
                    html,
                    "<tr><td>{}</td><td>{} <strong>{}</strong></td><td><code>{}</code></td></tr>",
                    escape(&when),
                    escape(&event.kind),
                    escape(&event.name),
                    json_text(&event.data)
                );
            }
        }
    }
    html.push_str("</table>");

    if let Some(sim) = sim {
        html.push_str("<h2>Journeys</h2>");
        let journeys: Vec<_> = sim.journeys_of(person).collect();
        if journeys.is_empty() {
            html.push_str("<p class=\"muted\">In no journey.</p>");
        } else {
            html.push_str("<table id=\"journeys\"><tr><th>Campaign</th><th>Started</th><th>Where it stands</th></tr>");
            for j in journeys {
                let _ = write!(
                    html,
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape(j.campaign),
                    escape(&utc(j.started)),
                    escape(&status(sim.now(), j.status))
                );
            }
            html.push_str("</table>");
        }
        html.push_str("<h2>Messages</h2>");
        let mut any = false;
        for (n, d) in sim.deliveries().iter().enumerate() {
            if d.person == person {
                any = true;
                html.push_str(&rendered(n, d));
            }
        }
        if !any {
            html.push_str("<p class=\"muted\">No messages yet.</p>");
        }
    }
    layout(person, state, &html)
}

/// The `n`th delivery alone, if there is one.
pub(super) fn message(state: &State, n: usize) -> Option<String> {
    let d = simulation(state)?.deliveries().get(n)?;
    let title = d.subject.as_deref().unwrap_or(d.message);
    Some(layout(title, state, &rendered(n, d)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<b onclick="x">Tom & 'Jerry'</b>"#),
            "&lt;b onclick=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn person_paths_round_trip() {
        for id in ["user-1", "jane@example.com", "a/b c?d", "ü"] {
            let href = person_href(id);
            let segment = &href["/people/".len()..];
            assert!(!segment.contains('/'));
            assert_eq!(decode(segment).as_deref(), Some(id));
        }
        assert_eq!(decode_query("a+b%40c").as_deref(), Some("a b@c"));
    }
}
