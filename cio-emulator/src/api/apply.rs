//! Applying an accepted action to the emulator's state.

use serde_json::{json, Value};

use super::{invalid, pipelines, Action, Reply};
use crate::record::State;

/// Applies an action; returns the answer.
pub(crate) fn apply(state: &mut State, action: Action) -> Reply {
    match action {
        Action::Identify(c, attributes, timestamp) => state.identify(&c, attributes, timestamp),
        Action::Event(c, event) => {
            state.event(c.as_deref(), event);
        }
        Action::Delete(c) => state.delete(&c),
        Action::Suppress(c) => state.suppress(&c),
        Action::Unsuppress(c) => state.unsuppress(&c),
        Action::AddDevice(c, token, device) => state.add_device(&c, &token, device),
        Action::DeleteDevice(c, token) => state.delete_device(&c, &token),
        Action::Merge(primary, secondary) => {
            if !state.has_profile(&primary) {
                return Reply::v1_single(400, "the primary customer does not exist");
            }
            state.merge(&primary, &secondary);
        }
        Action::Ignore => {}
        Action::Object(object, attributes) => state.upsert_object(&object, attributes),
        Action::DeleteObject(object) => state.delete_object(&object),
        Action::Relate(person, related) => {
            for related in related {
                state.relate(&person, related);
            }
        }
        Action::Unrelate(person, objects) => {
            for object in &objects {
                state.unrelate(&person, object);
            }
        }
        Action::All(actions) => {
            for action in actions {
                let reply = apply(state, action);
                if reply.status >= 400 {
                    return reply;
                }
            }
        }
        Action::Pipelines(calls) => pipelines::apply(state, calls),
        Action::PipelinesDropped(dropped) => state.record.pipelines_drops.push(dropped),
        Action::Metric(metric) => state.record.metrics.push(metric),
        Action::Form(form, data) => {
            state.record.forms.push((form, data));
            return Reply::new(204, Vec::new());
        }
        Action::Segment {
            segment,
            add,
            members,
        } => {
            let set = state.record.segments.entry(segment).or_default();
            for member in members {
                if add {
                    set.insert(member);
                } else {
                    set.remove(&member);
                }
            }
        }
        Action::Unsubscribe(delivery, on) => state.record.unsubscribes.push((delivery, on)),
        Action::Send(mut send, _) => {
            // Rendered (and given its delivery id) outside the lock: `app_render::render`.
            if send.delivery_id.is_empty() {
                send.delivery_id = state.next_delivery_id();
            }
            let n = state.record.sends.len() + 1;
            let body =
                json!({"delivery_id": send.delivery_id, "queued_at": 1_700_000_000 + n as i64});
            state.coverage.saw_send(&send);
            state.record.sends.push(send);
            return Reply::new(200, body.to_string().into_bytes());
        }
        Action::Trigger(mut trigger, _) => {
            let id = state.record.broadcast_triggers.len() as u64 + 1;
            trigger.id = id;
            state.coverage.saw_trigger(&trigger);
            state.record.broadcast_triggers.push(trigger);
            return Reply::new(200, json!({ "id": id }).to_string().into_bytes());
        }
        Action::Region => {
            return Reply::new(
                200,
                json!({"url": "https://track.customer.io", "region": "us", "environment_id": 1})
                    .to_string()
                    .into_bytes(),
            )
        }
        Action::Batch(actions, mut errors) => {
            for (index, action) in actions {
                let reply = apply(state, action);
                if reply.status >= 400 {
                    let message = String::from_utf8_lossy(&reply.body).into_owned();
                    errors.push((index, invalid("invalid", "", message)));
                }
            }
            if !errors.is_empty() {
                errors.sort_by_key(|(i, _)| *i);
                let items: Vec<Value> = errors
                    .into_iter()
                    .map(|(i, e)| json!({"batch_index": i, "reason": e.reason, "field": e.field, "message": e.message}))
                    .collect();
                return Reply::new(207, json!({ "errors": items }).to_string().into_bytes());
            }
        }
    }
    Reply::ok()
}
