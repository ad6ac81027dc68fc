//! [`Error`]: everything a Track API call can fail with.

use std::fmt;
use std::time::Duration;

use crate::constraint::Violation;

/// Why a call to Customer.io (the Track, App or Data Pipelines API) failed.
///
/// Errors found before sending (`Violation`, `Limit`, `MillisecondTimestamp`,
/// `InvalidIdentifier`, `Serialize`, `Unsupported`) mean that no byte reached the
/// network. The text of
/// an error never contains the API key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value breaks a constraint the taxonomy declares (`email`, `min`, `max`, ...).
    #[error("invalid value: {0}")]
    Violation(#[from] Violation),

    /// A documented Track API limit is exceeded.
    #[error("{limit}{} is {size}{unit}, over the Track API limit of {max}{unit}", name_suffix(.name), unit = .limit.unit())]
    Limit {
        /// Which limit.
        limit: Limit,
        /// The attribute or field concerned, when there is one.
        name: Option<String>,
        /// The size found (bytes, or a count for [`Limit::AttributeCount`]).
        size: usize,
        /// The limit.
        max: usize,
    },

    /// A timestamp is in milliseconds; Customer.io wants Unix seconds.
    #[error("`{field}` is {value}, a timestamp in milliseconds; Customer.io wants Unix seconds")]
    MillisecondTimestamp {
        /// The field holding the timestamp.
        field: String,
        /// The value given.
        value: i64,
    },

    /// A customer identifier cannot be sent (empty, or a malformed `cio_id`).
    #[error("invalid customer identifier: {0}")]
    InvalidIdentifier(String),

    /// A value could not be serialized to the JSON object the API expects.
    #[error("cannot serialize the payload: {0}")]
    Serialize(String),

    /// The client configuration is invalid (base URL, environment variables, ...).
    #[error("invalid client configuration: {0}")]
    Config(String),

    /// The API cannot carry this call as given (a metric the Data Pipelines API does
    /// not report, ...); nothing was sent.
    #[error("not supported by this API: {0}")]
    Unsupported(String),

    /// The server answered with a status that is not a success.
    #[error("Customer.io answered {status}{} after {attempts} attempt(s){}", message_suffix(.message), retry_after_suffix(.retry_after))]
    Status {
        /// The HTTP status code.
        status: u16,
        /// The error text of the body (`meta.error`, `meta.errors`, `errors[].message`), if any.
        message: String,
        /// The `Retry-After` the server asked for, if any.
        retry_after: Option<Duration>,
        /// How many attempts were made.
        attempts: u32,
    },

    /// The server redirected the request: the account lives in another region
    /// (redirects are never followed, so the key and the data are not re-sent).
    #[error("Customer.io answered {status} redirecting to `{location}`: the account is in another region; set the client's region accordingly")]
    WrongRegion {
        /// The HTTP status code (301, 302, 307 or 308).
        status: u16,
        /// The origin the server redirected to (its path, which names the customer,
        /// is left out).
        location: String,
    },

    /// The request timed out.
    #[error("Track API request timed out after {attempts} attempt(s)")]
    Timeout {
        /// How many attempts were made.
        attempts: u32,
    },

    /// A call that has no idempotency key (an App API send or trigger, a form
    /// submission, a delivery metric) may have reached Customer.io, and whether it
    /// was acted on cannot be known: a timeout or a reset after the connection was
    /// made, a 5xx or 408 answer, or a success answer that cannot be read. It was
    /// **not** sent again, since a retry could send the message twice; the caller
    /// decides (look the delivery up, or send again and accept a possible duplicate).
    #[error("the outcome is unknown after {attempts} attempt(s) ({cause}): the message may or may not have been sent, and it was not sent again")]
    OutcomeUnknown {
        /// The HTTP status, when the server answered (a 5xx or 408, or a 2xx whose
        /// body cannot be read).
        status: Option<u16>,
        /// What went wrong.
        cause: String,
        /// How many attempts were made (the last one is the one whose outcome is unknown).
        attempts: u32,
    },

    /// The connection failed or was closed before an answer arrived.
    #[error("cannot reach the Track API after {attempts} attempt(s): {message}")]
    Transport {
        /// What went wrong.
        message: String,
        /// How many attempts were made.
        attempts: u32,
    },
}

fn name_suffix(name: &Option<String>) -> String {
    match name {
        Some(name) => format!(" (`{name}`)"),
        None => String::new(),
    }
}

fn message_suffix(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    }
}

fn retry_after_suffix(retry_after: &Option<Duration>) -> String {
    match retry_after {
        Some(d) => format!(" (Retry-After {}s)", d.as_secs()),
        None => String::new(),
    }
}

impl Error {
    /// `true` when sending the same request again may succeed: a timeout, a transport
    /// failure, or a status of 408, 429, 500, 502, 503, 504, 522 or 524. Everything
    /// else (validation errors, other 4xx, a wrong region) is permanent.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Timeout { .. } | Error::Transport { .. } => true,
            Error::Status { status, .. } => is_transient_status(*status),
            _ => false,
        }
    }

    /// The wait the server asked for with `Retry-After` (429 or 503), if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The HTTP status of a [`Error::Status`] or [`Error::WrongRegion`] answer, or of
    /// an [`Error::OutcomeUnknown`] one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Status { status, .. } | Error::WrongRegion { status, .. } => Some(*status),
            Error::OutcomeUnknown { status, .. } => *status,
            _ => None,
        }
    }

    /// `true` for [`Error::OutcomeUnknown`]: the message may have been sent. Every
    /// other error of a send means that it was not.
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self, Error::OutcomeUnknown { .. })
    }

    /// `true` when the error was found before anything was sent.
    pub fn is_validation(&self) -> bool {
        matches!(
            self,
            Error::Violation(_)
                | Error::Limit { .. }
                | Error::MillisecondTimestamp { .. }
                | Error::InvalidIdentifier(_)
                | Error::Serialize(_)
                | Error::Unsupported(_)
        )
    }
}

/// The statuses worth retrying: 408, 429 and every 5xx (a 501, 505 or a proxy's 520-530
/// is the server's trouble, not the request's).
pub(crate) fn is_transient_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500..=599)
}

/// A documented limit of the Track API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Limit {
    /// Event name (and page URL or screen name): 100 bytes of UTF-8; 100 pass, 101 fail.
    EventName,
    /// v1 event data: 100,000 bytes of serialized JSON (the whole `data` object,
    /// braces included); 100,000 pass, 100,001 fail.
    EventData,
    /// Customer identifier (id, email, `cio_id`, `anonymous_id`): 150 bytes of UTF-8
    /// before percent-encoding; 150 pass, 151 fail.
    Identifier,
    /// Attribute name: 150 bytes of UTF-8 (unescaped); 150 pass, 151 fail.
    AttributeName,
    /// Attribute value: 1,000 bytes of its serialized JSON, quotes and escapes included
    /// (a string of 998 ASCII characters is exactly 1,000 bytes); 1,000 pass, 1,001 fail.
    AttributeValue,
    /// Attributes per identify (top-level keys): 300 pass, 301 fail.
    AttributeCount,
    /// A v2 `/entity` request: 32 KB (32,768 bytes) pass, 32,769 fail.
    EntityRequest,
    /// A v2 `/batch` request: 500 KB (512,000 bytes) pass, 512,001 fail.
    BatchRequest,
    /// One operation inside a v2 batch, serialized: 32 KB (32,768 bytes) pass, 32,769
    /// fail. In v2 the event data travels inside the operation, so this, not
    /// [`Limit::EventData`], bounds the data of an [`Operation`](super::Operation).
    BatchOperation,
    /// One Data Pipelines call (a request, or one call of a `/v1/batch`), serialized:
    /// 32 KB (32,768 bytes) pass, 32,769 fail.
    PipelinesCall,
    /// A Data Pipelines `/v1/batch` request: 500 KB (512,000 bytes) pass, 512,001 fail.
    PipelinesBatch,
}

impl Limit {
    fn unit(self) -> &'static str {
        match self {
            Limit::AttributeCount => " attributes",
            _ => " bytes",
        }
    }

    /// The limit's value (bytes, or a count for [`Limit::AttributeCount`]).
    pub const fn max(self) -> usize {
        match self {
            Limit::EventName => 100,
            Limit::EventData => 100_000,
            Limit::Identifier | Limit::AttributeName => 150,
            Limit::AttributeValue => 1000,
            Limit::AttributeCount => 300,
            Limit::EntityRequest | Limit::BatchOperation | Limit::PipelinesCall => 32 * 1024,
            Limit::BatchRequest | Limit::PipelinesBatch => 500 * 1024,
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Limit::EventName => "the event name",
            Limit::EventData => "the event data",
            Limit::Identifier => "the customer identifier",
            Limit::AttributeName => "an attribute name",
            Limit::AttributeValue => "an attribute value",
            Limit::AttributeCount => "the attribute count",
            Limit::EntityRequest => "the v2 entity request",
            Limit::BatchRequest => "the v2 batch request",
            Limit::BatchOperation => "a v2 batch operation",
            Limit::PipelinesCall => "a Data Pipelines call",
            Limit::PipelinesBatch => "the Data Pipelines batch request",
        })
    }
}

/// Checks `size <= limit.max()`.
pub(crate) fn check_limit(limit: Limit, size: usize, name: Option<&str>) -> Result<(), Error> {
    if size > limit.max() {
        return Err(Error::Limit {
            limit,
            name: name.map(str::to_owned),
            size,
            max: limit.max(),
        });
    }
    Ok(())
}
