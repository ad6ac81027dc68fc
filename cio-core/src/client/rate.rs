//! [`RateLimits`]: the App API's request rates, kept on the client side by spacing
//! requests evenly (no bursts), so that Customer.io never has to answer `429`.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The least time between two requests of each kind of App API call; the defaults
/// are Customer.io's documented limits.
///
/// ```
/// use std::time::Duration;
/// use cio_core::client::RateLimits;
/// let limits = RateLimits::default();
/// assert_eq!(limits.transactional, Duration::from_millis(10)); // 100 per second
/// assert_eq!(limits.broadcast, Duration::from_secs(10)); // 1 per 10 seconds
/// assert_eq!(limits.other, Duration::from_millis(100)); // 10 per second
/// assert_eq!(RateLimits::none().broadcast, Duration::ZERO);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Between two transactional sends (100 per second).
    pub transactional: Duration,
    /// Between two broadcast triggers (1 per 10 seconds).
    pub broadcast: Duration,
    /// Between two other App API requests (10 per second).
    pub other: Duration,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            transactional: Duration::from_millis(10),
            broadcast: Duration::from_secs(10),
            other: Duration::from_millis(100),
        }
    }
}

impl RateLimits {
    /// No client-side limit (for tests against the emulator, or when the app
    /// limits its own rate).
    pub const fn none() -> Self {
        RateLimits {
            transactional: Duration::ZERO,
            broadcast: Duration::ZERO,
            other: Duration::ZERO,
        }
    }
}

/// One evenly spaced rate: each request takes the next free slot.
#[derive(Debug)]
pub(crate) struct Spacing {
    interval: Duration,
    next: Mutex<Option<Instant>>,
}

impl Spacing {
    pub(crate) fn new(interval: Duration) -> Self {
        Spacing {
            interval,
            next: Mutex::new(None),
        }
    }

    /// Reserves the next slot at or after `now` and returns when it starts.
    pub(crate) fn reserve(&self, now: Instant) -> Instant {
        if self.interval.is_zero() {
            return now;
        }
        let mut next = match self.next.lock() {
            Ok(next) => next,
            Err(poisoned) => poisoned.into_inner(),
        };
        let slot = next.map_or(now, |n| n.max(now));
        // An interval too large for the clock (`Duration::MAX`) waits as long as one
        // can: about thirty years.
        const FOREVER: Duration = Duration::from_secs(30 * 365 * 24 * 3600);
        *next = Some(
            slot.checked_add(self.interval)
                .or_else(|| slot.checked_add(FOREVER))
                .unwrap_or(slot),
        );
        slot
    }

    /// Waits for the next slot.
    pub(crate) async fn wait(&self) {
        let slot = self.reserve(Instant::now());
        if slot > Instant::now() {
            tokio::time::sleep_until(slot.into()).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interval_too_large_for_the_clock_does_not_panic() {
        let spacing = Spacing::new(Duration::MAX);
        let now = Instant::now();
        assert_eq!(spacing.reserve(now), now);
        assert!(spacing.reserve(now) > now);
    }

    #[test]
    fn slots_are_spaced_by_the_interval() {
        let spacing = Spacing::new(Duration::from_secs(10));
        let t0 = Instant::now();
        assert_eq!(spacing.reserve(t0), t0);
        assert_eq!(spacing.reserve(t0), t0 + Duration::from_secs(10));
        assert_eq!(
            spacing.reserve(t0 + Duration::from_secs(1)),
            t0 + Duration::from_secs(20)
        );
        // After a quiet period, the next request goes at once.
        let later = t0 + Duration::from_secs(100);
        assert_eq!(spacing.reserve(later), later);
        let free = Spacing::new(Duration::ZERO);
        assert_eq!(free.reserve(t0), t0);
        assert_eq!(free.reserve(t0), t0);
    }
}
