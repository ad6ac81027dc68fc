//! One claim of rows: read, split into batches sent one after the other (paced,
//! under a lease kept alive while they are sent), each settled in the database.
//!
//! Every statement that settles rows names the claim's token, so a relay that lost its
//! lease changes nothing; and no request starts once the lease is about to run out.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;
use tracing::Instrument;

use super::super::stats::{Counter, Counters};
use super::super::store::{millis, Row, Store};
use super::config::{RelayConfig, CAMPAIGN_WINDOW};
use crate::client::Operation;
use crate::delivery::decide::{decide, Decision, Verdict};
use crate::delivery::sink::{SendOutcome, Sink};
use crate::delivery::BatchSize;

/// What every claim task of one relay shares.
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
    /// Rows left leased, for a newer relay (a kind this build does not know).
    later: Vec<i64>,
}

/// A claim as its task holds it: the token that fences its statements, and until
/// when its lease surely holds.
struct Lease {
    token: String,
    /// When the lease was last taken or renewed, by this relay's clock.
    since: Instant,
}

/// Splits claimed rows into batches that fit `size`.
fn batches(items: Vec<Item>, size: BatchSize) -> Vec<Vec<Item>> {
    let mut out = Vec::new();
    let mut current: Vec<Item> = Vec::new();
    let mut room = size.room();
    for item in items {
        let cost = BatchSize::cost(size.wire_len(item.op.len()));
        if !current.is_empty() && cost > room {
            out.push(std::mem::take(&mut current));
            room = size.room();
        }
        room = room.saturating_sub(cost);
        current.push(item);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

impl<S: Sink<Operation>> Context<S> {
    /// Sends the rows of one claim, one request at a time, and settles each.
    pub(crate) async fn deliver(
        self: Arc<Self>,
        token: String,
        claimed_at: Instant,
        rows: Vec<Row>,
    ) {
        let span = tracing::info_span!("cio.outbox.claim", rows = rows.len());
        let lease = Lease {
            token,
            since: claimed_at,
        };
        self.deliver_in(lease, rows).instrument(span).await;
    }

    async fn deliver_in(&self, mut lease: Lease, rows: Vec<Row>) {
        let mut first = Settlement::default();
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let (seq, created_at, attempts) = (row.seq, row.created_at, row.attempts);
            match read(row) {
                Ok(op) => items.push(Item {
                    seq,
                    created_at,
                    attempts,
                    op,
                }),
                Err(Unreadable::UnknownKind(kind)) => {
                    tracing::warn!(seq, %kind, "outbox row of a kind this build does not know; left for a newer relay");
                    self.counters.add(Counter::UnknownKinds, 1);
                    first.later.push(seq);
                }
                Err(Unreadable::Broken(why)) => {
                    tracing::error!(seq, %why, "unreadable outbox row moved to the dead letters");
                    first.dead.push((seq, format!("unreadable row: {why}")));
                }
            }
        }
        self.record(&lease.token, first).await;
        // Halves of a batch refused as a whole are sent alone, to isolate the cause.
        let mut pending: Vec<Vec<Item>> = batches(
            items,
            BatchSize::new(self.config.delivery.max_batch_bytes, self.sink.growth()),
        );
        pending.reverse();
        while let Some(group) = pending.pop() {
            if group.is_empty() {
                continue;
            }
            // Every row the claim still holds: the group about to be sent and the
            // halves waiting their turn, all kept leased while the request lasts.
            let held: Vec<i64> = group
                .iter()
                .chain(pending.iter().flatten())
                .map(|item| item.seq)
                .collect();
            if !self.keep_lease(&mut lease, &held).await {
                self.counters.add(Counter::LeaseLost, held.len() as u64);
                tracing::warn!(
                    rows = held.len(),
                    "outbox lease ran out before these rows were sent; another claim sends them"
                );
                return;
            }
            self.pace().await;
            let ops: Vec<Operation> = group.iter().map(|item| item.op.clone()).collect();
            self.counters.add(Counter::Requests, 1);
            let outcome = self.send_renewing(&mut lease, &ops, &held).await;
            let mut settlement = Settlement::default();
            if let Some(halves) = self.settle(group, outcome, &mut settlement) {
                pending.extend(halves.into_iter().rev());
            }
            self.record(&lease.token, settlement).await;
        }
    }

    /// Whether the rows left may still be sent under this claim: renews the lease
    /// once half of it has passed, and refuses to start a request in its last quarter
    /// (the request could outlive it, and another relay could send the rows too).
    async fn keep_lease(&self, lease: &mut Lease, held: &[i64]) -> bool {
        let length = self.config.lease;
        if lease.since.elapsed() >= length / 2 {
            match self.store.renew(&lease.token, held, length).await {
                Ok(renewed) if renewed.len() == held.len() => lease.since = Instant::now(),
                Ok(_) => return false,
                Err(error) => {
                    self.counters.add(Counter::DatabaseErrors, 1);
                    tracing::warn!(%error, "cannot renew the lease of outbox rows");
                }
            }
        }
        lease.since.elapsed() < length - length / 4
    }

    /// Sends one request, renewing the claim's lease while it is in flight.
    async fn send_renewing(
        &self,
        lease: &mut Lease,
        ops: &[Operation],
        held: &[i64],
    ) -> SendOutcome {
        let send = self.sink.send(ops);
        tokio::pin!(send);
        let every = (self.config.lease / 3).max(Duration::from_millis(1));
        loop {
            let renew_at = lease.since + every;
            tokio::select! {
                outcome = &mut send => return outcome,
                () = tokio::time::sleep_until(renew_at) => {
                    match self.store.renew(&lease.token, held, self.config.lease).await {
                        Ok(_) => lease.since = Instant::now(),
                        Err(error) => {
                            self.counters.add(Counter::DatabaseErrors, 1);
                            tracing::warn!(%error, "cannot renew the lease of outbox rows being sent");
                            // Try again soon; the lease is not known to hold longer.
                            lease.since = Instant::now() - every / 2;
                        }
                    }
                }
            }
        }
    }

    /// Waits for this request's slot of the rate shared by every relay.
    async fn pace(&self) {
        let Some(rate) = self.config.delivery.requests_per_second else {
            return;
        };
        let interval = crate::delivery::rate::interval(rate);
        // A slot far ahead means the stored time jumped (a clock stepped back, a
        // failover to a host behind): never wait longer than a full burst.
        let longest =
            interval.saturating_mul(self.config.delivery.burst.max(1)) + Duration::from_secs(1);
        for attempt in 0..5u32 {
            match self
                .store
                .rate_slot(interval, self.config.delivery.burst)
                .await
            {
                Ok(wait) => {
                    if !wait.is_zero() {
                        tokio::time::sleep(wait.min(longest)).await;
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

    /// Sorts the group's rows by outcome (the decision the pipeline makes too);
    /// returns halves to send alone, if any.
    fn settle(
        &self,
        group: Vec<Item>,
        outcome: SendOutcome,
        out: &mut Settlement,
    ) -> Option<[Vec<Item>; 2]> {
        let attempts: Vec<u32> = group
            .iter()
            .map(|item| u32::try_from(item.attempts).unwrap_or(u32::MAX))
            .collect();
        let decisions = match decide(outcome, &attempts) {
            Verdict::Split => {
                tracing::warn!(
                    count = group.len(),
                    "batch refused; sending its halves alone to isolate the cause"
                );
                let mut first = group;
                let second = first.split_off(first.len() / 2);
                return Some([first, second]);
            }
            Verdict::Each(decisions) => decisions,
        };
        let mut refused = false;
        for (item, decision) in group.into_iter().zip(decisions) {
            match decision {
                Decision::Delivered => out.delivered.push((item.seq, item.created_at)),
                Decision::Retry { error, retry_after } => {
                    out.retry_after = out.retry_after.max(retry_after);
                    self.retry(out, &item, error);
                }
                Decision::Hold { error } => {
                    // Every request is refused (credentials, region): the rows wait
                    // until it is fixed, whatever the retry policy says.
                    if !refused {
                        refused = true;
                        self.counters.add(Counter::Refused, 1);
                        tracing::error!(%error, "batch refused for every request (check the credentials and region); the rows wait");
                    }
                    out.retry.push((item.seq, item.attempts));
                    out.retry_error = error;
                }
                Decision::GiveUp(why) => {
                    tracing::warn!(seq = item.seq, %why, "operation refused; moved to the dead letters");
                    out.dead.push((item.seq, why.to_string()));
                }
            }
        }
        None
    }

    /// Schedules a row again, or dead-letters it once out of retries.
    fn retry(&self, out: &mut Settlement, item: &Item, error: String) {
        let retries = u32::try_from(item.attempts).unwrap_or(u32::MAX);
        if retries > self.config.delivery.retry.get_max_retries() {
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
    async fn record(&self, token: &str, settlement: Settlement) {
        let Settlement {
            delivered,
            retry,
            retry_after,
            retry_error,
            dead,
            later,
        } = settlement;
        if !delivered.is_empty() {
            let seqs: Vec<i64> = delivered.iter().map(|(seq, _)| *seq).collect();
            if let Some(marked) = self.persist(|| self.store.delivered(token, &seqs)).await {
                self.counters.add(Counter::Delivered, marked);
                self.lost(seqs.len(), marked);
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
            let statement = || self.store.retry_later(token, &seqs, delay, &retry_error);
            if let Some(scheduled) = self.persist(statement).await {
                self.counters.add(Counter::Retried, scheduled);
                self.lost(seqs.len(), scheduled);
            }
        }
        if !later.is_empty() {
            let error = "a kind this build does not know: left for a newer relay";
            let wait = self.config.lease.max(Duration::from_secs(60));
            self.persist(|| self.store.retry_later(token, &later, wait, error))
                .await;
        }
        if !dead.is_empty() {
            if let Some(moved) = self.persist(|| self.store.dead_letter(token, &dead)).await {
                self.counters.add(Counter::DeadLettered, moved);
                self.lost(dead.len(), moved);
            }
        }
    }

    /// Counts the rows a settle statement did not change: this claim no longer held
    /// them (its lease ran out and another claim took them).
    fn lost(&self, expected: usize, changed: u64) {
        let lost = (expected as u64).saturating_sub(changed);
        if lost > 0 {
            self.counters.add(Counter::LeaseLost, lost);
            tracing::warn!(
                rows = lost,
                "outbox rows were taken over by another claim before they were settled"
            );
        }
    }

    /// The wait before a row's next attempt, after `attempts` of them.
    fn delay(&self, attempts: i64, retry_after: Option<Duration>) -> Duration {
        let attempts = u32::try_from(attempts).unwrap_or(u32::MAX);
        self.config
            .delivery
            .retry
            .delay_after(attempts, retry_after)
    }

    /// Runs a statement, trying again a few times; `None` if it kept failing.
    async fn persist<F, Fut, T>(&self, statement: F) -> Option<T>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<T, super::super::OutboxError>>,
    {
        let mut wait = Duration::from_millis(50);
        for attempt in 1..=6 {
            match statement().await {
                Ok(done) => return Some(done),
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
        None
    }
}

/// Why a claimed row cannot be sent by this build.
enum Unreadable {
    /// A kind this build does not know: a newer relay may.
    UnknownKind(String),
    /// Its content is not an operation: no relay ever can.
    Broken(String),
}

/// A row's operation, checked enough to be sent in a batch.
fn read(row: Row) -> Result<Operation, Unreadable> {
    if let Some(why) = row.broken {
        return Err(Unreadable::Broken(why));
    }
    let kind = super::super::kind_from_name(&row.kind).ok_or(Unreadable::UnknownKind(row.kind))?;
    let broken = Unreadable::Broken;
    let event_id = match &row.event_id {
        Some(id) => Some(
            id.parse()
                .map_err(|_| broken(format!("`{id}` is not an event id (ULID)")))?,
        ),
        None => None,
    };
    serde_json::from_slice::<serde::de::IgnoredAny>(&row.body)
        .map_err(|error| broken(format!("the operation is not JSON: {error}")))?;
    Operation::from_stored(row.body, event_id, row.seq, kind, row.people)
        .map_err(|error| broken(error.to_string()))
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, millis)
}
