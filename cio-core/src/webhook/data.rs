//! The `data` object of a reporting webhook: where the message came from (one of four
//! shapes), who it was for, and the fields particular to each metric.
//!
//! Read leniently, because a webhook Customer.io cannot deliver holds up every later
//! one: a known field of an unexpected type, and every unknown field, is kept in
//! [`EventData::extra`] instead of failing the event.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value};

use crate::{EventId, TransactionalId};

/// The message a reporting webhook is about: which campaign, broadcast, newsletter
/// or transactional message sent it. Ids Customer.io sends as `null` (a deleted
/// campaign, say) are `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// A campaign's message.
    Campaign {
        /// `campaign_id`.
        campaign_id: Option<u64>,
        /// `action_id`: the campaign step that sent it.
        action_id: Option<u64>,
        /// `journey_id`: the person's path through the campaign.
        journey_id: Option<String>,
        /// `parent_action_id`: the enclosing step (a random split, for example).
        parent_action_id: Option<u64>,
        /// `trigger_event_id`: the id of the event that triggered the campaign.
        trigger_event_id: Option<String>,
    },
    /// An API-triggered broadcast's message.
    Broadcast {
        /// `broadcast_id`.
        broadcast_id: Option<u64>,
        /// `trigger_id`: the id the trigger-broadcast call returned.
        trigger_id: Option<u64>,
        /// `action_id`: the broadcast step that sent it.
        action_id: Option<u64>,
        /// `journey_id`: the person's path through the broadcast.
        journey_id: Option<String>,
        /// `parent_action_id`: the enclosing step.
        parent_action_id: Option<u64>,
    },
    /// A newsletter's message.
    Newsletter {
        /// `newsletter_id`.
        newsletter_id: Option<u64>,
        /// `content_id`: the newsletter's variant.
        content_id: Option<u64>,
    },
    /// A transactional message sent with the App API.
    Transactional {
        /// `transactional_message_id`.
        transactional_message_id: TransactionalMessageId,
    },
}

/// The `transactional_message_id` of a webhook: a number, or a name when Customer.io
/// sends one. Compares equal to the [`TransactionalId`] a generated transactional
/// message carries, so `id == PasswordReset::ID` tells which of the app's messages
/// the event is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TransactionalMessageId {
    /// A numeric id (also when sent as a string of digits).
    Number(u64),
    /// Any other string.
    Name(String),
}

impl PartialEq<TransactionalId> for TransactionalMessageId {
    fn eq(&self, other: &TransactionalId) -> bool {
        match (self, other) {
            (TransactionalMessageId::Number(a), TransactionalId::Number(b)) => a == b,
            (TransactionalMessageId::Name(a), TransactionalId::Name(b)) => a == b,
            _ => false,
        }
    }
}

impl fmt::Display for TransactionalMessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransactionalMessageId::Number(id) => id.fmt(f),
            TransactionalMessageId::Name(name) => f.write_str(name),
        }
    }
}

/// `identifiers`: who the event is about. A workspace with email and ID identifiers
/// sends all three; one with IDs only sends `id`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Identifiers {
    /// The person's `id` (the one the app identifies them with).
    pub id: Option<String>,
    /// The person's email address, when it is an identifier.
    pub email: Option<String>,
    /// Customer.io's canonical id, stable across changes to the other two.
    pub cio_id: Option<String>,
}

/// One device of a push event's `recipients`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PushRecipient {
    /// The device token.
    pub device_id: String,
    /// `ios` or `android`.
    pub device_platform: Option<String>,
    /// Why the push failed for this device (bounced, dropped).
    pub failure_message: Option<String>,
}

/// The `data` of a reporting webhook. Which fields are present depends on the object
/// type and the metric (see the metric enums); every field is optional here, so that
/// nothing Customer.io sends fails to parse.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct EventData {
    /// Which campaign, broadcast, newsletter or transactional message sent the
    /// message; `None` for a subscription change not tied to a message.
    pub origin: Option<Origin>,
    /// `delivery_id`: this message to this person, the same across its metrics.
    pub delivery_id: Option<String>,
    /// `identifiers`: who it is about.
    pub identifiers: Option<Identifiers>,
    /// `customer_id`: deprecated by Customer.io in favour of `identifiers`; empty
    /// when the person was deleted.
    pub customer_id: Option<String>,
    /// `email_address`: the person's email (subscription changes).
    pub email_address: Option<String>,
    /// `recipient`: the address the message went to (email address, phone number,
    /// Slack channel, webhook URL, or the in-app user).
    pub recipient: Option<String>,
    /// `recipients`: the devices of a push.
    pub recipients: Option<Vec<PushRecipient>>,
    /// `subject`: an email's subject.
    pub subject: Option<String>,
    /// `content`: the message body, when the webhook has *Body Content* on (for a
    /// subscription preferences change: the new preferences, as a JSON string).
    pub content: Option<String>,
    /// `headers`: an email's custom headers, name to values (*Body Content*).
    pub headers: Option<BTreeMap<String, Vec<String>>>,
    /// `href`: the link clicked.
    pub href: Option<String>,
    /// `link_id`: the tracked link clicked.
    pub link_id: Option<u64>,
    /// `machine`: the click came from a machine (a link scanner).
    pub machine: Option<bool>,
    /// `proxied`: the email was fetched through a proxy hiding the reader.
    pub proxied: Option<bool>,
    /// `prefetched`: the email was opened by Gmail, Apple Mail Privacy Protection or
    /// a machine.
    pub prefetched: Option<bool>,
    /// `synthetic`: the open was inferred from a click.
    pub synthetic: Option<bool>,
    /// `tracked_response`: the action name of the in-app component tapped.
    pub tracked_response: Option<String>,
    /// `failure_message`: why sending failed, bounced or was dropped.
    pub failure_message: Option<String>,
    /// `inbound_event_id`: the id of a reply (`replied`).
    pub inbound_event_id: Option<String>,
    /// `to`: the number a reply was sent to (`replied`).
    pub to: Option<String>,
    /// Every other field, and any of the above whose value had an unexpected type.
    pub extra: Map<String, Value>,
}

impl EventData {
    /// The `trigger_event_id` of a campaign message.
    pub fn trigger_event_id(&self) -> Option<&str> {
        match &self.origin {
            Some(Origin::Campaign {
                trigger_event_id, ..
            }) => trigger_event_id.as_deref(),
            _ => None,
        }
    }

    /// The `trigger_event_id` as the [`EventId`] cio sends events with, or `None`
    /// when there is none or it is not a ULID.
    pub fn triggered_by(&self) -> Option<EventId> {
        self.trigger_event_id()?.parse().ok()
    }

    /// Reads a `data` object; never fails (see [`EventData::extra`]).
    pub(super) fn from_json(mut fields: Map<String, Value>) -> Self {
        let origin = take_origin(&mut fields);
        let mut data = EventData {
            origin,
            delivery_id: take_text(&mut fields, "delivery_id"),
            identifiers: take_identifiers(&mut fields),
            customer_id: take_text(&mut fields, "customer_id"),
            email_address: take_text(&mut fields, "email_address"),
            recipient: take_text(&mut fields, "recipient"),
            recipients: take_recipients(&mut fields),
            subject: take_text(&mut fields, "subject"),
            content: take_text(&mut fields, "content"),
            headers: take_headers(&mut fields),
            href: take_text(&mut fields, "href"),
            link_id: take_id(&mut fields, "link_id"),
            machine: take_bool(&mut fields, "machine"),
            proxied: take_bool(&mut fields, "proxied"),
            prefetched: take_bool(&mut fields, "prefetched"),
            synthetic: take_bool(&mut fields, "synthetic"),
            tracked_response: take_text(&mut fields, "tracked_response"),
            failure_message: take_text(&mut fields, "failure_message"),
            inbound_event_id: take_text(&mut fields, "inbound_event_id"),
            to: take_text(&mut fields, "to"),
            extra: Map::new(),
        };
        data.extra = fields;
        data
    }

    /// The `data` object as Customer.io would send it.
    pub(super) fn to_json(&self) -> Map<String, Value> {
        let mut fields = self.extra.clone();
        if let Some(origin) = &self.origin {
            put_origin(&mut fields, origin);
        }
        put(&mut fields, "delivery_id", &self.delivery_id);
        if let Some(identifiers) = &self.identifiers {
            let mut object = Map::new();
            put(&mut object, "id", &identifiers.id);
            put(&mut object, "email", &identifiers.email);
            put(&mut object, "cio_id", &identifiers.cio_id);
            fields.insert("identifiers".into(), Value::Object(object));
        }
        put(&mut fields, "customer_id", &self.customer_id);
        put(&mut fields, "email_address", &self.email_address);
        put(&mut fields, "recipient", &self.recipient);
        if let Some(recipients) = &self.recipients {
            let devices = recipients
                .iter()
                .map(|device| {
                    let mut object = Map::new();
                    object.insert("device_id".into(), device.device_id.clone().into());
                    put(&mut object, "device_platform", &device.device_platform);
                    put(&mut object, "failure_message", &device.failure_message);
                    Value::Object(object)
                })
                .collect();
            fields.insert("recipients".into(), Value::Array(devices));
        }
        put(&mut fields, "subject", &self.subject);
        put(&mut fields, "content", &self.content);
        if let Some(headers) = &self.headers {
            let object = headers
                .iter()
                .map(|(name, values)| (name.clone(), Value::from(values.clone())))
                .collect();
            fields.insert("headers".into(), Value::Object(object));
        }
        put(&mut fields, "href", &self.href);
        put(&mut fields, "link_id", &self.link_id);
        put(&mut fields, "machine", &self.machine);
        put(&mut fields, "proxied", &self.proxied);
        put(&mut fields, "prefetched", &self.prefetched);
        put(&mut fields, "synthetic", &self.synthetic);
        put(&mut fields, "tracked_response", &self.tracked_response);
        put(&mut fields, "failure_message", &self.failure_message);
        put(&mut fields, "inbound_event_id", &self.inbound_event_id);
        put(&mut fields, "to", &self.to);
        fields
    }
}

/// The origin, told apart by the key only its shape has (the id may be `null`).
fn take_origin(fields: &mut Map<String, Value>) -> Option<Origin> {
    let has = |fields: &Map<String, Value>, key: &str| fields.contains_key(key);
    if has(fields, "transactional_message_id") {
        // Kept in `extra` when it is neither a number nor a string.
        let transactional_message_id = take_transactional_id(fields)?;
        Some(Origin::Transactional {
            transactional_message_id,
        })
    } else if has(fields, "newsletter_id") || has(fields, "content_id") {
        Some(Origin::Newsletter {
            newsletter_id: take_id(fields, "newsletter_id"),
            content_id: take_id(fields, "content_id"),
        })
    } else if has(fields, "broadcast_id") || has(fields, "trigger_id") {
        Some(Origin::Broadcast {
            broadcast_id: take_id(fields, "broadcast_id"),
            trigger_id: take_id(fields, "trigger_id"),
            action_id: take_id(fields, "action_id"),
            journey_id: take_text(fields, "journey_id"),
            parent_action_id: take_id(fields, "parent_action_id"),
        })
    } else if has(fields, "campaign_id") || has(fields, "trigger_event_id") {
        Some(Origin::Campaign {
            campaign_id: take_id(fields, "campaign_id"),
            action_id: take_id(fields, "action_id"),
            journey_id: take_text(fields, "journey_id"),
            parent_action_id: take_id(fields, "parent_action_id"),
            trigger_event_id: take_text(fields, "trigger_event_id"),
        })
    } else {
        None
    }
}

fn put_origin(fields: &mut Map<String, Value>, origin: &Origin) {
    // The shape's own id is written even when `None` (as `null`), so that the
    // origin reads back the same.
    let put_id = |fields: &mut Map<String, Value>, key: &str, id: &Option<u64>| {
        fields.insert(key.into(), id.map_or(Value::Null, Value::from));
    };
    match origin {
        Origin::Campaign {
            campaign_id,
            action_id,
            journey_id,
            parent_action_id,
            trigger_event_id,
        } => {
            put_id(fields, "campaign_id", campaign_id);
            put(fields, "action_id", action_id);
            put(fields, "journey_id", journey_id);
            put(fields, "parent_action_id", parent_action_id);
            put(fields, "trigger_event_id", trigger_event_id);
        }
        Origin::Broadcast {
            broadcast_id,
            trigger_id,
            action_id,
            journey_id,
            parent_action_id,
        } => {
            put_id(fields, "broadcast_id", broadcast_id);
            put(fields, "trigger_id", trigger_id);
            put(fields, "action_id", action_id);
            put(fields, "journey_id", journey_id);
            put(fields, "parent_action_id", parent_action_id);
        }
        Origin::Newsletter {
            newsletter_id,
            content_id,
        } => {
            put_id(fields, "newsletter_id", newsletter_id);
            put(fields, "content_id", content_id);
        }
        Origin::Transactional {
            transactional_message_id,
        } => {
            let id = match transactional_message_id {
                TransactionalMessageId::Number(id) => Value::from(*id),
                TransactionalMessageId::Name(name) => Value::from(name.clone()),
            };
            fields.insert("transactional_message_id".into(), id);
        }
    }
}

/// Inserts `value` under `key` unless it is `None`.
fn put<T: Clone + Into<Value>>(fields: &mut Map<String, Value>, key: &str, value: &Option<T>) {
    if let Some(value) = value {
        fields.insert(key.into(), value.clone().into());
    }
}

/// Removes `key` and converts its value; a value `convert` does not accept goes back.
/// `null` counts as absent.
fn take<T>(
    fields: &mut Map<String, Value>,
    key: &str,
    convert: impl FnOnce(&Value) -> Option<T>,
) -> Option<T> {
    match fields.remove(key)? {
        Value::Null => None,
        value => match convert(&value) {
            Some(converted) => Some(converted),
            None => {
                fields.insert(key.into(), value);
                None
            }
        },
    }
}

/// A string, or a number written as one (ids that are numbers in some workspaces).
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// A non-negative integer, or a string of digits.
fn id(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_u64(),
        Value::String(digits) => digits.parse().ok(),
        _ => None,
    }
}

fn take_text(fields: &mut Map<String, Value>, key: &str) -> Option<String> {
    take(fields, key, text)
}

fn take_id(fields: &mut Map<String, Value>, key: &str) -> Option<u64> {
    take(fields, key, id)
}

fn take_bool(fields: &mut Map<String, Value>, key: &str) -> Option<bool> {
    take(fields, key, Value::as_bool)
}

fn take_transactional_id(fields: &mut Map<String, Value>) -> Option<TransactionalMessageId> {
    take(fields, "transactional_message_id", |value| {
        match (id(value), value) {
            (Some(number), _) => Some(TransactionalMessageId::Number(number)),
            (None, Value::String(name)) => Some(TransactionalMessageId::Name(name.clone())),
            _ => None,
        }
    })
}

fn take_identifiers(fields: &mut Map<String, Value>) -> Option<Identifiers> {
    take(fields, "identifiers", |value| {
        let object = value.as_object()?;
        let get = |key| object.get(key).and_then(text);
        Some(Identifiers {
            id: get("id"),
            email: get("email"),
            cio_id: get("cio_id"),
        })
    })
}

fn take_recipients(fields: &mut Map<String, Value>) -> Option<Vec<PushRecipient>> {
    take(fields, "recipients", |value| {
        value
            .as_array()?
            .iter()
            .map(|device| {
                let device = device.as_object()?;
                let get = |key| device.get(key).and_then(text);
                Some(PushRecipient {
                    device_id: get("device_id")?,
                    device_platform: get("device_platform"),
                    failure_message: get("failure_message"),
                })
            })
            .collect()
    })
}

fn take_headers(fields: &mut Map<String, Value>) -> Option<BTreeMap<String, Vec<String>>> {
    take(fields, "headers", |value| {
        value
            .as_object()?
            .iter()
            .map(|(name, values)| {
                let values = match values {
                    Value::String(one) => vec![one.clone()],
                    Value::Array(many) => many.iter().map(text).collect::<Option<_>>()?,
                    _ => return None,
                };
                Some((name.clone(), values))
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn data(value: Value) -> EventData {
        match value {
            Value::Object(fields) => EventData::from_json(fields),
            _ => panic!("not an object"),
        }
    }

    #[test]
    fn tells_the_four_origins_apart() {
        let campaign = data(
            json!({"campaign_id": 5, "action_id": 96, "journey_id": "01GW20GXAAXBKZD8J96M8FNV3R", "parent_action_id": 1, "trigger_event_id": "01HGW2N7EHJMS3Q6ZV0B5Y4X8K", "delivery_id": "d"}),
        );
        assert_eq!(
            campaign.origin,
            Some(Origin::Campaign {
                campaign_id: Some(5),
                action_id: Some(96),
                journey_id: Some("01GW20GXAAXBKZD8J96M8FNV3R".into()),
                parent_action_id: Some(1),
                trigger_event_id: Some("01HGW2N7EHJMS3Q6ZV0B5Y4X8K".into()),
            })
        );
        let broadcast = data(json!({"broadcast_id": 9, "trigger_id": 1, "action_id": 42}));
        assert_eq!(
            broadcast.origin,
            Some(Origin::Broadcast {
                broadcast_id: Some(9),
                trigger_id: Some(1),
                action_id: Some(42),
                journey_id: None,
                parent_action_id: None,
            })
        );
        let newsletter = data(json!({"newsletter_id": 10, "content_id": 3}));
        assert_eq!(
            newsletter.origin,
            Some(Origin::Newsletter {
                newsletter_id: Some(10),
                content_id: Some(3)
            })
        );
        let transactional = data(json!({"transactional_message_id": 12}));
        assert_eq!(
            transactional.origin,
            Some(Origin::Transactional {
                transactional_message_id: TransactionalMessageId::Number(12)
            })
        );
        assert_eq!(data(json!({"customer_id": "42"})).origin, None);
        for value in [campaign, broadcast, newsletter, transactional] {
            assert!(value.extra.is_empty(), "{:?}", value.extra);
        }
    }

    #[test]
    fn a_null_id_keeps_its_origin() {
        let deleted = data(json!({"campaign_id": null, "action_id": 96}));
        assert!(matches!(
            deleted.origin,
            Some(Origin::Campaign {
                campaign_id: None,
                action_id: Some(96),
                ..
            })
        ));
        let broadcast = data(json!({"broadcast_id": null, "trigger_id": 3}));
        assert!(matches!(
            broadcast.origin,
            Some(Origin::Broadcast {
                broadcast_id: None,
                ..
            })
        ));
    }

    #[test]
    fn ids_as_strings_are_read() {
        let value = data(
            json!({"campaign_id": "5", "action_id": "96", "link_id": "2", "transactional_message_id": "7"}),
        );
        assert_eq!(
            value.origin,
            Some(Origin::Transactional {
                transactional_message_id: TransactionalMessageId::Number(7)
            })
        );
        assert_eq!(value.link_id, Some(2));
        // Not the transactional shape's: left for the caller.
        assert_eq!(value.extra.get("campaign_id"), Some(&json!("5")));
    }

    #[test]
    fn unexpected_types_go_to_extra() {
        let value = data(json!({
            "delivery_id": {"nested": true},
            "link_id": -1,
            "machine": "yes",
            "headers": {"X-A": [1, {"b": 2}]},
            "recipients": [{"device_platform": "ios"}],
            "identifiers": "42",
            "transactional_message_id": [1],
            "brand_new_field": "kept",
        }));
        assert_eq!(value.delivery_id, None);
        assert_eq!(value.link_id, None);
        assert_eq!(value.machine, None);
        assert_eq!(value.headers, None);
        assert_eq!(value.recipients, None, "a device without its id");
        assert_eq!(value.identifiers, None);
        assert_eq!(value.origin, None);
        for key in [
            "delivery_id",
            "link_id",
            "machine",
            "headers",
            "recipients",
            "identifiers",
            "transactional_message_id",
            "brand_new_field",
        ] {
            assert!(value.extra.contains_key(key), "{key}");
        }
    }

    #[test]
    fn transactional_ids_compare_with_the_generated_ones() {
        assert_eq!(
            TransactionalMessageId::Number(12),
            TransactionalId::Number(12)
        );
        assert_ne!(
            TransactionalMessageId::Number(12),
            TransactionalId::Number(13)
        );
        assert_eq!(
            TransactionalMessageId::Name("password_reset".into()),
            TransactionalId::Name("password_reset")
        );
        assert_ne!(
            TransactionalMessageId::Number(12),
            TransactionalId::Name("12")
        );
    }

    #[test]
    fn trigger_event_id_is_a_ulid_when_it_is_one() {
        let campaign =
            data(json!({"campaign_id": 5, "trigger_event_id": "01HGW2N7EHJMS3Q6ZV0B5Y4X8K"}));
        assert_eq!(
            campaign.trigger_event_id(),
            Some("01HGW2N7EHJMS3Q6ZV0B5Y4X8K")
        );
        assert_eq!(
            campaign.triggered_by().map(EventId::to_text).as_deref(),
            Some("01HGW2N7EHJMS3Q6ZV0B5Y4X8K")
        );
        let not_ulid = data(json!({"campaign_id": 5, "trigger_event_id": "evt-1"}));
        assert_eq!(not_ulid.trigger_event_id(), Some("evt-1"));
        assert_eq!(not_ulid.triggered_by(), None);
        let broadcast = data(json!({"broadcast_id": 9}));
        assert_eq!(broadcast.trigger_event_id(), None);
    }

    #[test]
    fn writes_back_what_it_read() {
        let samples = [
            json!({"campaign_id": null, "action_id": 96, "trigger_event_id": "01HGW2N7EHJMS3Q6ZV0B5Y4X8K", "delivery_id": "d", "identifiers": {"id": "42", "email": "a@example.com", "cio_id": "c"}, "recipient": "a@example.com", "subject": "Hi", "headers": {"X-A": ["1", "2"]}, "unknown": [1, 2]}),
            json!({"broadcast_id": 9, "trigger_id": 1, "recipients": [{"device_id": "t", "device_platform": "ios", "failure_message": "BadDeviceToken"}]}),
            json!({"newsletter_id": null, "content_id": 3, "href": "https://example.com", "link_id": 1, "machine": true}),
            json!({"transactional_message_id": "password_reset", "proxied": false, "prefetched": true, "synthetic": false}),
            json!({"customer_id": "42", "email_address": "a@example.com", "content": "{\"topics\":{\"topic_1\":true}}"}),
        ];
        for sample in samples {
            let read = data(sample.clone());
            assert_eq!(Value::Object(read.to_json()), sample);
        }
    }
}
