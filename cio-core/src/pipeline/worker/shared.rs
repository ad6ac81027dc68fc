//! [`Shared`]: the state the pipeline's handles and its worker share.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::watch;
use tokio::time::Instant;

use crate::delivery::lock;
use crate::pipeline::config::PipelineConfig;
use crate::pipeline::failure::FailureStore;
use crate::pipeline::queue::Queue;
use crate::pipeline::stats::{Counters, PipelineStats};

/// State shared by the handles and the worker.
#[derive(Debug)]
pub(crate) struct Shared<T> {
    pub(crate) queue: Queue<T>,
    pub(crate) counters: Counters,
    pub(crate) failures: FailureStore<T>,
    /// A flush asked for everything below this sequence number.
    pub(super) flush_target: AtomicU64,
    /// Everything below this sequence number is delivered or failed.
    pub(super) done_below: watch::Sender<u64>,
    /// Set by shutdown: when the worker must stop, done or not.
    pub(super) deadline: Mutex<Option<Instant>>,
}

impl<T> Shared<T> {
    pub(crate) fn new(config: &PipelineConfig) -> Self {
        Shared {
            queue: Queue::new(
                config.max_queued_events,
                config.max_queued_bytes,
                config.delivery.max_batch_bytes,
            ),
            counters: Counters::default(),
            failures: FailureStore::new(config.max_retained_failures),
            flush_target: AtomicU64::new(0),
            done_below: watch::Sender::new(0),
            deadline: Mutex::new(None),
        }
    }

    /// Asks the worker to send everything queued so far and waits until it is
    /// delivered or failed (or the worker has stopped).
    pub(crate) async fn flush(&self) {
        let target = self.queue.next_seq();
        let mut done = self.done_below.subscribe();
        if *done.borrow() >= target {
            return;
        }
        self.flush_target.fetch_max(target, Ordering::SeqCst);
        self.queue.wake.notify_one();
        // An error means the worker is gone, which settles everything.
        let _ = done.wait_for(|below| *below >= target).await;
    }

    /// Tells the worker to stop taking operations and to finish by `deadline`.
    pub(crate) fn begin_shutdown(&self, deadline: Instant) {
        {
            let mut slot = lock(&self.deadline);
            *slot = Some(slot.map_or(deadline, |earlier| earlier.min(deadline)));
        }
        self.queue.close();
    }

    /// The counters now.
    pub(crate) fn stats(&self) -> PipelineStats {
        self.counters.snapshot(self.queue.occupancy())
    }
}

/// Marks everything settled when the worker ends, however it ends, so that no
/// `flush` waits forever.
pub(super) struct SettleOnExit<T>(pub(super) Arc<Shared<T>>);

impl<T> Drop for SettleOnExit<T> {
    fn drop(&mut self) {
        self.0.done_below.send_replace(u64::MAX);
    }
}
