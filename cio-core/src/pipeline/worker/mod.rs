//! The background task: takes operations from the queue, sends them in batches,
//! retries what failed transiently and reports what cannot be delivered.
//!
//! One job per file: [`shared`] (what the handles and the worker share), `launch`
//! (building and starting batches), `settle` (the outcome of a whole batch, batch
//! splitting), `partial` (a 207's items), `retry` (the retry queue, delivered and failed
//! operations) and `shutdown` (the deadline).

mod launch;
mod retry;
mod settle;
pub(crate) mod shared;
mod shutdown;
mod turns;

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::Instant;

use super::config::PipelineConfig;
use crate::client::RetryPolicy;
use crate::delivery::rate::Pacer;
use crate::delivery::sink::{Payload, SendOutcome, Sink};
use crate::delivery::{later, lock, BatchSize};
use shared::SettleOnExit;
pub(crate) use shared::Shared;
use turns::Turns;

/// Bookkeeping of one operation while the worker holds it.
#[derive(Debug, Clone, Copy)]
struct Meta {
    seq: u64,
    bytes: usize,
    /// Attempts made so far.
    attempts: u32,
}

/// A batch on its way.
struct InFlight<T> {
    ops: Arc<Vec<T>>,
    metas: Vec<Meta>,
    span: tracing::Span,
}

/// Operations waiting to be sent again.
struct Waiting<T> {
    ready_at: Instant,
    /// In reverse order: the next to send is last.
    items: Vec<(T, Meta)>,
    /// A half of a split batch: sent alone, so that splitting isolates a bad operation.
    alone: bool,
}

/// The worker task's state.
pub(crate) struct Worker<T, S> {
    shared: Arc<Shared<T>>,
    sink: Arc<S>,
    limiter: Option<Arc<Pacer>>,
    retry: RetryPolicy,
    max_in_flight: usize,
    size: BatchSize,
    flush_interval: Duration,
    inflight: JoinSet<SendOutcome>,
    batches: HashMap<tokio::task::Id, InFlight<T>>,
    waiting: Vec<Waiting<T>>,
    turns: Turns<T>,
    held: BTreeSet<u64>,
    drain_target: u64,
    paused_until: Option<Instant>,
    next_tick: Instant,
}

impl<T: Payload, S: Sink<T>> Worker<T, S> {
    pub(crate) fn new(shared: Arc<Shared<T>>, sink: S, config: &PipelineConfig) -> Self {
        let now = Instant::now();
        Worker {
            shared,
            size: BatchSize::new(config.delivery.max_batch_bytes, sink.growth()),
            sink: Arc::new(sink),
            limiter: config
                .delivery
                .requests_per_second
                .map(|rate| Arc::new(Pacer::new(rate, config.delivery.burst))),
            retry: config.delivery.retry.clone(),
            max_in_flight: config.delivery.max_in_flight,
            flush_interval: config.flush_interval,
            inflight: JoinSet::new(),
            batches: HashMap::new(),
            waiting: Vec::new(),
            turns: Turns::new(),
            held: BTreeSet::new(),
            drain_target: 0,
            paused_until: None,
            next_tick: later(now, config.flush_interval),
        }
    }

    /// Runs until shut down; returns what it could not deliver before the deadline.
    pub(crate) async fn run(mut self) -> Vec<T> {
        let _settle = SettleOnExit(self.shared.clone());
        loop {
            let now = Instant::now();
            let deadline = *lock(&self.shared.deadline);
            if deadline.is_some_and(|deadline| now >= deadline) {
                return self.abandon().await;
            }
            if now >= self.next_tick {
                self.drain_target = self.drain_target.max(self.shared.queue.next_seq());
                self.next_tick = later(now, self.flush_interval);
            }
            let flush_target = self.shared.flush_target.load(Ordering::SeqCst);
            self.drain_target = self.drain_target.max(flush_target);
            let closed = deadline.is_some() || self.shared.queue.is_closed();
            if closed {
                self.drain_target = u64::MAX;
            }
            self.launch(now);
            self.publish_progress();
            if self.inflight.is_empty()
                && self.waiting.is_empty()
                && self.turns.is_empty()
                && self.shared.queue.is_closed_and_empty()
            {
                return Vec::new();
            }
            let wake_at = self.next_wake(deadline);
            tokio::select! {
                done = self.inflight.join_next_with_id(), if !self.inflight.is_empty() => {
                    if let Some(done) = done {
                        self.settle(done);
                    }
                }
                () = self.shared.queue.wake.notified() => {}
                () = tokio::time::sleep_until(wake_at) => {}
            }
        }
    }

    /// The next moment something is due without any outside event.
    fn next_wake(&self, deadline: Option<Instant>) -> Instant {
        let mut at = self.next_tick;
        // With every slot busy, a finishing batch wakes the worker, not a due retry.
        if self.inflight.len() < self.max_in_flight {
            if self.turns.has_ready() {
                at = at.min(Instant::now());
            }
            for waiting in &self.waiting {
                at = at.min(waiting.ready_at);
            }
            if let Some(paused) = self.paused_until {
                at = at.min(paused);
            }
        }
        if let Some(deadline) = deadline {
            at = at.min(deadline);
        }
        at
    }

    /// Tells `flush` callers how far delivery has come.
    fn publish_progress(&self) {
        let popped = self.shared.queue.popped_upto();
        let below = self.held.first().map_or(popped, |&first| first.min(popped));
        self.shared.done_below.send_if_modified(|current| {
            if *current < below {
                *current = below;
                true
            } else {
                false
            }
        });
    }
}
