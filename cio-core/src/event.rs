//! The traits that generated and derived types implement, and [`Tracked`], an event
//! with the identity that makes its delivery idempotent.

use std::fmt;
use std::str::FromStr;

use crate::constraint::Violation;
use crate::Timestamp;

/// An event of the taxonomy: its wire name and its data.
///
/// Implemented by the structs `cio::taxonomy!()` generates and by
/// `#[derive(cio::Event)]`; serializing the value yields the event's `data` object,
/// exactly as Customer.io's Liquid sees it under `{{ event.* }}`.
pub trait Event: serde::Serialize {
    /// The event name as declared in `events.toml` (what campaigns trigger on).
    const NAME: &'static str;

    /// The data fields that the messages of campaigns triggered by this event read
    /// (`{{ event.X }}`): they are always present in the data.
    const LIQUID_FIELDS: &'static [&'static str] = &[];

    /// Checks the constraints `events.toml` declares (`min`, `max`, `max_length`,
    /// `email`, `url`, timestamps in seconds) on this value.
    fn validate(&self) -> Result<(), Violation> {
        Ok(())
    }
}

/// Profile attributes sent with `identify`.
///
/// Implemented by the generated `Profile` and `ProfileUpdate` and by
/// `#[derive(cio::Attributes)]`; serializing the value yields the attribute object
/// (absent optional attributes are omitted, not sent as `null`).
pub trait Attributes: serde::Serialize {
    /// Checks the constraints `events.toml` declares on these attributes.
    fn validate(&self) -> Result<(), Violation> {
        Ok(())
    }
}

/// An enum of the taxonomy, sent as one of its declared strings.
pub trait Enum: serde::Serialize + 'static {
    /// The enum's name in `events.toml` (`plan`, or `signed_up.method` for an inline one).
    const NAME: &'static str;
    /// Every declared value, in declaration order.
    const VALUES: &'static [&'static str];
    /// The wire string of this value.
    fn as_str(&self) -> &'static str;
}

/// The unique id of one event: a ULID fixed when the event is created and sent with
/// every attempt, so that Customer.io ignores a retried duplicate.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventId(ulid::Ulid);

impl EventId {
    /// A new, unique id.
    pub fn new() -> Self {
        EventId(ulid::Ulid::new())
    }

    /// The id as its 26-character Crockford base32 text.
    pub fn to_text(self) -> String {
        self.0.to_string()
    }

    /// An id derived from a stored row's number and bytes (FNV-1a), the same at
    /// every read: for outbox rows written before every operation carried an id.
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    pub(crate) fn derived(seq: i64, bytes: &[u8]) -> Self {
        let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, &byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
        });
        EventId(ulid::Ulid::from(
            (u128::from(hash) << 64) | u128::from(seq as u64),
        ))
    }
}

impl Default for EventId {
    fn default() -> Self {
        EventId::new()
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EventId({})", self.0)
    }
}

/// The text is not a ULID (26 characters of Crockford base32).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a ULID (26 characters of Crockford base32)")]
pub struct InvalidEventId(pub String);

impl FromStr for EventId {
    type Err = InvalidEventId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ulid::Ulid::from_string(s)
            .map(EventId)
            .map_err(|_| InvalidEventId(s.to_string()))
    }
}

impl serde::Serialize for EventId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; ulid::ULID_LEN];
        let text = self.0.array_to_str(&mut buf);
        serializer.serialize_str(text)
    }
}

/// An event ready to send: the event, its [`EventId`] (fixed here, once) and an
/// optional timestamp (Customer.io uses the time it receives the event otherwise).
///
/// ```
/// # use cio_core::{Event, Tracked};
/// #[derive(Clone, serde::Serialize)]
/// struct EmailVerified {}
/// impl Event for EmailVerified { const NAME: &'static str = "email_verified"; }
///
/// let tracked = Tracked::new(EmailVerified {});
/// let again = tracked.clone();
/// assert_eq!(tracked.id(), again.id()); // a retry sends the same id
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Tracked<E> {
    id: EventId,
    timestamp: Option<Timestamp>,
    event: E,
}

impl<E: Event> Tracked<E> {
    /// Wraps `event` with a new unique id.
    pub fn new(event: E) -> Self {
        Tracked {
            id: EventId::new(),
            timestamp: None,
            event,
        }
    }

    /// Wraps `event` with an id of the caller's (for example one stored in an outbox
    /// table, so that a resend after a restart is still recognised as a duplicate).
    pub fn with_id(event: E, id: EventId) -> Self {
        Tracked {
            id,
            timestamp: None,
            event,
        }
    }

    /// Sets when the event happened.
    #[must_use]
    pub fn at(mut self, timestamp: Timestamp) -> Self {
        self.timestamp = Some(timestamp);
        self
    }

    /// The event's id.
    pub fn id(&self) -> EventId {
        self.id
    }

    /// When the event happened, if set.
    pub fn timestamp(&self) -> Option<Timestamp> {
        self.timestamp
    }

    /// The event.
    pub fn event(&self) -> &E {
        &self.event
    }

    /// The event's wire name.
    pub fn name(&self) -> &'static str {
        E::NAME
    }

    /// Gives the event back.
    pub fn into_event(self) -> E {
        self.event
    }
}

impl<E: Event> From<E> for Tracked<E> {
    fn from(event: E) -> Self {
        Tracked::new(event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_ulids() {
        let a = EventId::new();
        let b = EventId::new();
        assert_ne!(a, b);
        let text = a.to_text();
        assert_eq!(text.len(), 26);
        assert_eq!(text.parse::<EventId>(), Ok(a));
        assert_eq!(serde_json::to_string(&a).unwrap(), format!("\"{text}\""));
    }

    #[test]
    fn rejects_non_ulids() {
        assert!("not-a-ulid".parse::<EventId>().is_err());
        assert!("01ARZ3NDEKTSV4RRFFQ69G5FAVX".parse::<EventId>().is_err());
    }
}
