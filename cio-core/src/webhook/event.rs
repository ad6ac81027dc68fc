//! [`ReportingEvent`]: one reporting webhook's JSON body, typed.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::data::EventData;
use super::metric::{Metric, SubscriptionChange};
use crate::{EventId, Timestamp};

/// One reporting webhook: something that happened to a message Customer.io sent (or
/// to a person's subscription).
///
/// Deserializing needs `event_id`, `object_type`, `metric` and `timestamp`; anything
/// else Customer.io sends, known or not, is read without failing (see
/// [`EventData::extra`] and the `Other` variants of [`Metric`]).
///
/// ```
/// use cio_core::webhook::{EmailMetric, Metric, Origin, ReportingEvent};
///
/// let body = br#"{
///   "event_id": "01E4C4CT6YDC7Y5M7FE1GWWPQJ",
///   "object_type": "email",
///   "metric": "bounced",
///   "timestamp": 1613063089,
///   "data": {
///     "campaign_id": 5, "action_id": 96, "delivery_id": "RPILAgUBcRhIBqSfeiIwdIYJKxTY",
///     "trigger_event_id": "01HGW2N7EHJMS3Q6ZV0B5Y4X8K",
///     "identifiers": {"id": "42", "email": "test@example.com", "cio_id": "d9c106000001"},
///     "recipient": "test@example.com", "subject": "Welcome",
///     "failure_message": "550 mailbox unavailable"
///   }
/// }"#;
/// let event: ReportingEvent = serde_json::from_slice(body)?;
/// assert_eq!(event.metric, Metric::Email(EmailMetric::Bounced));
/// assert_eq!(event.data.failure_message.as_deref(), Some("550 mailbox unavailable"));
/// assert!(matches!(event.data.origin, Some(Origin::Campaign { campaign_id: Some(5), .. })));
/// // The event cio sent that triggered the campaign (if Customer.io echoes cio's id):
/// assert_eq!(event.triggered_by().map(|id| id.to_text()).as_deref(), Some("01HGW2N7EHJMS3Q6ZV0B5Y4X8K"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(from = "WireEvent", into = "WireEvent")]
#[non_exhaustive]
pub struct ReportingEvent {
    /// `event_id`: unique per webhook event, the same when Customer.io retries or
    /// sends it twice: deduplicate on it.
    pub event_id: String,
    /// `timestamp`: when it happened.
    pub timestamp: Timestamp,
    /// `object_type` and `metric`.
    pub metric: Metric,
    /// `data`.
    pub data: EventData,
}

impl ReportingEvent {
    /// An event from its parts (for tests, or to emulate Customer.io).
    pub fn new(
        event_id: impl Into<String>,
        timestamp: Timestamp,
        metric: Metric,
        data: EventData,
    ) -> Self {
        ReportingEvent {
            event_id: event_id.into(),
            timestamp,
            metric,
            data,
        }
    }

    /// `data.delivery_id`: the message this event is about.
    pub fn delivery_id(&self) -> Option<&str> {
        self.data.delivery_id.as_deref()
    }

    /// `data.trigger_event_id`: for a campaign's message, the id of the event that
    /// triggered the campaign.
    pub fn trigger_event_id(&self) -> Option<&str> {
        self.data.trigger_event_id()
    }

    /// The `trigger_event_id` as an [`EventId`], to join a delivery back to the event
    /// (and outbox row) that caused it; `None` when absent or not a ULID.
    ///
    /// Customer.io documents `trigger_event_id` as "the ID of an event that triggered
    /// a campaign"; that it is the `id` cio sent with the event is not documented, so
    /// check it once with a test event in your workspace.
    pub fn triggered_by(&self) -> Option<EventId> {
        self.data.triggered_by()
    }

    /// The subscription change this event reports, whatever its object type: see
    /// [`Metric::subscription_change`].
    pub fn subscription_change(&self) -> Option<SubscriptionChange> {
        self.metric.subscription_change()
    }
}

/// The JSON shape, as Customer.io sends it.
#[derive(Deserialize, Serialize)]
struct WireEvent {
    event_id: String,
    object_type: String,
    metric: String,
    timestamp: Timestamp,
    #[serde(default)]
    data: Map<String, Value>,
}

impl From<WireEvent> for ReportingEvent {
    fn from(wire: WireEvent) -> Self {
        ReportingEvent {
            metric: Metric::from_names(&wire.object_type, &wire.metric),
            event_id: wire.event_id,
            timestamp: wire.timestamp,
            data: EventData::from_json(wire.data),
        }
    }
}

impl From<ReportingEvent> for WireEvent {
    fn from(event: ReportingEvent) -> Self {
        WireEvent {
            object_type: event.metric.object_type().to_owned(),
            metric: event.metric.name().to_owned(),
            event_id: event.event_id,
            timestamp: event.timestamp,
            data: event.data.to_json(),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::webhook::{EmailMetric, PushMetric};

    #[test]
    fn reads_customer_ios_example() {
        // The `email_sent` example of the published reporting-webhooks schema.
        let event: ReportingEvent = serde_json::from_value(json!({
            "metric": "sent",
            "event_id": "01E4C4CT6YDC7Y5M7FE1GWWPQJ",
            "object_type": "email",
            "timestamp": 1613063089,
            "data": {
                "action_id": 42,
                "broadcast_id": 9,
                "customer_id": "0200000001",
                "delivery_id": "RPILAgUBcRhIBqSfeiIwdIYJKxTY",
                "identifiers": {"id": "42", "email": "test@example.com", "cio_id": "d9c106000001"},
                "recipient": "test@example.com"
            }
        }))
        .unwrap();
        assert_eq!(event.event_id, "01E4C4CT6YDC7Y5M7FE1GWWPQJ");
        assert_eq!(event.timestamp, Timestamp::from_unix(1613063089));
        assert_eq!(event.metric, Metric::Email(EmailMetric::Sent));
        assert_eq!(event.delivery_id(), Some("RPILAgUBcRhIBqSfeiIwdIYJKxTY"));
        assert_eq!(event.data.customer_id.as_deref(), Some("0200000001"));
        assert_eq!(event.data.recipient.as_deref(), Some("test@example.com"));
        assert_eq!(
            event
                .data
                .identifiers
                .as_ref()
                .and_then(|who| who.cio_id.as_deref()),
            Some("d9c106000001")
        );
        assert!(event.data.extra.is_empty(), "{:?}", event.data.extra);
    }

    #[test]
    fn needs_only_the_envelope() {
        let event: ReportingEvent = serde_json::from_value(json!({
            "event_id": "e", "object_type": "push", "metric": "opened", "timestamp": 1
        }))
        .unwrap();
        assert_eq!(event.metric, Metric::Push(PushMetric::Opened));
        assert_eq!(event.data, EventData::default());
        for missing in ["event_id", "object_type", "metric", "timestamp"] {
            let mut value =
                json!({"event_id": "e", "object_type": "push", "metric": "opened", "timestamp": 1});
            value.as_object_mut().unwrap().remove(missing);
            let error = serde_json::from_value::<ReportingEvent>(value).unwrap_err();
            assert!(error.to_string().contains(missing), "{error}");
        }
    }

    #[test]
    fn tolerates_unknown_top_level_fields() {
        let event: ReportingEvent = serde_json::from_value(json!({
            "event_id": "e", "object_type": "customer", "metric": "subscribed", "timestamp": 1,
            "object_type_type": "email", "data": {}
        }))
        .unwrap();
        assert_eq!(
            event.subscription_change(),
            Some(SubscriptionChange::Subscribed)
        );
    }

    #[test]
    fn serializes_as_customer_io_sends_it() {
        let sent = json!({
            "event_id": "01E4C4CT6YDC7Y5M7FE1GWWPQJ",
            "object_type": "sms",
            "metric": "replied",
            "timestamp": 1613063089,
            "data": {"campaign_id": 5, "action_id": 7, "delivery_id": "d", "identifiers": {"id": "42"}, "inbound_event_id": "in-1", "to": "+15550000000", "recipient": "+15551234567", "new": 1}
        });
        let event: ReportingEvent = serde_json::from_value(sent.clone()).unwrap();
        assert_eq!(serde_json::to_value(&event).unwrap(), sent);
        let built = ReportingEvent::new(
            "e",
            Timestamp::from_unix(2),
            Metric::from_names("slack", "sent"),
            EventData::default(),
        );
        assert_eq!(
            serde_json::to_value(&built).unwrap(),
            json!({"event_id": "e", "object_type": "slack", "metric": "sent", "timestamp": 2, "data": {}})
        );
    }
}
