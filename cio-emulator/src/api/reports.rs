//! The v1 calls about deliveries and segments: `/push/events`, `/metrics`,
//! `/forms/{id}/submit`, `/segments/{id}/add_customers|remove_customers`, and
//! `/unsubscribe/{delivery_id}` at the host root.

use serde_json::{Map, Value};

use super::items::check_seconds;
use super::{Action, Reply};
use crate::record::StoredMetric;

/// Every metric value the Track API reference lists, over all channels.
const METRICS: &[&str] = &[
    "bounced",
    "clicked",
    "converted",
    "deferred",
    "delivered",
    "dropped",
    "opened",
    "spammed",
];

/// The events of the legacy push call.
const PUSH_EVENTS: &[&str] = &["opened", "converted", "delivered"];

/// The most identifiers a segment request may carry.
const SEGMENT_BATCH: usize = 1000;

fn required_string(object: &Map<String, Value>, key: &str) -> Result<String, Reply> {
    match object.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::String(_)) | None | Some(Value::Null) => {
            Err(Reply::v1(400, &format!("{key} is required")))
        }
        Some(_) => Err(Reply::v1(400, &format!("{key} must be a string"))),
    }
}

fn timestamp(object: &Map<String, Value>) -> Result<Option<i64>, Reply> {
    match object.get("timestamp") {
        None => Ok(None),
        Some(value) => check_seconds("timestamp", value).map_err(|e| Reply::v1(400, &e.message)),
    }
}

/// `POST /api/v1/metrics`.
pub(super) fn metric(object: Map<String, Value>) -> Result<Action, Reply> {
    let delivery_id = required_string(&object, "delivery_id")?;
    let metric = required_string(&object, "metric")?;
    if !METRICS.contains(&metric.as_str()) {
        return Err(Reply::v1(
            400,
            &format!("metric `{metric}` is not one of {}", METRICS.join(", ")),
        ));
    }
    let timestamp = timestamp(&object)?;
    for key in ["recipient", "reason", "href"] {
        if let Some(value) = object.get(key) {
            if !value.is_string() {
                return Err(Reply::v1(400, &format!("{key} must be a string")));
            }
        }
    }
    Ok(Action::Metric(StoredMetric {
        endpoint: "metrics".to_owned(),
        delivery_id,
        metric,
        device_id: None,
        timestamp,
        body: object,
    }))
}

/// `POST /api/v1/push/events`.
pub(super) fn push_event(object: Map<String, Value>) -> Result<Action, Reply> {
    let delivery_id = required_string(&object, "delivery_id")?;
    let device_id = required_string(&object, "device_id")?;
    let event = required_string(&object, "event")?;
    if !PUSH_EVENTS.contains(&event.as_str()) {
        return Err(Reply::v1(
            400,
            &format!("event `{event}` is not one of opened, converted, delivered"),
        ));
    }
    let timestamp = timestamp(&object)?;
    Ok(Action::Metric(StoredMetric {
        endpoint: "push/events".to_owned(),
        delivery_id,
        metric: event,
        device_id: Some(device_id),
        timestamp,
        body: object,
    }))
}

/// `POST /api/v1/forms/{id}/submit`: `data` must name someone by `id` or `email`.
pub(super) fn form(form_id: String, mut object: Map<String, Value>) -> Result<Action, Reply> {
    let Some(Value::Object(data)) = object.remove("data") else {
        return Err(Reply::v1(400, "data is required"));
    };
    let names_someone = ["id", "email"].iter().any(|k| {
        data.get(*k)
            .and_then(Value::as_str)
            .is_some_and(|v| !v.is_empty())
    });
    if !names_someone {
        return Err(Reply::v1(400, "data must contain an id or an email"));
    }
    Ok(Action::Form(form_id, data))
}

/// `POST /api/v1/segments/{id}/add_customers` or `/remove_customers`.
pub(super) fn segment(
    segment: &str,
    add: bool,
    query: Option<&str>,
    object: Map<String, Value>,
) -> Result<Action, Reply> {
    let Ok(segment) = segment.parse::<u64>() else {
        return Err(Reply::v1(404, "segment not found"));
    };
    let mut id_type = "id";
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("id_type", value)) => id_type = value,
            _ => return Err(Reply::v1(400, &format!("unknown query parameter `{pair}`"))),
        }
    }
    let prefix = match id_type {
        "id" | "email" => "",
        "cio_id" => "cio_",
        other => {
            return Err(Reply::v1(
                400,
                &format!("id_type `{other}` is not one of id, email, cio_id"),
            ))
        }
    };
    let Some(Value::Array(ids)) = object.get("ids") else {
        return Err(Reply::v1(400, "ids is required"));
    };
    if ids.is_empty() || ids.len() > SEGMENT_BATCH {
        return Err(Reply::v1(
            400,
            &format!("ids must hold 1 to 1000 identifiers, not {}", ids.len()),
        ));
    }
    let mut members = Vec::with_capacity(ids.len());
    for id in ids {
        match id {
            Value::String(s) if !s.is_empty() => members.push(format!("{prefix}{s}")),
            _ => return Err(Reply::v1(400, "each id must be a non-empty string")),
        }
    }
    Ok(Action::Segment {
        segment,
        add,
        members,
    })
}

/// `POST /unsubscribe/{delivery_id}`: `{"unsubscribe": bool}`.
pub(super) fn unsubscribe(
    delivery_id: String,
    object: &Map<String, Value>,
) -> Result<Action, Reply> {
    match object.get("unsubscribe") {
        Some(Value::Bool(on)) => Ok(Action::Unsubscribe(delivery_id, *on)),
        _ => Err(Reply::v1(400, "unsubscribe must be true or false")),
    }
}
