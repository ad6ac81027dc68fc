//! [`Relay`]: claims outbox rows, sends them, marks them delivered.

mod config;
mod cursor;
mod deliver;
#[cfg(all(test, feature = "sqlite"))]
mod tests;
mod wake;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Instant;
use tracing::Instrument;

pub use config::{RelayConfig, CAMPAIGN_WINDOW};

use super::stats::{Counter, Counters, OutboxStats, RelayStats};
use super::{Outbox, OutboxError};
use crate::client::{Destination, Operation};
use crate::delivery::sink::Sink;
use crate::delivery::{later, lock};
use cursor::ScanCursor;
use deliver::Context;
use wake::Wake;

/// Delivers an [`Outbox`]'s rows: a task in the app, or the `cio-relay` command.
///
/// Any number of relays may serve one outbox (in one process or many, on one
/// PostgreSQL): each claims due rows under a lease, so every row is sent by one relay
/// at a time, and a relay that dies leaves its rows to the others once the lease ends.
/// A row is marked delivered only after Customer.io accepted it; it is sent again
/// (with the same event id) after any failure, crash or lost answer.
///
/// **Order per person.** Only each person's oldest undelivered row can be claimed
/// (a merge waits for, and holds, both people): a person's operations reach
/// Customer.io one at a time, in the order the app committed them, whatever fails in
/// between and however many relays there are; an identify retried after a 503 never
/// lands after a later delete. Different people go in parallel. The cost: one
/// person's rows are sent one request after another.
///
/// **Leases.** A relay never starts a request in the last quarter of its lease,
/// renews the lease while rows are being sent, and every statement that settles rows
/// names the claim: a relay that lost its rows (paused past its lease) changes
/// nothing. `max_in_flight` bounds this relay's requests: each claim is sent one
/// request at a time.
///
/// **Claims.** While it drains a backlog, a relay's claim starts after the last row
/// of its previous one instead of walking again past the rows it has in flight; a
/// claim that comes back short, and the poll interval, bring a claim that looks at
/// every row, so a row that became due behind (a retry, the rows of a relay whose
/// lease ran out) waits at most one poll interval longer.
#[derive(Debug)]
pub struct Relay {
    outbox: Outbox,
    counters: Arc<Counters>,
    stop: watch::Sender<bool>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Relay {
    /// Starts a relay delivering `outbox`'s rows to `destination` (a
    /// [`TrackClient`](crate::client::TrackClient) or a [`PipelinesClient`](crate::client::PipelinesClient), or a
    /// [`Destination`]). Rows hold operations, not requests: rows written while the
    /// app delivered to one API are delivered as they are by a relay started with the
    /// other.
    ///
    /// Must be called from within a Tokio runtime (it spawns the relay's task).
    pub fn start(
        outbox: Outbox,
        destination: impl Into<Destination>,
        config: RelayConfig,
    ) -> Relay {
        Relay::with_sink(outbox, destination.into(), config)
    }

    /// Starts a relay over any sink (the client, or a fake in unit tests).
    pub(crate) fn with_sink<S: Sink<Operation>>(
        outbox: Outbox,
        sink: S,
        config: RelayConfig,
    ) -> Relay {
        let counters = Arc::new(Counters::default());
        let (stop, stopped) = watch::channel(false);
        let context = Arc::new(Context {
            store: outbox.store().clone(),
            sink,
            config,
            counters: counters.clone(),
        });
        let task = tokio::spawn(run(context, stopped));
        Relay {
            outbox,
            counters,
            stop,
            task: Mutex::new(Some(task)),
        }
    }

    /// What this relay did so far.
    pub fn stats(&self) -> RelayStats {
        self.counters.snapshot()
    }

    /// Counts over the whole outbox (every relay's rows).
    pub async fn outbox_stats(&self) -> Result<OutboxStats, OutboxError> {
        self.outbox.stats().await
    }

    /// Stops claiming, waits for the batches in flight to be settled, and returns the
    /// final counts. Rows not delivered stay in the outbox for the next relay.
    pub async fn shutdown(&self) -> RelayStats {
        self.stop.send_replace(true);
        let task = lock(&self.task).take();
        if let Some(task) = task {
            if let Err(error) = task.await {
                tracing::error!(%error, "the outbox relay's task ended abnormally");
            }
        }
        self.stats()
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop.send_replace(true);
    }
}

/// The relay's loop: claim while there is room, wait for a batch to end, for rows
/// to be announced, or for the poll interval.
async fn run<S: Sink<Operation>>(context: Arc<Context<S>>, mut stopped: watch::Receiver<bool>) {
    let owner = ulid::Ulid::new().to_string();
    let config = context.config.clone();
    let mut wake = Wake::new(&context.store);
    let mut tasks = JoinSet::new();
    let mut next_prune = Instant::now();
    let mut db_wait = Duration::ZERO;
    let mut claims: u64 = 0;
    let mut cursor = ScanCursor::new(config.poll_interval);
    tracing::info!(relay = %owner, "outbox relay started");
    loop {
        if *stopped.borrow() {
            break;
        }
        if Instant::now() >= next_prune {
            prune(&context).await;
            next_prune = later(Instant::now(), config.prune_interval);
        }
        let mut idle = false;
        while tasks.len() < config.delivery.max_in_flight {
            claims += 1;
            // The claim's token fences every statement that settles its rows.
            let token = format!("{owner}:{claims}");
            let span = tracing::debug_span!("cio.outbox.claim", rows = tracing::field::Empty);
            let claimed_at = Instant::now();
            let after = cursor.start();
            let claimed = context
                .store
                .claim(&token, config.lease, config.claim_limit, after)
                .instrument(span.clone())
                .await;
            match claimed {
                Ok(rows) => {
                    db_wait = Duration::ZERO;
                    let full = rows.len() >= config.claim_limit;
                    cursor.claimed(full, rows.last().map(|row| row.seq));
                    if !rows.is_empty() {
                        span.record("rows", rows.len());
                        context.counters.add(Counter::Claimed, rows.len() as u64);
                        tasks.spawn(context.clone().deliver(token, claimed_at, rows));
                    }
                    // A short claim that started after the cursor looked at part of
                    // the rows only: the next claim, at once, looks at all of them.
                    if !full && after == 0 {
                        idle = true;
                        break;
                    }
                }
                Err(error) => {
                    cursor.reset();
                    context.counters.add(Counter::DatabaseErrors, 1);
                    db_wait =
                        (db_wait * 2).clamp(Duration::from_millis(50), Duration::from_secs(5));
                    tracing::warn!(%error, retry_in_ms = db_wait.as_millis() as u64, "cannot claim outbox rows");
                    idle = true;
                    break;
                }
            }
        }
        let wait = if db_wait.is_zero() {
            config.poll_interval
        } else {
            db_wait
        };
        tokio::select! {
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            () = wake.wait(&context.store, wait), if idle => {}
            _ = stopped.changed() => {}
        }
    }
    while tasks.join_next().await.is_some() {}
    tracing::info!(relay = %owner, "outbox relay stopped");
}

async fn prune<S>(context: &Context<S>) {
    match context.store.prune(context.config.retention).await {
        Ok(0) => {}
        Ok(pruned) => tracing::debug!(pruned, "delivered outbox rows pruned"),
        Err(error) => {
            context.counters.add(Counter::DatabaseErrors, 1);
            tracing::warn!(%error, "cannot prune delivered outbox rows");
        }
    }
}
