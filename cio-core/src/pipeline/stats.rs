//! Counters of the pipeline, readable at any time without stopping it.

use std::sync::atomic::{AtomicU64, Ordering};

/// The live counters, shared by the handles and the worker.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    queued: AtomicU64,
    delivered: AtomicU64,
    retried: AtomicU64,
    failed: AtomicU64,
    dropped: AtomicU64,
    requests: AtomicU64,
}

/// Which counter to move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Counter {
    Queued,
    Delivered,
    Retried,
    Failed,
    Dropped,
    Requests,
}

impl Counters {
    pub(crate) fn add(&self, counter: Counter, n: u64) {
        if n == 0 {
            return;
        }
        let cell = match counter {
            Counter::Queued => &self.queued,
            Counter::Delivered => &self.delivered,
            Counter::Retried => &self.retried,
            Counter::Failed => &self.failed,
            Counter::Dropped => &self.dropped,
            Counter::Requests => &self.requests,
        };
        cell.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self, occupancy: Occupancy) -> PipelineStats {
        PipelineStats {
            queued: self.queued.load(Ordering::Relaxed),
            delivered: self.delivered.load(Ordering::Relaxed),
            retried: self.retried.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            dropped: self.dropped.load(Ordering::Relaxed),
            requests: self.requests.load(Ordering::Relaxed),
            pending_events: occupancy.events,
            pending_bytes: occupancy.bytes,
            max_pending_events: occupancy.max_events,
            max_pending_bytes: occupancy.max_bytes,
        }
    }
}

/// How much the pipeline holds now and the most it ever held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Occupancy {
    pub(crate) events: u64,
    pub(crate) bytes: u64,
    pub(crate) max_events: u64,
    pub(crate) max_bytes: u64,
}

/// A snapshot of the pipeline's counters.
///
/// Every operation accepted by the pipeline is counted once in `queued` and ends in
/// exactly one of `delivered` or `failed` (which includes what a
/// [`shutdown`](super::Pipeline::shutdown) could not deliver), so once the pipeline is
/// idle `queued == delivered + failed`. `dropped` counts operations refused because the
/// queue was full (they were never queued).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PipelineStats {
    /// Operations accepted into the queue.
    pub queued: u64,
    /// Operations Customer.io accepted.
    pub delivered: u64,
    /// Re-sends: one per operation per retry.
    pub retried: u64,
    /// Operations given up on: invalid, rejected, out of retries, or still undelivered
    /// when a shutdown deadline passed.
    pub failed: u64,
    /// Operations refused because the queue was full (`FullQueue::Reject`).
    pub dropped: u64,
    /// `/batch` requests sent (each attempt counts).
    pub requests: u64,
    /// Operations held now (queued, in flight or waiting for a retry).
    pub pending_events: u64,
    /// Serialized bytes of the operations held now.
    pub pending_bytes: u64,
    /// The most operations ever held at once (never above the configured bound).
    pub max_pending_events: u64,
    /// The most serialized bytes ever held at once (never above the configured bound).
    pub max_pending_bytes: u64,
}
