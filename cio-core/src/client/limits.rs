//! The Track API's documented limits, checked on the serialized bytes before sending.

use super::error::{check_limit, Error, Limit};
use crate::Timestamp;

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
