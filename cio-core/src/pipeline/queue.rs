//! The bounded queue between the handles and the worker.
//!
//! The bound covers everything the pipeline holds, not only what waits in the queue:
//! permits are taken when an operation is pushed and given back only when the worker
//! is done with it (delivered or failed). Two semaphores count operations and bytes;
//! their FIFO fairness makes waiting producers (`FullQueue::Wait`) take turns.

use std::collections::VecDeque;
use std::sync::Mutex;

use tokio::sync::{Notify, Semaphore, TryAcquireError};

use super::lock;
use super::stats::Occupancy;

/// An operation waiting in the queue with its sequence number.
#[derive(Debug)]
pub(crate) struct Entry<T> {
    pub(crate) seq: u64,
    pub(crate) bytes: usize,
    pub(crate) op: T,
}

/// Why a push failed; the operation is given back.
#[derive(Debug)]
pub(crate) enum PushError<T> {
    /// No room and the caller does not wait.
    Full(T),
    /// The pipeline is shut down.
    Closed(T),
}

/// Semaphore permits for `bytes` (at most the byte bound, itself far below `u32::MAX`).
fn permits(bytes: usize) -> u32 {
    u32::try_from(bytes).unwrap_or(u32::MAX)
}

#[derive(Debug)]
struct Inner<T> {
    items: VecDeque<Entry<T>>,
    queued_bytes: usize,
    next_seq: u64,
    popped_upto: u64,
    held_events: usize,
    held_bytes: usize,
    max_held_events: usize,
    max_held_bytes: usize,
    closed: bool,
}

/// A bounded multi-producer, single-consumer queue of operations.
#[derive(Debug)]
pub(crate) struct Queue<T> {
    inner: Mutex<Inner<T>>,
    events: Semaphore,
    bytes: Semaphore,
    max_events: usize,
    max_bytes: usize,
    batch_bytes: usize,
    /// Wakes the worker: a batch is ready, a flush is asked for, or the queue closed.
    pub(crate) wake: Notify,
}

impl<T> Queue<T> {
    /// A queue holding at most `max_events` operations and `max_bytes` bytes; pushes wake
    /// the worker once `batch_bytes` are queued.
    pub(crate) fn new(max_events: usize, max_bytes: usize, batch_bytes: usize) -> Self {
        let max_events = max_events.clamp(1, Semaphore::MAX_PERMITS);
        let max_bytes = max_bytes.clamp(1, u32::MAX as usize);
        // Room for the whole bound at once (up to a million), so that a full queue is
        // never reached by doubling: the copy would hold the old and the new buffer
        // together. Pages are only resident once written.
        let room = max_events.min(1 << 20);
        Queue {
            inner: Mutex::new(Inner {
                items: VecDeque::with_capacity(room),
                queued_bytes: 0,
                next_seq: 0,
                popped_upto: 0,
                held_events: 0,
                held_bytes: 0,
                max_held_events: 0,
                max_held_bytes: 0,
                closed: false,
            }),
            events: Semaphore::new(max_events),
            bytes: Semaphore::new(max_bytes),
            max_events,
            max_bytes,
            batch_bytes,
            wake: Notify::new(),
        }
    }

    /// Pushes `op` of `bytes` serialized bytes, waiting for room, and returns its
    /// sequence number. Sizes are counted as at least 1 and at most the byte bound;
    /// `release` must be given the same (clamped) size, which `Entry::bytes` holds.
    pub(crate) async fn push(&self, op: T, bytes: usize) -> Result<u64, PushError<T>> {
        let bytes = self.clamp(bytes);
        let Ok(event) = self.events.acquire().await else {
            return Err(PushError::Closed(op));
        };
        let Ok(room) = self.bytes.acquire_many(permits(bytes)).await else {
            return Err(PushError::Closed(op));
        };
        event.forget();
        room.forget();
        self.insert(op, bytes)
    }

    /// Pushes `op` if there is room now; never waits.
    pub(crate) fn try_push(&self, op: T, bytes: usize) -> Result<u64, PushError<T>> {
        let bytes = self.clamp(bytes);
        let event = match self.events.try_acquire() {
            Ok(permit) => permit,
            Err(TryAcquireError::NoPermits) => return Err(PushError::Full(op)),
            Err(TryAcquireError::Closed) => return Err(PushError::Closed(op)),
        };
        let room = match self.bytes.try_acquire_many(permits(bytes)) {
            Ok(permit) => permit,
            Err(TryAcquireError::NoPermits) => return Err(PushError::Full(op)),
            Err(TryAcquireError::Closed) => return Err(PushError::Closed(op)),
        };
        event.forget();
        room.forget();
        self.insert(op, bytes)
    }

    fn clamp(&self, bytes: usize) -> usize {
        bytes.clamp(1, self.max_bytes)
    }

    /// Queues `op` once its permits are taken.
    fn insert(&self, op: T, bytes: usize) -> Result<u64, PushError<T>> {
        let (seq, ready) = {
            let mut inner = lock(&self.inner);
            if inner.closed {
                drop(inner);
                self.give_back_permits(1, bytes);
                return Err(PushError::Closed(op));
            }
            let seq = inner.next_seq;
            inner.next_seq += 1;
            inner.queued_bytes += bytes;
            inner.held_events += 1;
            inner.held_bytes += bytes;
            inner.max_held_events = inner.max_held_events.max(inner.held_events);
            inner.max_held_bytes = inner.max_held_bytes.max(inner.held_bytes);
            inner.items.push_back(Entry { seq, bytes, op });
            (seq, self.is_ready(&inner))
        };
        if ready {
            self.wake.notify_one();
        }
        Ok(seq)
    }

    /// Whether the worker should send without waiting for the flush interval: a full
    /// batch is queued, or the pipeline is (nearly) full so producers would wait.
    fn is_ready(&self, inner: &Inner<T>) -> bool {
        inner.queued_bytes >= self.batch_bytes
            || inner.held_events >= self.max_events
            || inner.held_bytes + super::config::MAX_OPERATION_BYTES > self.max_bytes
    }

    /// Pops the front operations that fit in `budget` bytes (each costs its size plus
    /// a comma) into `out`, if a batch is due: when `force`, when a full batch is
    /// queued or the pipeline is full, or when the front's sequence number is below
    /// `drain_target` (a flush, a tick of the flush interval or a shutdown asked for it).
    pub(crate) fn pop_batch(
        &self,
        out: &mut Vec<Entry<T>>,
        mut budget: usize,
        force: bool,
        drain_target: u64,
    ) {
        let mut inner = lock(&self.inner);
        let Some(front) = inner.items.front() else {
            return;
        };
        if !(force || front.seq < drain_target || self.is_ready(&inner)) {
            return;
        }
        while let Some(front) = inner.items.front() {
            let cost = crate::delivery::BatchSize::cost(front.bytes);
            if cost > budget {
                break;
            }
            budget -= cost;
            if let Some(entry) = inner.items.pop_front() {
                inner.queued_bytes -= entry.bytes;
                inner.popped_upto = entry.seq + 1;
                out.push(entry);
            }
        }
        if inner.items.is_empty() {
            inner.popped_upto = inner.next_seq;
        }
    }

    /// Takes everything still queued.
    pub(crate) fn drain(&self) -> Vec<Entry<T>> {
        let mut inner = lock(&self.inner);
        inner.queued_bytes = 0;
        inner.popped_upto = inner.next_seq;
        inner.items.drain(..).collect()
    }

    /// Gives back the room of operations the worker is done with.
    pub(crate) fn release(&self, events: usize, bytes: usize) {
        {
            let mut inner = lock(&self.inner);
            inner.held_events -= events.min(inner.held_events);
            inner.held_bytes -= bytes.min(inner.held_bytes);
        }
        self.give_back_permits(events, bytes);
    }

    fn give_back_permits(&self, events: usize, bytes: usize) {
        self.events.add_permits(events);
        self.bytes.add_permits(bytes);
    }

    /// Refuses every further push (waiting ones fail too) and wakes the worker.
    pub(crate) fn close(&self) {
        lock(&self.inner).closed = true;
        self.events.close();
        self.bytes.close();
        self.wake.notify_one();
    }

    /// Whether the queue is closed.
    pub(crate) fn is_closed(&self) -> bool {
        lock(&self.inner).closed
    }

    /// Whether the queue is closed and empty.
    pub(crate) fn is_closed_and_empty(&self) -> bool {
        let inner = lock(&self.inner);
        inner.closed && inner.items.is_empty()
    }

    /// The sequence number the next push gets: everything pushed so far is below it.
    pub(crate) fn next_seq(&self) -> u64 {
        lock(&self.inner).next_seq
    }

    /// Every operation below this sequence number has left the queue.
    pub(crate) fn popped_upto(&self) -> u64 {
        lock(&self.inner).popped_upto
    }

    /// What the pipeline holds now and the most it held.
    pub(crate) fn occupancy(&self) -> Occupancy {
        let inner = lock(&self.inner);
        Occupancy {
            events: inner.held_events as u64,
            bytes: inner.held_bytes as u64,
            max_events: inner.max_held_events as u64,
            max_bytes: inner.max_held_bytes as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reject_fails_when_full_by_count_or_bytes() {
        let queue = Queue::new(2, 100, 1000);
        assert_eq!(queue.try_push("a", 10).ok(), Some(0));
        assert_eq!(queue.try_push("b", 10).ok(), Some(1));
        assert!(matches!(queue.try_push("c", 10), Err(PushError::Full("c"))));

        let queue = Queue::new(10, 100, 1000);
        assert_eq!(queue.try_push("a", 60).ok(), Some(0));
        assert!(matches!(queue.try_push("b", 60), Err(PushError::Full("b"))));
        assert_eq!(queue.try_push("c", 40).ok(), Some(1));
    }

    #[tokio::test]
    async fn room_comes_back_only_when_released() {
        let queue = Queue::new(1, 100, 1000);
        assert!(queue.try_push("a", 10).is_ok());
        let mut out = Vec::new();
        queue.pop_batch(&mut out, 1000, true, 0);
        assert_eq!(out.len(), 1);
        assert!(matches!(queue.try_push("b", 10), Err(PushError::Full("b"))));
        queue.release(1, 10);
        assert_eq!(queue.try_push("b", 10).ok(), Some(1));
        let occupancy = queue.occupancy();
        assert_eq!((occupancy.events, occupancy.max_events), (1, 1));
    }

    #[tokio::test]
    async fn a_waiting_push_proceeds_after_release_and_fails_after_close() {
        let queue = std::sync::Arc::new(Queue::new(1, 100, 1000));
        assert!(queue.push(1, 10).await.is_ok());
        let waiting = tokio::spawn({
            let queue = queue.clone();
            async move { queue.push(2, 10).await.ok() }
        });
        tokio::task::yield_now().await;
        queue.release(1, 10);
        assert_eq!(waiting.await.ok().flatten(), Some(1));

        let blocked = tokio::spawn({
            let queue = queue.clone();
            async move { matches!(queue.push(3, 10).await, Err(PushError::Closed(3))) }
        });
        tokio::task::yield_now().await;
        queue.close();
        assert_eq!(blocked.await.ok(), Some(true));
    }

    #[tokio::test]
    async fn pop_batch_waits_for_a_due_batch_and_respects_the_budget() {
        let queue = Queue::new(10, 100_000, 1000);
        for n in 0..4 {
            assert!(queue.try_push(n, 10).is_ok());
        }
        let mut out = Vec::new();
        queue.pop_batch(&mut out, 1000, false, 0);
        assert!(out.is_empty(), "not full, not due");
        queue.pop_batch(&mut out, 22, false, 1);
        assert_eq!(out.iter().map(|e| e.op).collect::<Vec<_>>(), vec![0, 1]);
        assert_eq!(queue.popped_upto(), 2);
        assert_eq!(queue.drain().len(), 2);
        assert_eq!(queue.popped_upto(), 4);
    }
}
