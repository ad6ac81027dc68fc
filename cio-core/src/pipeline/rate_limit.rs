//! A token bucket that spaces requests to at most `rate` per second.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::lock;

/// Requests per second with a burst allowance.
#[derive(Debug)]
pub(crate) struct TokenBucket {
    per_second: f64,
    burst: f64,
    state: Mutex<BucketState>,
}

#[derive(Debug)]
struct BucketState {
    tokens: f64,
    updated: Instant,
}

impl TokenBucket {
    /// A bucket that starts full.
    pub(crate) fn new(per_second: u32, burst: u32, now: Instant) -> Self {
        let per_second = f64::from(per_second.max(1));
        let burst = f64::from(burst.max(1));
        TokenBucket {
            per_second,
            burst,
            state: Mutex::new(BucketState {
                tokens: burst,
                updated: now,
            }),
        }
    }

    /// Takes one token and returns when the request it pays for may start: `now` if a
    /// token was available, later otherwise (the token is reserved, so callers that
    /// reserve concurrently are spaced out rather than all woken at once).
    pub(crate) fn reserve(&self, now: Instant) -> Instant {
        let mut state = lock(&self.state);
        let elapsed = now.saturating_duration_since(state.updated).as_secs_f64();
        state.tokens = (state.tokens + elapsed * self.per_second).min(self.burst);
        state.updated = now.max(state.updated);
        state.tokens -= 1.0;
        if state.tokens >= 0.0 {
            now
        } else {
            now + Duration::from_secs_f64(-state.tokens / self.per_second)
        }
    }

    /// Waits for a token.
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
    fn a_full_bucket_allows_its_burst_then_spaces_requests() {
        let t0 = Instant::now();
        let bucket = TokenBucket::new(10, 2, t0);
        assert_eq!(bucket.reserve(t0), t0);
        assert_eq!(bucket.reserve(t0), t0);
        assert_eq!(bucket.reserve(t0), t0 + Duration::from_millis(100));
        assert_eq!(bucket.reserve(t0), t0 + Duration::from_millis(200));
    }

    #[test]
    fn tokens_refill_with_time_up_to_the_burst() {
        let t0 = Instant::now();
        let bucket = TokenBucket::new(1000, 1, t0);
        assert_eq!(bucket.reserve(t0), t0);
        let later = t0 + Duration::from_secs(5);
        assert_eq!(bucket.reserve(later), later);
        assert_eq!(bucket.reserve(later), later + Duration::from_millis(1));
    }
}
