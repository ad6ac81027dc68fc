//! The one sender of batches: [`Sink`], the seam between the HTTP client and the two
//! things that keep operations across attempts (the pipeline's worker and the outbox
//! relay), and its implementation over [`TrackClient`], which reads every answer
//! through the one classification ([`FailureClass`]).

use std::future::Future;
use std::time::Duration;

use crate::client::{
    Destination, Error, FailureClass, Operation, People, PipelinesClient, TrackClient,
};

/// The result of one `/batch` attempt, as the worker needs it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SendOutcome {
    /// Every operation was accepted (200).
    Accepted,
    /// Some operations failed (207); the others were accepted, unless `ambiguity` is
    /// set: the answer did not say exactly which failed, so the others are not known to
    /// be accepted and are sent again.
    Partial {
        /// The operations named as failed.
        errors: Vec<ItemError>,
        /// Why the answer cannot be trusted to name every failed operation, if so.
        ambiguity: Option<String>,
    },
    /// The whole request failed in a way worth retrying (connection error, timeout, 408,
    /// 429, 5xx).
    Transient {
        /// The server's `Retry-After`, if any.
        retry_after: Option<Duration>,
        /// What went wrong, for reports and logs.
        error: String,
    },
    /// The whole request was refused and retrying it unchanged cannot help.
    Rejected {
        /// What went wrong.
        error: String,
        /// Whether one bad operation may be the cause (400, 413): the batch is then split
        /// to isolate it. False for causes that affect every request (401, redirects).
        item_specific: bool,
    },
}

/// One failed operation of a 207 answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ItemError {
    /// Its index in the batch sent.
    pub(crate) index: usize,
    /// Whether sending it again may succeed.
    pub(crate) transient: bool,
    /// Whether the reason is one this build does not know: it is retried, but only
    /// [`UNKNOWN_REASON_ATTEMPTS`] times in all.
    pub(crate) unknown: bool,
    /// Customer.io's `reason`.
    pub(crate) reason: String,
    /// Customer.io's `field`, if any.
    pub(crate) field: Option<String>,
    /// Customer.io's `message`.
    pub(crate) message: String,
}

/// Something that sends one batch, once (the worker retries).
pub(crate) trait Sink<T>: Send + Sync + 'static {
    /// Sends `ops` as one `/batch` request.
    fn send(&self, ops: &[T]) -> impl Future<Output = SendOutcome> + Send;

    /// The most bytes one operation can grow by on its way to the wire (the Data
    /// Pipelines API's calls are longer than the operations they come from): counted
    /// per operation by [`BatchSize`](super::BatchSize).
    fn growth(&self) -> usize {
        0
    }
}

/// What the pipeline can carry: an operation (or a stand-in in tests).
pub(crate) trait Payload: Clone + Send + Sync + 'static {
    /// Whom it is about: the pipeline sends one operation per person at a time.
    fn people(&self) -> People;
}

impl Payload for Operation {
    fn people(&self) -> People {
        Operation::people(self)
    }
}

/// 207 item reasons worth a retry: the server could not process the item now.
const TRANSIENT_ITEM_REASONS: [&str; 4] = ["internal", "internal_error", "timeout", "unavailable"];

/// 207 item reasons that say the item itself is wrong: sending it again cannot help.
const PERMANENT_ITEM_REASONS: [&str; 6] = [
    "invalid",
    "malformed",
    "required",
    "too_large",
    "not_found",
    "parse_error",
];

/// How many attempts in all an item refused for a reason this build does not know
/// gets before it is given up (dead-lettered by the relay, failed by the pipeline).
pub(crate) const UNKNOWN_REASON_ATTEMPTS: u32 = 5;

impl Sink<Operation> for TrackClient {
    async fn send(&self, ops: &[Operation]) -> SendOutcome {
        match self.batch_once(ops).await {
            Ok(outcome) if outcome.is_complete() => SendOutcome::Accepted,
            Ok(outcome) => SendOutcome::Partial {
                errors: outcome
                    .failures
                    .into_iter()
                    .map(|failure| ItemError {
                        index: failure.batch_index,
                        transient: !PERMANENT_ITEM_REASONS.contains(&failure.reason.as_str()),
                        unknown: !TRANSIENT_ITEM_REASONS.contains(&failure.reason.as_str())
                            && !PERMANENT_ITEM_REASONS.contains(&failure.reason.as_str()),
                        reason: failure.reason,
                        field: (!failure.field.is_empty()).then_some(failure.field),
                        message: failure.message,
                    })
                    .collect(),
                ambiguity: outcome.ambiguity,
            },
            Err(error) => outcome_of(&error),
        }
    }
}

/// The Data Pipelines API answers a batch as a whole: 200, or a 400 (strict mode)
/// that the worker splits down to the one call at fault. An operation that cannot
/// be written as a call is failed alone, the others sent.
impl Sink<Operation> for PipelinesClient {
    async fn send(&self, ops: &[Operation]) -> SendOutcome {
        let mut calls = Vec::with_capacity(ops.len());
        let mut errors = Vec::new();
        for (index, op) in ops.iter().enumerate() {
            match self.call_of(op) {
                Ok(call) => calls.push(call),
                Err(error) => errors.push(ItemError {
                    index,
                    transient: false,
                    unknown: false,
                    reason: "invalid".to_owned(),
                    field: None,
                    message: error.to_string(),
                }),
            }
        }
        if calls.is_empty() {
            return SendOutcome::Partial {
                errors,
                ambiguity: None,
            };
        }
        match self.batch_once(&calls).await {
            Ok(_) if errors.is_empty() => SendOutcome::Accepted,
            Ok(_) => SendOutcome::Partial {
                errors,
                ambiguity: None,
            },
            Err(error) => outcome_of(&error),
        }
    }

    fn growth(&self) -> usize {
        self.call_growth()
    }
}

impl Sink<Operation> for Destination {
    async fn send(&self, ops: &[Operation]) -> SendOutcome {
        match self {
            Destination::Track(client) => client.send(ops).await,
            Destination::Pipelines(client) => client.send(ops).await,
        }
    }

    fn growth(&self) -> usize {
        match self {
            Destination::Track(client) => client.growth(),
            Destination::Pipelines(client) => client.growth(),
        }
    }
}

/// What a failed request means for the operations it carried.
fn outcome_of(error: &Error) -> SendOutcome {
    match error.class() {
        FailureClass::Throttled { retry_after } => SendOutcome::Transient {
            retry_after,
            error: error.to_string(),
        },
        FailureClass::Transient => SendOutcome::Transient {
            retry_after: error.retry_after(),
            error: error.to_string(),
        },
        FailureClass::InvalidRequest | FailureClass::InvalidItem => SendOutcome::Rejected {
            item_specific: true,
            error: error.to_string(),
        },
        _ => SendOutcome::Rejected {
            item_specific: false,
            error: error.to_string(),
        },
    }
}
