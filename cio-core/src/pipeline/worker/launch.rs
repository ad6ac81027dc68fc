//! Building batches (due retries first, then the queue, within the size limit) and
//! starting each in a task of its own, paced by the rate limit.

use std::sync::Arc;

use tokio::time::Instant;
use tracing::Instrument;

use super::{InFlight, Meta, Worker};
use crate::client::BATCH_OVERHEAD;
use crate::delivery::sink::{Payload, Sink};
use crate::delivery::BatchSize;
use crate::pipeline::queue::Entry;
use crate::pipeline::stats::Counter;

impl<T: Payload, S: Sink<T>> Worker<T, S> {
    /// Starts as many batches as allowed and ready.
    pub(super) fn launch(&mut self, now: Instant) {
        if self.paused_until.is_some_and(|until| now < until) {
            return;
        }
        self.paused_until = None;
        while self.inflight.len() < self.max_in_flight {
            let mut ops = Vec::new();
            let mut metas = Vec::new();
            let mut budget = self.size.room();
            self.take_ready_retries(now, &mut ops, &mut metas, &mut budget);
            let retries = ops.len();
            while let Some((op, meta)) = self.turns.take_ready(budget) {
                budget -= BatchSize::cost(meta.bytes);
                ops.push(op);
                metas.push(meta);
            }
            let mut entries: Vec<Entry<T>> = Vec::new();
            self.shared.queue.pop_batch(
                &mut entries,
                budget,
                !ops.is_empty() || self.drain_target == u64::MAX,
                self.drain_target,
            );
            let popped = entries.len();
            for entry in entries {
                self.held.insert(entry.seq);
                let meta = Meta {
                    seq: entry.seq,
                    bytes: entry.bytes,
                    attempts: 0,
                };
                // One operation per person at a time: the others wait their turn.
                if let Some((op, meta)) = self.turns.admit(entry.op, meta) {
                    ops.push(op);
                    metas.push(meta);
                }
            }
            if ops.is_empty() {
                if popped == 0 {
                    return;
                }
                continue;
            }
            self.start(ops, metas, retries);
        }
    }

    /// Moves retries that are due into the batch being built, while they fit.
    pub(super) fn take_ready_retries(
        &mut self,
        now: Instant,
        ops: &mut Vec<T>,
        metas: &mut Vec<Meta>,
        budget: &mut usize,
    ) {
        let mut index = 0;
        while index < self.waiting.len() {
            if self.waiting[index].ready_at > now {
                index += 1;
                continue;
            }
            if self.waiting[index].alone {
                if !ops.is_empty() {
                    index += 1;
                    continue;
                }
                let group = self.waiting.swap_remove(index);
                for (op, meta) in group.items.into_iter().rev() {
                    ops.push(op);
                    metas.push(meta);
                }
                *budget = 0;
                return;
            }
            let group = &mut self.waiting[index].items;
            while let Some((_, meta)) = group.last() {
                let cost = BatchSize::cost(meta.bytes);
                if cost > *budget {
                    return;
                }
                *budget -= cost;
                if let Some((op, meta)) = group.pop() {
                    ops.push(op);
                    metas.push(meta);
                }
            }
            self.waiting.swap_remove(index);
        }
    }

    /// Sends one batch in its own task.
    pub(super) fn start(&mut self, ops: Vec<T>, metas: Vec<Meta>, retries: usize) {
        let bytes = BATCH_OVERHEAD
            + metas
                .iter()
                .map(|meta| BatchSize::cost(meta.bytes))
                .sum::<usize>()
            - 1;
        let span = tracing::info_span!(
            "cio.pipeline.batch",
            count = ops.len(),
            bytes,
            retries,
            outcome = tracing::field::Empty,
        );
        let ops = Arc::new(ops);
        let sink = self.sink.clone();
        let limiter = self.limiter.clone();
        let sent = ops.clone();
        let task = async move {
            if let Some(limiter) = limiter {
                limiter.acquire().await;
            }
            sink.send(&sent).await
        };
        let handle = self.inflight.spawn(task.instrument(span.clone()));
        self.shared.counters.add(Counter::Requests, 1);
        self.batches
            .insert(handle.id(), InFlight { ops, metas, span });
    }
}
