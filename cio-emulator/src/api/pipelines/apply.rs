//! Applying valid Pipelines calls to the state the Track API feeds.

use super::{Call, CallType, Effect};
use crate::api::Action;
use crate::record::State;

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
            Effect::Object(object) => state.record.objects.push(object),
        }
    }
}
