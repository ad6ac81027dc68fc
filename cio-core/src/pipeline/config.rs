//! How a pipeline queues, batches, retries and paces its requests.

use std::time::Duration;

use crate::client::{Limit, RetryPolicy};
use crate::delivery::settings::Settings;

/// Customer.io's limit on one `/batch` request: 500 KB (500 × 1024 bytes).
pub const MAX_BATCH_BYTES: usize = Limit::BatchRequest.max();
/// Customer.io's limit on one operation inside a `/batch` request: 32 KB (32 × 1024 bytes).
pub const MAX_OPERATION_BYTES: usize = Limit::BatchOperation.max();

/// What `track`/`identify` do when the queue is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FullQueue {
    /// Wait (asynchronously) until there is room: back-pressure on the producer.
    #[default]
    Wait,
    /// Return [`EnqueueError::QueueFull`](super::EnqueueError::QueueFull) at once and
    /// count the operation as `dropped`.
    Reject,
}

/// Configuration of a [`Pipeline`](super::Pipeline).
///
/// ```
/// use std::time::Duration;
/// use cio_core::pipeline::{FullQueue, PipelineConfig};
///
/// let config = PipelineConfig::default()
///     .capacity(50_000, 32 * 1024 * 1024)
///     .full_queue(FullQueue::Reject)
///     .flush_interval(Duration::from_millis(500))
///     .requests_per_second(500);
/// assert_eq!(config.get_max_queued_events(), 50_000);
/// ```
#[derive(Debug, Clone)]
pub struct PipelineConfig {
    pub(crate) max_queued_events: usize,
    pub(crate) max_queued_bytes: usize,
    pub(crate) full_queue: FullQueue,
    pub(crate) flush_interval: Duration,
    pub(crate) delivery: Settings,
    pub(crate) max_retained_failures: usize,
}

impl Default for PipelineConfig {
    /// 100,000 operations or 64 MiB queued, [`FullQueue::Wait`], a flush every second,
    /// 500 KB batches, 4 requests in flight, 1,000 requests/s (Customer.io's documented
    /// limit) with a burst of 10, [`PipelineConfig::default_retry`], 10,000 retained failures.
    fn default() -> Self {
        PipelineConfig {
            max_queued_events: 100_000,
            max_queued_bytes: 64 * 1024 * 1024,
            full_queue: FullQueue::Wait,
            flush_interval: Duration::from_secs(1),
            delivery: Settings::new(PipelineConfig::default_retry()),
            max_retained_failures: 10_000,
        }
    }
}

impl PipelineConfig {
    /// The bound of the queue: at most `events` operations and `bytes` serialized bytes
    /// held at once (queued, in flight or waiting for a retry). `events` is at least 1
    /// and `bytes` at least [`MAX_OPERATION_BYTES`], so any valid operation fits.
    #[must_use]
    pub fn capacity(mut self, events: usize, bytes: usize) -> Self {
        self.max_queued_events = events.clamp(1, u32::MAX as usize);
        self.max_queued_bytes = bytes.max(MAX_OPERATION_BYTES);
        self
    }

    /// What a full queue does to `track`/`identify`.
    #[must_use]
    pub fn full_queue(mut self, policy: FullQueue) -> Self {
        self.full_queue = policy;
        self
    }

    /// How long an operation may wait for a batch to fill before it is sent anyway.
    #[must_use]
    pub fn flush_interval(mut self, interval: Duration) -> Self {
        self.flush_interval = interval.max(Duration::from_millis(1));
        self
    }

    /// The size of one `/batch` request body, at most [`MAX_BATCH_BYTES`].
    #[must_use]
    pub fn max_batch_bytes(mut self, bytes: usize) -> Self {
        self.delivery.set_max_batch_bytes(bytes);
        self
    }

    /// How many `/batch` requests may be in flight at once (at least 1). Whatever the
    /// number, one person's operations keep their order: each is sent only once the
    /// person's earlier one was settled (see [`Pipeline`](crate::pipeline::Pipeline)).
    #[must_use]
    pub fn max_in_flight(mut self, requests: usize) -> Self {
        self.delivery.set_max_in_flight(requests);
        self
    }

    /// The client-side rate limit in requests per second (at least 1).
    #[must_use]
    pub fn requests_per_second(mut self, per_second: u32) -> Self {
        self.delivery.set_requests_per_second(Some(per_second));
        self
    }

    /// How many requests may start at once after an idle period (at least 1).
    #[must_use]
    pub fn burst(mut self, requests: u32) -> Self {
        self.delivery.set_burst(requests);
        self
    }

    /// No client-side rate limit (for a local emulator).
    #[must_use]
    pub fn unlimited_rate(mut self) -> Self {
        self.delivery.set_requests_per_second(None);
        self
    }

    /// How failed batches are retried: the one [`RetryPolicy`] of cio (its total
    /// budget applies to single client calls only; the pipeline counts retries per
    /// operation).
    #[must_use]
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.delivery.retry = retry;
        self
    }

    /// The pipeline's retry policy unless another is given: 9 retries (10 attempts)
    /// per operation, backoff from 200 ms up to 30 s, `Retry-After` honoured up to 60 s.
    pub fn default_retry() -> RetryPolicy {
        RetryPolicy::default()
            .max_retries(9)
            .backoff(Duration::from_millis(200), Duration::from_secs(30))
            .retry_after_cap(Duration::from_secs(60))
    }

    /// How many failures [`Pipeline::failures`](super::Pipeline::failures) keeps until
    /// they are taken (the oldest are discarded beyond this, with a `tracing` error).
    #[must_use]
    pub fn max_retained_failures(mut self, failures: usize) -> Self {
        self.max_retained_failures = failures;
        self
    }

    /// The bound on queued operations.
    pub fn get_max_queued_events(&self) -> usize {
        self.max_queued_events
    }

    /// The bound on queued bytes.
    pub fn get_max_queued_bytes(&self) -> usize {
        self.max_queued_bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_retry_is_ten_attempts() {
        let retry = PipelineConfig::default().delivery.retry;
        assert!(retry.allows_retry_after(9) && !retry.allows_retry_after(10));
        assert_eq!(retry.get_retry_after_cap(), Duration::from_secs(60));
    }

    #[test]
    fn capacity_is_never_below_one_operation() {
        let config = PipelineConfig::default().capacity(0, 10);
        assert_eq!(config.get_max_queued_events(), 1);
        assert_eq!(config.get_max_queued_bytes(), MAX_OPERATION_BYTES);
    }
}
