//! [`RelayConfig`]: how a relay claims, batches, paces and retries.

use std::time::Duration;

use crate::client::RetryPolicy;
use crate::delivery::settings::Settings;

/// Customer.io starts campaigns only for events timestamped within this long.
pub const CAMPAIGN_WINDOW: Duration = Duration::from_secs(72 * 3600);

/// Configuration of a [`Relay`](super::Relay).
///
/// ```
/// use std::time::Duration;
/// use cio_core::outbox::RelayConfig;
///
/// let config = RelayConfig::default()
///     .lease(Duration::from_secs(10))
///     .requests_per_second(100)
///     .retention(Duration::from_secs(24 * 3600));
/// assert_eq!(config.get_lease(), Duration::from_secs(10));
/// ```
#[derive(Debug, Clone)]
pub struct RelayConfig {
    pub(crate) lease: Duration,
    pub(crate) poll_interval: Duration,
    pub(crate) claim_limit: usize,
    pub(crate) delivery: Settings,
    pub(crate) retention: Duration,
    pub(crate) prune_interval: Duration,
}

impl Default for RelayConfig {
    /// A 30 s lease, a poll every 500 ms (PostgreSQL relays are also woken by
    /// `NOTIFY`), claims of up to 2,000 rows, 500 KB batches, 4 requests in flight,
    /// 1,000 requests/s over all relays of the outbox with a burst of 10, transient
    /// failures retried without end (backoff 200 ms to 60 s, `Retry-After` up to
    /// 300 s), delivered rows kept 7 days and pruned every 10 minutes.
    fn default() -> Self {
        RelayConfig {
            lease: Duration::from_secs(30),
            poll_interval: Duration::from_millis(500),
            claim_limit: 2_000,
            delivery: Settings::new(
                RetryPolicy::default()
                    .max_retries(u32::MAX)
                    .backoff(Duration::from_millis(200), Duration::from_secs(60)),
            ),
            retention: Duration::from_secs(7 * 24 * 3600),
            prune_interval: Duration::from_secs(600),
        }
    }
}

impl RelayConfig {
    /// How long a claimed row is reserved for this relay: past it, another relay takes
    /// the row over (a relay that died mid-batch delays its rows by at most this). Keep
    /// it above twice the client's request timeout: no request starts in the lease's
    /// last quarter, and it is renewed while rows are sent. Clamped to 100 ms .. 1 day.
    #[must_use]
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease.clamp(Duration::from_millis(100), Duration::from_secs(24 * 3600));
        self
    }

    /// How often the relay looks for rows when nothing woke it (at least 1 ms); also
    /// how long a row that became due behind a backlog being drained waits at most
    /// for a claim that looks at every row.
    #[must_use]
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval.max(Duration::from_millis(1));
        self
    }

    /// How many rows one claim takes at most (at least 1).
    #[must_use]
    pub fn claim_limit(mut self, rows: usize) -> Self {
        self.claim_limit = rows.max(1);
        self
    }

    /// The size of one `/batch` body (32 KB to 500 KB).
    #[must_use]
    pub fn max_batch_bytes(mut self, bytes: usize) -> Self {
        self.delivery.set_max_batch_bytes(bytes);
        self
    }

    /// How many `/batch` requests one relay keeps in flight (at least 1).
    #[must_use]
    pub fn max_in_flight(mut self, requests: usize) -> Self {
        self.delivery.set_max_in_flight(requests);
        self
    }

    /// The request rate as a total over every relay of the outbox (at least 1).
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

    /// No rate limit (for a local emulator).
    #[must_use]
    pub fn unlimited_rate(mut self) -> Self {
        self.delivery.set_requests_per_second(None);
        self
    }

    /// How transient failures are retried: the backoff, `Retry-After`'s cap, and
    /// after how many retries a row goes to the dead letters (without end by default).
    #[must_use]
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.delivery.retry = retry;
        self
    }

    /// How long delivered rows are kept before they are pruned.
    #[must_use]
    pub fn retention(mut self, retention: Duration) -> Self {
        self.retention = retention;
        self
    }

    /// How often delivered rows past their retention are pruned (at least 1 s).
    #[must_use]
    pub fn prune_interval(mut self, interval: Duration) -> Self {
        self.prune_interval = interval.max(Duration::from_secs(1));
        self
    }

    /// The lease.
    pub fn get_lease(&self) -> Duration {
        self.lease
    }

    /// How often the relay looks for rows when nothing woke it.
    pub fn get_poll_interval(&self) -> Duration {
        self.poll_interval
    }

    /// How many rows one claim takes at most.
    pub fn get_claim_limit(&self) -> usize {
        self.claim_limit
    }

    /// The size of one `/batch` body.
    pub fn get_max_batch_bytes(&self) -> usize {
        self.delivery.max_batch_bytes
    }

    /// How many `/batch` requests one relay keeps in flight.
    pub fn get_max_in_flight(&self) -> usize {
        self.delivery.max_in_flight
    }

    /// The request rate over every relay of the outbox; `None` when unlimited.
    pub fn get_requests_per_second(&self) -> Option<u32> {
        self.delivery.requests_per_second
    }

    /// How many requests may start at once after an idle period.
    pub fn get_burst(&self) -> u32 {
        self.delivery.burst
    }

    /// How transient failures are retried.
    pub fn get_retry(&self) -> &RetryPolicy {
        &self.delivery.retry
    }

    /// How long delivered rows are kept before they are pruned.
    pub fn get_retention(&self) -> Duration {
        self.retention
    }

    /// How often delivered rows past their retention are pruned.
    pub fn get_prune_interval(&self) -> Duration {
        self.prune_interval
    }
}
