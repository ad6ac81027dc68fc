//! One batch of claimed rows: read, paced, sent, and settled in the database.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tracing::Instrument;

use super::super::stats::{Counter, Counters};
use super::super::store::{millis, Row, Store};
use super::config::{RelayConfig, CAMPAIGN_WINDOW};
use crate::client::{Operation, BATCH_OVERHEAD};
use crate::pipeline::sink::{ItemError, SendOutcome, Sink};

/// What every batch task of one relay shares.
pub(crate) struct Context<S> {
    pub(crate) store: Store,
    pub(crate) sink: S,
    pub(crate) config: RelayConfig,
    pub(crate) counters: Arc<Counters>,
}

/// A claimed row, read back into an operation.
struct Item {
    seq: i64,
    created_at: i64,
    attempts: i64,
    op: Operation,
}

/// What to do with rows after an attempt.
#[derive(Default)]
struct Settlement {
    delivered: Vec<(i64, i64)>,
    retry: Vec<(i64, i64)>,
    retry_after: Option<Duration>,
    retry_error: String,
    dead: Vec<(i64, String)>,
}

/// Splits claimed rows into `/batch` bodies of at most `max_bytes`.
pub(crate) fn batches(rows: Vec<Row>, max_bytes: usize) -> Vec<Vec<Row>> {
    let mut out = Vec::new();
    let mut current: Vec<Row> = Vec::new();
    let mut size = BATCH_OVERHEAD;
    for row in rows {
        let cost = row.body.len() + 1;
        if !current.is_empty() && size + cost > max_bytes {
            out.push(std::mem::take(&mut current));
            size = BATCH_OVERHEAD;
        }
        size += cost;
        current.push(row);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

impl<S: Sink<Operation>> Context<S> {
    /// Sends one batch of rows and records the outcome of each.
    pub(crate) async fn deliver(self: Arc<Self>, rows: Vec<Row>) {
        let bytes: usize =
            rows.iter().map(|row| row.body.len() + 1).sum::<usize>() + BATCH_OVERHEAD;
        let span = tracing::info_span!(
            "cio.outbox.send",
            count = rows.len(),
            bytes,
            delivered = tracing::field::Empty,
            retried = tracing::field::Empty,
            dead_lettered = tracing::field::Empty,
        );
        self.deliver_in(rows, &span).instrument(span.clone()).await;
    }

    async fn deliver_in(&self, rows: Vec<Row>, span: &tracing::Span) {
        let mut settlement = Settlement::default();
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            match read(&row) {
                Ok(op) => items.push(Item {
                    seq: row.seq,
                    created_at: row.created_at,
                    attempts: row.attempts,
                    op,
                }),
                Err(why) => {
                    tracing::error!(seq = row.seq, %why, "unreadable outbox row moved to the dead letters");
                    settlement
                        .dead
                        .push((row.seq, format!("unreadable row: {why}")));
                }
            }
        }
        // Halves of a batch refused as a whole are sent alone, to isolate the cause.
        let mut pending = vec![items];
        while let Some(group) = pending.pop() {
            if group.is_empty() {
                continue;
            }
            self.pace().await;
            let ops: Vec<Operation> = group.iter().map(|item| item.op.clone()).collect();
            self.counters.add(Counter::Requests, 1);
            let outcome = self.sink.send(&ops).await;
            if let Some(halves) = self.settle(group, outcome, &mut settlement) {
                pending.extend(halves);
            }
        }
        span.record("delivered", settlement.delivered.len());
        span.record("retried", settlement.retry.len());
        span.record("dead_lettered", settlement.dead.len());
        self.record(settlement).await;
    }

    /// Waits for this request's slot of the rate shared by every relay.
    async fn pace(&self) {
        let Some(rate) = self.config.requests_per_second else {
            return;
        };
        let interval = Duration::from_secs(1) / rate.max(1);
        for attempt in 0..5u32 {
            match self.store.rate_slot(interval, self.config.burst).await {
                Ok(wait) => {
                    if !wait.is_zero() {
                        tokio::time::sleep(wait).await;
                    }
                    return;
                }
                Err(error) => {
                    self.counters.add(Counter::DatabaseErrors, 1);
                    tracing::warn!(%error, "cannot reserve a request slot; trying again");
                    tokio::time::sleep(interval * (attempt + 1)).await;
                }
            }
        }
        // The database is unreachable: pace this relay alone rather than stall.
        tokio::time::sleep(interval).await;
    }

    /// Sorts the group's rows by outcome; returns halves to send alone, if any.
    fn settle(
        &self,
        group: Vec<Item>,
        outcome: SendOutcome,
        out: &mut Settlement,
    ) -> Option<[Vec<Item>; 2]> {
        match outcome {
            SendOutcome::Accepted => {
                out.delivered
                    .extend(group.iter().map(|item| (item.seq, item.created_at)));
            }
            SendOutcome::Partial { errors, ambiguity } => {
                let mut by_index: Vec<Option<ItemError>> = vec![None; group.len()];
                for error in errors {
                    if let Some(slot) = by_index.get_mut(error.index) {
                        *slot = Some(error);
                    }
                }
                for (item, error) in group.into_iter().zip(by_index) {
                    match error {
                        Some(error) if !error.transient => {
                            let field = error.field.as_deref().unwrap_or("");
                            let reason = format!("{} {field}: {}", error.reason, error.message);
                            tracing::warn!(seq = item.seq, %reason, "operation refused as invalid; moved to the dead letters");
                            out.dead.push((item.seq, reason));
                        }
                        Some(error) => {
                            self.retry(out, &item, format!("{}: {}", error.reason, error.message))
                        }
                        None if ambiguity.is_some() => {
                            let why = ambiguity.clone().unwrap_or_default();
                            self.retry(out, &item, why);
                        }
                        None => out.delivered.push((item.seq, item.created_at)),
                    }
                }
            }
            SendOutcome::Transient { retry_after, error } => {
                tracing::warn!(%error, count = group.len(), "batch failed; retrying later");
                out.retry_after = out.retry_after.max(retry_after);
                for item in &group {
                    self.retry(out, item, error.clone());
                }
            }
            SendOutcome::Rejected {
                error,
                item_specific: true,
            } if group.len() > 1 => {
                tracing::warn!(%error, "batch refused; sending its halves alone to isolate the cause");
                let mut first = group;
                let second = first.split_off(first.len() / 2);
                return Some([first, second]);
            }
            SendOutcome::Rejected {
                error,
                item_specific: true,
            } => {
                for item in group {
                    tracing::warn!(seq = item.seq, %error, "operation refused; moved to the dead letters");
                    out.dead.push((item.seq, error.clone()));
                }
            }
            SendOutcome::Rejected { error, .. } => {
                // Refused for a reason that affects every request (credentials, region):
                // the rows wait until it is fixed.
                tracing::error!(%error, count = group.len(), "batch refused; retrying later");
                for item in &group {
                    self.retry(out, item, error.clone());
                }
            }
        }
        None
    }

    /// Schedules a row again, or dead-letters it once out of retries.
    fn retry(&self, out: &mut Settlement, item: &Item, error: String) {
        let retries = u32::try_from(item.attempts).unwrap_or(u32::MAX);
        if retries > self.config.retry.get_max_retries() {
            out.dead.push((
                item.seq,
                format!("gave up after {} attempts: {error}", item.attempts),
            ));
        } else {
            out.retry.push((item.seq, item.attempts));
            out.retry_error = error;
        }
    }

    /// Writes the outcome of every row; a statement that keeps failing leaves its rows
    /// leased, to be sent again (with the same ids) once the lease ends.
    async fn record(&self, settlement: Settlement) {
        let Settlement {
            delivered,
            retry,
            retry_after,
            retry_error,
            dead,
        } = settlement;
        if !delivered.is_empty() {
            let seqs: Vec<i64> = delivered.iter().map(|(seq, _)| *seq).collect();
            if self.persist(|| self.store.delivered(&seqs)).await {
                self.counters.add(Counter::Delivered, seqs.len() as u64);
                let stale_before = now_ms().saturating_sub(millis(CAMPAIGN_WINDOW));
                let stale = delivered
                    .iter()
                    .filter(|(_, at)| *at < stale_before)
                    .count();
                if stale > 0 {
                    self.counters.add(Counter::Stale, stale as u64);
                    tracing::warn!(
                        count = stale,
                        "delivered events written more than 72 hours ago: Customer.io starts no campaign for them"
                    );
                }
            }
        }
        if !retry.is_empty() {
            let attempts = retry.iter().map(|(_, a)| *a).max().unwrap_or(1);
            let delay = self.delay(attempts, retry_after);
            let seqs: Vec<i64> = retry.iter().map(|(seq, _)| *seq).collect();
            if self
                .persist(|| self.store.retry_later(&seqs, delay, &retry_error))
                .await
            {
                self.counters.add(Counter::Retried, seqs.len() as u64);
            }
        }
        if !dead.is_empty() && self.persist(|| self.store.dead_letter(&dead)).await {
            self.counters.add(Counter::DeadLettered, dead.len() as u64);
        }
    }

    /// The wait before a row's next attempt, after `attempts` of them.
    fn delay(&self, attempts: i64, retry_after: Option<Duration>) -> Duration {
        let attempts = u32::try_from(attempts).unwrap_or(u32::MAX);
        self.config.retry.delay_after(attempts, retry_after)
    }

    /// Runs a statement, trying again a few times; `false` if it kept failing.
    async fn persist<F, Fut>(&self, statement: F) -> bool
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<(), super::super::OutboxError>>,
    {
        let mut wait = Duration::from_millis(50);
        for attempt in 1..=6 {
            match statement().await {
                Ok(()) => return true,
                Err(error) => {
                    self.counters.add(Counter::DatabaseErrors, 1);
                    tracing::warn!(%error, attempt, "outbox statement failed");
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(2));
                }
            }
        }
        tracing::error!(
            "outbox statement kept failing: its rows are sent again when their lease ends"
        );
        false
    }
}

/// A row's operation, checked enough to be sent in a batch.
fn read(row: &Row) -> Result<Operation, String> {
    let kind = super::super::kind_from_name(&row.kind)
        .ok_or_else(|| format!("unknown operation kind `{}`", row.kind))?;
    let event_id = match &row.event_id {
        Some(id) => Some(
            id.parse()
                .map_err(|_| format!("`{id}` is not an event id (ULID)"))?,
        ),
        None => None,
    };
    serde_json::from_slice::<serde::de::IgnoredAny>(&row.body)
        .map_err(|error| format!("the operation is not JSON: {error}"))?;
    Operation::from_stored(row.body.clone(), event_id, kind).map_err(|error| error.to_string())
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, millis)
}
