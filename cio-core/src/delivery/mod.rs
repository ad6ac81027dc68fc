//! What the in-memory pipeline and the outbox relay share to deliver operations:
//! the send seam ([`sink::Sink`], whose every answer is a [`sink::SendOutcome`]), the
//! one decision per operation after an attempt ([`decide::decide`]), the one
//! batch-size formula ([`BatchSize`]), the one request rate ([`rate`]), the settings
//! both configurations share ([`settings::Settings`]), and the helpers for time and
//! locks. Neither the pipeline nor the relay imports the other: each keeps what it
//! holds operations in (a queue in memory, claimed rows in a database) and applies the
//! same decisions to it.

pub(crate) mod decide;
pub(crate) mod rate;
pub(crate) mod settings;
pub(crate) mod sink;

use crate::client::{Limit, BATCH_OVERHEAD};

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// How full a batch is: the one formula the pipeline and the relay fill batches by.
/// An operation takes its own bytes, what the sink adds to it on the wire
/// ([`Sink::growth`](sink::Sink::growth)) and a comma; a batch holds at most
/// `max_bytes` with its brackets, and always has room for one operation of the
/// largest size, so that none waits forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BatchSize {
    room: usize,
    growth: usize,
}

impl BatchSize {
    /// Batches of at most `max_bytes` (unless one operation needs more) for a sink
    /// whose operations grow by at most `growth` bytes.
    pub(crate) fn new(max_bytes: usize, growth: usize) -> Self {
        let largest = Limit::BatchOperation.max() + growth + 1;
        BatchSize {
            room: max_bytes.saturating_sub(BATCH_OVERHEAD).max(largest),
            growth,
        }
    }

    /// The bytes an operation of `len` bytes takes on the wire, without its comma.
    pub(crate) fn wire_len(&self, len: usize) -> usize {
        len + self.growth
    }

    /// The bytes an operation of `wire_len` bytes on the wire ([`BatchSize::wire_len`])
    /// takes in a batch: itself and its comma.
    pub(crate) const fn cost(wire_len: usize) -> usize {
        wire_len + 1
    }

    /// The room for operations in one batch.
    pub(crate) fn room(&self) -> usize {
        self.room
    }
}

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
