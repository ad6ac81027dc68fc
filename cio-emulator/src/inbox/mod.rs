//! The web inbox and the control routes, served on the emulator's port next to the
//! Track API, without authentication and outside fault injection:
//!
//! - `GET /` (`?q=` searches people by identifier or email): people, where their
//!   journeys stand, and every delivered message;
//! - `GET /people/ID`: one person's journeys drawn as their campaigns' flows (the
//!   path taken, each `if`'s side with the values that decided it, where the person
//!   waits), attributes, timeline, and messages;
//! - `GET /messages/N`: the `N`th delivery (from 0) alone;
//! - `POST /messages/N/report` (`{"metric": "opened"}`, or the form
//!   `metric=opened&back=PATH` from the buttons under each message, answered with a
//!   redirect to `PATH`): reports a metric of the delivery with a signed reporting
//!   webhook, when the emulator sends them;
//! - `GET /objects/TYPE_ID/ID`: an object's attributes and the people related to it;
//! - each message rendered (an email body as HTML, in a sandboxed `srcdoc` iframe), as
//!   plain text and as its Liquid source, with its webhooks' metrics;
//! - `GET /__deliveries` (optionally `?person=ID`): the deliveries as JSON;
//! - `GET /__clock`, `POST /__clock` (`{"advance": SECONDS}`, `{"until": UNIX}` or
//!   `{"advance": "next"}`, or the same as a form from the inbox's buttons);
//! - `GET /__version`: a fingerprint of the state, which the inbox page polls to
//!   update itself in place when something changes; `GET /__inbox.js`: that script.

mod clock;
mod fields;
mod json;
mod live;
mod markup;
mod metrics;
mod page;
mod report;
mod text;
mod time;

use crate::record::State;

/// What an inbox route answers.
#[derive(Debug)]
pub(crate) struct Page {
    pub(crate) status: u16,
    pub(crate) content_type: &'static str,
    pub(crate) body: Vec<u8>,
    /// A redirect target, for the clock's and the report buttons' forms.
    pub(crate) location: Option<String>,
}

impl Page {
    fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Page {
            status,
            content_type,
            body: body.into(),
            location: None,
        }
    }

    fn html(status: u16, body: String) -> Self {
        Page::new(status, "text/html; charset=utf-8", body)
    }

    fn json(status: u16, value: &serde_json::Value) -> Self {
        Page::new(status, "application/json", value.to_string())
    }
}

/// The Content-Security-Policy of the inbox pages: only the inbox's own script runs,
/// and a message body (in a sandboxed `srcdoc` iframe, which inherits this policy)
/// can neither run script nor load anything from elsewhere.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     connect-src 'self'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'; \
     form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// `true` for the paths the inbox answers (the Track API lives under `/api/`).
pub(crate) fn handles(path: &str) -> bool {
    path == "/"
        || path.starts_with("/__")
        || path.starts_with("/people/")
        || path.starts_with("/objects/")
        || path.starts_with("/messages/")
}

/// Answers an inbox request.
pub(crate) fn answer(
    state: &mut State,
    method: &str,
    path: &str,
    query: Option<&str>,
    body: &[u8],
) -> Page {
    match (method, path) {
        ("GET", "/") => {
            let search = markup::query_param(query, "q").unwrap_or_default();
            Page::html(200, page::index(state, &search))
        }
        ("GET", "/__inbox.js") => Page::new(200, "text/javascript", live::SCRIPT),
        ("GET", "/__version") => Page::new(200, "text/plain", live::version(state)),
        ("GET", "/__deliveries") => Page::json(200, &json::deliveries(state, query)),
        ("GET", "/__clock") => clock::show(state),
        ("POST", "/__clock") => clock::set(state, body),
        ("GET", _) if path.starts_with("/people/") => {
            match markup::decode(&path["/people/".len()..]) {
                Some(person) if page::knows(state, &person) => {
                    Page::html(200, page::person(state, &person))
                }
                _ => Page::html(404, page::not_found(state, "No such person")),
            }
        }
        ("POST", _) if path.starts_with("/messages/") && path.ends_with("/report") => {
            let n = path
                .strip_prefix("/messages/")
                .and_then(|rest| rest.strip_suffix("/report"))
                .and_then(|n| n.parse::<usize>().ok());
            match n {
                Some(n) => report::report(state, n, body),
                None => Page::json(404, &serde_json::json!({"error": "no such message"})),
            }
        }
        ("GET", _) if path.starts_with("/objects/") => {
            let page = path["/objects/".len()..]
                .split_once('/')
                .and_then(|(t, id)| Some((markup::decode(t)?, markup::decode(id)?)))
                .and_then(|(t, id)| page::object(state, &t, &id));
            match page {
                Some(page) => Page::html(200, page),
                None => Page::html(404, page::not_found(state, "No such object")),
            }
        }
        ("GET", _) if path.starts_with("/messages/") => {
            let page = path["/messages/".len()..]
                .parse::<usize>()
                .ok()
                .and_then(|n| page::message(state, n));
            match page {
                Some(page) => Page::html(200, page),
                None => Page::html(404, page::not_found(state, "No such message")),
            }
        }
        _ if handles(path) => Page::json(
            if matches!(method, "GET" | "POST") {
                404
            } else {
                405
            },
            &serde_json::json!({"error": format!("no route for {method} {path}")}),
        ),
        _ => Page::json(404, &serde_json::json!({"error": "not found"})),
    }
}
