//! Operations the pipeline gave up on, and where they are kept until taken.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Mutex;

use super::lock;

/// Why the pipeline gave up on an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailureReason {
    /// Customer.io refused this operation as invalid (an item of a 207 answer); the
    /// rest of its batch was accepted. Sending it again unchanged cannot succeed.
    Invalid {
        /// Customer.io's `reason`.
        reason: String,
        /// The field at fault, if Customer.io named one.
        field: Option<String>,
        /// Customer.io's `message`.
        message: String,
    },
    /// The whole request was refused for a reason no retry fixes (for example 401, bad
    /// credentials), or this operation alone was refused (400/413 after the batch was
    /// split to isolate it).
    Rejected {
        /// The error.
        error: String,
    },
    /// Every allowed attempt failed with a transient error.
    RetriesExhausted {
        /// How many attempts were made.
        attempts: u32,
        /// The last error.
        last_error: String,
    },
}

impl fmt::Display for FailureReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailureReason::Invalid {
                reason,
                field: Some(field),
                message,
            } => write!(f, "invalid ({reason}) at `{field}`: {message}"),
            FailureReason::Invalid {
                reason, message, ..
            } => write!(f, "invalid ({reason}): {message}"),
            FailureReason::Rejected { error } => write!(f, "rejected: {error}"),
            FailureReason::RetriesExhausted {
                attempts,
                last_error,
            } => write!(f, "gave up after {attempts} attempts: {last_error}"),
        }
    }
}

/// Failures kept until the application takes them, at most `cap` of them.
#[derive(Debug)]
pub(crate) struct FailureStore<T> {
    cap: usize,
    items: Mutex<VecDeque<(T, FailureReason)>>,
}

impl<T> FailureStore<T> {
    pub(crate) fn new(cap: usize) -> Self {
        FailureStore {
            cap,
            items: Mutex::new(VecDeque::new()),
        }
    }

    /// Keeps a failure; beyond the cap the oldest is discarded. Returns whether one was.
    pub(crate) fn push(&self, op: T, reason: FailureReason) -> bool {
        if self.cap == 0 {
            return true;
        }
        let mut items = lock(&self.items);
        let discarded = if items.len() >= self.cap {
            items.pop_front();
            true
        } else {
            false
        };
        items.push_back((op, reason));
        discarded
    }

    /// Takes every kept failure, oldest first.
    pub(crate) fn take(&self) -> Vec<(T, FailureReason)> {
        lock(&self.items).drain(..).collect()
    }
}
