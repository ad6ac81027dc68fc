//! Data Pipelines calls as bytes: an [`Operation`] (cio's own form, the Track API's
//! v2 shape) rewritten as the Pipelines call that does the same, and the calls that
//! have no operation (objects, devices, semantic events).

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::client::body::write_json;
use crate::client::error::{check_limit, Error, Limit};
use crate::client::{Customer, IdentifierKind, Operation, OperationKind};
use crate::{EventId, Timestamp};

/// Who a stored operation names: one of a person's identifiers, or an object's.
#[derive(Deserialize)]
struct Who<'a> {
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    email: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    cio_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    object_type_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    object_id: Option<Cow<'a, str>>,
}

/// A relationship of a stored `add_relationships` or `delete_relationships`.
#[derive(Deserialize)]
struct StoredRelationship<'a> {
    #[serde(borrow)]
    identifiers: Who<'a>,
    #[serde(borrow, default)]
    relationship_attributes: Option<&'a RawValue>,
}

impl Who<'_> {
    /// The Pipelines `userId`: the id, else the email address, else `cio_<cio_id>`.
    fn user_id(&self) -> Option<Cow<'_, str>> {
        if let Some(id) = &self.id {
            return Some(Cow::Borrowed(id));
        }
        if let Some(email) = &self.email {
            return Some(Cow::Borrowed(email));
        }
        self.cio_id
            .as_ref()
            .map(|cio_id| Cow::Owned(format!("cio_{cio_id}")))
    }
}

/// The fields of a stored v2 operation the Pipelines call needs.
#[derive(Deserialize)]
struct Stored<'a> {
    #[serde(borrow, default)]
    identifiers: Option<Who<'a>>,
    #[serde(borrow, default)]
    primary: Option<Who<'a>>,
    #[serde(borrow, default)]
    secondary: Option<Who<'a>>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    attributes: Option<&'a RawValue>,
    #[serde(default)]
    timestamp: Option<i64>,
    #[serde(borrow, default)]
    cio_relationships: Vec<StoredRelationship<'a>>,
}

/// The Pipelines `userId` of `customer`: the id, the email address, or `cio_<cio_id>`.
pub(crate) fn user_id(customer: &Customer) -> Cow<'_, str> {
    match customer.kind() {
        IdentifierKind::CioId => Cow::Owned(format!("cio_{}", customer.value())),
        IdentifierKind::Id | IdentifierKind::Email => Cow::Borrowed(customer.value()),
    }
}

/// The path a call of `kind` is sent to alone (`/v1/<path>`).
pub(crate) const fn path_of(kind: OperationKind) -> &'static str {
    call_of(kind).0
}

/// The Pipelines call name and, for semantic events, the event, of each kind.
const fn call_of(kind: OperationKind) -> (&'static str, Option<&'static str>) {
    match kind {
        OperationKind::Identify => ("identify", None),
        OperationKind::Event => ("track", None),
        OperationKind::Page => ("page", None),
        OperationKind::Screen => ("screen", None),
        OperationKind::Delete => ("track", Some("User Deleted")),
        OperationKind::Suppress => ("track", Some("User Suppressed")),
        OperationKind::Unsuppress => ("track", Some("User Unsuppressed")),
        OperationKind::Merge => ("alias", None),
        OperationKind::Object | OperationKind::Relate => ("group", None),
        OperationKind::DeleteObject => ("track", Some("Object Deleted")),
        OperationKind::Unrelate => ("track", Some("Relationship Deleted")),
    }
}

/// An object's type id and id, as a stored operation names it.
fn object_of<'a>(who: &'a Who<'a>) -> Result<(u64, &'a str), Error> {
    let missing = || Error::Serialize("the operation names no object".to_owned());
    let type_id = who.object_type_id.as_deref().ok_or_else(missing)?;
    let id = who.object_id.as_deref().ok_or_else(missing)?;
    let type_id = type_id
        .parse()
        .map_err(|_| Error::Serialize(format!("`{type_id}` is not an object type id")))?;
    Ok((type_id, id))
}

/// The call of an object operation (`Object`, `DeleteObject`, `Relate`,
/// `Unrelate`): a `group` call, or the `Object Deleted` and `Relationship Deleted`
/// semantic events. An object created or deleted without a person is named by an
/// `anonymousId` (the call's ULID), as the API requires one.
fn object_call(op: &Operation, stored: &Stored<'_>, suffix: &[u8]) -> Result<Vec<u8>, Error> {
    let (call, semantic) = call_of(op.kind());
    let id = op.message_id();
    let mut out = Vec::with_capacity(op.len() + suffix.len() + 96);
    let (object, relationship) = match op.kind() {
        OperationKind::Object | OperationKind::DeleteObject => {
            let who = stored.identifiers.as_ref();
            let object = object_of(who.ok_or_else(|| Error::Serialize("no object".to_owned()))?)?;
            write_head(&mut out, call, "anonymousId", &id.to_string(), id)?;
            (object, None)
        }
        _ => {
            let user_id = stored.identifiers.as_ref().and_then(Who::user_id);
            let user_id = user_id.ok_or_else(|| Error::Serialize("no person".to_owned()))?;
            let related = stored
                .cio_relationships
                .first()
                .ok_or_else(|| Error::Serialize("no relationship".to_owned()))?;
            write_head(&mut out, call, "userId", &user_id, id)?;
            (
                object_of(&related.identifiers)?,
                related.relationship_attributes,
            )
        }
    };
    let (type_id, object_id) = object;
    if let Some(event) = semantic {
        out.extend_from_slice(b",\"event\":");
        write_json(&mut out, event)?;
        out.extend_from_slice(b",\"properties\":{\"objectId\":");
        write_json(&mut out, object_id)?;
        out.extend_from_slice(b",\"objectTypeId\":");
        write_json(&mut out, &type_id)?;
        out.push(b'}');
        return finish(out, suffix);
    }
    out.extend_from_slice(b",\"groupId\":");
    write_json(&mut out, object_id)?;
    out.extend_from_slice(b",\"traits\":{\"object_type_id\":");
    write_json(&mut out, &type_id.to_string())?;
    if let Some(relationship) = relationship {
        write_raw(
            &mut out,
            "relationshipAttributes",
            relationship.get().as_bytes(),
        );
    }
    if let Some(attributes) = stored.attributes {
        // The object's own attributes, beside `object_type_id`.
        match attributes.get().as_bytes() {
            [b'{', b'}'] => {}
            [b'{', rest @ ..] => {
                out.push(b',');
                out.extend_from_slice(&rest[..rest.len() - 1]);
            }
            _ => return Err(Error::Serialize("attributes are not an object".to_owned())),
        }
    }
    out.push(b'}');
    finish(out, suffix)
}

/// The start of a call: `{"type":"<call>","<who_key>":<who>,"messageId":"<id>"`.
pub(crate) fn write_head(
    out: &mut Vec<u8>,
    call: &str,
    who_key: &str,
    who: &str,
    message_id: EventId,
) -> Result<(), Error> {
    out.extend_from_slice(b"{\"type\":\"");
    out.extend_from_slice(call.as_bytes());
    out.extend_from_slice(b"\",\"");
    out.extend_from_slice(who_key.as_bytes());
    out.extend_from_slice(b"\":");
    write_json(out, who)?;
    out.extend_from_slice(b",\"messageId\":");
    write_json(out, &message_id)
}

/// Appends `,"timestamp":"<ISO 8601 UTC, milliseconds>"`.
pub(crate) fn write_timestamp(out: &mut Vec<u8>, at: Timestamp) -> Result<(), Error> {
    let iso = iso_8601(at)?;
    out.extend_from_slice(b",\"timestamp\":\"");
    out.extend_from_slice(iso.as_bytes());
    out.push(b'"');
    Ok(())
}

/// `at` as the Pipelines API writes time: `2023-11-14T22:13:20.000Z`.
pub(crate) fn iso_8601(at: Timestamp) -> Result<String, Error> {
    let time = jiff::Timestamp::from_second(at.as_unix()).map_err(|_| {
        Error::Serialize(format!(
            "the timestamp {at} is outside the years -9999 to 9999"
        ))
    })?;
    Ok(time.strftime("%Y-%m-%dT%H:%M:%S.000Z").to_string())
}

/// Appends `,"<key>":` and a JSON value written as is.
pub(crate) fn write_raw(out: &mut Vec<u8>, key: &str, raw: &[u8]) {
    out.extend_from_slice(b",\"");
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":");
    out.extend_from_slice(raw);
}

/// Closes a call with the client's `context` and `integrations` (`suffix`, which
/// ends with `}`) and checks the 32 KB limit of one call.
pub(crate) fn finish(mut out: Vec<u8>, suffix: &[u8]) -> Result<Vec<u8>, Error> {
    out.extend_from_slice(suffix);
    check_limit(Limit::PipelinesCall, out.len(), None)?;
    Ok(out)
}

/// The Pipelines call doing what `op` does, with `suffix` (see [`finish`]) after
/// its own fields. Its `messageId` is the operation's ULID
/// ([`Operation::message_id`]): the same at every attempt.
pub(crate) fn from_operation(op: &Operation, suffix: &[u8]) -> Result<Vec<u8>, Error> {
    convert(op, suffix, "userId")
}

/// [`from_operation`] for an event of a person not identified yet: its identifier
/// goes out as `anonymousId`.
pub(crate) fn anonymous_event(op: &Operation, suffix: &[u8]) -> Result<Vec<u8>, Error> {
    convert(op, suffix, "anonymousId")
}

/// The call of `op`, its person named under `person_key`.
fn convert(op: &Operation, suffix: &[u8], person_key: &str) -> Result<Vec<u8>, Error> {
    let stored: Stored<'_> = serde_json::from_slice(op.as_bytes())
        .map_err(|e| Error::Serialize(format!("the operation is not cio's JSON: {e}")))?;
    if matches!(
        op.kind(),
        OperationKind::Object
            | OperationKind::DeleteObject
            | OperationKind::Relate
            | OperationKind::Unrelate
    ) {
        return object_call(op, &stored, suffix);
    }
    let (call, semantic) = call_of(op.kind());
    let mut out = Vec::with_capacity(op.len() + suffix.len() + 96);
    let missing = |what: &str| Error::Serialize(format!("the operation names no {what}"));
    if op.kind() == OperationKind::Merge {
        let primary = stored.primary.as_ref().and_then(Who::user_id);
        let secondary = stored.secondary.as_ref().and_then(Who::user_id);
        let (Some(primary), Some(secondary)) = (primary, secondary) else {
            return Err(missing("primary and secondary person"));
        };
        write_head(&mut out, call, "userId", &primary, op.message_id())?;
        out.extend_from_slice(b",\"previousId\":");
        write_json(&mut out, secondary.as_ref())?;
        return finish(out, suffix);
    }
    let user_id = stored.identifiers.as_ref().and_then(Who::user_id);
    let Some(user_id) = user_id else {
        return Err(missing("person"));
    };
    write_head(&mut out, call, person_key, &user_id, op.message_id())?;
    if let Some(event) = semantic {
        out.extend_from_slice(b",\"event\":");
        write_json(&mut out, event)?;
    }
    if let Some(name) = &stored.name {
        out.extend_from_slice(match op.kind() {
            OperationKind::Event => b",\"event\":",
            _ => b",\"name\":",
        });
        write_json(&mut out, name.as_ref())?;
    }
    if let Some(at) = stored.timestamp {
        write_timestamp(&mut out, Timestamp::from_unix(at))?;
    }
    if let Some(attributes) = stored.attributes {
        let key = match op.kind() {
            OperationKind::Identify => "traits",
            _ => "properties",
        };
        write_raw(&mut out, key, attributes.get().as_bytes());
    }
    finish(out, suffix)
}

/// The bytes `{"batch":[` and `]}` add around the calls of a `/v1/batch` body.
const BATCH_PREFIX: &[u8] = b"{\"batch\":[";

/// A `/v1/batch` body of `calls`, checked against the 500 KB limit.
pub(crate) fn batch_body(calls: &[Vec<u8>]) -> Result<Vec<u8>, Error> {
    let len = BATCH_PREFIX.len()
        + 2
        + calls.iter().map(Vec::len).sum::<usize>()
        + calls.len().saturating_sub(1);
    check_limit(Limit::PipelinesBatch, len, None)?;
    let mut out = Vec::with_capacity(len);
    out.extend_from_slice(BATCH_PREFIX);
    for (i, call) in calls.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(call);
    }
    out.extend_from_slice(b"]}");
    Ok(out)
}

/// The most a call can be longer than the operation it comes from, besides the
/// client's `suffix`: a `messageId` (41 bytes), a timestamp written in ISO 8601
/// rather than in seconds (16), a semantic event's name (30) and the `cio_` of a
/// `cio_id`, with room to spare. The pipeline and the relay count it per operation
/// when they fill a batch, so that the converted batch stays within 500 KB.
pub(crate) const GROWTH: usize = 128;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::View;

    const SUFFIX: &[u8] = b"}";

    #[derive(serde::Serialize)]
    struct Plan {
        plan: &'static str,
    }
    impl crate::Attributes for Plan {}

    fn text(op: &Operation) -> serde_json::Value {
        let bytes = from_operation(op, SUFFIX).unwrap();
        assert!(bytes.len() <= op.len() + GROWTH, "grew past GROWTH");
        serde_json::from_slice(&bytes).unwrap()
    }

    #[test]
    fn identify_carries_traits_and_the_time_in_iso_8601() {
        let at = Timestamp::from_unix(1_700_000_000);
        let op = Operation::identify_at(&Customer::id("42"), &Plan { plan: "pro" }, at).unwrap();
        let call = text(&op);
        assert_eq!(call["type"], "identify");
        assert_eq!(call["userId"], "42");
        assert_eq!(call["traits"]["plan"], "pro");
        assert_eq!(call["timestamp"], "2023-11-14T22:13:20.000Z");
        assert_eq!(call["messageId"], op.message_id().to_string());
    }

    #[test]
    fn people_by_email_and_cio_id_are_named_in_user_id() {
        let by_email = Operation::delete(&Customer::email("a@b.co")).unwrap();
        assert_eq!(text(&by_email)["userId"], "a@b.co");
        assert_eq!(text(&by_email)["event"], "User Deleted");
        let by_cio_id = Operation::suppress(&Customer::cio_id("03a4")).unwrap();
        assert_eq!(text(&by_cio_id)["userId"], "cio_03a4");
        assert_eq!(text(&by_cio_id)["event"], "User Suppressed");
    }

    #[test]
    fn merges_are_aliases_and_views_keep_their_names() {
        let merge = Operation::merge(&Customer::id("a"), &Customer::email("b@c.co")).unwrap();
        let call = text(&merge);
        assert_eq!(
            (call["type"].as_str(), call["userId"].as_str()),
            (Some("alias"), Some("a"))
        );
        assert_eq!(call["previousId"], "b@c.co");
        let page = View::page("https://x.co/a\"b")
            .with_data(&Plan { plan: "p" })
            .unwrap();
        let op = Operation::view(&Customer::id("7"), &page).unwrap();
        let call = text(&op);
        assert_eq!(call["type"], "page");
        assert_eq!(call["name"], "https://x.co/a\"b");
        assert_eq!(call["properties"]["plan"], "p");
        assert_eq!(call["messageId"], page.id().to_string());
    }

    #[test]
    fn objects_are_groups_and_their_deletes_semantic_events() {
        #[derive(serde::Serialize)]
        struct Company {
            name: &'static str,
        }
        impl crate::Object for Company {
            const NAME: &'static str = "company";
            const TYPE_ID: u64 = 1;
        }
        #[derive(serde::Serialize)]
        struct Seat {
            role: &'static str,
        }
        impl crate::Relationship for Seat {
            const OBJECT: &'static str = "company";
            const OBJECT_TYPE_ID: u64 = 1;
        }
        let object = Operation::object("acme", &Company { name: "Acme" }).unwrap();
        let call = text(&object);
        assert_eq!(call["type"], "group");
        assert_eq!(call["anonymousId"], object.message_id().to_string());
        assert_eq!(call["groupId"], "acme");
        assert_eq!(call["traits"]["object_type_id"], "1");
        assert_eq!(call["traits"]["name"], "Acme");
        let jane = Customer::id("42");
        let related = Operation::relate(&jane, "acme", &Seat { role: "admin" }).unwrap();
        let call = text(&related);
        assert_eq!(
            (call["type"].as_str(), call["userId"].as_str()),
            (Some("group"), Some("42"))
        );
        assert_eq!(call["traits"]["relationshipAttributes"]["role"], "admin");
        let acme = crate::client::ObjectRef::new(1, "acme");
        let call = text(&Operation::unrelate(&jane, &acme).unwrap());
        assert_eq!(call["event"], "Relationship Deleted");
        assert_eq!(call["properties"]["objectTypeId"], 1);
        let call = text(&Operation::delete_object(&acme).unwrap());
        assert_eq!(call["event"], "Object Deleted");
        assert_eq!(call["properties"]["objectId"], "acme");
        assert!(call["anonymousId"].is_string());
    }

    #[test]
    fn iso_8601_before_the_epoch_and_out_of_range() {
        assert_eq!(
            iso_8601(Timestamp::from_unix(-1)).unwrap(),
            "1969-12-31T23:59:59.000Z"
        );
        assert!(iso_8601(Timestamp::from_unix(i64::MAX)).is_err());
    }

    #[test]
    fn batches_are_checked_against_500_kb() {
        let call = vec![b'x'; 30_000];
        assert!(batch_body(&vec![call.clone(); 17]).is_ok());
        assert!(matches!(
            batch_body(&vec![call; 18]),
            Err(Error::Limit {
                limit: Limit::PipelinesBatch,
                ..
            })
        ));
    }
}
