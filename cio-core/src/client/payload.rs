//! Request bodies, written once as bytes (never through `serde_json::Value`) and
//! checked against the Track API limits on the way.

use super::body::write_json;
use super::customer::Customer;
use super::error::Error;
use super::limits::{check_event_data, check_event_name, check_timestamp};
use super::object_ref::ObjectRef;
use super::view::View;
use crate::{Attributes, Event, EventId, Timestamp, Tracked};

/// Appends an integer in decimal, without allocating.
fn write_integer(out: &mut Vec<u8>, n: i64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut rest = n.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&buf[i..]);
}

/// Appends the serialized, validated attributes object.
pub(crate) fn write_attributes<A: Attributes + ?Sized>(
    out: &mut Vec<u8>,
    attributes: &A,
) -> Result<(), Error> {
    attributes.validate()?;
    super::attributes::write_attributes(out, attributes)
}

/// The common fields of an event: `"name":..,"id":..[,"timestamp":..]`, then the
/// data under `data_key` unless it is `null`.
struct EventFields<'a> {
    name: &'a str,
    id: EventId,
    timestamp: Option<Timestamp>,
}

impl<'a> EventFields<'a> {
    fn of_event<E: Event>(tracked: &'a Tracked<E>) -> Self {
        EventFields {
            name: tracked.name(),
            id: tracked.id(),
            timestamp: tracked.timestamp(),
        }
    }

    fn of_view(view: &'a View) -> Self {
        EventFields {
            name: view.name(),
            id: view.id(),
            timestamp: view.timestamp(),
        }
    }

    fn write_head(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        check_event_name(self.name)?;
        if let Some(ts) = self.timestamp {
            check_timestamp("timestamp", ts)?;
        }
        out.extend_from_slice(b"\"name\":");
        write_json(out, self.name)?;
        out.extend_from_slice(b",\"id\":");
        write_json(out, &self.id)?;
        if let Some(ts) = self.timestamp {
            out.extend_from_slice(b",\"timestamp\":");
            write_integer(out, ts.as_unix());
        }
        Ok(())
    }
}

/// Appends `,"<data_key>":<data>` for a typed event (nothing when the data is `null`).
fn write_event_data<E: Event>(out: &mut Vec<u8>, data_key: &str, event: &E) -> Result<(), Error> {
    event.validate()?;
    let mark = out.len();
    out.extend_from_slice(b",\"");
    out.extend_from_slice(data_key.as_bytes());
    out.extend_from_slice(b"\":");
    let start = out.len();
    write_json(out, event)?;
    check_event_data(&out[start..])?;
    if &out[start..] == b"null" {
        out.truncate(mark);
    }
    Ok(())
}

/// Appends `,"<data_key>":<data>` for pre-serialized data.
fn write_raw_data(out: &mut Vec<u8>, data_key: &str, data: Option<&[u8]>) {
    if let Some(data) = data {
        out.extend_from_slice(b",\"");
        out.extend_from_slice(data_key.as_bytes());
        out.extend_from_slice(b"\":");
        out.extend_from_slice(data);
    }
}

/// v1 `POST /customers/{id}/events` (or `/events` with an anonymous id).
pub(crate) fn v1_event<E: Event>(
    tracked: &Tracked<E>,
    anonymous_id: Option<&str>,
) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(512);
    out.push(b'{');
    if let Some(anonymous_id) = anonymous_id {
        out.extend_from_slice(b"\"anonymous_id\":");
        write_json(&mut out, anonymous_id)?;
        out.push(b',');
    }
    EventFields::of_event(tracked).write_head(&mut out)?;
    write_event_data(&mut out, "data", tracked.event())?;
    out.push(b'}');
    Ok(out)
}

/// v1 page or screen view.
pub(crate) fn v1_view(view: &View) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(128);
    out.extend_from_slice(b"{\"type\":\"");
    out.extend_from_slice(view.kind().wire().as_bytes());
    out.extend_from_slice(b"\",");
    EventFields::of_view(view).write_head(&mut out)?;
    write_raw_data(&mut out, "data", view.data_bytes());
    out.push(b'}');
    Ok(out)
}

/// The start of a v2 person operation: `{"type":"person","action":"<action>","identifiers":{..}`.
pub(crate) fn v2_head(out: &mut Vec<u8>, action: &str, customer: &Customer) -> Result<(), Error> {
    customer.validate()?;
    out.extend_from_slice(b"{\"type\":\"person\",\"action\":\"");
    out.extend_from_slice(action.as_bytes());
    out.extend_from_slice(b"\",\"identifiers\":");
    customer.write_identifiers(out)
}

/// v2 `person`/`identify`.
pub(crate) fn v2_identify<A: Attributes + ?Sized>(
    customer: &Customer,
    attributes: &A,
    at: Timestamp,
) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(512);
    v2_head(&mut out, "identify", customer)?;
    out.extend_from_slice(b",\"attributes\":");
    write_attributes(&mut out, attributes)?;
    out.extend_from_slice(b",\"timestamp\":");
    out.extend_from_slice(at.as_unix().to_string().as_bytes());
    out.push(b'}');
    Ok(out)
}

/// v2 `person`/`event` (the data under `attributes`).
pub(crate) fn v2_event<E: Event>(
    customer: &Customer,
    tracked: &Tracked<E>,
) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(512);
    v2_head(&mut out, "event", customer)?;
    out.push(b',');
    EventFields::of_event(tracked).write_head(&mut out)?;
    write_event_data(&mut out, "attributes", tracked.event())?;
    out.push(b'}');
    Ok(out)
}

/// v2 `person`/`page` or `screen`.
pub(crate) fn v2_view(customer: &Customer, view: &View) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(128);
    v2_head(&mut out, view.kind().wire(), customer)?;
    out.push(b',');
    EventFields::of_view(view).write_head(&mut out)?;
    write_raw_data(&mut out, "attributes", view.data_bytes());
    out.push(b'}');
    Ok(out)
}

/// v2 operation with identifiers only (`delete`, `suppress`, `unsuppress`).
pub(crate) fn v2_bare(customer: &Customer, action: &str) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(96);
    v2_head(&mut out, action, customer)?;
    out.push(b'}');
    Ok(out)
}

/// v2 `object`/`<action>` of `object`, with its attributes if given.
pub(crate) fn v2_object<A: serde::Serialize + ?Sized>(
    object: &ObjectRef,
    action: &str,
    attributes: Option<&A>,
) -> Result<Vec<u8>, Error> {
    object.check()?;
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(b"{\"type\":\"object\",\"action\":\"");
    out.extend_from_slice(action.as_bytes());
    out.extend_from_slice(b"\",\"identifiers\":");
    object.write_identifiers(&mut out)?;
    if let Some(attributes) = attributes {
        out.extend_from_slice(b",\"attributes\":");
        write_object(&mut out, attributes)?;
    }
    out.push(b'}');
    Ok(out)
}

/// v2 `person`/`add_relationships` or `delete_relationships` of `customer` and
/// `object`, with the relationship's attributes if given.
pub(crate) fn v2_relationship<A: serde::Serialize + ?Sized>(
    customer: &Customer,
    action: &str,
    object: &ObjectRef,
    attributes: Option<&A>,
) -> Result<Vec<u8>, Error> {
    object.check()?;
    let mut out = Vec::with_capacity(256);
    v2_head(&mut out, action, customer)?;
    out.extend_from_slice(b",\"cio_relationships\":[{\"identifiers\":");
    object.write_identifiers(&mut out)?;
    if let Some(attributes) = attributes {
        out.extend_from_slice(b",\"relationship_attributes\":");
        write_object(&mut out, attributes)?;
    }
    out.extend_from_slice(b"}]}");
    Ok(out)
}

/// v2 `person`/`identify` of one subscription topic's preference.
pub(crate) fn v2_topic(
    customer: &Customer,
    topic: u64,
    subscribed: bool,
    at: Timestamp,
) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(192);
    v2_head(&mut out, "identify", customer)?;
    out.extend_from_slice(b",\"attributes\":{\"cio_subscription_preferences.topics.topic_");
    out.extend_from_slice(topic.to_string().as_bytes());
    out.extend_from_slice(if subscribed {
        b"\":true}"
    } else {
        b"\":false}"
    });
    out.extend_from_slice(b",\"timestamp\":");
    write_integer(&mut out, at.as_unix());
    out.push(b'}');
    Ok(out)
}

/// Appends `value`, which must serialize as a JSON object (`null` is written `{}`).
fn write_object<A: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &A) -> Result<(), Error> {
    let start = out.len();
    write_json(out, value)?;
    match out.get(start) {
        Some(b'{') => Ok(()),
        Some(b'n') => {
            out.truncate(start);
            out.extend_from_slice(b"{}");
            Ok(())
        }
        _ => Err(Error::Serialize(
            "attributes must serialize as a JSON object".to_owned(),
        )),
    }
}

/// v1 `merge_customers` body.
pub(crate) fn v1_merge(primary: &Customer, secondary: &Customer) -> Result<Vec<u8>, Error> {
    merge_body(b"{\"primary\":", primary, secondary)
}

/// v2 `person`/`merge`.
pub(crate) fn v2_merge(primary: &Customer, secondary: &Customer) -> Result<Vec<u8>, Error> {
    merge_body(
        b"{\"type\":\"person\",\"action\":\"merge\",\"primary\":",
        primary,
        secondary,
    )
}

/// `<head><primary identifiers>,"secondary":<secondary identifiers>}`.
fn merge_body(head: &[u8], primary: &Customer, secondary: &Customer) -> Result<Vec<u8>, Error> {
    primary.validate()?;
    secondary.validate()?;
    let mut out = Vec::with_capacity(128);
    out.extend_from_slice(head);
    primary.write_identifiers(&mut out)?;
    out.extend_from_slice(b",\"secondary\":");
    secondary.write_identifiers(&mut out)?;
    out.push(b'}');
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn integers() {
        for n in [0, 7, -7, 1_700_000_000, i64::MAX, i64::MIN] {
            let mut out = Vec::new();
            super::write_integer(&mut out, n);
            assert_eq!(out, n.to_string().into_bytes());
        }
    }
}
