//! What keeps the inbox live: `GET /__inbox.js`, the page's only script, and
//! `GET /__version`, the fingerprint of the state it polls.

use crate::record::State;

/// The inbox's only script: polls [`version`] and updates the page in place when it
/// changes; filters as the search box is typed in; moves the clock without leaving
/// the page.
pub(super) const SCRIPT: &str = include_str!("assets/inbox.js");

/// Changes whenever something the inbox shows does: the journeys' clock and
/// deliveries, the profiles and what was applied to them, events, deletions,
/// delivery metrics, and the reporting webhooks (each one queued, each attempt
/// answered).
pub(super) fn version(state: &State) -> String {
    let (now, deliveries) = state.journeys.as_ref().map_or((0, 0), |e| {
        (
            e.simulation.now().as_unix(),
            e.simulation.deliveries().len(),
        )
    });
    let (webhooks, attempts) = state
        .journeys
        .as_ref()
        .and_then(|e| e.webhook_log())
        .map_or((0, 0), |log| {
            let log = crate::webhooks::lock(log);
            let attempts: usize = log
                .iter()
                .map(|sent| sent.attempts.len() * 3 + usize::from(!sent.accepted()))
                .sum();
            (log.len(), attempts)
        });
    let record = &state.record;
    let applied: usize = record.history.values().map(Vec::len).sum();
    format!(
        "{now}-{deliveries}-{}-{applied}-{}-{}-{}-{webhooks}-{attempts}",
        record.profiles.len(),
        record.event_count(),
        record.deleted.len(),
        record.metrics.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_follows_identifies_that_change_no_count() {
        let mut state = State::default();
        state.identify("jo", serde_json::Map::new(), None);
        let before = version(&state);
        let mut attributes = serde_json::Map::new();
        attributes.insert("plan".to_owned(), serde_json::json!("pro"));
        state.identify("jo", attributes, None);
        assert_ne!(version(&state), before);
    }
}
