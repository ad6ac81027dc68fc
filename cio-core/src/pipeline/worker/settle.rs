//! The outcome of a whole batch: delivered, retried (with `Retry-After`), split in
//! halves to isolate an operation that makes the request fail, or failed.

use std::sync::Arc;

use tokio::task::JoinError;
use tokio::time::Instant;

use super::{InFlight, Meta, Waiting, Worker};
use crate::pipeline::failure::FailureReason;
use crate::pipeline::later;
use crate::pipeline::sink::{Payload, SendOutcome, Sink};
use crate::pipeline::stats::Counter;

impl<T: Payload, S: Sink<T>> Worker<T, S> {
    /// Handles the end of one batch's task.
    pub(super) fn settle(&mut self, done: Result<(tokio::task::Id, SendOutcome), JoinError>) {
        let (id, outcome) = match done {
            Ok((id, outcome)) => (id, outcome),
            Err(error) => (
                error.id(),
                SendOutcome::Transient {
                    retry_after: None,
                    error: format!("the send task ended abnormally: {error}"),
                },
            ),
        };
        let Some(batch) = self.batches.remove(&id) else {
            return;
        };
        let InFlight { ops, metas, span } = batch;
        let ops = Arc::try_unwrap(ops).unwrap_or_else(|shared| shared.as_ref().clone());
        let items: Vec<(T, Meta)> = ops.into_iter().zip(metas).collect();
        let now = Instant::now();
        match outcome {
            SendOutcome::Accepted => {
                span.record("outcome", "accepted");
                let _in = span.enter();
                tracing::debug!(delivered = items.len(), "batch accepted");
                self.deliver(items);
            }
            SendOutcome::Partial { errors, ambiguity } => {
                span.record("outcome", "partial");
                let _in = span.enter();
                self.settle_partial(items, errors, ambiguity, now);
            }
            SendOutcome::Transient { retry_after, error } => {
                span.record("outcome", "transient");
                let _in = span.enter();
                tracing::warn!(%error, retry_after_ms = retry_after.map(|d| d.as_millis() as u64), "batch failed; retrying");
                let ready_at = retry_after.map(|after| {
                    let until = later(now, after.min(self.retry.get_retry_after_cap()));
                    self.paused_until = Some(self.paused_until.map_or(until, |p| p.max(until)));
                    until
                });
                self.retry_or_fail(items, &error, ready_at, now);
            }
            SendOutcome::Rejected {
                error,
                item_specific,
            } => {
                span.record("outcome", "rejected");
                let _in = span.enter();
                if item_specific && items.len() > 1 {
                    tracing::warn!(%error, "batch rejected; splitting it to isolate the cause");
                    let mut first = items;
                    let second = first.split_off(first.len() / 2);
                    self.shared
                        .counters
                        .add(Counter::Retried, (first.len() + second.len()) as u64);
                    for half in [first, second] {
                        self.waiting.push(Waiting {
                            ready_at: now,
                            items: half.into_iter().rev().collect(),
                            alone: true,
                        });
                    }
                } else {
                    tracing::error!(%error, count = items.len(), "batch rejected");
                    for (op, meta) in items {
                        self.fail(
                            op,
                            meta,
                            FailureReason::Rejected {
                                error: error.clone(),
                            },
                        );
                    }
                }
            }
        }
    }
}
