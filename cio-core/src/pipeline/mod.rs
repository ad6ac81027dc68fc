//! The background delivery pipeline: fire-and-forget that loses nothing.
//!
//! A request handler hands an event to a [`Pipeline`] and returns at once; a
//! background task sends the queued operations in v2 `/batch` requests (at most
//! 500 KB each), retries transient failures with backoff (every retry carries each
//! event's ULID, so Customer.io keeps it once), paces requests under a client-side
//! rate limit, and reports what it could not deliver instead of losing it.
//!
//! - Input is validated and serialized when it is handed over: a bad event (an
//!   invalid value, an operation over 32 KB) is an error for the caller and never
//!   enters the queue.
//! - The queue is bounded by operations and bytes ([`PipelineConfig::capacity`]);
//!   the bound covers everything the pipeline holds, in flight and awaiting retry
//!   included. A full queue makes the caller wait or fails at once ([`FullQueue`]).
//! - A `207` answer: the operations Customer.io refused as invalid are reported as
//!   [`Failure`]s, the rest of the batch counts as delivered. When the answer does not
//!   say exactly which operations were refused (a body that does not parse, an error
//!   without `batch_index`, an index outside the batch or named twice), no operation of
//!   the batch counts as delivered on its word: those it does not name are retried
//!   (counted `retried`, and `failed` with the reason once out of attempts).
//! - **Order per person**: a person's operations (by the identifier they are addressed
//!   with; a merge holds both people) are sent one at a time, in the order they were
//!   handed over: a later one waits, parked, until the earlier one is delivered or
//!   failed for good. An identify retried after a 503 never lands after a later
//!   delete; the newest attribute update wins. Different people go in parallel, up to
//!   [`PipelineConfig::max_in_flight`] requests; one person's operations take one
//!   request each.
//! - [`Pipeline::flush`] waits until everything handed over before it is delivered or
//!   failed; [`Pipeline::shutdown`] drains within a deadline and returns what it could
//!   not deliver.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use cio_core::client::{Customer, Region, TrackClient};
//! use cio_core::pipeline::{Pipeline, PipelineConfig};
//! # #[derive(serde::Serialize)] struct EmailVerified {}
//! # impl cio_core::Event for EmailVerified { const NAME: &'static str = "email_verified"; }
//!
//! let client = TrackClient::new("site-id", "api-key", Region::Us)?;
//! let pipeline = Pipeline::start(client, PipelineConfig::default());
//!
//! // In a request handler: returns once queued.
//! pipeline.track(&Customer::id("42"), EmailVerified {}).await?;
//!
//! // When the application stops:
//! let report = pipeline.shutdown(Duration::from_secs(10)).await;
//! for op in &report.undelivered {
//!     eprintln!("not delivered: {op:?}");
//! }
//! # Ok(()) }
//! ```

mod config;
mod failure;
mod queue;
mod stats;
mod worker;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::Instant;

pub use config::{FullQueue, PipelineConfig, MAX_BATCH_BYTES, MAX_OPERATION_BYTES};
pub use failure::FailureReason;
pub use stats::PipelineStats;

use crate::client::{Customer, Destination, Error, Operation};
use crate::delivery::sink::Sink;
use crate::delivery::BatchSize;
use crate::delivery::{later, lock};
use crate::{Attributes, Event, EventId, Tracked};
use queue::PushError;
use worker::{Shared, Worker};

/// Why an operation was not queued. The operation is given back when it was valid.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EnqueueError {
    /// The input is invalid (a constraint, a Track API limit such as 32 KB per
    /// operation, a millisecond timestamp, a bad identifier): nothing was queued.
    #[error(transparent)]
    Invalid(#[from] Error),
    /// The queue is full and the policy is [`FullQueue::Reject`] (or `try_send` was
    /// used); counted as `dropped`.
    #[error("the delivery queue is full; the operation was not queued")]
    QueueFull(Operation),
    /// The pipeline is shut down.
    #[error("the delivery pipeline is shut down; the operation was not queued")]
    Closed(Operation),
}

impl EnqueueError {
    /// The operation refused because of the queue, for the caller to keep or resend.
    pub fn into_operation(self) -> Option<Operation> {
        match self {
            EnqueueError::Invalid(_) => None,
            EnqueueError::QueueFull(op) | EnqueueError::Closed(op) => Some(op),
        }
    }
}

/// An operation the pipeline gave up on, with the reason.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The operation, as it was sent (its event id included).
    pub operation: Operation,
    /// Why it was given up on.
    pub reason: FailureReason,
}

impl Failure {
    /// The event's ULID, for events and views.
    pub fn event_id(&self) -> Option<EventId> {
        self.operation.event_id()
    }
}

/// What [`Pipeline::shutdown`] reports: nothing is lost silently.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ShutdownReport {
    /// Operations still queued or in flight when the deadline passed. A request cut
    /// off mid-way may have reached Customer.io: re-sending these is safe, each event
    /// carries its id.
    pub undelivered: Vec<Operation>,
    /// Failures not yet taken with [`Pipeline::failures`].
    pub failures: Vec<Failure>,
    /// The final counters.
    pub stats: PipelineStats,
}

impl ShutdownReport {
    /// `true` when everything handed over was delivered (nothing undelivered, no failure
    /// left untaken).
    pub fn is_clean(&self) -> bool {
        self.undelivered.is_empty() && self.failures.is_empty()
    }
}

/// The background delivery pipeline (see the [module](self) documentation).
///
/// Cheap to clone: clones share one queue and one worker, so it can live in an axum
/// state or be handed to every request handler. When the last clone is dropped
/// without [`shutdown`](Pipeline::shutdown), the worker still delivers what was
/// queued (with its retries) and then stops.
#[derive(Debug, Clone)]
pub struct Pipeline {
    handle: Arc<Handle>,
}

#[derive(Debug)]
struct Handle {
    shared: Arc<Shared<Operation>>,
    worker: Mutex<Option<JoinHandle<Vec<Operation>>>>,
    full_queue: FullQueue,
    /// How operations are counted in batches (and in the queue's bytes).
    size: BatchSize,
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.shared.queue.close();
    }
}

impl Pipeline {
    /// Starts a pipeline delivering to `destination` (a [`TrackClient`](crate::client::TrackClient) or a
    /// [`PipelinesClient`](crate::client::PipelinesClient), or a [`Destination`]),
    /// and its worker task.
    ///
    /// Must be called from within a Tokio runtime (it spawns the worker).
    pub fn start(destination: impl Into<Destination>, config: PipelineConfig) -> Pipeline {
        Pipeline::with_sink(destination.into(), config)
    }

    /// Starts a pipeline over any sink (the client, or a fake in unit tests).
    pub(crate) fn with_sink<S: Sink<Operation>>(sink: S, config: PipelineConfig) -> Pipeline {
        let shared = Arc::new(Shared::new(&config));
        let size = BatchSize::new(config.delivery.max_batch_bytes, sink.growth());
        let worker = Worker::new(shared.clone(), sink, &config);
        let task = tokio::spawn(worker.run());
        Pipeline {
            handle: Arc::new(Handle {
                shared,
                worker: Mutex::new(Some(task)),
                full_queue: config.full_queue,
                size,
            }),
        }
    }

    /// Validates and serializes an event of `customer` and queues it; returns its id.
    /// Does not wait for delivery; waits for room only under [`FullQueue::Wait`].
    pub async fn track<E: Event>(
        &self,
        customer: &Customer,
        event: impl Into<Tracked<E>>,
    ) -> Result<EventId, EnqueueError> {
        let tracked = event.into();
        let id = tracked.id();
        self.send(Operation::event(customer, &tracked)?).await?;
        Ok(id)
    }

    /// Validates and serializes an identify of `customer` and queues it. Does not wait
    /// for delivery; waits for room only under [`FullQueue::Wait`].
    pub async fn identify<A: Attributes + ?Sized>(
        &self,
        customer: &Customer,
        attributes: &A,
    ) -> Result<(), EnqueueError> {
        self.send(Operation::identify(customer, attributes)?).await
    }

    /// Queues any v2 operation (a view, a delete, ...), following the full-queue policy.
    pub async fn send(&self, operation: Operation) -> Result<(), EnqueueError> {
        match self.handle.full_queue {
            FullQueue::Reject => self.try_send(operation),
            FullQueue::Wait => {
                let bytes = self.handle.size.wire_len(operation.len());
                let pushed = self.handle.shared.queue.push(operation, bytes).await;
                self.count(pushed)
            }
        }
    }

    /// Queues `operation` if there is room now, whatever the policy; never waits.
    pub fn try_send(&self, operation: Operation) -> Result<(), EnqueueError> {
        let bytes = self.handle.size.wire_len(operation.len());
        let pushed = self.handle.shared.queue.try_push(operation, bytes);
        self.count(pushed)
    }

    fn count(&self, pushed: Result<u64, PushError<Operation>>) -> Result<(), EnqueueError> {
        let counters = &self.handle.shared.counters;
        match pushed {
            Ok(_) => {
                counters.add(stats::Counter::Queued, 1);
                Ok(())
            }
            Err(PushError::Full(op)) => {
                counters.add(stats::Counter::Dropped, 1);
                tracing::warn!(event_id = ?op.event_id(), "delivery queue full: operation dropped");
                Err(EnqueueError::QueueFull(op))
            }
            Err(PushError::Closed(op)) => Err(EnqueueError::Closed(op)),
        }
    }

    /// Sends everything queued so far without waiting for the flush interval, and
    /// resolves when all of it is delivered or failed.
    pub async fn flush(&self) {
        self.handle.shared.flush().await;
    }

    /// Stops taking operations, delivers what is queued, and stops the worker; after
    /// `deadline`, whatever is still undelivered is given back in the report (and
    /// counted as failed). Further calls, and sends from any clone, see a closed
    /// pipeline; a second shutdown returns an empty report.
    pub async fn shutdown(&self, deadline: Duration) -> ShutdownReport {
        let task = lock(&self.handle.worker).take();
        self.handle
            .shared
            .begin_shutdown(later(Instant::now(), deadline));
        let undelivered = match task {
            Some(task) => task.await.unwrap_or_else(|error| {
                tracing::error!(%error, "the delivery pipeline's worker ended abnormally");
                Vec::new()
            }),
            None => Vec::new(),
        };
        ShutdownReport {
            undelivered,
            failures: self.failures(),
            stats: self.stats(),
        }
    }

    /// The counters now.
    pub fn stats(&self) -> PipelineStats {
        self.handle.shared.stats()
    }

    /// Takes the failures kept so far (oldest first); each is returned once.
    pub fn failures(&self) -> Vec<Failure> {
        self.handle
            .shared
            .failures
            .take()
            .into_iter()
            .map(|(operation, reason)| Failure { operation, reason })
            .collect()
    }
}

#[cfg(test)]
mod tests;
