//! What v1 and v2 requests both carry: attributes, timestamps, events and devices,
//! checked against the Track API's limits.

use serde_json::{Map, Value};

use super::{invalid, limits, ItemError, Rules};
use crate::record::{ApiVersion, StoredDevice, StoredEvent};

/// Checks identify attributes: count, name and value sizes, timestamps in seconds.
pub(super) fn check_attributes(attributes: &Map<String, Value>) -> Result<(), ItemError> {
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

/// The `attributes` of a v2 identify (a person's or an object's), checked: an object,
/// or nothing.
pub(super) fn identify_attributes(given: Option<Value>) -> Result<Map<String, Value>, ItemError> {
    let attributes = match given {
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
    Ok(attributes)
}

/// The size of `value` as JSON, counted as it is written (nothing is kept).
fn serialized_len(value: &Value) -> usize {
    /// A writer that only counts bytes.
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    match serde_json::to_writer(&mut count, value) {
        Ok(()) => count.0,
        Err(_) => 0,
    }
}

/// A timestamp in seconds (or null).
pub(super) fn check_seconds(field: &str, value: &Value) -> Result<Option<i64>, ItemError> {
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

/// `true` for a Crockford base-32 ULID.
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
pub(super) fn event_of(
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

/// A device from a v1 body or a v2 operation (`token_key` is `id` or `token`).
pub(super) fn device_of(
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
pub(super) fn identifier(ids: &Map<String, Value>) -> Result<String, ItemError> {
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
