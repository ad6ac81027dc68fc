//! Applying valid Pipelines calls to the state the Track API feeds.

use serde_json::{Map, Value};

use super::{Call, CallType, Effect};
use crate::api::Action;
use crate::objects::{ObjectKey, Related};
use crate::record::{ObjectCall, State};

/// Applies `calls` in order. Each `messageId` counts as an arrival
/// ([`Record::arrivals`](crate::Record::arrivals)); a track call (a semantic event too)
/// whose `messageId` was applied before is skipped as a duplicate. Events, page and
/// screen views carry their `messageId` as their id, which `State::event` counts and
/// deduplicates as it does a Track event id.
pub(crate) fn apply(state: &mut State, calls: Vec<Call>) {
    for call in calls {
        let is_event = matches!(call.effect, Effect::Track(Action::Event(..)));
        if let (Some(id), false) = (&call.message_id, is_event) {
            if !state.arrive(id, call.call_type == CallType::Track) {
                continue;
            }
        }
        match call.effect {
            Effect::Track(action) => {
                // Identifies, events, deletes, devices and metrics always succeed.
                let _ = crate::api::apply(state, action);
            }
            Effect::Alias { primary, secondary } => {
                if primary != secondary {
                    state.merge(&primary, &secondary);
                }
            }
            Effect::AnonymousIdentify {
                anonymous_id,
                traits,
            } => state
                .record
                .anonymous_identifies
                .push((anonymous_id, traits)),
            Effect::Object(call) => {
                apply_object(state, &call);
                state.record.objects.push(call);
            }
        }
    }
}

/// What a call about an object does: a `group` updates the object with its
/// `traits` (but `object_type_id` and `relationshipAttributes`) and relates the
/// person it names, with `traits.relationshipAttributes`; `Relationship Deleted`
/// and `Object Deleted` remove the relationship and the object.
fn apply_object(state: &mut State, call: &ObjectCall) {
    match call {
        ObjectCall::Group {
            person,
            object_type_id,
            object_id,
            traits,
            ..
        } => {
            let object = ObjectKey::new(object_type_id.as_str(), object_id.as_str());
            let mut attributes = traits.clone();
            attributes.remove("object_type_id");
            let relationship = match attributes.remove("relationshipAttributes") {
                Some(Value::Object(r)) => r,
                _ => Map::new(),
            };
            state.upsert_object(&object, attributes);
            if let Some(person) = person {
                let attributes = relationship;
                state.relate(person, Related { object, attributes });
            }
        }
        ObjectCall::RelationshipDeleted {
            person,
            object_type_id,
            object_id,
        } => state.unrelate(
            person,
            &ObjectKey::new(object_type_id.as_str(), object_id.as_str()),
        ),
        ObjectCall::ObjectDeleted {
            object_type_id,
            object_id,
        } => state.delete_object(&ObjectKey::new(object_type_id.as_str(), object_id.as_str())),
    }
}
