//! The fields every Pipelines call may carry: who it is about (`userId`,
//! `anonymousId`), its `messageId`, `timestamp`, `context` and `integrations`. A field
//! that is `null` counts as absent.

use serde_json::{Map, Value};

/// The common fields of one call, checked.
#[derive(Debug)]
pub(super) struct Envelope {
    /// The `userId`, if a non-empty one was sent.
    pub(super) user_id: Option<String>,
    /// The `anonymousId`, if a non-empty one was sent.
    pub(super) anonymous_id: Option<String>,
    pub(super) message_id: Option<String>,
    pub(super) timestamp: Option<jiff::Timestamp>,
    /// The call's `context` over its batch's (the call's keys win).
    pub(super) context: Map<String, Value>,
}

/// Who an identify, track, page or screen call is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Subject {
    /// A person, by their key in the record ([`person_key`]).
    Person(String),
    /// An anonymous visitor, by `anonymousId`.
    Anonymous(String),
}

impl Envelope {
    /// Reads the common fields of `call`, whose batch (if any) has `batch_context`.
    pub(super) fn read(
        call: &mut Map<String, Value>,
        batch_context: Option<&Map<String, Value>>,
    ) -> Result<Envelope, String> {
        let user_id = non_empty_string(call, "userId")?;
        let anonymous_id = non_empty_string(call, "anonymousId")?;
        let message_id = non_empty_string(call, "messageId")?;
        let timestamp = match call.remove("timestamp") {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) => Some(iso_timestamp(&text)?),
            Some(_) => return Err("timestamp must be an ISO 8601 date-time string".to_owned()),
        };
        let mut context = batch_context.cloned().unwrap_or_default();
        context.extend(object(call, "context")?.unwrap_or_default());
        object(call, "integrations")?;
        Ok(Envelope {
            user_id,
            anonymous_id,
            message_id,
            timestamp,
            context,
        })
    }

    /// The person (`userId`) the call is about, else the anonymous visitor
    /// (`anonymousId`); one of them is required.
    pub(super) fn subject(&self) -> Result<Subject, String> {
        match (&self.user_id, &self.anonymous_id) {
            (Some(user_id), _) => Ok(Subject::Person(person_key(user_id))),
            (None, Some(anonymous_id)) => Ok(Subject::Anonymous(anonymous_id.clone())),
            (None, None) => Err("userId or anonymousId is required".to_owned()),
        }
    }

    /// The person the call names by `userId`, which `what` (a semantic event) requires.
    pub(super) fn person(&self, what: &str) -> Result<String, String> {
        self.user_id
            .as_deref()
            .map(person_key)
            .ok_or_else(|| format!("{what} requires userId"))
    }

    /// The `timestamp` in Unix seconds (rounded down), if given.
    pub(super) fn seconds(&self) -> Option<i64> {
        self.timestamp.map(|t| t.as_second())
    }

    /// The `timestamp` in Unix milliseconds, if given.
    pub(super) fn milliseconds(&self) -> Option<i64> {
        self.timestamp.map(|t| t.as_millisecond())
    }
}

/// The record's key of the person a `userId` names, the same as the Track API's for
/// that person: the Track v2 identifiers `{"id": I}`, `{"email": E}` and
/// `{"cio_id": C}` are keyed `I`, `E` and `cio_C`, and a Pipelines client names a
/// person known by email with the address as `userId` (holding `@`), and one known by
/// cio_id as `cio_C`. So in every case the key is the `userId` as sent.
pub(super) fn person_key(user_id: &str) -> String {
    user_id.to_owned()
}

/// A string field; `""` counts as absent.
pub(super) fn non_empty_string(
    call: &mut Map<String, Value>,
    key: &str,
) -> Result<Option<String>, String> {
    match call.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if text.is_empty() => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(format!("{key} must be a string")),
    }
}

/// An object field.
pub(super) fn object(
    call: &mut Map<String, Value>,
    key: &str,
) -> Result<Option<Map<String, Value>>, String> {
    match call.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(object)) => Ok(Some(object)),
        Some(_) => Err(format!("{key} must be an object")),
    }
}

/// The `messageId` of a call, if it has a string one (to name a refused call).
pub(super) fn message_id_of(call: &Map<String, Value>) -> Option<String> {
    call.get("messageId")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
}

/// An ISO 8601 date-time with a UTC offset (`2026-05-01T12:00:00.250Z`), to the
/// nanosecond.
fn iso_timestamp(text: &str) -> Result<jiff::Timestamp, String> {
    text.parse::<jiff::Timestamp>().map_err(|e| {
        format!("timestamp must be an ISO 8601 date-time with a UTC offset (2026-05-01T12:00:00.250Z): {e}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn envelope(call: Value) -> Result<Envelope, String> {
        let Value::Object(mut call) = call else {
            return Err("not an object".to_owned());
        };
        Envelope::read(&mut call, None)
    }

    #[test]
    fn iso_timestamps_keep_their_milliseconds() {
        let read = envelope(json!({"timestamp": "2026-05-01T12:00:00.250Z"})).unwrap();
        assert_eq!(read.milliseconds(), Some(1_777_636_800_250));
        assert_eq!(read.seconds(), Some(1_777_636_800));
        let offset = envelope(json!({"timestamp": "2026-05-01T14:00:00.250+02:00"})).unwrap();
        assert_eq!(offset.milliseconds(), Some(1_777_636_800_250));
    }

    #[test]
    fn timestamps_that_are_not_iso_date_times_are_refused() {
        for bad in [
            json!("2026-05-01"),
            json!("2026-05-01T12:00:00"),
            json!("yesterday"),
            json!(1_777_636_800),
        ] {
            let error = envelope(json!({ "timestamp": bad })).unwrap_err();
            assert!(
                error.starts_with("timestamp must be an ISO 8601"),
                "{error}"
            );
        }
    }

    #[test]
    fn the_subject_is_the_user_id_else_the_anonymous_id() {
        let both = envelope(json!({"userId": "u@example.com", "anonymousId": "a"})).unwrap();
        assert_eq!(
            both.subject(),
            Ok(Subject::Person("u@example.com".to_owned()))
        );
        let anonymous = envelope(json!({"userId": "", "anonymousId": "a"})).unwrap();
        assert_eq!(anonymous.subject(), Ok(Subject::Anonymous("a".to_owned())));
        let nobody = envelope(json!({"traits": {}})).unwrap();
        assert_eq!(
            nobody.subject(),
            Err("userId or anonymousId is required".to_owned())
        );
        assert_eq!(
            envelope(json!({"userId": 42})).unwrap_err(),
            "userId must be a string"
        );
    }

    #[test]
    fn the_call_context_wins_over_the_batch_context() {
        let Value::Object(batch) = json!({"ip": "10.0.0.1", "locale": "en"}) else {
            unreachable!()
        };
        let Value::Object(mut call) = json!({"context": {"ip": "10.0.0.2"}}) else {
            unreachable!()
        };
        let read = Envelope::read(&mut call, Some(&batch)).unwrap();
        assert_eq!(
            Value::Object(read.context),
            json!({"ip": "10.0.0.2", "locale": "en"})
        );
        let error = envelope(json!({"integrations": true})).unwrap_err();
        assert_eq!(error, "integrations must be an object");
    }
}
