//! `GET /__clock` and `POST /__clock`: the journeys' virtual clock, read and moved.

use std::time::Duration;

use cio_core::Timestamp;
use serde_json::{json, Value};

use super::Page;
use crate::record::State;

/// How a `POST /__clock` moves the clock.
#[derive(Debug, PartialEq, Eq)]
enum Move {
    By(u64),
    Until(i64),
    NextStep,
}

fn no_journeys() -> Page {
    Page::json(
        404,
        &json!({"error": "this emulator runs no journeys (Emulator::builder().journeys(...))"}),
    )
}

/// The clock: `{"now": UNIX, "next_due": UNIX or null}`.
pub(super) fn show(state: &State) -> Page {
    match &state.journeys {
        Some(engine) => {
            let sim = &engine.simulation;
            Page::json(
                200,
                &json!({
                    "now": sim.now().as_unix(),
                    "next_due": sim.next_due().map(Timestamp::as_unix),
                }),
            )
        }
        None => no_journeys(),
    }
}

/// Moves the clock as the body says (JSON from a test, a form from the inbox, which
/// is sent back to the inbox).
pub(super) fn set(state: &mut State, body: &[u8]) -> Page {
    let form = !body.starts_with(b"{");
    let Some(how) = (if form {
        from_form(body)
    } else {
        from_json(body)
    }) else {
        return Page::json(
            400,
            &json!({"error": "expected {\"advance\": SECONDS}, {\"advance\": \"next\"} or {\"until\": UNIX}"}),
        );
    };
    let Some(engine) = &mut state.journeys else {
        return no_journeys();
    };
    match how {
        Move::By(secs) => engine.advance(Duration::from_secs(secs)),
        Move::Until(t) => engine.advance_until(Timestamp::from_unix(t)),
        Move::NextStep => {
            if let Some(due) = engine.simulation.next_due() {
                engine.advance_until(due);
            }
        }
    }
    if form {
        let mut page = Page::new(303, "text/plain", "see /");
        page.location = Some("/".to_owned());
        page
    } else {
        show(state)
    }
}

fn from_json(body: &[u8]) -> Option<Move> {
    let value: Value = serde_json::from_slice(body).ok()?;
    match (value.get("advance"), value.get("until")) {
        (Some(Value::String(s)), None) if s == "next" => Some(Move::NextStep),
        (Some(secs), None) => secs.as_u64().map(Move::By),
        (None, Some(t)) => t.as_i64().map(Move::Until),
        _ => None,
    }
}

fn from_form(body: &[u8]) -> Option<Move> {
    let body = std::str::from_utf8(body).ok()?;
    let value = body
        .split('&')
        .find_map(|pair| pair.strip_prefix("advance="))?;
    if value == "next" {
        Some(Move::NextStep)
    } else {
        value.parse().ok().map(Move::By)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies() {
        assert_eq!(from_json(br#"{"advance": 300}"#), Some(Move::By(300)));
        assert_eq!(from_json(br#"{"advance": "next"}"#), Some(Move::NextStep));
        assert_eq!(
            from_json(br#"{"until": 1700000000}"#),
            Some(Move::Until(1_700_000_000))
        );
        assert_eq!(from_json(br#"{"advance": -5}"#), None);
        assert_eq!(from_json(br#"{"advance": 1, "until": 2}"#), None);
        assert_eq!(from_json(b"{"), None);
        assert_eq!(from_form(b"advance=86400"), Some(Move::By(86_400)));
        assert_eq!(from_form(b"advance=next"), Some(Move::NextStep));
        assert_eq!(from_form(b"advance=soon"), None);
        assert_eq!(from_form(b""), None);
    }
}
