//! The retry queue, and the end of an operation: delivered or failed.

use tokio::time::Instant;

use super::{Meta, Waiting, Worker};
use crate::delivery::later;
use crate::delivery::sink::{Payload, Sink};
use crate::pipeline::failure::FailureReason;
use crate::pipeline::stats::Counter;

impl<T: Payload, S: Sink<T>> Worker<T, S> {
    /// Schedules another attempt for each item, or fails those out of attempts.
    pub(super) fn retry_or_fail(
        &mut self,
        items: Vec<(T, Meta)>,
        error: &str,
        ready_at: Option<Instant>,
        now: Instant,
    ) {
        let mut again = Vec::with_capacity(items.len());
        let mut attempts_made = 1;
        for (op, mut meta) in items {
            meta.attempts += 1;
            attempts_made = attempts_made.max(meta.attempts);
            if !self.retry.allows_retry_after(meta.attempts) {
                self.fail(
                    op,
                    meta,
                    FailureReason::RetriesExhausted {
                        attempts: meta.attempts,
                        last_error: error.to_string(),
                    },
                );
            } else {
                again.push((op, meta));
            }
        }
        if again.is_empty() {
            return;
        }
        self.shared
            .counters
            .add(Counter::Retried, again.len() as u64);
        let ready_at =
            ready_at.unwrap_or_else(|| later(now, self.retry.delay_after(attempts_made, None)));
        again.reverse();
        self.waiting.push(Waiting {
            ready_at,
            items: again,
            alone: false,
        });
    }

    pub(super) fn deliver(&mut self, items: Vec<(T, Meta)>) {
        if items.is_empty() {
            return;
        }
        self.shared
            .counters
            .add(Counter::Delivered, items.len() as u64);
        let mut bytes = 0;
        for (op, meta) in &items {
            self.held.remove(&meta.seq);
            self.turns.release(op.people());
            bytes += meta.bytes;
        }
        self.shared.queue.release(items.len(), bytes);
    }

    pub(super) fn fail(&mut self, op: T, meta: Meta, reason: FailureReason) {
        self.shared.counters.add(Counter::Failed, 1);
        self.held.remove(&meta.seq);
        self.turns.release(op.people());
        if self.shared.failures.push(op, reason) {
            tracing::error!("failure store full: the oldest failure was discarded");
        }
        self.shared.queue.release(1, meta.bytes);
    }
}
