//! Counts over an outbox ([`OutboxStats`]) and over one relay ([`RelayStats`]).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// What the outbox's tables hold now (over every relay).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct OutboxStats {
    /// Rows not delivered yet (due, leased or waiting for a retry).
    pub pending: u64,
    /// How long the oldest pending row has waited.
    pub oldest_pending_age: Option<Duration>,
    /// Delivered rows not pruned yet.
    pub delivered_retained: u64,
    /// Rows in the dead-letter table.
    pub dead_letters: u64,
}

impl OutboxStats {
    pub(crate) fn from_counts(
        pending: i64,
        oldest_ms: Option<i64>,
        delivered: i64,
        dead: i64,
    ) -> Self {
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        OutboxStats {
            pending: count(pending),
            oldest_pending_age: oldest_ms.map(|ms| Duration::from_millis(count(ms))),
            delivered_retained: count(delivered),
            dead_letters: count(dead),
        }
    }
}

/// What one relay did since it started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RelayStats {
    /// Rows claimed (a row claimed again after a failure counts again).
    pub claimed: u64,
    /// Rows delivered.
    pub delivered: u64,
    /// Row attempts that failed transiently and were scheduled again.
    pub retried: u64,
    /// Rows moved to the dead-letter table.
    pub dead_lettered: u64,
    /// Rows delivered more than 72 hours after they were written: Customer.io does
    /// not start campaigns for such events.
    pub delivered_stale: u64,
    /// `/batch` requests sent.
    pub requests: u64,
    /// Database statements that failed (each was retried).
    pub database_errors: u64,
    /// Requests refused for a reason that affects every request (credentials,
    /// region): their rows wait until it is fixed, whatever the retry policy says.
    pub refused: u64,
    /// Rows of a kind this build does not know (written by a newer version): left
    /// pending for a newer relay.
    pub unknown_kinds: u64,
    /// Rows not sent because this relay's lease on them ran out (or was taken over):
    /// another claim sends them.
    pub lease_lost: u64,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Counter {
    Claimed,
    Delivered,
    Retried,
    DeadLettered,
    Stale,
    Requests,
    DatabaseErrors,
    Refused,
    UnknownKinds,
    LeaseLost,
}

/// The relay's counters, updated by its tasks.
#[derive(Debug, Default)]
pub(crate) struct Counters([AtomicU64; 10]);

impl Counters {
    pub(crate) fn add(&self, counter: Counter, n: u64) {
        self.0[counter as usize].fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> RelayStats {
        let get = |c: Counter| self.0[c as usize].load(Ordering::Relaxed);
        RelayStats {
            claimed: get(Counter::Claimed),
            delivered: get(Counter::Delivered),
            retried: get(Counter::Retried),
            dead_lettered: get(Counter::DeadLettered),
            delivered_stale: get(Counter::Stale),
            requests: get(Counter::Requests),
            database_errors: get(Counter::DatabaseErrors),
            refused: get(Counter::Refused),
            unknown_kinds: get(Counter::UnknownKinds),
            lease_lost: get(Counter::LeaseLost),
        }
    }
}
