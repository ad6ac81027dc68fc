//! [`Settings`]: what the pipeline's and the relay's configurations share, with its
//! bounds kept in one place.

use crate::client::{Limit, RetryPolicy};

/// Batch size, requests in flight, request rate and retries: the delivery settings
/// of both [`PipelineConfig`](crate::pipeline::PipelineConfig) and the relay's
/// `RelayConfig`, whose builder methods set them here.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// The size of one batch request's body.
    pub(crate) max_batch_bytes: usize,
    /// How many batch requests may be in flight at once.
    pub(crate) max_in_flight: usize,
    /// The request rate; `None` for no limit.
    pub(crate) requests_per_second: Option<u32>,
    /// How many requests may start at once after an idle period.
    pub(crate) burst: u32,
    /// How failed operations are retried.
    pub(crate) retry: RetryPolicy,
}

/// The largest batch request Customer.io takes: 500 KB.
const MAX_BATCH: usize = Limit::BatchRequest.max();
/// The smallest batch allowed: one operation of the largest size, with room to spare.
const MIN_BATCH: usize = Limit::BatchOperation.max() + 64;

impl Settings {
    /// 500 KB batches, 4 requests in flight, 1,000 requests/s (Customer.io's
    /// documented limit) with a burst of 10, and `retry`.
    pub(crate) fn new(retry: RetryPolicy) -> Self {
        Settings {
            max_batch_bytes: MAX_BATCH,
            max_in_flight: 4,
            requests_per_second: Some(1000),
            burst: 10,
            retry,
        }
    }

    /// Sets the batch size, within one largest operation and 500 KB.
    pub(crate) fn set_max_batch_bytes(&mut self, bytes: usize) {
        self.max_batch_bytes = bytes.clamp(MIN_BATCH, MAX_BATCH);
    }

    /// Sets the requests in flight (at least 1).
    pub(crate) fn set_max_in_flight(&mut self, requests: usize) {
        self.max_in_flight = requests.max(1);
    }

    /// Sets the request rate (at least 1 per second), or none.
    pub(crate) fn set_requests_per_second(&mut self, per_second: Option<u32>) {
        self.requests_per_second = per_second.map(|rate| rate.max(1));
    }

    /// Sets the burst (at least 1).
    pub(crate) fn set_burst(&mut self, requests: u32) {
        self.burst = requests.max(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        let mut settings = Settings::new(RetryPolicy::default());
        settings.set_max_batch_bytes(0);
        assert_eq!(settings.max_batch_bytes, MIN_BATCH);
        settings.set_max_batch_bytes(usize::MAX);
        assert_eq!(settings.max_batch_bytes, MAX_BATCH);
        settings.set_max_in_flight(0);
        settings.set_burst(0);
        settings.set_requests_per_second(Some(0));
        assert_eq!(
            (
                settings.max_in_flight,
                settings.burst,
                settings.requests_per_second
            ),
            (1, 1, Some(1))
        );
    }
}
