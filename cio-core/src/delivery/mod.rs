//! What the in-memory pipeline and the outbox relay share to deliver operations:
//! the send seam ([`sink::Sink`], whose every answer is a [`sink::SendOutcome`]), the
//! one decision per operation after an attempt ([`decide::decide`]), and the helpers
//! for time and locks. Neither the pipeline nor the relay imports the other: each
//! keeps what it holds operations in (a queue in memory, claimed rows in a database)
//! and applies the same decisions to it.

pub(crate) mod decide;
pub(crate) mod sink;

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// Locks `mutex`, carrying on if a thread panicked while holding it (the data kept
/// under these locks stays consistent between statements).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `wait` after `now`, or a moment decades away when that is past what an [`Instant`]
/// holds (a configured `Duration::MAX`, a huge `Retry-After`): never an overflow.
pub(crate) fn later(now: Instant, wait: Duration) -> Instant {
    const DECADES: Duration = Duration::from_secs(30 * 365 * 86_400);
    now.checked_add(wait)
        .or_else(|| now.checked_add(DECADES))
        .unwrap_or(now)
}
