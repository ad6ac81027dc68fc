//! The Track API's documented limits, checked on the serialized bytes before sending.

use super::body::{as_integer, for_each_member, key_text};
use super::error::{check_limit, Error, Limit};
use crate::Timestamp;

/// Attribute keys Customer.io reads as Unix-seconds timestamps.
const TIMESTAMP_ATTRIBUTES: [&[u8]; 2] = [b"created_at", b"_timestamp"];

/// Checks a serialized attribute object: at most 300 members, names of at most 150
/// bytes, values of at most 1,000 bytes, `created_at`/`_timestamp` in seconds.
pub(crate) fn check_attributes(object: &[u8]) -> Result<(), Error> {
    let count = for_each_member(object, |key, value| {
        if key.len() > Limit::AttributeName.max() {
            let name = key_text(key);
            check_limit(Limit::AttributeName, name.len(), Some(&name))?;
        }
        if value.len() > Limit::AttributeValue.max() {
            let name = key_text(key);
            check_limit(Limit::AttributeValue, value.len(), Some(&name))?;
        }
        if TIMESTAMP_ATTRIBUTES.contains(&key) {
            if let Some(secs) = as_integer(value) {
                check_timestamp(&key_text(key), Timestamp::from_unix(secs))?;
            }
        }
        Ok(())
    })?;
    match count {
        Some(count) => check_limit(Limit::AttributeCount, count, None),
        None => Err(Error::Serialize(
            "attributes must serialize to a JSON object".to_owned(),
        )),
    }
}

/// Checks serialized event data: an object (or `null`, meaning no data) of at most
/// 100,000 bytes.
pub(crate) fn check_event_data(data: &[u8]) -> Result<(), Error> {
    check_limit(Limit::EventData, data.len(), None)?;
    match data.first() {
        Some(b'{') => Ok(()),
        _ if data == b"null" => Ok(()),
        _ => Err(Error::Serialize(
            "event data must serialize to a JSON object".to_owned(),
        )),
    }
}

/// Checks an event name: not empty, at most 100 bytes.
pub(crate) fn check_event_name(name: &str) -> Result<(), Error> {
    if name.trim().is_empty() {
        return Err(Error::Serialize("an event name cannot be empty".to_owned()));
    }
    check_limit(Limit::EventName, name.len(), Some(name))
}

/// Checks that a timestamp is in seconds.
pub(crate) fn check_timestamp(field: &str, timestamp: Timestamp) -> Result<(), Error> {
    if timestamp.looks_like_millis() {
        return Err(Error::MillisecondTimestamp {
            field: field.to_owned(),
            value: timestamp.as_unix(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_limits() {
        assert!(check_attributes(br#"{"a":1,"created_at":1700000000}"#).is_ok());
        let long_name = format!(r#"{{"{}":1}}"#, "n".repeat(151));
        assert!(matches!(
            check_attributes(long_name.as_bytes()),
            Err(Error::Limit {
                limit: Limit::AttributeName,
                size: 151,
                ..
            })
        ));
        let long_value = format!(r#"{{"a":"{}"}}"#, "v".repeat(999));
        assert!(matches!(
            check_attributes(long_value.as_bytes()),
            Err(Error::Limit {
                limit: Limit::AttributeValue,
                size: 1001,
                ..
            })
        ));
        let many: Vec<String> = (0..301).map(|i| format!(r#""a{i}":1"#)).collect();
        let many = format!("{{{}}}", many.join(","));
        assert!(matches!(
            check_attributes(many.as_bytes()),
            Err(Error::Limit {
                limit: Limit::AttributeCount,
                size: 301,
                max: 300,
                ..
            })
        ));
        assert!(matches!(
            check_attributes(br#"{"created_at":1700000000000}"#),
            Err(Error::MillisecondTimestamp {
                value: 1_700_000_000_000,
                ..
            })
        ));
        assert!(check_attributes(b"[1]").is_err());
    }
}
