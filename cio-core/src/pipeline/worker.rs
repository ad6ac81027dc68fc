//! The background task: takes operations from the queue, sends them in batches,
//! retries what failed transiently and reports what cannot be delivered.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::{JoinError, JoinSet};
use tokio::time::Instant;
use tracing::Instrument;

use super::config::{PipelineConfig, RetryBackoff};
use super::failure::{FailureReason, FailureStore};
use super::queue::{Entry, Queue};
use super::rate_limit::TokenBucket;
use super::sink::{Payload, SendOutcome, Sink};
use super::stats::{Counter, Counters, PipelineStats};
use super::{later, lock};

/// `{"batch":[` and `]}`: what a `/batch` body adds around its operations.
pub(crate) const ENVELOPE_BYTES: usize = 12;

/// State shared by the handles and the worker.
#[derive(Debug)]
pub(crate) struct Shared<T> {
    pub(crate) queue: Queue<T>,
    pub(crate) counters: Counters,
    pub(crate) failures: FailureStore<T>,
    /// A flush asked for everything below this sequence number.
    flush_target: AtomicU64,
    /// Everything below this sequence number is delivered or failed.
    done_below: watch::Sender<u64>,
    /// Set by shutdown: when the worker must stop, done or not.
    deadline: Mutex<Option<Instant>>,
}

impl<T> Shared<T> {
    pub(crate) fn new(config: &PipelineConfig) -> Self {
        Shared {
            queue: Queue::new(
                config.max_queued_events,
                config.max_queued_bytes,
                config.max_batch_bytes,
            ),
            counters: Counters::default(),
            failures: FailureStore::new(config.max_retained_failures),
            flush_target: AtomicU64::new(0),
            done_below: watch::Sender::new(0),
            deadline: Mutex::new(None),
        }
    }

    /// Asks the worker to send everything queued so far and waits until it is
    /// delivered or failed (or the worker has stopped).
    pub(crate) async fn flush(&self) {
        let target = self.queue.next_seq();
        let mut done = self.done_below.subscribe();
        if *done.borrow() >= target {
            return;
        }
        self.flush_target.fetch_max(target, Ordering::SeqCst);
        self.queue.wake.notify_one();
        // An error means the worker is gone, which settles everything.
        let _ = done.wait_for(|below| *below >= target).await;
    }

    /// Tells the worker to stop taking operations and to finish by `deadline`.
    pub(crate) fn begin_shutdown(&self, deadline: Instant) {
        {
            let mut slot = lock(&self.deadline);
            *slot = Some(slot.map_or(deadline, |earlier| earlier.min(deadline)));
        }
        self.queue.close();
    }

    /// The counters now.
    pub(crate) fn stats(&self) -> PipelineStats {
        self.counters.snapshot(self.queue.occupancy())
    }
}

/// Marks everything settled when the worker ends, however it ends, so that no
/// `flush` waits forever.
struct SettleOnExit<T>(Arc<Shared<T>>);

impl<T> Drop for SettleOnExit<T> {
    fn drop(&mut self) {
        self.0.done_below.send_replace(u64::MAX);
    }
}

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
    limiter: Option<Arc<TokenBucket>>,
    retry: RetryBackoff,
    max_in_flight: usize,
    max_batch_bytes: usize,
    flush_interval: Duration,
    inflight: JoinSet<SendOutcome>,
    batches: HashMap<tokio::task::Id, InFlight<T>>,
    waiting: Vec<Waiting<T>>,
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
            sink: Arc::new(sink),
            limiter: config
                .requests_per_second
                .map(|rate| Arc::new(TokenBucket::new(rate, config.burst, now))),
            retry: config.retry,
            max_in_flight: config.max_in_flight,
            max_batch_bytes: config.max_batch_bytes,
            flush_interval: config.flush_interval,
            inflight: JoinSet::new(),
            batches: HashMap::new(),
            waiting: Vec::new(),
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

    /// Starts as many batches as allowed and ready.
    fn launch(&mut self, now: Instant) {
        if self.paused_until.is_some_and(|until| now < until) {
            return;
        }
        self.paused_until = None;
        while self.inflight.len() < self.max_in_flight {
            let mut ops = Vec::new();
            let mut metas = Vec::new();
            let mut budget = self.max_batch_bytes - ENVELOPE_BYTES;
            self.take_ready_retries(now, &mut ops, &mut metas, &mut budget);
            let retries = ops.len();
            let mut entries: Vec<Entry<T>> = Vec::new();
            self.shared.queue.pop_batch(
                &mut entries,
                budget,
                retries > 0 || self.drain_target == u64::MAX,
                self.drain_target,
            );
            for entry in entries {
                self.held.insert(entry.seq);
                metas.push(Meta {
                    seq: entry.seq,
                    bytes: entry.bytes,
                    attempts: 0,
                });
                ops.push(entry.op);
            }
            if ops.is_empty() {
                return;
            }
            self.start(ops, metas, retries);
        }
    }

    /// Moves retries that are due into the batch being built, while they fit.
    fn take_ready_retries(
        &mut self,
        now: Instant,
        ops: &mut Vec<T>,
        metas: &mut Vec<Meta>,
        budget: &mut usize,
    ) {
        let mut index = 0;
        while index < self.waiting.len() {
            if self.waiting[index].ready_at > now {
                index += 1;
                continue;
            }
            if self.waiting[index].alone {
                if !ops.is_empty() {
                    index += 1;
                    continue;
                }
                let group = self.waiting.swap_remove(index);
                for (op, meta) in group.items.into_iter().rev() {
                    ops.push(op);
                    metas.push(meta);
                }
                *budget = 0;
                return;
            }
            let group = &mut self.waiting[index].items;
            while let Some((_, meta)) = group.last() {
                let cost = meta.bytes + 1;
                if cost > *budget {
                    return;
                }
                *budget -= cost;
                if let Some((op, meta)) = group.pop() {
                    ops.push(op);
                    metas.push(meta);
                }
            }
            self.waiting.swap_remove(index);
        }
    }

    /// Sends one batch in its own task.
    fn start(&mut self, ops: Vec<T>, metas: Vec<Meta>, retries: usize) {
        let bytes = ENVELOPE_BYTES + metas.iter().map(|meta| meta.bytes + 1).sum::<usize>() - 1;
        let span = tracing::info_span!(
            "cio.pipeline.batch",
            count = ops.len(),
            bytes,
            retries,
            outcome = tracing::field::Empty,
        );
        let ops = Arc::new(ops);
        let sink = self.sink.clone();
        let limiter = self.limiter.clone();
        let sent = ops.clone();
        let task = async move {
            if let Some(limiter) = limiter {
                limiter.acquire().await;
            }
            sink.send(&sent).await
        };
        let handle = self.inflight.spawn(task.instrument(span.clone()));
        self.shared.counters.add(Counter::Requests, 1);
        self.batches
            .insert(handle.id(), InFlight { ops, metas, span });
    }

    /// Handles the end of one batch's task.
    fn settle(&mut self, done: Result<(tokio::task::Id, SendOutcome), JoinError>) {
        let (id, outcome) = match done {
            Ok((id, outcome)) => (id, outcome),
            Err(error) => (
                error.id(),
                SendOutcome::Transient {
                    retry_after: None,
                    error: format!("the send task ended abnormally: {error}"),
                },
            ),
        };
        let Some(batch) = self.batches.remove(&id) else {
            return;
        };
        let InFlight { ops, metas, span } = batch;
        let ops = Arc::try_unwrap(ops).unwrap_or_else(|shared| shared.as_ref().clone());
        let items: Vec<(T, Meta)> = ops.into_iter().zip(metas).collect();
        let now = Instant::now();
        match outcome {
            SendOutcome::Accepted => {
                span.record("outcome", "accepted");
                let _in = span.enter();
                tracing::debug!(delivered = items.len(), "batch accepted");
                self.deliver(items);
            }
            SendOutcome::Partial { errors, ambiguity } => {
                span.record("outcome", "partial");
                let _in = span.enter();
                self.settle_partial(items, errors, ambiguity, now);
            }
            SendOutcome::Transient { retry_after, error } => {
                span.record("outcome", "transient");
                let _in = span.enter();
                tracing::warn!(%error, retry_after_ms = retry_after.map(|d| d.as_millis() as u64), "batch failed; retrying");
                let ready_at = retry_after.map(|after| {
                    let until = later(now, after.min(self.retry.max_retry_after));
                    self.paused_until = Some(self.paused_until.map_or(until, |p| p.max(until)));
                    until
                });
                self.retry_or_fail(items, &error, ready_at, now);
            }
            SendOutcome::Rejected {
                error,
                item_specific,
            } => {
                span.record("outcome", "rejected");
                let _in = span.enter();
                if item_specific && items.len() > 1 {
                    tracing::warn!(%error, "batch rejected; splitting it to isolate the cause");
                    let mut first = items;
                    let second = first.split_off(first.len() / 2);
                    self.shared
                        .counters
                        .add(Counter::Retried, (first.len() + second.len()) as u64);
                    for half in [first, second] {
                        self.waiting.push(Waiting {
                            ready_at: now,
                            items: half.into_iter().rev().collect(),
                            alone: true,
                        });
                    }
                } else {
                    tracing::error!(%error, count = items.len(), "batch rejected");
                    for (op, meta) in items {
                        self.fail(
                            op,
                            meta,
                            FailureReason::Rejected {
                                error: error.clone(),
                            },
                        );
                    }
                }
            }
        }
    }

    /// A 207: the items named are failed or retried, the others delivered, or retried
    /// too when the answer is ambiguous (it may not name every failed item).
    fn settle_partial(
        &mut self,
        items: Vec<(T, Meta)>,
        errors: Vec<super::sink::ItemError>,
        mut ambiguity: Option<String>,
        now: Instant,
    ) {
        if let Some(error) = errors.iter().find(|error| error.index >= items.len()) {
            ambiguity.get_or_insert_with(|| {
                format!(
                    "the 207 answer names item {} of a batch of {}",
                    error.index,
                    items.len()
                )
            });
        }
        let mut unconfirmed = Vec::new();
        let mut by_index: HashMap<usize, super::sink::ItemError> = HashMap::new();
        for error in errors {
            match by_index.get(&error.index) {
                Some(known) if !known.transient => {}
                _ => {
                    by_index.insert(error.index, error);
                }
            }
        }
        let mut accepted = Vec::new();
        let mut transient = Vec::new();
        let mut last_transient = String::new();
        for (index, (op, meta)) in items.into_iter().enumerate() {
            match by_index.remove(&index) {
                None if ambiguity.is_some() => unconfirmed.push((op, meta)),
                None => accepted.push((op, meta)),
                Some(error) if error.transient => {
                    last_transient = format!("{}: {}", error.reason, error.message);
                    transient.push((op, meta));
                }
                Some(error) => {
                    tracing::warn!(reason = %error.reason, field = ?error.field, message = %error.message, "operation refused as invalid");
                    self.fail(
                        op,
                        meta,
                        FailureReason::Invalid {
                            reason: error.reason,
                            field: error.field,
                            message: error.message,
                        },
                    );
                }
            }
        }
        tracing::debug!(
            delivered = accepted.len(),
            retried = transient.len() + unconfirmed.len(),
            "batch partly accepted"
        );
        self.deliver(accepted);
        if !transient.is_empty() {
            self.retry_or_fail(transient, &last_transient, None, now);
        }
        if let Some(why) = ambiguity.filter(|_| !unconfirmed.is_empty()) {
            tracing::warn!(%why, count = unconfirmed.len(), "ambiguous 207 answer; sending the unnamed operations again");
            self.retry_or_fail(unconfirmed, &why, None, now);
        }
    }

    /// Schedules another attempt for each item, or fails those out of attempts.
    fn retry_or_fail(
        &mut self,
        items: Vec<(T, Meta)>,
        error: &str,
        ready_at: Option<Instant>,
        now: Instant,
    ) {
        let mut again = Vec::with_capacity(items.len());
        let mut attempts_made = 1;
        for (op, mut meta) in items {
            meta.attempts += 1;
            attempts_made = attempts_made.max(meta.attempts);
            if meta.attempts >= self.retry.max_attempts {
                self.fail(
                    op,
                    meta,
                    FailureReason::RetriesExhausted {
                        attempts: meta.attempts,
                        last_error: error.to_string(),
                    },
                );
            } else {
                again.push((op, meta));
            }
        }
        if again.is_empty() {
            return;
        }
        self.shared
            .counters
            .add(Counter::Retried, again.len() as u64);
        let ready_at = ready_at.unwrap_or_else(|| later(now, self.retry.delay(attempts_made)));
        again.reverse();
        self.waiting.push(Waiting {
            ready_at,
            items: again,
            alone: false,
        });
    }

    fn deliver(&mut self, items: Vec<(T, Meta)>) {
        if items.is_empty() {
            return;
        }
        self.shared
            .counters
            .add(Counter::Delivered, items.len() as u64);
        let mut bytes = 0;
        for (_, meta) in &items {
            self.held.remove(&meta.seq);
            bytes += meta.bytes;
        }
        self.shared.queue.release(items.len(), bytes);
    }

    fn fail(&mut self, op: T, meta: Meta, reason: FailureReason) {
        self.shared.counters.add(Counter::Failed, 1);
        self.held.remove(&meta.seq);
        if self.shared.failures.push(op, reason) {
            tracing::error!("failure store full: the oldest failure was discarded");
        }
        self.shared.queue.release(1, meta.bytes);
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

    /// The deadline passed: stops sending and gives back everything not delivered.
    /// A request cut off mid-way may have reached Customer.io; sending its operations
    /// again later is harmless, since each carries its event id.
    async fn abandon(&mut self) -> Vec<T> {
        self.inflight.abort_all();
        while let Some(done) = self.inflight.join_next_with_id().await {
            match done {
                Ok(done) => self.settle(Ok(done)),
                Err(error) => {
                    if let Some(batch) = self.batches.remove(&error.id()) {
                        let ops = Arc::try_unwrap(batch.ops)
                            .unwrap_or_else(|shared| shared.as_ref().clone());
                        batch.span.record("outcome", "abandoned");
                        self.waiting.push(Waiting {
                            ready_at: Instant::now(),
                            items: ops.into_iter().zip(batch.metas).collect(),
                            alone: false,
                        });
                    }
                }
            }
        }
        let mut undelivered = Vec::new();
        let mut bytes = 0;
        for waiting in std::mem::take(&mut self.waiting) {
            for (op, meta) in waiting.items {
                bytes += meta.bytes;
                undelivered.push((meta.seq, op));
            }
        }
        for entry in self.shared.queue.drain() {
            bytes += entry.bytes;
            undelivered.push((entry.seq, entry.op));
        }
        undelivered.sort_by_key(|(seq, _)| *seq);
        self.held.clear();
        let count = undelivered.len();
        self.shared.counters.add(Counter::Failed, count as u64);
        self.shared.queue.release(count, bytes);
        if count > 0 {
            tracing::error!(
                count,
                "shutdown deadline passed with operations undelivered"
            );
        }
        undelivered.into_iter().map(|(_, op)| op).collect()
    }
}
