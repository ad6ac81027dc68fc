//! A randomized history: concurrent writers commit (or roll back) random operations
//! for a few dozen people, while relays deliver them through random faults (5xx, 429
//! with `Retry-After`, resets, lost acknowledgements, answers slower than the lease),
//! one relay being a `cio-relay` process that is killed with SIGKILL and started
//! again. The checker then compares what the emulator applied with what was committed:
//! every committed event arrived and no rolled-back one did, each person's operations
//! were applied in commit order, and each person's final profile is what the committed
//! operations give, applied in that order.
//!
//! Seeded (`CIO_HISTORY_SEED` replays one); a failure prints its seed. On SQLite, and on
//! PostgreSQL when it answers, through the Track API; once more on SQLite through the
//! Data Pipelines API. Bounded in time; waits poll conditions.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::Duration;

use cio_core::client::{Customer, Operation, RetryPolicy};
use cio_core::outbox::sqlx::{PgPool, SqlitePool};
use cio_core::outbox::{Outbox, Relay, RelayConfig};
use cio_core::{Attributes, Event, Tracked};
use cio_emulator::{Applied, Emulator, Fault, Faults};
use serde_json::{json, Map, Value};
use support::*;

const WRITERS: usize = 3;
const PEOPLE_PER_WRITER: usize = 10;
const TRANSACTIONS_PER_WRITER: usize = 150;

#[derive(serde::Serialize)]
struct Profile {
    plan: &'static str,
    v: u64,
}

impl Attributes for Profile {}

#[derive(serde::Serialize)]
struct Clicked {
    v: u64,
}

impl Event for Clicked {
    const NAME: &'static str = "clicked";
}

/// One committed operation, as the checker replays it.
#[derive(Debug, Clone, PartialEq)]
enum Op {
    Identify(String, Map<String, Value>),
    Event(String, String),
    Delete(String),
    Suppress(String),
    Unsuppress(String),
    Merge(String, String),
}

/// What the emulator does with each operation, replayed on the committed history:
/// the history each person should show, and their final profile.
#[derive(Default, Clone)]
struct Model {
    history: BTreeMap<String, Vec<Applied>>,
    profiles: BTreeMap<String, Map<String, Value>>,
    suppressed: BTreeSet<String>,
}

impl Model {
    fn push(&mut self, person: &str, applied: Applied) {
        self.history
            .entry(person.to_owned())
            .or_default()
            .push(applied);
    }

    fn apply(&mut self, op: &Op) {
        match op {
            Op::Identify(p, attributes) => {
                if self.suppressed.contains(p) {
                    return;
                }
                self.push(p, Applied::Identify(attributes.clone()));
                let profile = self.profiles.entry(p.clone()).or_default();
                profile.extend(attributes.clone());
            }
            Op::Event(p, id) => self.push(p, Applied::Event(Some(id.clone()))),
            Op::Delete(p) => {
                self.push(p, Applied::Delete);
                self.profiles.remove(p);
            }
            Op::Suppress(p) => {
                self.push(p, Applied::Suppress);
                self.profiles.remove(p);
                self.suppressed.insert(p.clone());
            }
            Op::Unsuppress(p) => {
                self.push(p, Applied::Unsuppress);
                self.suppressed.remove(p);
            }
            Op::Merge(primary, secondary) => {
                self.push(primary, Applied::Merged(secondary.clone()));
                self.push(secondary, Applied::MergedInto(primary.clone()));
                let taken = self.profiles.remove(secondary).unwrap_or_default();
                let profile = self.profiles.entry(primary.clone()).or_default();
                for (k, v) in taken {
                    profile.entry(k).or_insert(v);
                }
            }
        }
    }

    fn has_profile(&self, person: &str) -> bool {
        self.profiles.contains_key(person)
    }
}

/// An operation sent again after a lost acknowledgement or a kill is applied twice in
/// a row (events excepted: the emulator keeps an id once): compare without repeats.
fn without_repeats(history: &[Applied]) -> Vec<Applied> {
    let mut out: Vec<Applied> = Vec::with_capacity(history.len());
    for applied in history {
        if out.last() != Some(applied) {
            out.push(applied.clone());
        }
    }
    out
}

/// The app's database, for the writers' own transactions.
#[derive(Clone)]
enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// One writer: its people, random transactions over them, some rolled back. Returns
/// the committed operations, in commit order, and the ids of rolled-back events.
async fn write(db: Db, outbox: Outbox, writer: usize, seed: u64) -> (Vec<Op>, Vec<String>) {
    let mut rng = fastrand::Rng::with_seed(seed ^ (writer as u64).wrapping_mul(0x9e37_79b9));
    let people: Vec<String> = (0..PEOPLE_PER_WRITER)
        .map(|n| format!("w{writer}-p{n}"))
        .collect();
    let mut committed = Vec::new();
    let mut rolled_back = Vec::new();
    let mut model = Model::default();
    let mut counter = 0u64;
    for _ in 0..TRANSACTIONS_PER_WRITER {
        let mut ops = Vec::new();
        // The transaction's own view: the model so far and its operations before this one.
        let mut sandbox_model = model.clone();
        let rollback = rng.u8(0..10) < 2;
        for _ in 0..rng.usize(1..=3) {
            counter += 1;
            let person = people[rng.usize(..people.len())].clone();
            let op = match rng.u8(0..100) {
                0..=39 => {
                    let plan = ["free", "pro", "enterprise"][rng.usize(..3)];
                    let attributes = json!({ "plan": plan, "v": counter });
                    let Value::Object(attributes) = attributes else {
                        unreachable!()
                    };
                    Op::Identify(person, attributes)
                }
                40..=74 => Op::Event(person, String::new()),
                75..=84 => Op::Delete(person),
                85..=89 => Op::Suppress(person),
                90..=94 => Op::Unsuppress(person),
                _ => {
                    let other = people[rng.usize(..people.len())].clone();
                    if other == person || !sandbox_model.has_profile(&person) {
                        Op::Delete(other)
                    } else {
                        Op::Merge(person, other)
                    }
                }
            };
            ops.push(op);
            let last = ops.last().cloned().unwrap_or(Op::Delete(String::new()));
            sandbox_model.apply(&last);
        }
        // Write them in one transaction of the app's database.
        let mut written = Vec::with_capacity(ops.len());
        macro_rules! in_tx {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await.unwrap();
                for op in &ops {
                    let (operation, op) = to_operation(op, counter);
                    outbox.send(&mut *tx, &operation).await.unwrap();
                    written.push(op);
                }
                if rollback {
                    tx.rollback().await.unwrap();
                } else {
                    tx.commit().await.unwrap();
                }
            }};
        }
        match &db {
            Db::Sqlite(pool) => in_tx!(pool),
            Db::Postgres(pool) => in_tx!(pool),
        }
        if rollback {
            for op in written {
                if let Op::Event(_, id) = op {
                    rolled_back.push(id);
                }
            }
        } else {
            for op in &written {
                model.apply(op);
            }
            committed.extend(written);
        }
        if rng.u8(0..4) == 0 {
            tokio::task::yield_now().await;
        }
    }
    (committed, rolled_back)
}

/// The operation to write for `op`; an event gets its id here.
fn to_operation(op: &Op, v: u64) -> (Operation, Op) {
    match op {
        Op::Identify(p, attributes) => {
            let plan = match attributes.get("plan").and_then(Value::as_str) {
                Some("pro") => "pro",
                Some("enterprise") => "enterprise",
                _ => "free",
            };
            let v = attributes.get("v").and_then(Value::as_u64).unwrap_or(0);
            let operation = Operation::identify(&Customer::id(p.clone()), &Profile { plan, v });
            (operation.unwrap(), op.clone())
        }
        Op::Event(p, _) => {
            let tracked = Tracked::new(Clicked { v });
            let id = tracked.id().to_string();
            let operation = Operation::event(&Customer::id(p.clone()), &tracked).unwrap();
            (operation, Op::Event(p.clone(), id))
        }
        Op::Delete(p) => (
            Operation::delete(&Customer::id(p.clone())).unwrap(),
            op.clone(),
        ),
        Op::Suppress(p) => (
            Operation::suppress(&Customer::id(p.clone())).unwrap(),
            op.clone(),
        ),
        Op::Unsuppress(p) => (
            Operation::unsuppress(&Customer::id(p.clone())).unwrap(),
            op.clone(),
        ),
        Op::Merge(primary, secondary) => (
            Operation::merge(
                &Customer::id(primary.clone()),
                &Customer::id(secondary.clone()),
            )
            .unwrap(),
            op.clone(),
        ),
    }
}

fn relay_config() -> RelayConfig {
    RelayConfig::default()
        .lease(Duration::from_millis(1_500))
        .poll_interval(Duration::from_millis(20))
        .unlimited_rate()
        .max_batch_bytes(16 * 1024)
        .retry(
            RetryPolicy::default()
                .max_retries(u32::MAX)
                .backoff(Duration::from_millis(5), Duration::from_millis(100))
                .retry_after_cap(Duration::from_secs(1)),
        )
}

async fn run_history(db: Db, outbox: Outbox, url: &str, namespace: &str, api: Api) {
    let seed = std::env::var("CIO_HISTORY_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    // Printed first, so that a failure (or a timeout) can be replayed.
    eprintln!("history seed: {seed} (replay with CIO_HISTORY_SEED={seed})");
    let faults = Faults {
        server_errors: 0.10,
        too_many_requests: 0.05,
        retry_after_secs: 1,
        connection_resets: 0.05,
        errors_after_apply: 0.05,
        latency: Duration::from_millis(2),
    };
    let emulator = Emulator::builder()
        .faults(faults)
        .seed(seed)
        .start()
        .await
        .unwrap();
    // A few answers slower than the lease: renewed while in flight, never sent twice.
    emulator.script([
        Fault::Delay(Duration::from_millis(2_500)),
        Fault::Delay(Duration::from_millis(2_000)),
    ]);
    let relays: Vec<Relay> = (0..2)
        .map(|_| {
            let client = api.destination(&emulator, Duration::from_secs(3));
            Relay::start(outbox.clone(), client, relay_config())
        })
        .collect();
    let mut process = spawn_relay(&emulator, url, namespace, &["--unlimited-rate"], api);

    let writers: Vec<_> = (0..WRITERS)
        .map(|w| tokio::spawn(write(db.clone(), outbox.clone(), w, seed)))
        .collect();
    // Kill the relay process mid-run, and start it again.
    let emulator_ref = &emulator;
    until(|| async move { emulator_ref.request_count() >= 20 }).await;
    process.kill().await.unwrap();
    let mut process = spawn_relay(&emulator, url, namespace, &["--unlimited-rate"], api);

    let mut committed = Vec::new();
    let mut rolled_back = Vec::new();
    for writer in writers {
        let (ops, ids) = writer.await.unwrap();
        committed.extend(ops);
        rolled_back.extend(ids);
    }
    drained(&outbox).await;
    for relay in &relays {
        relay.shutdown().await;
    }
    process.kill().await.unwrap();

    let dead = outbox.dead_letters(10).await.unwrap();
    assert!(dead.is_empty(), "seed {seed}: dead letters {dead:?}");
    let record = emulator.record();
    // Every committed event arrived; no rolled-back one did.
    let committed_ids: HashSet<&String> = committed
        .iter()
        .filter_map(|op| match op {
            Op::Event(_, id) => Some(id),
            _ => None,
        })
        .collect();
    for id in &committed_ids {
        assert!(
            record.arrivals(id) >= 1,
            "seed {seed}: committed event {id} never arrived"
        );
    }
    for id in &rolled_back {
        assert_eq!(
            record.arrivals(id),
            0,
            "seed {seed}: rolled-back event {id} arrived"
        );
    }
    // Each person's operations in commit order, and the final profile they give.
    let mut model = Model::default();
    for op in &committed {
        model.apply(op);
    }
    let people: BTreeSet<&String> = model.history.keys().chain(record.history.keys()).collect();
    for person in people {
        let expected = without_repeats(model.history.get(person).map_or(&[], Vec::as_slice));
        let applied = without_repeats(record.history_of(person));
        assert_eq!(
            applied, expected,
            "seed {seed}: {person}'s operations were applied out of commit order"
        );
        assert_eq!(
            record.profile(person),
            model.profiles.get(person),
            "seed {seed}: {person}'s final profile"
        );
    }
    assert!(
        committed.len() > WRITERS * TRANSACTIONS_PER_WRITER,
        "seed {seed}: too few operations committed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_random_history_is_applied_in_commit_order() {
    bounded(240, async {
        let url = sqlite_url("history");
        let outbox = Outbox::connect(&url, "cio_outbox").await.unwrap();
        let pool = SqlitePool::connect(&url).await.unwrap();
        run_history(Db::Sqlite(pool), outbox, &url, "cio_outbox", Api::Track).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_random_history_is_applied_in_commit_order_on_the_pipelines_api() {
    bounded(240, async {
        let url = sqlite_url("history_pipelines");
        let outbox = Outbox::connect(&url, "cio_outbox").await.unwrap();
        let pool = SqlitePool::connect(&url).await.unwrap();
        run_history(Db::Sqlite(pool), outbox, &url, "cio_outbox", Api::Pipelines).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_random_history_is_applied_in_commit_order() {
    let Some(url) = postgres_url("postgres_a_random_history_is_applied_in_commit_order") else {
        return;
    };
    bounded(240, async {
        let namespace = fresh_schema(&url, "t_history").await;
        let pool = PgPool::connect(&url).await.unwrap();
        let outbox = Outbox::postgres_in(pool.clone(), &namespace).await.unwrap();
        run_history(Db::Postgres(pool), outbox, &url, &namespace, Api::Track).await;
    })
    .await;
}
