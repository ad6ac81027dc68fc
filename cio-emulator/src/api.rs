//! The Track API itself: routing, request validation (the real API's limits and
//! error bodies) and applying accepted requests to the state.

use serde_json::{json, Map, Value};

use crate::record::{ApiVersion, State, StoredDevice, StoredEvent};

/// Track API limits, in bytes (a count for attributes).
pub(crate) mod limits {
    /// Event name.
    pub(crate) const EVENT_NAME: usize = 100;
    /// Event data.
    pub(crate) const EVENT_DATA: usize = 100_000;
    /// Identifier, attribute name.
    pub(crate) const IDENTIFIER: usize = 150;
    /// Attribute value (serialized).
    pub(crate) const ATTRIBUTE_VALUE: usize = 1000;
    /// Attributes per identify.
    pub(crate) const ATTRIBUTE_COUNT: usize = 300;
    /// v2 `/entity` request and each batch operation.
    pub(crate) const ENTITY: usize = 32 * 1024;
    /// v2 `/batch` request.
    pub(crate) const BATCH: usize = 500 * 1024;
    /// Any v1 request body.
    pub(crate) const V1_BODY: usize = 1024 * 1024;
}

/// An answer: status, JSON body, extra headers.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
    pub(crate) location: Option<String>,
    pub(crate) retry_after: Option<String>,
}

impl Reply {
    pub(crate) fn new(status: u16, body: Vec<u8>) -> Self {
        Reply {
            status,
            body,
            location: None,
            retry_after: None,
        }
    }

    pub(crate) fn ok() -> Self {
        Reply::new(200, b"{}".to_vec())
    }

    /// A v1 error: `{"meta":{"errors":[message]}}`.
    pub(crate) fn v1(status: u16, message: &str) -> Self {
        Reply::new(
            status,
            json!({"meta": {"errors": [message]}})
                .to_string()
                .into_bytes(),
        )
    }

    /// A v1 error with `meta.error` (merge, auth).
    pub(crate) fn v1_single(status: u16, message: &str) -> Self {
        Reply::new(
            status,
            json!({"meta": {"error": message}}).to_string().into_bytes(),
        )
    }

    /// A v2 whole-request error: `{"errors":[{reason, field, message}]}`.
    fn v2(status: u16, e: &ItemError) -> Self {
        Reply::new(
            status,
            json!({"errors": [{"reason": e.reason, "field": e.field, "message": e.message}]})
                .to_string()
                .into_bytes(),
        )
    }
}

/// Extra validation rules a test sets up.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rules {
    /// Events with these names are invalid (a poison item).
    pub(crate) rejected_events: Vec<String>,
}

/// Why one v2 operation (or a v1 body) is invalid.
#[derive(Debug, Clone)]
pub(crate) struct ItemError {
    reason: &'static str,
    field: String,
    message: String,
}

fn invalid(reason: &'static str, field: &str, message: impl Into<String>) -> ItemError {
    ItemError {
        reason,
        field: field.to_owned(),
        message: message.into(),
    }
}

/// A validated request, to apply to the state.
#[derive(Debug)]
pub(crate) enum Action {
    Identify(String, Map<String, Value>),
    Event(Option<String>, StoredEvent),
    Delete(String),
    Suppress(String),
    Unsuppress(String),
    AddDevice(String, String, StoredDevice),
    DeleteDevice(String, String),
    Merge(String, String),
    /// An operation accepted but not recorded (objects, relationships, deliveries).
    Ignore,
    Region,
    /// A v2 batch: the valid operations and the invalid ones, by index.
    Batch(Vec<(usize, Action)>, Vec<(usize, ItemError)>),
}

fn decode(segment: &str) -> Result<String, Reply> {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| Reply::v1(400, "the identifier is not UTF-8"))
}

fn v1_customer(segment: &str) -> Result<String, Reply> {
    let id = decode(segment)?;
    if id.is_empty() {
        return Err(Reply::v1(400, "identifier is required"));
    }
    if id.len() > limits::IDENTIFIER {
        return Err(Reply::v1(400, "identifier is longer than 150 bytes"));
    }
    Ok(id)
}

fn parse_object(body: &[u8]) -> Result<Map<String, Value>, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("the body must be a JSON object".to_owned()),
        Err(e) => Err(format!("malformed JSON: {e}")),
    }
}

/// Routes a request; `Err` is the answer to give at once.
pub(crate) fn route(method: &str, path: &str, body: &[u8], rules: &Rules) -> Result<Action, Reply> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (method, segments.as_slice()) {
        (_, ["api", "v2", "entity"]) | (_, ["api", "v2", "batch"]) if method != "POST" => {
            Err(Reply::v1(405, "method not allowed"))
        }
        ("POST", ["api", "v2", "entity"]) => {
            if body.len() > limits::ENTITY {
                return Err(Reply::v2(
                    413,
                    &invalid("too_large", "", "the request is larger than 32 KB"),
                ));
            }
            let value: Value = serde_json::from_slice(body)
                .map_err(|e| Reply::v2(400, &invalid("malformed", "", e.to_string())))?;
            v2_operation(&value, rules).map_err(|e| Reply::v2(400, &e))
        }
        ("POST", ["api", "v2", "batch"]) => {
            if body.len() > limits::BATCH {
                return Err(Reply::v2(
                    413,
                    &invalid("too_large", "", "the request is larger than 500 KB"),
                ));
            }
            v2_batch(body, rules)
        }
        (_, ["api", "v1", ..]) if body.len() > limits::V1_BODY => {
            Err(Reply::v1(413, "request body too large"))
        }
        ("GET", ["api", "v1", "accounts", "region"]) => Ok(Action::Region),
        ("PUT", ["api", "v1", "customers", id]) => {
            let id = v1_customer(id)?;
            let attributes = parse_object(body).map_err(|m| Reply::v1(400, &m))?;
            check_attributes(&attributes).map_err(|e| Reply::v1(400, &e.message))?;
            Ok(Action::Identify(id, attributes))
        }
        ("DELETE", ["api", "v1", "customers", id]) => Ok(Action::Delete(v1_customer(id)?)),
        ("POST", ["api", "v1", "customers", id, "events"]) => {
            let id = v1_customer(id)?;
            let object = parse_object(body).map_err(|m| Reply::v1(400, &m))?;
            let event = event_of(object, "data", ApiVersion::V1, rules)
                .map_err(|e| Reply::v1(400, &e.message))?;
            Ok(Action::Event(Some(id), event))
        }
        ("POST", ["api", "v1", "events"]) => {
            let object = parse_object(body).map_err(|m| Reply::v1(400, &m))?;
            let event = event_of(object, "data", ApiVersion::V1, rules)
                .map_err(|e| Reply::v1(400, &e.message))?;
            Ok(Action::Event(None, event))
        }
        ("POST", ["api", "v1", "customers", id, "suppress"]) => {
            Ok(Action::Suppress(v1_customer(id)?))
        }
        ("POST", ["api", "v1", "customers", id, "unsuppress"]) => {
            Ok(Action::Unsuppress(v1_customer(id)?))
        }
        ("PUT", ["api", "v1", "customers", id, "devices"]) => {
            let id = v1_customer(id)?;
            let mut object = parse_object(body).map_err(|m| Reply::v1(400, &m))?;
            let Some(Value::Object(device)) = object.remove("device") else {
                return Err(Reply::v1(400, "device is required"));
            };
            let (token, device) =
                device_of(device, "id").map_err(|e| Reply::v1(400, &e.message))?;
            Ok(Action::AddDevice(id, token, device))
        }
        ("DELETE", ["api", "v1", "customers", id, "devices", token]) => {
            Ok(Action::DeleteDevice(v1_customer(id)?, decode(token)?))
        }
        ("POST", ["api", "v1", "merge_customers"]) => {
            let object = parse_object(body).map_err(|m| Reply::v1_single(400, &m))?;
            let side = |key: &str| -> Result<String, Reply> {
                match object.get(key) {
                    Some(Value::Object(ids)) => v2_identifier(ids)
                        .map_err(|e| Reply::v1_single(400, &format!("{key}: {}", e.message))),
                    _ => Err(Reply::v1_single(400, &format!("{key} is required"))),
                }
            };
            Ok(Action::Merge(side("primary")?, side("secondary")?))
        }
        (
            _,
            ["api", "v1", "customers", ..]
            | ["api", "v1", "events"]
            | ["api", "v1", "merge_customers"]
            | ["api", "v1", "accounts", "region"],
        ) => Err(Reply::v1(405, "method not allowed")),
        _ => Err(Reply::v1(404, "not found")),
    }
}

fn check_attributes(attributes: &Map<String, Value>) -> Result<(), ItemError> {
    if attributes.len() > limits::ATTRIBUTE_COUNT {
        return Err(invalid(
            "too_many",
            "attributes",
            format!("{} attributes, more than 300", attributes.len()),
        ));
    }
    for (name, value) in attributes {
        if name.len() > limits::IDENTIFIER {
            return Err(invalid(
                "too_long",
                name,
                "attribute name longer than 150 bytes",
            ));
        }
        let size = serialized_len(value);
        if size > limits::ATTRIBUTE_VALUE {
            return Err(invalid(
                "too_long",
                name,
                format!("attribute value of {size} bytes, longer than 1000"),
            ));
        }
        if name == "created_at" || name == "_timestamp" {
            check_seconds(name, value)?;
        }
    }
    Ok(())
}

fn serialized_len(value: &Value) -> usize {
    serde_json::to_vec(value).map_or(0, |v| v.len())
}

fn check_seconds(field: &str, value: &Value) -> Result<Option<i64>, ItemError> {
    match value {
        Value::Null => Ok(None),
        Value::Number(n) => match n.as_i64() {
            Some(t) if (-99_999_999_999..=99_999_999_999).contains(&t) => Ok(Some(t)),
            Some(_) => Err(invalid(
                "invalid",
                field,
                "timestamp must be in seconds, not milliseconds",
            )),
            None => Err(invalid("invalid", field, "timestamp must be an integer")),
        },
        _ => Err(invalid("invalid", field, "timestamp must be an integer")),
    }
}

fn is_ulid(id: &str) -> bool {
    id.len() == 26
        && id.as_bytes()[0] <= b'7'
        && id.bytes().all(|b| {
            b.is_ascii_digit()
                || (b.is_ascii_alphabetic()
                    && !matches!(b.to_ascii_uppercase(), b'I' | b'L' | b'O' | b'U'))
        })
}

/// An event from a v1 body or a v2 operation (`data_key` is `data` or `attributes`).
fn event_of(
    mut object: Map<String, Value>,
    data_key: &str,
    via: ApiVersion,
    rules: &Rules,
) -> Result<StoredEvent, ItemError> {
    let name = match object.remove("name") {
        Some(Value::String(name)) if !name.trim().is_empty() => name.trim().to_owned(),
        _ => return Err(invalid("required", "name", "name is required")),
    };
    if rules.rejected_events.contains(&name) {
        return Err(invalid(
            "invalid",
            "name",
            format!("events named `{name}` are refused"),
        ));
    }
    if name.len() > limits::EVENT_NAME {
        return Err(invalid(
            "too_long",
            "name",
            "event name longer than 100 bytes",
        ));
    }
    let id = match object.remove("id") {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) if is_ulid(&id) => Some(id),
        Some(_) => return Err(invalid("invalid", "id", "id must be a ULID")),
    };
    let timestamp = match object.remove("timestamp") {
        Some(v) => check_seconds("timestamp", &v)?,
        None => None,
    };
    let data = object.remove(data_key).unwrap_or(Value::Null);
    if !matches!(data, Value::Null | Value::Object(_)) {
        return Err(invalid("invalid", data_key, "data must be an object"));
    }
    if serialized_len(&data) > limits::EVENT_DATA {
        return Err(invalid(
            "too_long",
            data_key,
            "event data larger than 100,000 bytes",
        ));
    }
    let kind = match object.remove("type") {
        Some(Value::String(t)) if t == "page" || t == "screen" => t,
        _ => "event".to_owned(),
    };
    let anonymous_id = match object.remove("anonymous_id") {
        Some(Value::String(a)) if !a.is_empty() => Some(a),
        _ => None,
    };
    Ok(StoredEvent {
        id,
        name,
        kind,
        data,
        timestamp,
        anonymous_id,
        via,
    })
}

fn device_of(
    mut device: Map<String, Value>,
    token_key: &str,
) -> Result<(String, StoredDevice), ItemError> {
    let token = match device.remove(token_key) {
        Some(Value::String(t)) if !t.is_empty() => t,
        _ => {
            return Err(invalid(
                "required",
                "device.id",
                "device id (token) is required",
            ))
        }
    };
    let platform = match device.remove("platform") {
        Some(Value::String(p)) if p == "ios" || p == "android" => p,
        _ => {
            return Err(invalid(
                "invalid",
                "device.platform",
                "platform must be ios or android",
            ))
        }
    };
    let last_used = match device.remove("last_used") {
        Some(v) => check_seconds("device.last_used", &v)?,
        None => None,
    };
    let attributes = match device.remove("attributes") {
        Some(Value::Object(a)) => a,
        _ => Map::new(),
    };
    Ok((
        token,
        StoredDevice {
            platform,
            last_used,
            attributes,
        },
    ))
}

/// The customer key of v2 `identifiers` (exactly one of id, email, phone, cio_id).
fn v2_identifier(ids: &Map<String, Value>) -> Result<String, ItemError> {
    if ids.len() != 1 {
        return Err(invalid(
            "invalid",
            "identifiers",
            "exactly one identifier is required",
        ));
    }
    let Some((key, value)) = ids.iter().next() else {
        return Err(invalid(
            "required",
            "identifiers",
            "an identifier is required",
        ));
    };
    let value = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return Err(invalid("invalid", key, "the identifier must be a string")),
    };
    if value.is_empty() || value.len() > limits::IDENTIFIER {
        return Err(invalid(
            "invalid",
            key,
            "the identifier must be 1 to 150 bytes",
        ));
    }
    match key.as_str() {
        "id" | "email" | "phone" => Ok(value),
        "cio_id" => Ok(format!("cio_{value}")),
        other => Err(invalid("invalid", other, "unknown identifier")),
    }
}

/// One v2 operation.
fn v2_operation(value: &Value, rules: &Rules) -> Result<Action, ItemError> {
    let Value::Object(op) = value else {
        return Err(invalid("invalid", "", "an operation must be an object"));
    };
    let kind = op.get("type").and_then(Value::as_str).unwrap_or("");
    let action = op.get("action").and_then(Value::as_str).unwrap_or("");
    match kind {
        "person" => {}
        "object" | "delivery" => return Ok(Action::Ignore),
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
            Some(Value::Object(ids)) => v2_identifier(ids),
            _ => Err(invalid("required", key, format!("{key} is required"))),
        };
        return Ok(Action::Merge(side("primary")?, side("secondary")?));
    }
    let customer = match op.get("identifiers") {
        Some(Value::Object(ids)) => v2_identifier(ids)?,
        _ => {
            return Err(invalid(
                "required",
                "identifiers",
                "identifiers is required",
            ))
        }
    };
    let mut op = op.clone();
    match action {
        "identify" => {
            let attributes = match op.remove("attributes") {
                Some(Value::Object(a)) => a,
                None | Some(Value::Null) => Map::new(),
                Some(_) => {
                    return Err(invalid(
                        "invalid",
                        "attributes",
                        "attributes must be an object",
                    ))
                }
            };
            check_attributes(&attributes)?;
            Ok(Action::Identify(customer, attributes))
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
        "add_relationships" | "delete_relationships" => Ok(Action::Ignore),
        "" => Err(invalid("required", "action", "action is required")),
        _ => Err(invalid(
            "invalid",
            "action",
            format!("unknown action `{action}`"),
        )),
    }
}

fn v2_batch(body: &[u8], rules: &Rules) -> Result<Action, Reply> {
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
            .and_then(|v| v2_operation(&v, rules));
        match parsed {
            Ok(action) => actions.push((index, action)),
            Err(e) => errors.push((index, e)),
        }
    }
    Ok(Action::Batch(actions, errors))
}

/// Applies an action; returns the answer.
pub(crate) fn apply(state: &mut State, action: Action) -> Reply {
    match action {
        Action::Identify(c, attributes) => state.identify(&c, attributes),
        Action::Event(c, event) => {
            state.event(c.as_deref(), event);
        }
        Action::Delete(c) => state.delete(&c),
        Action::Suppress(c) => state.suppress(&c),
        Action::Unsuppress(c) => state.unsuppress(&c),
        Action::AddDevice(c, token, device) => state.add_device(&c, &token, device),
        Action::DeleteDevice(c, token) => state.delete_device(&c, &token),
        Action::Merge(primary, secondary) => {
            if !state.has_profile(&primary) {
                return Reply::v1_single(400, "the primary customer does not exist");
            }
            state.merge(&primary, &secondary);
        }
        Action::Ignore => {}
        Action::Region => {
            return Reply::new(
                200,
                json!({"url": "https://track.customer.io", "region": "us", "environment_id": 1})
                    .to_string()
                    .into_bytes(),
            )
        }
        Action::Batch(actions, mut errors) => {
            for (index, action) in actions {
                let reply = apply(state, action);
                if reply.status >= 400 {
                    let message = String::from_utf8_lossy(&reply.body).into_owned();
                    errors.push((index, invalid("invalid", "", message)));
                }
            }
            if !errors.is_empty() {
                errors.sort_by_key(|(i, _)| *i);
                let items: Vec<Value> = errors
                    .into_iter()
                    .map(|(i, e)| json!({"batch_index": i, "reason": e.reason, "field": e.field, "message": e.message}))
                    .collect();
                return Reply::new(207, json!({ "errors": items }).to_string().into_bytes());
            }
        }
    }
    Reply::ok()
}
