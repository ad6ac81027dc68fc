//! Fault injection: random faults drawn from a seed, and scripted one-shot faults.

use std::time::Duration;

/// Random faults, each a share of requests (0.0 to 1.0), drawn per request from the
/// emulator's seed and the request's arrival number, so a run is reproducible.
///
/// The shares are tried in order (reset, 5xx, 429, error after apply) on one draw, so
/// they add up: `server_errors: 0.2, too_many_requests: 0.1` faults 30% of requests.
#[derive(Debug, Clone, PartialEq)]
pub struct Faults {
    /// Share of requests answered 500, 502, 503 or 504 without being applied.
    pub server_errors: f64,
    /// Share of requests answered 429 with `Retry-After`, without being applied.
    pub too_many_requests: f64,
    /// The `Retry-After` seconds of those 429s.
    pub retry_after_secs: u64,
    /// Share of connections closed without an answer (nothing applied).
    pub connection_resets: f64,
    /// Share of requests applied and then answered 500, as if the answer were lost:
    /// a retry must not apply them twice.
    pub errors_after_apply: f64,
    /// Time added before answering each request.
    pub latency: Duration,
}

impl Default for Faults {
    fn default() -> Self {
        Faults::NONE
    }
}

impl Faults {
    /// No faults.
    pub const NONE: Faults = Faults {
        server_errors: 0.0,
        too_many_requests: 0.0,
        retry_after_secs: 1,
        connection_resets: 0.0,
        errors_after_apply: 0.0,
        latency: Duration::ZERO,
    };

    pub(crate) fn is_none(&self) -> bool {
        self.server_errors <= 0.0
            && self.too_many_requests <= 0.0
            && self.connection_resets <= 0.0
            && self.errors_after_apply <= 0.0
            && self.latency.is_zero()
    }

    /// Draws the fault of request number `n`.
    pub(crate) fn draw(&self, seed: u64, n: u64) -> Option<Fault> {
        let mut rng = fastrand::Rng::with_seed(seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let x = rng.f64();
        let mut edge = self.connection_resets;
        if x < edge {
            return Some(Fault::Reset);
        }
        edge += self.server_errors;
        if x < edge {
            let status = [500, 502, 503, 504][rng.usize(..4)];
            return Some(Fault::Status(status));
        }
        edge += self.too_many_requests;
        if x < edge {
            return Some(Fault::TooManyRequests {
                retry_after: self.retry_after_secs.to_string(),
            });
        }
        edge += self.errors_after_apply;
        if x < edge {
            return Some(Fault::StatusAfterApply(500));
        }
        None
    }
}

/// One fault for one request, queued with `Emulator::script` (scripted faults are
/// used in order, one per request, before any random fault).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer this status (with an error body) without applying the request.
    Status(u16),
    /// Answer 429 with this `Retry-After` value (seconds or an HTTP-date).
    TooManyRequests {
        /// The header value.
        retry_after: String,
    },
    /// Close the connection without answering; nothing is applied.
    Reset,
    /// Apply the request, then answer this status (a lost success).
    StatusAfterApply(u16),
    /// Answer this redirect status (301, 302, 307, 308) with `Location` on the EU
    /// host and the same path, as a US endpoint does for an EU account.
    WrongRegion(u16),
    /// Wait this long, then handle the request normally.
    Delay(Duration),
    /// Answer `status` with exactly `body`, a crafted answer (a `207` that does not
    /// parse, names operations outside the batch, ...). With `apply`, the request is
    /// first handled normally and the crafted answer replaces a success; without it,
    /// nothing is applied.
    Answer {
        /// The HTTP status.
        status: u16,
        /// The body, sent as is.
        body: String,
        /// Whether the request is applied first.
        apply: bool,
    },
}
