//! `GET /__deliveries`: the deliveries as JSON.

use cio_core::journey::Delivery;
use serde_json::{json, Value};

use crate::record::State;

/// One delivery as JSON: `time` (Unix seconds), `person`, `campaign`, `message`,
/// `channel`, `subject` (or null), `body`, `error` (or null).
pub(crate) fn delivery(d: &Delivery) -> Value {
    json!({
        "time": d.time.as_unix(),
        "person": d.person,
        "campaign": d.campaign,
        "message": d.message,
        "channel": d.channel.as_str(),
        "subject": d.subject,
        "body": d.body,
        "error": d.error.as_ref().map(ToString::to_string),
    })
}

/// Every delivery, or those of `?person=ID`, in the order they were sent; an empty
/// list when the emulator runs no journeys.
pub(super) fn deliveries(state: &State, query: Option<&str>) -> Value {
    let person = super::markup::query_param(query, "person");
    let Some(engine) = &state.journeys else {
        return Value::Array(Vec::new());
    };
    Value::Array(
        engine
            .simulation
            .deliveries()
            .iter()
            .filter(|d| person.as_deref().is_none_or(|p| d.person == p))
            .map(delivery)
            .collect(),
    )
}
