//! The one retry model of cio: [`RetryPolicy`] (when and how long to wait before
//! sending again) and [`FailureClass`] (what a failure means), shared by the client,
//! the [`Pipeline`](crate::Pipeline) and the outbox relay.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::Error;

/// What a failure means for the operations concerned, the same in the client, the
/// pipeline and the outbox relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailureClass {
    /// Sending again may succeed: a connection error, a timeout, 408, 500, 502, 503,
    /// 504, 522, 524.
    Transient,
    /// The server asked to slow down (429), with the wait it asked for, if any (a
    /// `503` with `Retry-After` is [`Transient`](FailureClass::Transient) with the
    /// wait in [`Error::retry_after`]).
    Throttled {
        /// The server's `Retry-After`.
        retry_after: Option<Duration>,
    },
    /// One operation was refused as invalid (an item of a 207 answer): the others
    /// are not concerned, and sending it again cannot help.
    InvalidItem,
    /// The request was refused for what it carries (400, 413, 422, or a check before
    /// sending): one bad operation may be the cause, so a batch is split to isolate
    /// it; sending it unchanged cannot help.
    InvalidRequest,
    /// The request was refused for a reason that affects every request (401, 403, 404
    /// and the other 4xx, a redirect to another region, the client's configuration):
    /// nothing about the operations is wrong, and nothing will pass until it is fixed.
    Fatal,
}

impl FailureClass {
    /// `true` for [`Transient`](FailureClass::Transient) and
    /// [`Throttled`](FailureClass::Throttled): worth sending again.
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            FailureClass::Transient | FailureClass::Throttled { .. }
        )
    }
}

impl Error {
    /// What this failure means: see [`FailureClass`]. The error itself keeps its
    /// cause ([`source`](std::error::Error::source), where there is one).
    pub fn class(&self) -> FailureClass {
        match self {
            Error::Status {
                status: 429,
                retry_after,
                ..
            } => FailureClass::Throttled {
                retry_after: *retry_after,
            },
            error if error.is_transient() => FailureClass::Transient,
            Error::Status {
                status: 400 | 413 | 422,
                ..
            } => FailureClass::InvalidRequest,
            error if error.is_validation() => FailureClass::InvalidRequest,
            _ => FailureClass::Fatal,
        }
    }
}

/// How failed requests and operations are retried, in the client (one call), the
/// [`Pipeline`](crate::Pipeline) and the outbox relay (operations kept across
/// attempts): exponential backoff with jitter on retryable failures
/// ([`FailureClass::is_retryable`]), `Retry-After` honoured up to a cap, at most a
/// number of retries, and, for one client call, a total time budget.
///
/// The backoff before retry `n` (after `n` failed attempts) is the first backoff
/// doubled `n - 1` times, never past the largest, times a random factor between 1 and
/// 2 (still never past the largest).
///
/// The client's default follows the official Node SDK: 3 retries, backoff from
/// 200 ms up to 5 s, `Retry-After` capped at 300 s, 30 s in total. The pipeline and the
/// relay start from their own defaults (see `PipelineConfig` and `RelayConfig`).
///
/// ```
/// use std::time::Duration;
/// use cio_core::client::RetryPolicy;
/// let policy = RetryPolicy::default().max_retries(5).total_budget(Duration::from_secs(10));
/// assert_eq!(policy.get_max_retries(), 5);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    base: Duration,
    max_backoff: Duration,
    total_budget: Duration,
    retry_after_cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            total_budget: Duration::from_secs(30),
            retry_after_cap: Duration::from_secs(300),
        }
    }
}

impl RetryPolicy {
    /// Never retry: every call makes exactly one attempt.
    pub fn none() -> Self {
        RetryPolicy::default().max_retries(0)
    }

    /// At most `n` retries after the first attempt.
    #[must_use]
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// The first backoff and the largest one.
    #[must_use]
    pub fn backoff(mut self, base: Duration, max: Duration) -> Self {
        self.base = base;
        self.max_backoff = max.max(base);
        self
    }

    /// The total time a call may take, attempts and waits included: no retry starts
    /// if its wait would end past it.
    #[must_use]
    pub fn total_budget(mut self, budget: Duration) -> Self {
        self.total_budget = budget;
        self
    }

    /// The longest `Retry-After` honoured (longer ones are cut to this).
    #[must_use]
    pub fn retry_after_cap(mut self, cap: Duration) -> Self {
        self.retry_after_cap = cap;
        self
    }

    /// The number of retries allowed.
    pub fn get_max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The total time budget.
    pub fn get_total_budget(&self) -> Duration {
        self.total_budget
    }

    /// The longest `Retry-After` honoured.
    pub fn get_retry_after_cap(&self) -> Duration {
        self.retry_after_cap
    }

    /// Whether another attempt may follow `attempts` failed ones.
    pub fn allows_retry_after(&self, attempts: u32) -> bool {
        attempts <= self.max_retries
    }

    /// The wait before the next attempt after `attempts` failed ones (at least 1):
    /// `Retry-After` (capped) when the server gave one, otherwise the jittered
    /// exponential backoff described on [`RetryPolicy`].
    pub fn delay_after(&self, attempts: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.retry_after_cap);
        }
        let exponent = attempts.saturating_sub(1).min(30);
        let nominal = self
            .base
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        // `mul_f64` would panic past `Duration::MAX` (a huge configured backoff).
        Duration::try_from_secs_f64(nominal.as_secs_f64() * (1.0 + fastrand::f64()))
            .map_or(self.max_backoff, |delay| delay.min(self.max_backoff))
    }
}

/// Parses a `Retry-After` value: delay-seconds or an HTTP-date (IMF-fixdate), as the
/// wait from `now`. Never panics and never overflows, in debug or release:
///
/// - digits only: that many seconds; more than `u64::MAX` saturates (the caller then
///   clamps the wait to its cap);
/// - an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`): the time until then, zero when
///   it is past (year 0 included); a year past 9999 is a wait longer than any cap;
/// - anything else (a negative or fractional number, another date format, garbage):
///   `None`, the header is ignored and the usual backoff applies.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Some(secs) = parse_digits(value) {
        return Some(Duration::from_secs(secs));
    }
    let at = match parse_http_date(value)? {
        HttpDate::At(at) => at,
        HttpDate::BeyondYear9999 => return Some(Duration::MAX),
    };
    let now = now.duration_since(UNIX_EPOCH).ok()?.as_secs();
    Some(Duration::from_secs(at.saturating_sub(now)))
}

/// A non-empty run of ASCII digits as a number, saturating at `u64::MAX`.
fn parse_digits(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(text.bytes().fold(0u64, |n, digit| {
        n.saturating_mul(10).saturating_add(u64::from(digit - b'0'))
    }))
}

/// An HTTP date as Unix seconds (before 1970: zero), or past what a calendar here holds.
#[derive(Debug, PartialEq, Eq)]
enum HttpDate {
    At(u64),
    BeyondYear9999,
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` (the day name is not checked).
fn parse_http_date(value: &str) -> Option<HttpDate> {
    let rest = value.split_once(", ")?.1;
    let mut parts = rest.split(' ');
    let day = parse_digits(parts.next()?)?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year = parse_digits(parts.next()?)?;
    let mut clock = parts.next()?.split(':');
    let h = parse_digits(clock.next()?)?;
    let m = parse_digits(clock.next()?)?;
    let s = parse_digits(clock.next()?)?;
    if clock.next().is_some()
        || parts.next()? != "GMT"
        || parts.next().is_some()
        || !(1..=31).contains(&day)
        || h > 23
        || m > 59
        || s > 60
    {
        return None;
    }
    if year > 9999 {
        return Some(HttpDate::BeyondYear9999);
    }
    // Every value is now small: year ≤ 9999, so no arithmetic below can overflow.
    let days = days_from_civil(year as i64, month, day as i64);
    let secs = days * 86_400 + (h * 3600 + m * 60 + s) as i64;
    Some(HttpDate::At(u64::try_from(secs).unwrap_or(0)))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm),
/// for years 0 to 9999.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_770);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after(
                "Sun, 06 Nov 1994 08:49:37 GMT",
                now + Duration::from_secs(60)
            ),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn retry_after_at_the_edges_never_panics_and_is_clamped() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let cases: [(&str, Option<Duration>); 17] = [
            ("0", Some(Duration::ZERO)),
            (" 120 ", Some(Duration::from_secs(120))),
            ("18446744073709551615", Some(Duration::from_secs(u64::MAX))),
            (
                "99999999999999999999999999999",
                Some(Duration::from_secs(u64::MAX)),
            ),
            ("-1", None),
            ("-99999999999999999999", None),
            ("1.5", None),
            ("", None),
            ("+5", None),
            ("Sun, 06 Nov 99999 08:49:37 GMT", Some(Duration::MAX)),
            (
                "Sun, 06 Nov 99999999999999999999999 08:49:37 GMT",
                Some(Duration::MAX),
            ),
            ("Sun, 01 Jan 0000 00:00:00 GMT", Some(Duration::ZERO)),
            (
                "Fri, 31 Dec 9999 23:59:60 GMT",
                Some(Duration::from_secs(253_402_300_800 - 1_700_000_000)),
            ),
            ("Sun, 06 Nov -1994 08:49:37 GMT", None),
            ("Sun, 06 Nov 1994 08:49:37 GMT trailing", None),
            ("Sun, 99 Nov 1994 08:49:37 GMT", None),
            ("Sunday, 06-Nov-94 08:49:37 GMT", None),
        ];
        for (value, expected) in cases {
            assert_eq!(parse_retry_after(value, now), expected, "{value:?}");
        }
        // Before the epoch, the clock gives no "now": the header is ignored.
        assert_eq!(
            parse_retry_after(
                "Sun, 06 Nov 1994 08:49:37 GMT",
                UNIX_EPOCH - Duration::from_secs(1)
            ),
            None
        );
        // Whatever was parsed, the wait honoured is the policy's cap at most.
        let policy = RetryPolicy::default().retry_after_cap(Duration::from_secs(9));
        for (value, _) in cases {
            let parsed = parse_retry_after(value, now);
            let delay = policy.delay_after(1, parsed);
            assert!(delay <= Duration::from_secs(9), "{value:?}: {delay:?}");
        }
        let unbounded = RetryPolicy::default().retry_after_cap(Duration::MAX);
        assert_eq!(unbounded.delay_after(1, Some(Duration::MAX)), Duration::MAX);
    }

    #[test]
    fn backoff_doubles_within_jitter_and_caps() {
        let policy =
            RetryPolicy::default().backoff(Duration::from_millis(100), Duration::from_secs(1));
        for _ in 0..100 {
            let first = policy.delay_after(1, None);
            assert!(first >= Duration::from_millis(100) && first <= Duration::from_millis(200));
            let third = policy.delay_after(3, None);
            assert!(third >= Duration::from_millis(400) && third <= Duration::from_millis(800));
            assert_eq!(policy.delay_after(40, None), Duration::from_secs(1));
        }
        assert_eq!(
            policy.delay_after(2, Some(Duration::from_secs(1000))),
            Duration::from_secs(300)
        );
        let huge = RetryPolicy::default().backoff(Duration::MAX, Duration::MAX);
        assert_eq!(huge.delay_after(u32::MAX, None), Duration::MAX);
        assert!(policy.allows_retry_after(3) && !policy.allows_retry_after(4));
    }

    #[test]
    fn failures_are_classified_once() {
        let status = |status: u16, retry_after: Option<Duration>| Error::Status {
            status,
            message: String::new(),
            retry_after,
            attempts: 1,
        };
        let wait = Some(Duration::from_secs(2));
        assert_eq!(
            status(429, wait).class(),
            FailureClass::Throttled { retry_after: wait }
        );
        for transient in [408, 500, 502, 503, 504, 522, 524] {
            assert_eq!(status(transient, None).class(), FailureClass::Transient);
        }
        assert_eq!(
            Error::Timeout { attempts: 1 }.class(),
            FailureClass::Transient
        );
        for invalid in [400, 413, 422] {
            assert_eq!(status(invalid, None).class(), FailureClass::InvalidRequest);
        }
        assert_eq!(
            Error::InvalidIdentifier(String::new()).class(),
            FailureClass::InvalidRequest
        );
        for fatal in [401, 403, 404, 405] {
            assert_eq!(status(fatal, None).class(), FailureClass::Fatal);
        }
        assert_eq!(Error::Config(String::new()).class(), FailureClass::Fatal);
        assert!(FailureClass::Throttled { retry_after: None }.is_retryable());
        assert!(!FailureClass::InvalidItem.is_retryable());
    }
}
