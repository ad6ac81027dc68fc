//! The one request rate of delivery: requests spaced `interval` apart, and up to
//! `burst` at once after a quiet period (the generic cell rate algorithm: a token
//! bucket kept as one instant, the next free slot).
//!
//! The pipeline keeps that instant in memory ([`Pacer`]). The outbox relays keep it in
//! the database (the stores' `rate_slot`, the same formula in SQL on one `next_at`
//! value), so that every relay of an outbox shares one rate.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::{later, lock};

/// The time between two requests at `per_second` (at least 1 per second).
pub(crate) fn interval(per_second: u32) -> Duration {
    Duration::from_secs(1) / per_second.max(1)
}

/// How far before now a slot may lie when the rate was idle: room for `burst`
/// requests at once (at least one).
pub(crate) fn burst_span(interval: Duration, burst: u32) -> Duration {
    interval.saturating_mul(burst.max(1) - 1)
}

/// The rate kept in memory, for the requests of one process.
#[derive(Debug)]
pub(crate) struct Pacer {
    interval: Duration,
    burst_span: Duration,
    next: Mutex<Option<Instant>>,
}

impl Pacer {
    /// `per_second` requests a second, `burst` of them at once after a quiet period.
    pub(crate) fn new(per_second: u32, burst: u32) -> Self {
        let interval = interval(per_second);
        Pacer {
            interval,
            burst_span: burst_span(interval, burst),
            next: Mutex::new(None),
        }
    }

    /// Takes the next slot and returns when the request it pays for may start: `now`
    /// when the rate has room, later otherwise (the slot is reserved, so callers that
    /// reserve at once are spaced out rather than all woken together).
    pub(crate) fn reserve(&self, now: Instant) -> Instant {
        let mut next = lock(&self.next);
        let earliest = now.checked_sub(self.burst_span).unwrap_or(now);
        let slot = next.map_or(earliest, |next| next.max(earliest));
        *next = Some(later(slot, self.interval));
        slot.max(now)
    }

    /// Waits for a slot.
    pub(crate) async fn acquire(&self) {
        let now = Instant::now();
        let at = self.reserve(now);
        if at > now {
            tokio::time::sleep_until(at).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quiet_rate_allows_its_burst_then_spaces_requests() {
        let t0 = Instant::now() + Duration::from_secs(10);
        let pacer = Pacer::new(10, 2);
        assert_eq!(pacer.reserve(t0), t0);
        assert_eq!(pacer.reserve(t0), t0);
        assert_eq!(pacer.reserve(t0), t0 + Duration::from_millis(100));
        assert_eq!(pacer.reserve(t0), t0 + Duration::from_millis(200));
    }

    #[test]
    fn room_comes_back_with_time_up_to_the_burst() {
        let t0 = Instant::now() + Duration::from_secs(10);
        let pacer = Pacer::new(1000, 1);
        assert_eq!(pacer.reserve(t0), t0);
        let later = t0 + Duration::from_secs(5);
        assert_eq!(pacer.reserve(later), later);
        assert_eq!(pacer.reserve(later), later + Duration::from_millis(1));
    }

    #[test]
    fn the_span_is_one_interval_short_of_the_burst() {
        assert_eq!(burst_span(interval(10), 3), Duration::from_millis(200));
        assert_eq!(burst_span(interval(0), 0), Duration::ZERO);
    }
}
