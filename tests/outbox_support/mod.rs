//! Helpers of the outbox tests: the emulator, a fast relay configuration, databases
//! of their own per test, and bounded waits.

#![allow(dead_code, unreachable_pub)]

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use cio_core::client::{
    Customer, Operation, OperationKind, PipelinesClient, RetryPolicy, TrackClient,
};
use cio_core::outbox::{Outbox, Relay, RelayConfig, RowStatus, Target};
use cio_core::{Event, EventId};
use cio_emulator::Emulator;

/// The event the tests write.
#[derive(serde::Serialize)]
pub struct SignedUp {
    pub plan: &'static str,
    pub n: u32,
}

impl Event for SignedUp {
    const NAME: &'static str = "signed_up";
}

/// A profile update.
#[derive(serde::Serialize)]
pub struct Plan {
    pub plan: &'static str,
}

impl cio_core::Attributes for Plan {}

/// A relay whose transient failures are retried after `backoff` (long enough for the
/// relay to send later rows meanwhile, if it would).
pub fn slow_retry_relay(backoff: Duration) -> RelayConfig {
    fast_relay().retry(
        RetryPolicy::default()
            .max_retries(u32::MAX)
            .backoff(backoff, backoff),
    )
}

/// Checks that person `id` was identified, then deleted, then nothing: the order the
/// app wrote, whatever failed in between.
pub fn assert_identified_then_deleted(emulator: &Emulator, id: &str) {
    let record = emulator.record();
    assert!(
        record.profile(id).is_none(),
        "the deleted person came back: {:?}",
        record.history_of(id)
    );
    assert!(
        matches!(
            record.history_of(id),
            [
                cio_emulator::Applied::Identify(_),
                cio_emulator::Applied::Delete
            ]
        ),
        "{:?}",
        record.history_of(id)
    );
}

/// An event the emulator is told to refuse.
#[derive(serde::Serialize)]
pub struct Poison {
    pub n: u32,
}

impl Event for Poison {
    const NAME: &'static str = "poison";
}

/// `count` signups of a person each, every `poison_every`-th from `first_poison` a
/// [`Poison`] event instead (one the emulator is told to refuse): the operations in
/// order, and the ids of the poisoned ones.
pub fn signups_with_poison(
    count: u32,
    poison_every: u32,
    first_poison: u32,
) -> (Vec<Operation>, std::collections::HashSet<String>) {
    let mut poisoned = std::collections::HashSet::new();
    let ops = (0..count)
        .map(|n| {
            let customer = Customer::id(format!("user-{n}"));
            if n % poison_every == first_poison {
                let tracked = cio_core::Tracked::new(Poison { n });
                poisoned.insert(tracked.id().to_string());
                Operation::event(&customer, &tracked).unwrap()
            } else {
                let tracked = cio_core::Tracked::new(SignedUp { plan: "pro", n });
                Operation::event(&customer, &tracked).unwrap()
            }
        })
        .collect();
    (ops, poisoned)
}

/// Runs `test` or fails after `secs` seconds.
pub async fn bounded<T>(secs: u64, test: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(secs), test)
        .await
        .expect("the test did not finish in time")
}

/// Polls `condition` every 10 ms until it holds (the caller bounds the whole test).
pub async fn until<F, Fut>(mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    while !condition().await {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

pub fn client(emulator: &Emulator) -> TrackClient {
    TrackClient::builder(emulator.site_id(), emulator.api_key())
        .base_url(emulator.base_url())
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap()
}

/// A client of the emulator's Data Pipelines API.
pub fn pipelines_client(emulator: &Emulator) -> PipelinesClient {
    PipelinesClient::builder(emulator.write_key())
        .base_url(emulator.base_url())
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap()
}

/// A relay fast enough for tests: short lease and poll, no rate limit, quick retries
/// (a `Retry-After` is still honoured, up to 1 s).
pub fn fast_relay() -> RelayConfig {
    RelayConfig::default()
        .lease(Duration::from_secs(3))
        .poll_interval(Duration::from_millis(20))
        .unlimited_rate()
        .retry(
            RetryPolicy::default()
                .max_retries(u32::MAX)
                .backoff(Duration::from_millis(1), Duration::from_millis(20))
                .retry_after_cap(Duration::from_secs(1)),
        )
}

/// The event ids that reached the emulator, with how many times each arrived
/// (duplicates included: the emulator stores an id once, but counts every arrival).
pub fn stored_ids(emulator: &Emulator) -> HashMap<String, usize> {
    emulator.with_record(|record| {
        record
            .arrivals_by_id
            .iter()
            .map(|(id, n)| (id.clone(), usize::try_from(*n).unwrap_or(usize::MAX)))
            .collect()
    })
}

/// Checks that nothing was sent twice but what lost its acknowledgement (plus
/// `in_flight_at_kills` rows a killed relay may have had on the wire), and returns how
/// many were sent again.
pub fn assert_resent_only_when_unacknowledged(emulator: &Emulator, in_flight_at_kills: u64) -> u64 {
    let (resent, unacknowledged) = emulator.with_record(|r| (r.resent(), r.unacknowledged));
    assert!(
        resent <= unacknowledged + in_flight_at_kills,
        "{resent} events sent again, but only {unacknowledged} lost their acknowledgement \
         (and {in_flight_at_kills} were in flight at a kill)"
    );
    resent
}

/// A SQLite file of its own for a test, removed first so re-runs start clean.
pub fn sqlite_url(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    format!("sqlite:{}", path.display())
}

/// The conventional local server, used when `CIO_TEST_POSTGRES_URL` is unset.
pub const LOCAL_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The PostgreSQL URL of the tests: `CIO_TEST_POSTGRES_URL` when set (an empty value
/// turns the tests off), else [`LOCAL_POSTGRES`] when something listens on
/// 127.0.0.1:5432. `None` (after saying so) when neither, which fails under `CI=true`.
pub fn postgres_url(test: &str) -> Option<String> {
    let url = match std::env::var("CIO_TEST_POSTGRES_URL") {
        Ok(url) => (!url.is_empty()).then_some(url),
        Err(_) => local_postgres_answers().then(|| LOCAL_POSTGRES.to_owned()),
    };
    if url.is_none() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{test}: CI=true but PostgreSQL is not reachable: the PostgreSQL tests must run in CI");
        }
        // Straight to stderr, past the test harness's capture, so that it shows.
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "{test}: did not run: no PostgreSQL on 127.0.0.1:5432 and CIO_TEST_POSTGRES_URL unset"
        );
    }
    url
}

/// Whether a server accepts connections on 127.0.0.1:5432 (within a second).
fn local_postgres_answers() -> bool {
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], 5432));
    std::net::TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_ok()
}

/// A schema name of its own for a test.
pub fn schema(test: &str) -> String {
    format!("t_{test}_{}", std::process::id())
}

/// Waits until the outbox has nothing pending.
pub async fn drained(outbox: &Outbox) {
    until(|| async { outbox.stats().await.unwrap().pending == 0 }).await;
}

/// Writes an event, an identify and an event the emulator refuses with `pool`, and
/// finds each by its id: pending before a relay runs, then delivered, or
/// dead-lettered with the reason; an id never written is not found.
pub async fn rows_are_found_in_every_state<P: Sync>(outbox: &Outbox, pool: &P)
where
    for<'c> &'c P: Target<'c>,
{
    let signed_up = outbox
        .track(pool, &Customer::id("jane"), SignedUp { plan: "pro", n: 1 })
        .await
        .unwrap();
    let identify = Operation::identify(&Customer::id("raj"), &Plan { plan: "free" }).unwrap();
    outbox.send(pool, &identify).await.unwrap();
    let poison = outbox
        .track(pool, &Customer::id("sam"), Poison { n: 2 })
        .await
        .unwrap();

    let pending = outbox.find(signed_up).await.unwrap().unwrap();
    assert_eq!(pending.event_id, signed_up.to_string());
    assert_eq!(pending.kind, "event");
    assert_eq!(pending.operation_kind(), Some(OperationKind::Event));
    assert_eq!(pending.attempts, 0);
    assert_eq!(pending.status, RowStatus::Pending { last_error: None });
    assert_eq!(pending.delivered_at(), None);
    let body = pending.json().unwrap();
    assert_eq!(
        (body["name"].as_str(), body["id"].as_str()),
        (Some("signed_up"), Some(signed_up.to_string().as_str()))
    );
    assert!(outbox.find(EventId::new()).await.unwrap().is_none());

    let emulator = Emulator::builder()
        .reject_event("poison")
        .start()
        .await
        .unwrap();
    let relay = Relay::start(outbox.clone(), client(&emulator), fast_relay());
    drained(outbox).await;
    relay.shutdown().await;

    let delivered = outbox.find(signed_up).await.unwrap().unwrap();
    assert_eq!(
        (delivered.seq, &delivered.body),
        (pending.seq, &pending.body)
    );
    assert_eq!(delivered.created_at, pending.created_at);
    assert_eq!(delivered.attempts, 1);
    let at = delivered.delivered_at().unwrap();
    assert!(at >= delivered.created_at, "{delivered:?}");
    let identified = outbox.find(identify.message_id()).await.unwrap().unwrap();
    assert_eq!(identified.operation_kind(), Some(OperationKind::Identify));
    assert!(
        matches!(identified.status, RowStatus::Delivered { .. }),
        "{identified:?}"
    );
    let refused = outbox.find(poison).await.unwrap().unwrap();
    assert_eq!(refused.kind, "event");
    assert_eq!(refused.attempts, 1);
    match &refused.status {
        RowStatus::DeadLettered { at, reason } => {
            assert!(
                *at >= refused.created_at && !reason.trim().is_empty(),
                "{refused:?}"
            );
        }
        other => panic!("not dead-lettered: {other:?}"),
    }
    emulator.shutdown().await;
}

/// A webhook's `event_id` is new once, then seen, whoever asks.
pub async fn webhooks_are_seen_once<P: Sync>(outbox: &Outbox, pool: &P)
where
    for<'c> &'c P: Target<'c>,
{
    assert!(outbox
        .mark_webhook_seen(pool, "01E4C4CT6YDC7Y5M7FE1GWWPQJ")
        .await
        .unwrap());
    assert!(!outbox
        .mark_webhook_seen(pool, "01E4C4CT6YDC7Y5M7FE1GWWPQJ")
        .await
        .unwrap());
    let other = outbox.clone();
    assert!(!other
        .mark_webhook_seen(pool, "01E4C4CT6YDC7Y5M7FE1GWWPQJ")
        .await
        .unwrap());
    assert!(outbox.mark_webhook_seen(pool, "another").await.unwrap());
}

/// A relay that prunes at once and keeps delivered rows for `retention`.
pub fn pruning_relay(retention: Duration) -> RelayConfig {
    fast_relay()
        .retention(retention)
        .prune_interval(Duration::from_secs(1))
}
