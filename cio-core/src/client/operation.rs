//! v2 operations ([`Operation`]), serialized and checked once, and the outcome of a
//! `/batch` request ([`BatchOutcome`]).

use std::fmt;

use bytes::Bytes;

use super::customer::Customer;
use super::error::{check_limit, Error, Limit};
use super::object_ref::ObjectRef;
use super::payload;
use super::view::View;
use crate::{
    Attributes, Event, EventId, Object, Relationship, SubscriptionTopic, Timestamp, Tracked,
};

/// What a v2 [`Operation`] does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OperationKind {
    /// `person`/`identify`.
    Identify,
    /// `person`/`event`.
    Event,
    /// `person`/`page`.
    Page,
    /// `person`/`screen`.
    Screen,
    /// `person`/`delete`.
    Delete,
    /// `person`/`suppress`.
    Suppress,
    /// `person`/`unsuppress`.
    Unsuppress,
    /// `person`/`merge`.
    Merge,
    /// `object`/`identify`: an object created or updated.
    Object,
    /// `object`/`delete`.
    DeleteObject,
    /// `person`/`add_relationships`: a person related to an object.
    Relate,
    /// `person`/`delete_relationships`.
    Unrelate,
}

/// Whom an operation is about, as ordering keys ([`Customer`]'s): one person, or two
/// for a merge. The pipeline and the outbox relay never send an operation while an
/// earlier one sharing a key is pending or in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub(crate) struct People {
    pub(crate) first: Option<i64>,
    pub(crate) second: Option<i64>,
}

impl People {
    /// One person.
    pub(crate) fn one(customer: &Customer) -> Self {
        People {
            first: Some(customer.ordering_key()),
            second: None,
        }
    }

    /// Both sides of a merge.
    pub(crate) fn two(primary: &Customer, secondary: &Customer) -> Self {
        People {
            first: Some(primary.ordering_key()),
            second: Some(secondary.ordering_key()),
        }
    }

    /// An object, ordered as a person is.
    pub(crate) fn object(object: &ObjectRef) -> Self {
        People {
            first: Some(object.ordering_key()),
            second: None,
        }
    }

    /// A person and an object they are related to: after both's earlier operations.
    pub(crate) fn related(customer: &Customer, object: &ObjectRef) -> Self {
        People {
            first: Some(customer.ordering_key()),
            second: Some(object.ordering_key()),
        }
    }

    /// The keys, first then second.
    pub(crate) fn keys(self) -> impl Iterator<Item = i64> {
        self.first.into_iter().chain(self.second)
    }
}

/// One v2 operation, serialized once (at most 32 KB), ready to be sent alone
/// (`/entity`) or in a `/batch`, and re-sent as is on a retry.
///
/// Cloning is cheap (the bytes are shared).
///
/// ```
/// use cio_core::client::{Customer, Operation};
/// #[derive(serde::Serialize)]
/// struct Plan { plan: &'static str }
/// impl cio_core::Attributes for Plan {}
///
/// let at = cio_core::Timestamp::from_unix(1_700_000_000);
/// let op = Operation::identify_at(&Customer::id("42"), &Plan { plan: "pro" }, at).unwrap();
/// assert_eq!(
///     op.as_bytes(),
///     br#"{"type":"person","action":"identify","identifiers":{"id":"42"},"attributes":{"plan":"pro"},"timestamp":1700000000}"#
/// );
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Operation {
    bytes: Bytes,
    id: EventId,
    kind: OperationKind,
    people: People,
}

impl Operation {
    fn new(
        mut bytes: Vec<u8>,
        id: EventId,
        kind: OperationKind,
        people: People,
    ) -> Result<Self, Error> {
        check_limit(Limit::BatchOperation, bytes.len(), None)?;
        // The writers reserve room up front (512 bytes for an event): a queue of
        // operations would otherwise hold several times its bytes.
        bytes.shrink_to_fit();
        Ok(Operation {
            bytes: Bytes::from(bytes),
            id,
            kind,
            people,
        })
    }

    /// An operation read back from storage (the outbox): `bytes` as written by one of
    /// the constructors, checked again against the 32 KB limit. `id` is the ULID
    /// stored with it; a row written before every operation had one gets an id
    /// derived from `seq` and its bytes, the same at every read.
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    pub(crate) fn from_stored(
        bytes: Vec<u8>,
        id: Option<EventId>,
        seq: i64,
        kind: OperationKind,
        people: People,
    ) -> Result<Self, Error> {
        let id = id.unwrap_or_else(|| EventId::derived(seq, &bytes));
        Operation::new(bytes, id, kind, people)
    }

    /// Creates or updates `customer` with `attributes` (validated against the
    /// taxonomy and the attribute limits), stamped with the time it is written: so
    /// Customer.io applies updates in the app's order even from several hosts (it
    /// drops an identify older than the profile's latest update).
    pub fn identify<A: Attributes + ?Sized>(
        customer: &Customer,
        attributes: &A,
    ) -> Result<Self, Error> {
        Operation::identify_at(customer, attributes, Timestamp::now())
    }

    /// [`Operation::identify`] stamped with `at` instead of now.
    pub fn identify_at<A: Attributes + ?Sized>(
        customer: &Customer,
        attributes: &A,
        at: Timestamp,
    ) -> Result<Self, Error> {
        let bytes = payload::v2_identify(customer, attributes, at)?;
        let people = People::one(customer);
        Operation::new(bytes, EventId::new(), OperationKind::Identify, people)
    }

    /// Tracks an event of `customer` (the data goes under `attributes`, the event's
    /// ULID under `id`).
    pub fn event<E: Event>(customer: &Customer, tracked: &Tracked<E>) -> Result<Self, Error> {
        let bytes = payload::v2_event(customer, tracked)?;
        let people = People::one(customer);
        Operation::new(bytes, tracked.id(), OperationKind::Event, people)
    }

    /// A page or screen view of `customer`.
    pub fn view(customer: &Customer, view: &View) -> Result<Self, Error> {
        let bytes = payload::v2_view(customer, view)?;
        let kind = match view.kind() {
            super::view::ViewKind::Page => OperationKind::Page,
            super::view::ViewKind::Screen => OperationKind::Screen,
        };
        Operation::new(bytes, view.id(), kind, People::one(customer))
    }

    /// Deletes `customer`.
    pub fn delete(customer: &Customer) -> Result<Self, Error> {
        let bytes = payload::v2_bare(customer, "delete")?;
        Operation::new(
            bytes,
            EventId::new(),
            OperationKind::Delete,
            People::one(customer),
        )
    }

    /// Suppresses `customer`.
    pub fn suppress(customer: &Customer) -> Result<Self, Error> {
        let bytes = payload::v2_bare(customer, "suppress")?;
        let people = People::one(customer);
        Operation::new(bytes, EventId::new(), OperationKind::Suppress, people)
    }

    /// Unsuppresses `customer`.
    pub fn unsuppress(customer: &Customer) -> Result<Self, Error> {
        let bytes = payload::v2_bare(customer, "unsuppress")?;
        let people = People::one(customer);
        Operation::new(bytes, EventId::new(), OperationKind::Unsuppress, people)
    }

    /// Merges `secondary` into `primary` (which must exist); `secondary` is deleted.
    pub fn merge(primary: &Customer, secondary: &Customer) -> Result<Self, Error> {
        let bytes = payload::v2_merge(primary, secondary)?;
        let people = People::two(primary, secondary);
        Operation::new(bytes, EventId::new(), OperationKind::Merge, people)
    }

    /// Creates or updates the object `id` of the object type `O` with `attributes`
    /// (validated against `events.toml`).
    ///
    /// ```
    /// use cio_core::client::Operation;
    /// #[derive(serde::Serialize)]
    /// struct Company { name: &'static str }
    /// impl cio_core::Object for Company {
    ///     const NAME: &'static str = "company";
    ///     const TYPE_ID: u64 = 1;
    /// }
    /// let op = Operation::object("acme", &Company { name: "Acme" }).unwrap();
    /// assert_eq!(
    ///     op.as_bytes(),
    ///     br#"{"type":"object","action":"identify","identifiers":{"object_type_id":"1","object_id":"acme"},"attributes":{"name":"Acme"}}"#
    /// );
    /// ```
    pub fn object<O: Object>(id: &str, attributes: &O) -> Result<Self, Error> {
        let object = ObjectRef::of::<O>(id);
        attributes.validate()?;
        let bytes = payload::v2_object(&object, "identify", Some(attributes))?;
        Operation::new(
            bytes,
            EventId::new(),
            OperationKind::Object,
            People::object(&object),
        )
    }

    /// Deletes `object`.
    pub fn delete_object(object: &ObjectRef) -> Result<Self, Error> {
        let bytes = payload::v2_object::<()>(object, "delete", None)?;
        let people = People::object(object);
        Operation::new(bytes, EventId::new(), OperationKind::DeleteObject, people)
    }

    /// Relates `customer` to the object `id` of `R`'s object type, with the
    /// relationship's attributes (validated against `events.toml`): a campaign
    /// triggered by `relationship_added` starts.
    pub fn relate<R: Relationship>(
        customer: &Customer,
        id: &str,
        relationship: &R,
    ) -> Result<Self, Error> {
        let object = ObjectRef::new(R::OBJECT_TYPE_ID, id);
        relationship.validate()?;
        let bytes =
            payload::v2_relationship(customer, "add_relationships", &object, Some(relationship))?;
        let people = People::related(customer, &object);
        Operation::new(bytes, EventId::new(), OperationKind::Relate, people)
    }

    /// Ends `customer`'s relationship to `object`.
    pub fn unrelate(customer: &Customer, object: &ObjectRef) -> Result<Self, Error> {
        let bytes = payload::v2_relationship::<()>(customer, "delete_relationships", object, None)?;
        let people = People::related(customer, object);
        Operation::new(bytes, EventId::new(), OperationKind::Unrelate, people)
    }

    /// Subscribes `customer` to `topic` (or unsubscribes them, with `false`) in the
    /// subscription center, leaving their other topics as they are (an identify of
    /// `cio_subscription_preferences.topics.topic_<id>`).
    pub fn topic<T: SubscriptionTopic>(
        customer: &Customer,
        topic: T,
        subscribed: bool,
    ) -> Result<Self, Error> {
        let bytes = payload::v2_topic(customer, topic.id(), subscribed, Timestamp::now())?;
        let people = People::one(customer);
        Operation::new(bytes, EventId::new(), OperationKind::Identify, people)
    }

    /// The serialized size in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Always `false`: an operation is never empty (kept for `len`'s sake).
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The serialized JSON object.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The serialized JSON object as shared bytes (no copy).
    pub fn to_bytes(&self) -> Bytes {
        self.bytes.clone()
    }

    /// The event's ULID, for events, page and screen views.
    pub fn event_id(&self) -> Option<EventId> {
        matches!(
            self.kind,
            OperationKind::Event | OperationKind::Page | OperationKind::Screen
        )
        .then_some(self.id)
    }

    /// The operation's own ULID, fixed when it was made: the event's id for events
    /// and views, a new one for the others. The Data Pipelines API's `messageId`,
    /// the same on every attempt and after a restart (the outbox stores it).
    pub fn message_id(&self) -> EventId {
        self.id
    }

    /// What the operation does.
    pub fn kind(&self) -> OperationKind {
        self.kind
    }

    /// Whom it is about, as ordering keys.
    pub(crate) fn people(&self) -> People {
        self.people
    }
}

impl fmt::Debug for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Operation")
            .field("kind", &self.kind)
            .field("id", &self.id)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// The bytes `{"batch":[` and `]}` add around the operations (a batch of `n`
/// operations also has `n - 1` commas): see [`batch_body_len`].
pub const BATCH_OVERHEAD: usize = BATCH_PREFIX.len() + 2;
const BATCH_PREFIX: &[u8] = b"{\"batch\":[";

/// The size in bytes of the `/batch` body holding `ops` (at most 500 KB to be sent).
pub fn batch_body_len(ops: &[Operation]) -> usize {
    BATCH_OVERHEAD + ops.iter().map(Operation::len).sum::<usize>() + ops.len().saturating_sub(1)
}

/// Writes the `/batch` body, after checking it is at most 500 KB.
pub(crate) fn batch_body(ops: &[Operation]) -> Result<Vec<u8>, Error> {
    let len = batch_body_len(ops);
    check_limit(Limit::BatchRequest, len, None)?;
    let mut out = Vec::with_capacity(len);
    out.extend_from_slice(BATCH_PREFIX);
    for (i, op) in ops.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(op.as_bytes());
    }
    out.extend_from_slice(b"]}");
    Ok(out)
}

/// One item of a batch that the server refused (from a `207` answer).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct BatchFailure {
    /// The index of the operation in the batch sent.
    pub batch_index: usize,
    /// The kind of failure, as the server names it.
    #[serde(default)]
    pub reason: String,
    /// The field concerned.
    #[serde(default)]
    pub field: String,
    /// The server's explanation.
    #[serde(default)]
    pub message: String,
}

/// The outcome of a `/batch` request that the server accepted: every operation was
/// applied except the ones in `failures` (a `207` answer), unless `ambiguity` says the
/// answer cannot tell.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BatchOutcome {
    /// The operations the server refused (each with an index inside the batch); empty
    /// when the answer was `200`.
    pub failures: Vec<BatchFailure>,
    /// Set when a `207` answer does not say exactly which operations were refused: its
    /// body does not parse, it lists no error, or an error has no `batch_index`, one
    /// outside the batch, or one already named. Then no operation of the batch, apart
    /// from those in `failures`, can be taken as applied: send them again (events and
    /// views carry their ULID, so Customer.io keeps each once).
    pub ambiguity: Option<String>,
}

impl BatchOutcome {
    /// `true` when every operation is known to be applied: no failure and no
    /// [`ambiguity`](BatchOutcome::ambiguity).
    pub fn is_complete(&self) -> bool {
        self.failures.is_empty() && self.ambiguity.is_none()
    }

    fn ambiguous(why: String) -> Self {
        BatchOutcome {
            failures: Vec::new(),
            ambiguity: Some(why),
        }
    }
}

/// At most this many problems of one `207` answer are spelled out in its ambiguity.
const MAX_PROBLEMS_TOLD: usize = 3;

/// Reads a `207` body answering a batch of `count` operations. Never fails: what it
/// cannot attribute to one operation makes the outcome ambiguous.
pub(crate) fn parse_partial(body: &[u8], count: usize) -> BatchOutcome {
    let errors = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(mut map)) => match map.remove("errors") {
            Some(serde_json::Value::Array(errors)) => errors,
            _ => return BatchOutcome::ambiguous("the 207 answer has no `errors` list".to_owned()),
        },
        _ => {
            return BatchOutcome::ambiguous(format!(
                "the 207 answer is not a JSON object: `{}`",
                snippet(body)
            ))
        }
    };
    if errors.is_empty() {
        return BatchOutcome::ambiguous("the 207 answer lists no error".to_owned());
    }
    let mut named = vec![false; count];
    let mut failures = Vec::with_capacity(errors.len());
    let mut problems = Vec::new();
    for error in &errors {
        let text = |key: &str| {
            error
                .get(key)
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let index = error
            .get("batch_index")
            .and_then(serde_json::Value::as_u64)
            .and_then(|index| usize::try_from(index).ok());
        match index {
            Some(index) if index < count => {
                if std::mem::replace(&mut named[index], true) {
                    problems.push(format!("`batch_index` {index} is named twice"));
                }
                failures.push(BatchFailure {
                    batch_index: index,
                    reason: text("reason"),
                    field: text("field"),
                    message: text("message"),
                });
            }
            Some(index) => problems.push(format!(
                "`batch_index` {index} is outside the batch of {count}"
            )),
            None => problems.push(format!(
                "an error has no valid `batch_index`: `{}`",
                snippet(error.to_string().as_bytes())
            )),
        }
    }
    let ambiguity = (!problems.is_empty()).then(|| {
        let more = problems.len().saturating_sub(MAX_PROBLEMS_TOLD);
        problems.truncate(MAX_PROBLEMS_TOLD);
        let mut why = format!(
            "the 207 answer does not say which operations were applied: {}",
            problems.join("; ")
        );
        if more > 0 {
            why.push_str(&format!(" (and {more} more)"));
        }
        why
    });
    BatchOutcome {
        failures,
        ambiguity,
    }
}

/// The start of `bytes` as text, for error messages.
fn snippet(bytes: &[u8]) -> String {
    const MAX: usize = 120;
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(MAX)]);
    let ellipsis = if bytes.len() > MAX { "…" } else { "" };
    format!("{}{ellipsis}", text.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Signed {
        plan: &'static str,
    }
    impl Event for Signed {
        const NAME: &'static str = "signed_up";
    }

    #[test]
    fn event_operation_bytes() {
        let id: EventId = "01ARZ3NDEKTSV4RRFFQ69G5FAV".parse().unwrap();
        let tracked =
            Tracked::with_id(Signed { plan: "pro" }, id).at(Timestamp::from_unix(1_700_000_000));
        let op = Operation::event(&Customer::email("a@b.co"), &tracked).unwrap();
        assert_eq!(
            std::str::from_utf8(op.as_bytes()).unwrap(),
            r#"{"type":"person","action":"event","identifiers":{"email":"a@b.co"},"name":"signed_up","id":"01ARZ3NDEKTSV4RRFFQ69G5FAV","timestamp":1700000000,"attributes":{"plan":"pro"}}"#
        );
        assert_eq!(op.event_id(), Some(id));
        let body = batch_body(&[op.clone(), op.clone()]).unwrap();
        assert_eq!(body.len(), batch_body_len(&[op.clone(), op]));
        let parsed: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(parsed["batch"].as_array().unwrap().len(), 2);
    }

    fn failure(index: usize, message: &str) -> BatchFailure {
        BatchFailure {
            batch_index: index,
            reason: "invalid".to_owned(),
            field: String::new(),
            message: message.to_owned(),
        }
    }

    #[test]
    fn a_207_naming_each_failure_once_is_unambiguous() {
        let outcome = parse_partial(
            br#"{"errors":[{"batch_index":2,"reason":"invalid","message":"bad"},{"batch_index":0,"reason":"invalid","field":"x","message":"worse"}]}"#,
            3,
        );
        assert_eq!(outcome.ambiguity, None);
        let mut second = failure(0, "worse");
        second.field = "x".to_owned();
        assert_eq!(outcome.failures, vec![failure(2, "bad"), second]);
        assert!(!outcome.is_complete());
    }

    #[test]
    fn a_207_that_cannot_be_attributed_is_ambiguous() {
        let cases: [(&[u8], &str, usize); 9] = [
            (b"", "not a JSON object", 0),
            (b"<html>busy</html>", "not a JSON object: `<html>busy</html>`", 0),
            (br#"[1,2]"#, "not a JSON object", 0),
            (br#"{"errors":"no"}"#, "no `errors` list", 0),
            (br#"{}"#, "no `errors` list", 0),
            (br#"{"errors":[]}"#, "lists no error", 0),
            (
                br#"{"errors":[{"batch_index":3,"reason":"invalid"}]}"#,
                "`batch_index` 3 is outside the batch of 3",
                0,
            ),
            (
                br#"{"errors":[{"batch_index":1},{"batch_index":1}]}"#,
                "`batch_index` 1 is named twice",
                2,
            ),
            (
                br#"{"errors":[{"reason":"invalid"},{"batch_index":-1},{"batch_index":1.5},{"batch_index":"0"},{"batch_index":18446744073709551616}]}"#,
                "(and 2 more)",
                0,
            ),
        ];
        for (body, why, failures) in cases {
            let outcome = parse_partial(body, 3);
            let ambiguity = outcome.ambiguity.clone().unwrap_or_default();
            assert!(ambiguity.contains(why), "{ambiguity:?} for {body:?}");
            assert_eq!(outcome.failures.len(), failures, "{body:?}");
            assert!(!outcome.is_complete());
        }
        let long = vec![b'x'; 10_000];
        let ambiguity = parse_partial(&long, 1).ambiguity.unwrap_or_default();
        assert!(ambiguity.len() < 300, "{}", ambiguity.len());
    }
}
