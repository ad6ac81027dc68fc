//! The outcome of a whole batch: delivered, retried (with `Retry-After`), split in
//! halves to isolate an operation that makes the request fail, or failed.

use std::sync::Arc;

use tokio::task::JoinError;
use tokio::time::Instant;

use std::time::Duration;

use super::{InFlight, Meta, Waiting, Worker};
use crate::delivery::decide::{decide, Decision, GiveUp, Verdict};
use crate::delivery::later;
use crate::delivery::sink::{Payload, SendOutcome, Sink};
use crate::pipeline::failure::FailureReason;
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
        let kind = match &outcome {
            SendOutcome::Accepted => "accepted",
            SendOutcome::Partial { .. } => "partial",
            SendOutcome::Transient { .. } => "transient",
            SendOutcome::Rejected { .. } => "rejected",
        };
        span.record("outcome", kind);
        let _in = span.enter();
        let attempts: Vec<u32> = items.iter().map(|(_, meta)| meta.attempts + 1).collect();
        let decisions = match decide(outcome, &attempts) {
            Verdict::Split => {
                tracing::warn!("batch rejected; splitting it to isolate the cause");
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
                return;
            }
            Verdict::Each(decisions) => decisions,
        };
        let mut delivered = Vec::new();
        let mut again = Vec::new();
        let mut last_error = String::new();
        let mut retry_after: Option<Duration> = None;
        for ((op, meta), decision) in items.into_iter().zip(decisions) {
            match decision {
                Decision::Delivered => delivered.push((op, meta)),
                Decision::Retry {
                    error,
                    retry_after: after,
                } => {
                    last_error = error;
                    retry_after = retry_after.max(after);
                    again.push((op, meta));
                }
                // The pipeline has nowhere durable to keep what every request refuses
                // (credentials, region): it reports it failed, for the app to send
                // again once fixed (the outbox's relay keeps such rows instead).
                Decision::Hold { error } => {
                    tracing::error!(%error, "batch rejected for every request (check the credentials and region)");
                    self.fail(op, meta, FailureReason::Rejected { error });
                }
                Decision::GiveUp(GiveUp::Invalid {
                    reason,
                    field,
                    message,
                }) => {
                    tracing::warn!(%reason, ?field, %message, "operation refused as invalid");
                    let reason = FailureReason::Invalid {
                        reason,
                        field,
                        message,
                    };
                    self.fail(op, meta, reason);
                }
                Decision::GiveUp(GiveUp::Refused(error)) => {
                    tracing::error!(%error, "operation rejected");
                    self.fail(op, meta, FailureReason::Rejected { error });
                }
            }
        }
        tracing::debug!(
            delivered = delivered.len(),
            retried = again.len(),
            "batch settled"
        );
        self.deliver(delivered);
        if again.is_empty() {
            return;
        }
        tracing::warn!(error = %last_error, count = again.len(), retry_after_ms = retry_after.map(|d| d.as_millis() as u64), "operations failed; retrying");
        // A server's `Retry-After` holds the whole pipeline back, not just this batch.
        let ready_at = retry_after.map(|after| {
            let until = later(now, after.min(self.retry.get_retry_after_cap()));
            self.paused_until = Some(self.paused_until.map_or(until, |p| p.max(until)));
            until
        });
        self.retry_or_fail(again, &last_error, ready_at, now);
    }
}
