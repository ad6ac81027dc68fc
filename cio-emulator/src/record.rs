//! [`Record`]: what the emulator received and accepted, for tests to read.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::time::Instant;

use cio_core::journey::Rendered;
use serde_json::{Map, Value};

use crate::journeys::Engine;
use crate::objects::ObjectKey;

/// Which API carried a request or an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiVersion {
    /// Track v1 (`/api/v1/...`).
    V1,
    /// Track v2 (`/api/v2/entity`, `/api/v2/batch`).
    V2,
    /// Data Pipelines (`/v1/track`, `/v1/page`, `/v1/screen`, `/v1/batch`).
    Pipelines,
}

/// An event, page or screen view the emulator stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// The event's `id` (its ULID; a Pipelines call's `messageId`), if it had one.
    pub id: Option<String>,
    /// The event name (the URL or screen name for views; a Pipelines view's `name`).
    pub name: String,
    /// `event`, `page` or `screen`.
    pub kind: String,
    /// The data (`data` in v1, `attributes` in v2, `properties` in Pipelines);
    /// `Null` when absent.
    pub data: Value,
    /// The `timestamp` in Unix seconds, if given (a Pipelines ISO 8601 `timestamp`
    /// rounded down to its second).
    pub timestamp: Option<i64>,
    /// The `anonymous_id` of an anonymous event (a Pipelines call's `anonymousId`).
    pub anonymous_id: Option<String>,
    /// How it arrived.
    pub via: ApiVersion,
}

/// An operation applied to one person, as kept in [`Record::history`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Applied {
    /// An identify: the attributes it set.
    Identify(Map<String, Value>),
    /// An event, page or screen view stored, by id (when it had one).
    Event(Option<String>),
    /// The person was deleted.
    Delete,
    /// The person was suppressed (and deleted).
    Suppress,
    /// The person was unsuppressed.
    Unsuppress,
    /// Another person (named here) was merged into this one.
    Merged(String),
    /// This person was merged into another (named here) and deleted.
    MergedInto(String),
    /// A device (by token) was added or updated.
    AddDevice(String),
    /// A device (by token) was deleted.
    DeleteDevice(String),
    /// The person was related to an object (or their relationship updated).
    Related(ObjectKey),
    /// The person's relationship to an object was removed.
    Unrelated(ObjectKey),
}

/// One request as it arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestLog {
    /// Its arrival number, from 0.
    pub seq: u64,
    /// The HTTP method.
    pub method: String,
    /// The path as sent (still percent-encoded).
    pub path: String,
    /// When it arrived (its body read).
    pub arrived: Instant,
    /// Its `X-Retry-Count` header, if any.
    pub retry_count: Option<u32>,
    /// Its `User-Agent` header, if any.
    pub user_agent: Option<String>,
    /// The body size in bytes (0 for a Data Pipelines body over 500 KB, which is not
    /// read).
    pub body_len: usize,
    /// The status answered; `None` when the connection was closed without answer.
    pub status: Option<u16>,
}

/// A delivery metric (`/api/v1/metrics`), push event (`/api/v1/push/events`) or
/// Pipelines report (a `Report Delivery Event` or `Report Content Event`) the
/// emulator accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredMetric {
    /// `metrics`, `push/events`, or `pipelines` for a Pipelines report.
    pub endpoint: String,
    /// The delivery it is about (empty for a `Report Content Event`).
    pub delivery_id: String,
    /// The `metric` (the push `event`, a content report's `actionType`).
    pub metric: String,
    /// The push event's `device_id`.
    pub device_id: Option<String>,
    /// The `timestamp`, if given.
    pub timestamp: Option<i64>,
    /// The whole body (a Pipelines report's `properties`).
    pub body: Map<String, Value>,
}

/// A transactional send the emulator accepted (App API `POST /v1/send/{channel}`).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSend {
    /// `email`, `push`, `sms`, `in_app` or `inbox_message` (the last segment of
    /// the send path).
    pub channel: String,
    /// The `transactional_message_id` (a string or a number).
    pub message_id: Value,
    /// The `identifiers` object.
    pub identifiers: Map<String, Value>,
    /// The `message_data` (what the template reads as `trigger.*`).
    pub message_data: Map<String, Value>,
    /// The attachments' filenames.
    pub attachments: Vec<String>,
    /// The delivery id answered (`emu_dlv_1`, ...).
    pub delivery_id: String,
    /// The name in `events.toml` of the transactional message it sends, when the
    /// emulator knows the [app messages](crate::EmulatorBuilder::app_messages).
    pub template: Option<String>,
    /// The message rendered with the journeys' Liquid (`customer.*` from the
    /// profile, `trigger.*` from `message_data`), or why it does not render; `None`
    /// when there is nothing to render (no template known, no `body` sent).
    pub rendered: Option<Result<Rendered, String>>,
    /// The whole body.
    pub body: Map<String, Value>,
}

/// A broadcast trigger the emulator accepted (App API `POST /v1/campaigns/{id}/triggers`).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredTrigger {
    /// The broadcast's id.
    pub broadcast: u64,
    /// Which audience key it carried (`ids`, `emails`, `per_user_data`, `recipients`, ...).
    pub audience: String,
    /// The `data`.
    pub data: Map<String, Value>,
    /// The trigger id answered.
    pub id: u64,
    /// Per person of the audience (their id or email), the broadcast rendered for
    /// them (`trigger.*` from `data` merged with their own `per_user_data`), or why
    /// it does not render. Empty when the broadcast's template is unknown or the
    /// audience is not a list of people (or a manual segment's `recipients`).
    pub rendered: Vec<(String, Result<Rendered, String>)>,
    /// The whole body.
    pub body: Map<String, Value>,
}

/// A push device the emulator stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDevice {
    /// The platform (`ios` or `android`; empty for a Pipelines
    /// `Device Created or Updated` without `context.device.type`).
    pub platform: String,
    /// `last_used`, if given.
    pub last_used: Option<i64>,
    /// The device attributes.
    pub attributes: Map<String, Value>,
}

/// A Data Pipelines request the emulator answered `200` without applying anything
/// of it (permissive mode, no `X-Strict-Mode: 1`): what strict mode would have
/// refused with `400`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DroppedCall {
    /// The path (`/v1/track`, `/v1/batch`, ...).
    pub path: String,
    /// In a batch, the index of the first item that made it invalid; `None` when the
    /// request as a whole is (too large, not JSON, a call's own field).
    pub item: Option<usize>,
    /// The `messageId` of the call (of that item), if it had one.
    pub message_id: Option<String>,
    /// Why, as strict mode says it in `{"meta":{"errors":[reason]}}`.
    pub reason: String,
}

/// A Data Pipelines call about an object (a `group`, or the semantic events
/// `Relationship Deleted` and `Object Deleted`), kept as it came in
/// [`Record::objects`]; what it does to the objects and relationships is in
/// [`Record::object_attributes`] and [`Record::relationships`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ObjectCall {
    /// A `group` call: the person (if any) is related to the object.
    Group {
        /// The person (their `userId`), if one was named.
        person: Option<String>,
        /// The `anonymousId`, if one was sent.
        anonymous_id: Option<String>,
        /// `traits.object_type_id` (`"1"` when absent).
        object_type_id: String,
        /// The `groupId`.
        object_id: String,
        /// The `traits`, as sent.
        traits: Map<String, Value>,
    },
    /// `Relationship Deleted`: the person is no longer related to the object.
    RelationshipDeleted {
        /// The person (their `userId`).
        person: String,
        /// `properties.objectTypeId` (`"1"` when absent).
        object_type_id: String,
        /// `properties.objectId`.
        object_id: String,
    },
    /// `Object Deleted`.
    ObjectDeleted {
        /// `properties.objectTypeId` (`"1"` when absent).
        object_type_id: String,
        /// `properties.objectId`.
        object_id: String,
    },
}

/// A snapshot of everything the emulator accepted. Customers are keyed by the
/// identifier as addressed: the decoded path segment in v1 (`cio_…` for a cio_id), in
/// v2 the `id`, `email` or `phone` value, or `cio_` + the `cio_id`, and in Data
/// Pipelines the `userId` as sent (an email address for a `userId` holding `@`,
/// `cio_…` for a cio_id), so that one person is one key whichever API wrote it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    /// Profile attributes per customer (identify merges into them).
    pub profiles: BTreeMap<String, Map<String, Value>>,
    /// Events, page and screen views per customer, in arrival order.
    pub events: BTreeMap<String, Vec<StoredEvent>>,
    /// Events sent to `/api/v1/events`, and Pipelines events, page and screen views
    /// with an `anonymousId` and no `userId`, in arrival order.
    pub anonymous_events: Vec<StoredEvent>,
    /// Pipelines identifies with an `anonymousId` and no `userId`, as (anonymousId,
    /// traits), in arrival order: no profile is made of them.
    pub anonymous_identifies: Vec<(String, Map<String, Value>)>,
    /// Push devices per customer, by token.
    pub devices: BTreeMap<String, BTreeMap<String, StoredDevice>>,
    /// Suppressed identifiers.
    pub suppressed: BTreeSet<String>,
    /// Customers deleted (by delete, suppress or merge), in order.
    pub deleted: Vec<String>,
    /// Merges applied, as (primary, secondary).
    pub merges: Vec<(String, String)>,
    /// Events not stored because an event with the same `id` already was (and
    /// Pipelines track calls not applied because their `messageId` already was).
    pub duplicates_ignored: u64,
    /// How many times each event id (and each Pipelines `messageId`, whatever the
    /// call) arrived, duplicates included (see [`Record::arrivals`]).
    pub arrivals_by_id: HashMap<String, u64>,
    /// The sum of [`Record::arrivals_by_id`].
    pub arrivals_total: u64,
    /// Event arrivals (duplicates included) in requests that were applied but answered
    /// with an error (a lost acknowledgement, as `Fault::StatusAfterApply` makes):
    /// the only events a correct sender may send again, apart from a crash.
    pub unacknowledged: u64,
    /// Per person (as addressed), every operation applied to them, in the order it
    /// was applied: what a test of ordering compares with what the app wrote.
    pub history: BTreeMap<String, Vec<Applied>>,
    /// Identifies not applied because their `timestamp` is older than the profile's
    /// latest update (Customer.io drops them, answering 200).
    pub stale_identifies: u64,
    /// Delivery metrics and push events, in arrival order.
    pub metrics: Vec<StoredMetric>,
    /// Form submissions as (form id, data), in arrival order.
    pub forms: Vec<(String, Map<String, Value>)>,
    /// The members of each manual segment (identifiers as addressed: `cio_…` for a
    /// `cio_id`).
    pub segments: BTreeMap<u64, BTreeSet<String>>,
    /// Unsubscribe calls as (delivery id, unsubscribe), in arrival order.
    pub unsubscribes: Vec<(String, bool)>,
    /// Transactional sends (App API), in arrival order.
    pub sends: Vec<StoredSend>,
    /// Broadcast triggers (App API), in arrival order.
    pub broadcast_triggers: Vec<StoredTrigger>,
    /// Pipelines calls about objects (`group`, `Relationship Deleted`,
    /// `Object Deleted`), in arrival order.
    pub objects: Vec<ObjectCall>,
    /// The attributes of each object (by type id and id) that exists: made by an
    /// object identify (v2, a Pipelines `group`) or a relationship to it, removed
    /// by its delete.
    pub object_attributes: BTreeMap<ObjectKey, Map<String, Value>>,
    /// Per person, the objects they are related to, with each relationship's
    /// attributes.
    pub relationships: BTreeMap<String, BTreeMap<ObjectKey, Map<String, Value>>>,
    /// Pipelines requests answered `200` but dropped as invalid (permissive mode),
    /// in arrival order (see [`Record::pipelines_dropped`]).
    pub pipelines_drops: Vec<DroppedCall>,
    /// Every request, in arrival order (empty when the log is off).
    pub requests: Vec<RequestLog>,
}

impl Record {
    /// The events of `customer` (empty if none).
    pub fn events_of(&self, customer: &str) -> &[StoredEvent] {
        self.events.get(customer).map_or(&[], Vec::as_slice)
    }

    /// The attributes of `customer`, if the profile exists.
    pub fn profile(&self, customer: &str) -> Option<&Map<String, Value>> {
        self.profiles.get(customer)
    }

    /// Every stored event of every customer, anonymous ones included.
    pub fn all_events(&self) -> impl Iterator<Item = &StoredEvent> {
        self.events
            .values()
            .flatten()
            .chain(self.anonymous_events.iter())
    }

    /// The number of stored events, anonymous ones included.
    pub fn event_count(&self) -> usize {
        self.events.values().map(Vec::len).sum::<usize>() + self.anonymous_events.len()
    }

    /// How many times an event with this id arrived, duplicates included (0 if never).
    pub fn arrivals(&self, id: &str) -> u64 {
        self.arrivals_by_id.get(id).copied().unwrap_or(0)
    }

    /// Every arrival of an event id beyond its first: the events sent again.
    pub fn resent(&self) -> u64 {
        self.arrivals_by_id.values().map(|n| n - 1).sum()
    }

    /// Every arrival of an event id, duplicates included.
    pub fn event_arrivals(&self) -> u64 {
        self.arrivals_total
    }

    /// The operations applied to `customer`, in order (empty if none).
    pub fn history_of(&self, customer: &str) -> &[Applied] {
        self.history.get(customer).map_or(&[], Vec::as_slice)
    }

    /// The Pipelines requests dropped as invalid in permissive mode (answered `200`,
    /// nothing of them applied), in arrival order.
    pub fn pipelines_dropped(&self) -> &[DroppedCall] {
        &self.pipelines_drops
    }

    /// The attributes of the object `id` of type `type_id`, if it exists.
    pub fn object(&self, type_id: u64, id: &str) -> Option<&Map<String, Value>> {
        self.object_attributes
            .get(&ObjectKey::new(type_id.to_string(), id))
    }

    /// The objects `person` is related to, with each relationship's attributes.
    pub fn relationships_of<'a>(
        &'a self,
        person: &str,
    ) -> impl Iterator<Item = (&'a ObjectKey, &'a Map<String, Value>)> + 'a {
        self.relationships.get(person).into_iter().flatten()
    }

    /// The attributes of `person`'s relationship to the object `id` of type
    /// `type_id`, if they are related.
    pub fn relationship(
        &self,
        person: &str,
        type_id: u64,
        id: &str,
    ) -> Option<&Map<String, Value>> {
        self.relationships
            .get(person)?
            .get(&ObjectKey::new(type_id.to_string(), id))
    }

    /// The people related to `object`, with each relationship's attributes.
    pub fn people_of<'a>(
        &'a self,
        object: &'a ObjectKey,
    ) -> impl Iterator<Item = (&'a str, &'a Map<String, Value>)> + 'a {
        self.relationships
            .iter()
            .filter_map(move |(person, related)| Some((person.as_str(), related.get(object)?)))
    }

    /// `person`'s subscription topics by id (`true` subscribed, `false`
    /// unsubscribed), from the nested `cio_subscription_preferences` of their
    /// profile; topics never set are left out.
    pub fn topics_of(&self, person: &str) -> BTreeMap<u64, bool> {
        self.profiles
            .get(person)
            .map(crate::topics::topics)
            .unwrap_or_default()
    }

    /// The `group` calls received, in arrival order.
    pub fn groups(&self) -> impl Iterator<Item = &ObjectCall> {
        self.objects
            .iter()
            .filter(|call| matches!(call, ObjectCall::Group { .. }))
    }

    /// The requests whose path starts with `prefix` (`/api/v2/batch`, ...).
    pub fn requests_to<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a RequestLog> {
        self.requests
            .iter()
            .filter(move |r| r.path.starts_with(prefix))
    }
}

/// The mutable state behind the record, plus the dedup set and the journeys run on
/// what is accepted.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) record: Record,
    pub(crate) seen_ids: HashSet<String>,
    pub(crate) journeys: Option<Engine>,
    /// Per profile, the `timestamp` of its latest timestamped identify, in
    /// milliseconds (a Pipelines ISO 8601 `timestamp` keeps its milliseconds).
    pub(crate) updated_at: HashMap<String, i64>,
    /// The names seen, for coverage (kept by [`Emulator::clear`](crate::Emulator::clear)).
    pub(crate) coverage: crate::Coverage,
    /// The fields `events.toml` types `timestamp`, as paths (`customer.created_at`):
    /// the inbox shows them as dates ([`EmulatorBuilder::timestamps`](crate::EmulatorBuilder::timestamps)).
    pub(crate) timestamps: &'static [&'static str],
    /// The subscription topics by name and id, for the inbox
    /// ([`EmulatorBuilder::topics`](crate::EmulatorBuilder::topics)).
    pub(crate) topics: &'static [(&'static str, u64)],
    /// Delivery ids given to App API sends (a send takes its id before it is rendered
    /// outside the lock, and is stored after).
    pub(crate) delivery_ids: usize,
}

impl State {
    /// The next App API delivery id: `emu_dlv_1`, `emu_dlv_2`, ...
    pub(crate) fn next_delivery_id(&mut self) -> String {
        self.delivery_ids += 1;
        format!("emu_dlv_{}", self.delivery_ids)
    }

    /// Applies an identify; one whose `timestamp` (in milliseconds) is older than the
    /// profile's latest timestamped update is dropped, as Customer.io drops it.
    pub(crate) fn identify(
        &mut self,
        customer: &str,
        mut attributes: Map<String, Value>,
        timestamp_ms: Option<i64>,
    ) {
        if self.record.suppressed.contains(customer) {
            return;
        }
        if let Some(at) = timestamp_ms {
            let latest = self.updated_at.entry(customer.to_owned()).or_insert(at);
            if at < *latest {
                self.record.stale_identifies += 1;
                return;
            }
            *latest = at;
        }
        let preferences = self
            .record
            .profiles
            .get(customer)
            .and_then(|profile| profile.get(crate::topics::PREFERENCES));
        crate::topics::nest_preferences(preferences, &mut attributes);
        if let Some(engine) = &mut self.journeys {
            engine.identify(customer, &attributes);
        }
        self.applied(customer, Applied::Identify(attributes.clone()));
        let profile = self.record.profiles.entry(customer.to_owned()).or_default();
        for (k, v) in attributes {
            profile.insert(k, v);
        }
    }

    pub(crate) fn applied(&mut self, customer: &str, applied: Applied) {
        match self.record.history.get_mut(customer) {
            Some(history) => history.push(applied),
            None => {
                self.record
                    .history
                    .insert(customer.to_owned(), vec![applied]);
            }
        }
    }

    /// Counts an arrival of `id` (an event id or a Pipelines `messageId`); with
    /// `dedup`, returns `false` when `id` was applied before (a duplicate, counted
    /// as ignored), else `true`.
    pub(crate) fn arrive(&mut self, id: &str, dedup: bool) -> bool {
        match self.record.arrivals_by_id.get_mut(id) {
            Some(count) => *count += 1,
            None => {
                self.record.arrivals_by_id.insert(id.to_owned(), 1);
            }
        }
        self.record.arrivals_total += 1;
        if dedup && self.seen_ids.contains(id) {
            self.record.duplicates_ignored += 1;
            return false;
        }
        if dedup {
            self.seen_ids.insert(id.to_owned());
        }
        true
    }

    /// Stores an event unless its id was seen; returns whether it was stored.
    pub(crate) fn event(&mut self, customer: Option<&str>, event: StoredEvent) -> bool {
        if let Some(id) = &event.id {
            if !self.arrive(id, true) {
                return false;
            }
        }
        self.coverage.saw_event(&event);
        match customer {
            Some(c) => {
                let suppressed = self.record.suppressed.contains(c);
                if let (Some(engine), false) = (&mut self.journeys, suppressed) {
                    engine.event(
                        c,
                        &event.kind,
                        &event.name,
                        &event.data,
                        event.id.as_deref(),
                    );
                }
                self.applied(c, Applied::Event(event.id.clone()));
                match self.record.events.get_mut(c) {
                    Some(events) => events.push(event),
                    None => {
                        self.record.events.insert(c.to_owned(), vec![event]);
                    }
                }
            }
            None => self.record.anonymous_events.push(event),
        }
        true
    }

    pub(crate) fn delete(&mut self, customer: &str) {
        self.applied(customer, Applied::Delete);
        self.forget(customer);
    }

    /// Removes the person's profile, events and devices.
    fn forget(&mut self, customer: &str) {
        self.updated_at.remove(customer);
        self.record.profiles.remove(customer);
        self.record.events.remove(customer);
        self.record.devices.remove(customer);
        self.record.relationships.remove(customer);
        self.record.deleted.push(customer.to_owned());
    }

    pub(crate) fn suppress(&mut self, customer: &str) {
        self.applied(customer, Applied::Suppress);
        self.forget(customer);
        self.record.suppressed.insert(customer.to_owned());
    }

    pub(crate) fn unsuppress(&mut self, customer: &str) {
        self.applied(customer, Applied::Unsuppress);
        self.record.suppressed.remove(customer);
    }

    pub(crate) fn add_device(&mut self, customer: &str, token: &str, device: StoredDevice) {
        self.applied(customer, Applied::AddDevice(token.to_owned()));
        self.record
            .devices
            .entry(customer.to_owned())
            .or_default()
            .insert(token.to_owned(), device);
    }

    pub(crate) fn delete_device(&mut self, customer: &str, token: &str) {
        self.applied(customer, Applied::DeleteDevice(token.to_owned()));
        if let Some(devices) = self.record.devices.get_mut(customer) {
            devices.remove(token);
        }
    }

    pub(crate) fn has_profile(&self, customer: &str) -> bool {
        self.record.profiles.contains_key(customer)
    }

    /// Merges `secondary` into `primary`: attributes the primary lacks, every event
    /// and device; then deletes `secondary`. The primary gets a profile only if one of
    /// them has one (a Pipelines `alias` may name a primary not yet identified).
    pub(crate) fn merge(&mut self, primary: &str, secondary: &str) {
        self.applied(primary, Applied::Merged(secondary.to_owned()));
        self.applied(secondary, Applied::MergedInto(primary.to_owned()));
        self.updated_at.remove(secondary);
        if let Some(attributes) = self.record.profiles.remove(secondary) {
            let profile = self.record.profiles.entry(primary.to_owned()).or_default();
            for (k, v) in attributes {
                profile.entry(k).or_insert(v);
            }
        }
        if let Some(events) = self.record.events.remove(secondary) {
            self.record
                .events
                .entry(primary.to_owned())
                .or_default()
                .extend(events);
        }
        if let Some(devices) = self.record.devices.remove(secondary) {
            self.record
                .devices
                .entry(primary.to_owned())
                .or_default()
                .extend(devices);
        }
        self.merge_relationships(primary, secondary);
        self.record.deleted.push(secondary.to_owned());
        self.record
            .merges
            .push((primary.to_owned(), secondary.to_owned()));
    }
}
