//! Sending one request: attempts, retries, status handling, tracing.

use std::time::{Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{
    HeaderValue, AUTHORIZATION, CONTENT_TYPE, LOCATION, RETRY_AFTER, USER_AGENT,
};
use reqwest::Method;
use tracing::Instrument as _;

use super::error::Error;
use super::retry::parse_retry_after;
use super::Inner;

/// A successful answer: its status and body.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Bytes,
    /// How many attempts the request took, this one included.
    pub(crate) attempts: u32,
}

/// One request to send: where, and what (serialized once, shared by every attempt).
pub(crate) struct Request<'a> {
    pub(crate) method: Method,
    pub(crate) url: String,
    /// The endpoint without identifiers, for logs (`PUT /api/v1/customers/{id}`).
    pub(crate) endpoint: &'a str,
    pub(crate) body: Option<Bytes>,
    /// Whether to send the `Authorization` header (not to `/unsubscribe`, which the
    /// host serves without auth).
    pub(crate) auth: bool,
}

const MAX_MESSAGE: usize = 500;

/// The most of a response body that is read (the rest is dropped with the
/// connection): Track and App API answers are a few hundred bytes.
pub(crate) const MAX_BODY: usize = 1 << 20;

/// Which failures a request is sent again after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retries {
    /// None: one attempt.
    Never,
    /// Every retryable failure ([`FailureClass::is_retryable`]): for calls that are
    /// safe to repeat (the Track API's, deduplicated or idempotent).
    ///
    /// [`FailureClass::is_retryable`]: super::FailureClass::is_retryable
    Idempotent,
    /// Only the failures where the request provably did not reach Customer.io or was
    /// refused unprocessed (the connection failed, `429`): for calls that send
    /// messages and have no idempotency key. A failure whose outcome cannot be known
    /// (a timeout or a reset after the connection was made, a 5xx, a 408) is
    /// returned at once as [`Error::OutcomeUnknown`].
    UnsentOnly,
}

/// Whether a failed attempt reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// The connection failed: nothing was sent.
    NotSent,
    /// The connection was made; the request may or may not have arrived.
    Unknown,
    /// The server answered.
    Answered,
}

impl Inner {
    /// Sends with the retry policy.
    pub(crate) async fn send(&self, request: Request<'_>) -> Result<Answer, Error> {
        let span = tracing::debug_span!(
            "cio.request",
            method = %request.method,
            endpoint = request.endpoint,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        self.send_with_retries(&request, Retries::Idempotent)
            .instrument(span)
            .await
    }

    /// Sends with the retry policy, retrying only what provably did not reach the
    /// server ([`Retries::UnsentOnly`]).
    pub(crate) async fn send_unsent_only(&self, request: Request<'_>) -> Result<Answer, Error> {
        let span = tracing::debug_span!(
            "cio.request",
            method = %request.method,
            endpoint = request.endpoint,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        self.send_with_retries(&request, Retries::UnsentOnly)
            .instrument(span)
            .await
    }

    /// Sends exactly once, no retry.
    pub(crate) async fn send_once(&self, request: Request<'_>) -> Result<Answer, Error> {
        let span = tracing::debug_span!(
            "cio.request",
            method = %request.method,
            endpoint = request.endpoint,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        self.send_with_retries(&request, Retries::Never)
            .instrument(span)
            .await
    }

    async fn send_with_retries(
        &self,
        request: &Request<'_>,
        retries: Retries,
    ) -> Result<Answer, Error> {
        let started = Instant::now();
        let policy = &self.retry;
        let mut attempt: u32 = 0;
        loop {
            let result = self.attempt(request, attempt).await;
            attempt += 1;
            let span = tracing::Span::current();
            span.record("attempts", attempt);
            let (error, reach) = match result {
                Ok(answer) => {
                    span.record("status", answer.status);
                    tracing::debug!(status = answer.status, "accepted");
                    return Ok(answer);
                }
                Err((e, reach)) => (with_attempts(e, attempt), reach),
            };
            if let Some(status) = error.status() {
                span.record("status", status);
            }
            let retryable = match retries {
                Retries::Never => false,
                Retries::Idempotent => error.class().is_retryable(),
                Retries::UnsentOnly => {
                    if outcome_unknown(&error, reach) {
                        tracing::debug!(error = %error, "outcome unknown: not sent again");
                        return Err(Error::OutcomeUnknown {
                            status: error.status(),
                            cause: error.to_string(),
                            attempts: attempt,
                        });
                    }
                    reach == Reach::NotSent || error.status() == Some(429)
                }
            };
            if !retryable || !policy.allows_retry_after(attempt) {
                tracing::debug!(error = %error, "failed");
                return Err(error);
            }
            let delay = policy.delay_after(attempt, error.retry_after());
            if started.elapsed().saturating_add(delay) > policy.get_total_budget() {
                tracing::debug!(error = %error, ?delay, "retry budget exhausted");
                return Err(error);
            }
            tracing::debug!(error = %error, ?delay, "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    async fn attempt(&self, request: &Request<'_>, retries: u32) -> Result<Answer, (Error, Reach)> {
        let mut builder = self
            .http
            .request(request.method.clone(), &request.url)
            .header(USER_AGENT, self.user_agent.clone());
        if request.auth {
            builder = builder.header(AUTHORIZATION, self.auth.clone());
        }
        if !self.extra_headers.is_empty() {
            builder = builder.headers(self.extra_headers.clone());
        }
        if let Some(body) = &request.body {
            builder = builder
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body.clone());
        }
        if retries > 0 {
            builder = builder.header("X-Retry-Count", retries);
        }
        let response = builder.send().await.map_err(|e| {
            let reach = if e.is_connect() {
                Reach::NotSent
            } else {
                Reach::Unknown
            };
            (transport_error(e), reach)
        })?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let location = response
            .headers()
            .get(LOCATION)
            .map(|v| origin_of(&String::from_utf8_lossy(v.as_bytes())));
        // The status arrived: a body cut short after it still leaves the outcome known
        // by the status for an error, unknown for a success.
        let body = read_body(response, MAX_BODY)
            .await
            .map_err(|e| (transport_error(e), Reach::Unknown))?;
        let error = match status {
            200..=299 => {
                return Ok(Answer {
                    status,
                    body,
                    attempts: retries + 1,
                })
            }
            300..=399 => Error::WrongRegion {
                status,
                location: location.unwrap_or_default(),
            },
            _ => Error::Status {
                status,
                message: error_message(&body),
                retry_after,
                attempts: 1,
            },
        };
        Err((error, Reach::Answered))
    }
}

/// `true` when `error` leaves unknown whether the request was acted on: the
/// connection was made but no answer came, or the server answered 408 or a 5xx.
fn outcome_unknown(error: &Error, reach: Reach) -> bool {
    match reach {
        Reach::NotSent => false,
        Reach::Unknown => true,
        Reach::Answered => matches!(error.status(), Some(408 | 500..=599)),
    }
}

fn with_attempts(mut error: Error, n: u32) -> Error {
    match &mut error {
        Error::Status { attempts, .. }
        | Error::Timeout { attempts }
        | Error::Transport { attempts, .. } => *attempts = n,
        _ => {}
    }
    error
}

/// The first `cap` bytes of the body (a longer one is cut, and its connection dropped).
pub(crate) async fn read_body(
    mut response: reqwest::Response,
    cap: usize,
) -> Result<Bytes, reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = cap - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if chunk.len() >= room {
            break;
        }
    }
    Ok(Bytes::from(body))
}

/// The scheme, host and port of a redirect's target: its path names the customer.
fn origin_of(location: &str) -> String {
    match reqwest::Url::parse(location) {
        Ok(url) if url.has_host() => url.origin().ascii_serialization(),
        _ => "(not an absolute URL)".to_owned(),
    }
}

/// The error of a failed request, without its URL: the path holds customer ids and
/// email addresses.
fn transport_error(error: reqwest::Error) -> Error {
    let error = error.without_url();
    if error.is_timeout() {
        return Error::Timeout { attempts: 1 };
    }
    // The whole chain: reqwest's own text is only "error sending request".
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    Error::Transport {
        message,
        attempts: 1,
    }
}

#[derive(serde::Deserialize)]
struct ErrorBody {
    #[serde(default)]
    meta: Option<Meta>,
    #[serde(default)]
    errors: Vec<serde_json::Value>,
}

#[derive(serde::Deserialize)]
struct Meta {
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    errors: Vec<serde_json::Value>,
}

/// The error text of a body: v1 `meta.error` / `meta.errors[]`, v2 `errors[].message`.
fn error_message(body: &[u8]) -> String {
    let text = match serde_json::from_slice::<ErrorBody>(body) {
        Ok(parsed) => {
            let mut parts: Vec<String> = Vec::new();
            if let Some(meta) = parsed.meta {
                parts.extend(meta.error);
                parts.extend(meta.errors.iter().map(value_text));
            }
            parts.extend(parsed.errors.iter().map(value_text));
            parts.join("; ")
        }
        Err(_) => String::from_utf8_lossy(body).trim().to_owned(),
    };
    truncate(text)
}

fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Object(map) => match map.get("message").and_then(|m| m.as_str()) {
            Some(message) => match map.get("field").and_then(|f| f.as_str()) {
                Some(field) if !field.is_empty() => format!("{field}: {message}"),
                _ => message.to_owned(),
            },
            None => value.to_string(),
        },
        other => other.to_string(),
    }
}

fn truncate(mut text: String) -> String {
    if text.len() > MAX_MESSAGE {
        let mut end = MAX_MESSAGE;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_texts() {
        assert_eq!(
            error_message(br#"{"meta":{"error":"bad merge"}}"#),
            "bad merge"
        );
        assert_eq!(error_message(br#"{"meta":{"errors":["a","b"]}}"#), "a; b");
        assert_eq!(
            error_message(
                br#"{"errors":[{"reason":"invalid","field":"name","message":"required"}]}"#
            ),
            "name: required"
        );
        assert_eq!(error_message(b"oops"), "oops");
        assert_eq!(error_message(b""), "");
    }
}
