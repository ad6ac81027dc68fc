//! A `207` answer: the operations it names are failed or retried, the others
//! delivered, unless the answer is ambiguous.

use std::collections::HashMap;

use tokio::time::Instant;

use super::{Meta, Worker};
use crate::pipeline::failure::FailureReason;
use crate::pipeline::sink::{ItemError, Payload, Sink, UNKNOWN_REASON_ATTEMPTS};

impl<T: Payload, S: Sink<T>> Worker<T, S> {
    /// A 207: the items named are failed or retried, the others delivered, or retried
    /// too when the answer is ambiguous (it may not name every failed item).
    pub(super) fn settle_partial(
        &mut self,
        items: Vec<(T, Meta)>,
        errors: Vec<ItemError>,
        mut ambiguity: Option<String>,
        now: Instant,
    ) {
        if let Some(error) = errors.iter().find(|error| error.index >= items.len()) {
            ambiguity.get_or_insert_with(|| {
                format!(
                    "the 207 answer names item {} of a batch of {}",
                    error.index,
                    items.len()
                )
            });
        }
        let mut unconfirmed = Vec::new();
        let mut by_index: HashMap<usize, ItemError> = HashMap::new();
        for error in errors {
            match by_index.get(&error.index) {
                Some(known) if !known.transient => {}
                _ => {
                    by_index.insert(error.index, error);
                }
            }
        }
        let mut accepted = Vec::new();
        let mut transient = Vec::new();
        let mut last_transient = String::new();
        for (index, (op, meta)) in items.into_iter().enumerate() {
            match by_index.remove(&index) {
                None if ambiguity.is_some() => unconfirmed.push((op, meta)),
                None => accepted.push((op, meta)),
                Some(error) if error.unknown && meta.attempts + 1 >= UNKNOWN_REASON_ATTEMPTS => {
                    tracing::warn!(reason = %error.reason, attempts = meta.attempts + 1, "operation refused for an unknown reason too often");
                    self.fail(
                        op,
                        meta,
                        FailureReason::Invalid {
                            reason: error.reason,
                            field: error.field,
                            message: error.message,
                        },
                    );
                }
                Some(error) if error.transient => {
                    last_transient = format!("{}: {}", error.reason, error.message);
                    transient.push((op, meta));
                }
                Some(error) => {
                    tracing::warn!(reason = %error.reason, field = ?error.field, message = %error.message, "operation refused as invalid");
                    self.fail(
                        op,
                        meta,
                        FailureReason::Invalid {
                            reason: error.reason,
                            field: error.field,
                            message: error.message,
                        },
                    );
                }
            }
        }
        tracing::debug!(
            delivered = accepted.len(),
            retried = transient.len() + unconfirmed.len(),
            "batch partly accepted"
        );
        self.deliver(accepted);
        if !transient.is_empty() {
            self.retry_or_fail(transient, &last_transient, None, now);
        }
        if let Some(why) = ambiguity.filter(|_| !unconfirmed.is_empty()) {
            tracing::warn!(%why, count = unconfirmed.len(), "ambiguous 207 answer; sending the unnamed operations again");
            self.retry_or_fail(unconfirmed, &why, None, now);
        }
    }
}
