//! The v2 Track API (`/api/v2/entity`, `/api/v2/batch`): operations on people, errors
//! as `{"errors":[{reason, field, message}]}`, and per-item errors in a batch.

use serde_json::Value;

use super::items::{check_seconds, device_of, event_of, identifier, identify_attributes};
use super::{invalid, limits, relations, Action, ItemError, Reply, Rules};
use crate::record::ApiVersion;

/// Reads a v2 request; `path` is what follows `/api/v2/`.
pub(super) fn route(
    method: &str,
    path: &[&str],
    body: &[u8],
    rules: &Rules,
) -> Result<Action, Reply> {
    match (method, path) {
        (_, ["entity"] | ["batch"]) if method != "POST" => {
            Err(Reply::v1(405, "method not allowed"))
        }
        ("POST", ["entity"]) => {
            if body.len() > limits::ENTITY {
                return Err(Reply::v2(
                    413,
                    &invalid("too_large", "", "the request is larger than 32 KB"),
                ));
            }
            let value: Value = serde_json::from_slice(body)
                .map_err(|e| Reply::v2(400, &invalid("malformed", "", e.to_string())))?;
            operation(value, rules).map_err(|e| Reply::v2(400, &e))
        }
        ("POST", ["batch"]) => {
            if body.len() > limits::BATCH {
                return Err(Reply::v2(
                    413,
                    &invalid("too_large", "", "the request is larger than 500 KB"),
                ));
            }
            batch(body, rules)
        }
        _ => Err(Reply::v1(404, "not found")),
    }
}

/// One v2 operation.
fn operation(value: Value, rules: &Rules) -> Result<Action, ItemError> {
    let Value::Object(mut op) = value else {
        return Err(invalid("invalid", "", "an operation must be an object"));
    };
    let kind = op.get("type").and_then(Value::as_str).unwrap_or("");
    let action = match op.get("action") {
        Some(Value::String(action)) => action.clone(),
        _ => String::new(),
    };
    let action = action.as_str();
    match kind {
        "person" => {}
        "object" => return relations::object_operation(&op, action),
        "delivery" => return Ok(Action::Ignore),
        "" => return Err(invalid("required", "type", "type is required")),
        _ => {
            return Err(invalid(
                "invalid",
                "type",
                "type must be person, object or delivery",
            ))
        }
    }
    if action == "merge" {
        let side = |key: &str| match op.get(key) {
            Some(Value::Object(ids)) => identifier(ids),
            _ => Err(invalid("required", key, format!("{key} is required"))),
        };
        return Ok(Action::Merge(side("primary")?, side("secondary")?));
    }
    let customer = match op.get("identifiers") {
        Some(Value::Object(ids)) => identifier(ids)?,
        _ => {
            return Err(invalid(
                "required",
                "identifiers",
                "identifiers is required",
            ))
        }
    };
    match action {
        "identify" => {
            let attributes = identify_attributes(op.remove("attributes"))?;
            let timestamp = match op.remove("timestamp") {
                Some(v) => check_seconds("timestamp", &v)?,
                None => None,
            };
            let timestamp_ms = timestamp.map(|seconds| seconds.saturating_mul(1000));
            let related = relations::person_relationships(op.get("cio_relationships"))?;
            let identify = Action::Identify(customer.clone(), attributes, timestamp_ms);
            if related.is_empty() {
                return Ok(identify);
            }
            Ok(Action::All(vec![
                identify,
                Action::Relate(customer, related),
            ]))
        }
        "event" | "page" | "screen" => {
            op.insert("type".to_owned(), Value::String(action.to_owned()));
            let event = event_of(op, "attributes", ApiVersion::V2, rules)?;
            Ok(Action::Event(Some(customer), event))
        }
        "delete" => Ok(Action::Delete(customer)),
        "suppress" => Ok(Action::Suppress(customer)),
        "unsuppress" => Ok(Action::Unsuppress(customer)),
        "add_device" | "delete_device" => {
            let Some(Value::Object(device)) = op.remove("device") else {
                return Err(invalid("required", "device", "device is required"));
            };
            if action == "delete_device" {
                let token = device.get("token").and_then(Value::as_str).unwrap_or("");
                if token.is_empty() {
                    return Err(invalid(
                        "required",
                        "device.token",
                        "device token is required",
                    ));
                }
                return Ok(Action::DeleteDevice(customer, token.to_owned()));
            }
            let (token, device) = device_of(device, "token")?;
            Ok(Action::AddDevice(customer, token, device))
        }
        "add_relationships" | "delete_relationships" => {
            relations::person_action(customer, action == "add_relationships", &op)
        }
        "" => Err(invalid("required", "action", "action is required")),
        _ => Err(invalid(
            "invalid",
            "action",
            format!("unknown action `{action}`"),
        )),
    }
}

/// A `{"batch": [...]}` body: each operation read on its own.
fn batch(body: &[u8], rules: &Rules) -> Result<Action, Reply> {
    #[derive(serde::Deserialize)]
    struct Batch<'a> {
        #[serde(borrow)]
        batch: Vec<&'a serde_json::value::RawValue>,
    }
    let batch: Batch<'_> = serde_json::from_slice(body).map_err(|e| {
        Reply::v2(
            400,
            &invalid(
                "malformed",
                "batch",
                format!("expected {{\"batch\": [...]}}: {e}"),
            ),
        )
    })?;
    let mut actions = Vec::with_capacity(batch.batch.len());
    let mut errors = Vec::new();
    for (index, raw) in batch.batch.iter().enumerate() {
        let text = raw.get();
        if text.len() > limits::ENTITY {
            errors.push((
                index,
                invalid("too_large", "", "the operation is larger than 32 KB"),
            ));
            continue;
        }
        let parsed = serde_json::from_str::<Value>(text)
            .map_err(|e| invalid("malformed", "", e.to_string()))
            .and_then(|v| operation(v, rules));
        match parsed {
            Ok(action) => actions.push((index, action)),
            Err(e) => errors.push((index, e)),
        }
    }
    Ok(Action::Batch(actions, errors))
}
