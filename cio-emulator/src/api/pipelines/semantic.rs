//! Semantic events: `track` calls whose reserved `event` name acts on a person, a
//! device, an object or a delivery instead of recording an event.

use serde_json::{Map, Value};

use super::envelope::Envelope;
use super::{Action, Effect};
use crate::record::{ObjectCall, StoredDevice, StoredMetric};

/// The metrics a `Report Delivery Event` may report.
const DELIVERY_METRICS: [&str; 4] = ["delivered", "clicked", "converted", "opened"];

/// The actions a `Report Content Event` may report.
const CONTENT_ACTIONS: [&str; 2] = ["viewed_content", "clicked_content"];

/// The `endpoint` of the metrics Pipelines reports store.
const METRIC_ENDPOINT: &str = "pipelines";

/// What the semantic event `name` does, or `None` when `name` is not reserved. `Err`
/// names the field it lacks.
pub(super) fn effect(
    name: &str,
    envelope: &Envelope,
    properties: Option<&Map<String, Value>>,
) -> Option<Result<Effect, String>> {
    let empty = Map::new();
    let properties = properties.unwrap_or(&empty);
    let effect = match name {
        "User Deleted" => envelope.person(name).map(Action::Delete).map(Effect::Track),
        "User Suppressed" => envelope
            .person(name)
            .map(Action::Suppress)
            .map(Effect::Track),
        "User Unsuppressed" => envelope
            .person(name)
            .map(Action::Unsuppress)
            .map(Effect::Track),
        "Device Created or Updated" => device_created(name, envelope),
        "Device Deleted" => device_deleted(name, envelope),
        "Relationship Deleted" => relationship_deleted(name, envelope, properties),
        "Object Deleted" => object_deleted(name, envelope, properties),
        "Report Delivery Event" => delivery_report(name, envelope, properties),
        "Report Content Event" => content_report(name, envelope, properties),
        _ => return None,
    };
    Some(effect)
}

/// `Device Created or Updated`: `context.device.token`, and `context.device.type`
/// (`ios` or `android`) when given.
fn device_created(name: &str, envelope: &Envelope) -> Result<Effect, String> {
    let person = envelope.person(name)?;
    let token = device_token(name, envelope)?;
    let platform = match device(envelope).and_then(|device| device.get("type")) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(kind)) if kind == "ios" || kind == "android" => kind.clone(),
        Some(_) => return Err("context.device.type must be ios or android".to_owned()),
    };
    let device = StoredDevice {
        platform,
        last_used: None,
        attributes: Map::new(),
    };
    Ok(Effect::Track(Action::AddDevice(person, token, device)))
}

/// `Device Deleted`: `context.device.token`.
fn device_deleted(name: &str, envelope: &Envelope) -> Result<Effect, String> {
    let person = envelope.person(name)?;
    let token = device_token(name, envelope)?;
    Ok(Effect::Track(Action::DeleteDevice(person, token)))
}

fn device(envelope: &Envelope) -> Option<&Map<String, Value>> {
    envelope.context.get("device").and_then(Value::as_object)
}

fn device_token(name: &str, envelope: &Envelope) -> Result<String, String> {
    device(envelope)
        .and_then(|device| device.get("token"))
        .and_then(Value::as_str)
        .filter(|token| !token.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| format!("{name} requires context.device.token"))
}

/// `Relationship Deleted`: the person and `properties.objectId`.
fn relationship_deleted(
    name: &str,
    envelope: &Envelope,
    properties: &Map<String, Value>,
) -> Result<Effect, String> {
    let person = envelope.person(name)?;
    let (object_type_id, object_id) = object_of(name, properties)?;
    Ok(Effect::Object(ObjectCall::RelationshipDeleted {
        person,
        object_type_id,
        object_id,
    }))
}

/// `Object Deleted`: `anonymousId` (the schema requires it) and `properties.objectId`.
fn object_deleted(
    name: &str,
    envelope: &Envelope,
    properties: &Map<String, Value>,
) -> Result<Effect, String> {
    if envelope.anonymous_id.is_none() {
        return Err(format!("{name} requires anonymousId"));
    }
    let (object_type_id, object_id) = object_of(name, properties)?;
    Ok(Effect::Object(ObjectCall::ObjectDeleted {
        object_type_id,
        object_id,
    }))
}

/// `properties.objectTypeId` (an integer, 1 when absent) and `properties.objectId`.
fn object_of(name: &str, properties: &Map<String, Value>) -> Result<(String, String), String> {
    let object_id = required_string(name, properties, "objectId")?;
    let object_type_id = match properties.get("objectTypeId") {
        None | Some(Value::Null) => super::calls::DEFAULT_OBJECT_TYPE.to_owned(),
        Some(Value::Number(n)) if n.is_u64() => n.to_string(),
        Some(_) => return Err("properties.objectTypeId must be an integer".to_owned()),
    };
    Ok((object_type_id, object_id))
}

/// `Report Delivery Event`: `properties.deliveryId` and `properties.metric`.
fn delivery_report(
    name: &str,
    envelope: &Envelope,
    properties: &Map<String, Value>,
) -> Result<Effect, String> {
    let delivery_id = required_string(name, properties, "deliveryId")?;
    let metric = one_of(name, properties, "metric", &DELIVERY_METRICS)?;
    Ok(metric_effect(envelope, delivery_id, metric, properties))
}

/// `Report Content Event`: `properties.actionType` (the schema says `activityType`;
/// either is read), `properties.contentId` and `properties.templateId`, integers.
fn content_report(
    name: &str,
    envelope: &Envelope,
    properties: &Map<String, Value>,
) -> Result<Effect, String> {
    let key = if properties.contains_key("actionType") {
        "actionType"
    } else {
        "activityType"
    };
    let action = one_of(name, properties, key, &CONTENT_ACTIONS)?;
    for key in ["contentId", "templateId"] {
        if !properties.get(key).is_some_and(Value::is_i64) {
            return Err(format!("{name} requires properties.{key}, an integer"));
        }
    }
    Ok(metric_effect(envelope, String::new(), action, properties))
}

fn metric_effect(
    envelope: &Envelope,
    delivery_id: String,
    metric: String,
    properties: &Map<String, Value>,
) -> Effect {
    Effect::Track(Action::Metric(StoredMetric {
        endpoint: METRIC_ENDPOINT.to_owned(),
        delivery_id,
        metric,
        device_id: None,
        timestamp: envelope.seconds(),
        body: properties.clone(),
    }))
}

fn required_string(
    name: &str,
    properties: &Map<String, Value>,
    key: &str,
) -> Result<String, String> {
    properties
        .get(key)
        .and_then(Value::as_str)
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| format!("{name} requires properties.{key}, a string"))
}

fn one_of(
    name: &str,
    properties: &Map<String, Value>,
    key: &str,
    allowed: &[&str],
) -> Result<String, String> {
    match properties.get(key).and_then(Value::as_str) {
        Some(value) if allowed.contains(&value) => Ok(value.to_owned()),
        _ => Err(format!(
            "{name} requires properties.{key}, one of {}",
            allowed.join(", ")
        )),
    }
}
