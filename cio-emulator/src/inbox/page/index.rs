//! `GET /` (`?q=` searches): the people, with where their journeys stand, and every
//! message, newest first.

use std::fmt::Write as _;

use serde_json::Value;

use super::{layout, simulation, status, status_class};
use crate::inbox::markup::{escape, person_href, segment};
use crate::inbox::time::utc;
use crate::record::State;

/// A person's email address, if their profile has one.
fn email_of<'a>(state: &'a State, person: &str) -> &'a str {
    state
        .record
        .profile(person)
        .and_then(|p| p.get("email"))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// What the search matches against: the identifier and the email, lower case.
fn haystack(person: &str, email: &str) -> String {
    format!("{person} {email}").to_lowercase()
}

/// Whether `haystack` holds every word of `query` (case-insensitive).
fn matches(query: &str, haystack: &str) -> bool {
    query
        .to_lowercase()
        .split_whitespace()
        .all(|word| haystack.contains(word))
}

/// Everyone the emulator received something for: profiles, then people with
/// events only.
fn people(state: &State) -> Vec<&str> {
    let record = &state.record;
    let mut people: Vec<&str> = record.profiles.keys().map(String::as_str).collect();
    people.extend(
        record
            .events
            .keys()
            .filter(|p| !record.profiles.contains_key(*p))
            .map(String::as_str),
    );
    people
}

/// The index page, the people and messages narrowed to those `query` matches.
pub(in crate::inbox) fn index(state: &State, query: &str) -> String {
    let mut html = people_section(state, query);
    html.push_str(&messages_section(state, query));
    layout("cio inbox", state, query, &html)
}

fn people_section(state: &State, query: &str) -> String {
    let sim = simulation(state);
    let everyone = people(state);
    let mut html = format!(
        "<section id=\"people-section\" data-live><h2 id=\"people-title\">People \
         <span class=\"muted\">({})</span></h2>",
        everyone.len()
    );
    if everyone.is_empty() {
        html.push_str("<p class=\"muted\" id=\"no-people\">Nobody yet.</p></section>");
        return html;
    }
    html.push_str(
        "<table id=\"people\" data-live><thead><tr><th>Person</th><th>Email</th><th>Journeys</th>\
         <th>Events</th><th>Messages</th></tr></thead><tbody id=\"people-rows\" data-live>",
    );
    let mut shown = 0;
    for person in everyone {
        let email = email_of(state, person);
        let search = haystack(person, email);
        if !matches(query, &search) {
            continue;
        }
        shown += 1;
        let mut journeys = String::new();
        let mut messages = 0;
        if let Some(sim) = sim {
            for j in sim.journeys_of(person) {
                let _ = write!(
                    journeys,
                    "<div class=\"journey-line\">{}: <span class=\"chip {}\">{}</span></div>",
                    escape(j.campaign),
                    status_class(j.status),
                    escape(&status(sim.now(), j.status))
                );
            }
            messages = sim.deliveries_to(person).count();
        }
        let _ = write!(
            html,
            "<tr id=\"person-{}\" data-search=\"{}\"><td><a href=\"{}\">{}</a></td><td>{}</td>\
             <td class=\"journeys-cell\">{journeys}</td><td>{}</td><td>{messages}</td></tr>",
            escape(&segment(person)),
            escape(&search),
            escape(&person_href(person)),
            escape(person),
            escape(email),
            state.record.events_of(person).len()
        );
    }
    let _ = write!(
        html,
        "</tbody></table><p class=\"muted\" id=\"no-match\"{}>Nobody matches the search.</p></section>",
        if shown == 0 { "" } else { " hidden" }
    );
    html
}

fn messages_section(state: &State, query: &str) -> String {
    let mut html = String::from("<section id=\"messages-section\" data-live><h2>Messages</h2>");
    let deliveries = simulation(state).map_or(&[][..], |s| s.deliveries());
    if deliveries.is_empty() {
        html.push_str("<p class=\"muted\" id=\"no-messages\">No messages yet.</p></section>");
        return html;
    }
    html.push_str(
        "<table id=\"messages\" data-live><thead><tr><th>Sent</th><th>To</th><th>Campaign</th>\
         <th>Message</th><th>Channel</th><th>Subject</th></tr></thead><tbody id=\"message-rows\" data-live>",
    );
    for (n, d) in deliveries.iter().enumerate().rev() {
        let search = haystack(&d.person, email_of(state, &d.person));
        if !matches(query, &search) {
            continue;
        }
        let _ = write!(
            html,
            "<tr id=\"row-message-{n}\" data-search=\"{}\"><td>{}</td><td><a href=\"{}\">{}</a></td>\
             <td>{}</td><td>{}</td><td>{}</td><td><a class=\"subject\" href=\"/messages/{n}\">{}</a>{}</td></tr>",
            escape(&search),
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
    html.push_str("</tbody></table></section>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn state_with(people: &[(&str, Value)]) -> State {
        let mut state = State::default();
        for (id, profile) in people {
            if let Value::Object(map) = profile {
                state.record.profiles.insert((*id).to_owned(), map.clone());
            }
        }
        state
    }

    #[test]
    fn the_search_matches_identifiers_and_emails_case_insensitively() {
        assert!(matches("", "anything"));
        assert!(matches("JANE", &haystack("user-1", "jane@example.com")));
        assert!(matches(
            "user-1 example",
            &haystack("user-1", "jane@example.com")
        ));
        assert!(!matches("raj", &haystack("user-1", "jane@example.com")));

        let state = state_with(&[
            ("user-1", json!({"email": "jane@example.com"})),
            ("user-2", json!({"email": "raj@example.com"})),
        ]);
        let page = index(&state, "Raj");
        assert!(page.contains("id=\"person-user-2\""), "{page}");
        assert!(!page.contains("id=\"person-user-1\""), "{page}");
        assert!(page.contains("value=\"Raj\""), "{page}");
        assert!(page.contains("id=\"no-match\" hidden"), "{page}");
        let none = index(&state, "nobody");
        assert!(
            none.contains("<p class=\"muted\" id=\"no-match\">"),
            "{none}"
        );
    }

    #[test]
    fn people_and_the_query_are_escaped() {
        let state = state_with(&[(
            "<img src=x onerror=alert(1)>",
            json!({"email": "\"><script>alert(1)</script>"}),
        )]);
        let page = index(&state, "\"><script>");
        assert!(!page.contains("<script>alert"), "{page}");
        assert!(!page.contains("<img"), "{page}");
        assert!(!page.contains("value=\"\">"), "{page}");
        assert!(
            page.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{page}"
        );
        assert_eq!(page.matches("<script").count(), 1, "{page}");
    }
}
