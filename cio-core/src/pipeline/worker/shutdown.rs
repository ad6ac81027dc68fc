//! The shutdown deadline: stop sending and give back everything undelivered.

use std::sync::Arc;

use tokio::time::Instant;

use super::{Waiting, Worker};
use crate::delivery::sink::{Payload, Sink};
use crate::pipeline::stats::Counter;

impl<T: Payload, S: Sink<T>> Worker<T, S> {
    /// The deadline passed: stops sending and gives back everything not delivered.
    /// A request cut off mid-way may have reached Customer.io; sending its operations
    /// again later is harmless, since each carries its event id.
    pub(super) async fn abandon(&mut self) -> Vec<T> {
        self.inflight.abort_all();
        while let Some(done) = self.inflight.join_next_with_id().await {
            match done {
                Ok(done) => self.settle(Ok(done)),
                Err(error) => {
                    if let Some(batch) = self.batches.remove(&error.id()) {
                        let ops = Arc::try_unwrap(batch.ops)
                            .unwrap_or_else(|shared| shared.as_ref().clone());
                        batch.span.record("outcome", "abandoned");
                        self.waiting.push(Waiting {
                            ready_at: Instant::now(),
                            items: ops.into_iter().zip(batch.metas).collect(),
                            alone: false,
                        });
                    }
                }
            }
        }
        let mut undelivered = Vec::new();
        let mut bytes = 0;
        for waiting in std::mem::take(&mut self.waiting) {
            for (op, meta) in waiting.items {
                bytes += meta.bytes;
                undelivered.push((meta.seq, op));
            }
        }
        for (op, meta) in self.turns.drain() {
            bytes += meta.bytes;
            undelivered.push((meta.seq, op));
        }
        for entry in self.shared.queue.drain() {
            bytes += entry.bytes;
            undelivered.push((entry.seq, entry.op));
        }
        undelivered.sort_by_key(|(seq, _)| *seq);
        self.held.clear();
        let count = undelivered.len();
        self.shared.counters.add(Counter::Failed, count as u64);
        self.shared.queue.release(count, bytes);
        if count > 0 {
            tracing::error!(
                count,
                "shutdown deadline passed with operations undelivered"
            );
        }
        undelivered.into_iter().map(|(_, op)| op).collect()
    }
}
