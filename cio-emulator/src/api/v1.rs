//! The v1 Track API (`/api/v1/...`): one request per call, errors as
//! `{"meta":{"errors":[...]}}`.

use serde_json::{Map, Value};

use super::items::{check_attributes, device_of, event_of, identifier};
use super::{limits, relations, reports, Action, Reply, Rules};
use crate::record::ApiVersion;

/// Reads a v1 request; `path` is what follows `/api/v1/`.
pub(super) fn route(
    method: &str,
    path: &[&str],
    query: Option<&str>,
    body: &[u8],
    rules: &Rules,
) -> Result<Action, Reply> {
    if body.len() > limits::V1_BODY {
        return Err(Reply::v1(413, "request body too large"));
    }
    match (method, path) {
        ("GET", ["accounts", "region"]) => Ok(Action::Region),
        ("PUT", ["customers", id]) => {
            let id = v1_customer(id)?;
            let mut attributes = parse_object(body).map_err(|m| Reply::v1(400, &m))?;
            let related = relations::v1_relationships(&id, &mut attributes)
                .map_err(|e| Reply::v1(400, &e.message))?;
            check_attributes(&attributes).map_err(|e| Reply::v1(400, &e.message))?;
            let identify = Action::Identify(id, attributes, None);
            Ok(match related {
                Some(related) => Action::All(vec![identify, related]),
                None => identify,
            })
        }
        ("DELETE", ["customers", id]) => Ok(Action::Delete(v1_customer(id)?)),
        ("POST", ["customers", id, "events"]) => {
            let id = v1_customer(id)?;
            let object = parse_object(body).map_err(|m| Reply::v1(400, &m))?;
            let event = event_of(object, "data", ApiVersion::V1, rules)
                .map_err(|e| Reply::v1(400, &e.message))?;
            Ok(Action::Event(Some(id), event))
        }
        ("POST", ["events"]) => {
            let object = parse_object(body).map_err(|m| Reply::v1(400, &m))?;
            let event = event_of(object, "data", ApiVersion::V1, rules)
                .map_err(|e| Reply::v1(400, &e.message))?;
            Ok(Action::Event(None, event))
        }
        ("POST", ["customers", id, "suppress"]) => Ok(Action::Suppress(v1_customer(id)?)),
        ("POST", ["customers", id, "unsuppress"]) => Ok(Action::Unsuppress(v1_customer(id)?)),
        ("PUT", ["customers", id, "devices"]) => {
            let id = v1_customer(id)?;
            let mut object = parse_object(body).map_err(|m| Reply::v1(400, &m))?;
            let Some(Value::Object(device)) = object.remove("device") else {
                return Err(Reply::v1(400, "device is required"));
            };
            let (token, device) =
                device_of(device, "id").map_err(|e| Reply::v1(400, &e.message))?;
            Ok(Action::AddDevice(id, token, device))
        }
        ("DELETE", ["customers", id, "devices", token]) => {
            Ok(Action::DeleteDevice(v1_customer(id)?, decode(token)?))
        }
        ("POST", ["merge_customers"]) => {
            let object = parse_object(body).map_err(|m| Reply::v1_single(400, &m))?;
            let side = |key: &str| -> Result<String, Reply> {
                match object.get(key) {
                    Some(Value::Object(ids)) => identifier(ids)
                        .map_err(|e| Reply::v1_single(400, &format!("{key}: {}", e.message))),
                    _ => Err(Reply::v1_single(400, &format!("{key} is required"))),
                }
            };
            Ok(Action::Merge(side("primary")?, side("secondary")?))
        }
        ("POST", ["metrics"]) => {
            reports::metric(parse_object(body).map_err(|m| Reply::v1(400, &m))?)
        }
        ("POST", ["push", "events"]) => {
            reports::push_event(parse_object(body).map_err(|m| Reply::v1(400, &m))?)
        }
        ("POST", ["forms", id, "submit"]) => {
            let id = v1_customer(id)?;
            reports::form(id, parse_object(body).map_err(|m| Reply::v1(400, &m))?)
        }
        ("POST", ["segments", id, action @ ("add_customers" | "remove_customers")]) => {
            let object = parse_object(body).map_err(|m| Reply::v1(400, &m))?;
            let action = reports::segment(id, *action == "add_customers", query, object)?;
            match &action {
                Action::Segment { segment, .. } if !rules.manual_segments.contains(segment) => {
                    Err(Reply::v1(404, "segment not found"))
                }
                _ => Ok(action),
            }
        }
        (
            _,
            ["customers", ..]
            | ["events"]
            | ["merge_customers"]
            | ["accounts", "region"]
            | ["metrics"]
            | ["push", "events"]
            | ["forms", _, "submit"]
            | ["segments", _, "add_customers" | "remove_customers"],
        ) => Err(Reply::v1(405, "method not allowed")),
        _ => Err(Reply::v1(404, "not found")),
    }
}

/// A path segment, percent-decoded.
fn decode(segment: &str) -> Result<String, Reply> {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| Reply::v1(400, "the identifier is not UTF-8"))
}

/// A customer id from the path (1 to 150 bytes).
pub(super) fn v1_customer(segment: &str) -> Result<String, Reply> {
    let id = decode(segment)?;
    if id.is_empty() {
        return Err(Reply::v1(400, "identifier is required"));
    }
    if id.len() > limits::IDENTIFIER {
        return Err(Reply::v1(400, "identifier is longer than 150 bytes"));
    }
    Ok(id)
}

/// The body as a JSON object (an empty body is an empty object).
pub(super) fn parse_object(body: &[u8]) -> Result<Map<String, Value>, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("the body must be a JSON object".to_owned()),
        Err(e) => Err(format!("malformed JSON: {e}")),
    }
}
