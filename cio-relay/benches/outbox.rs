//! Outbox benchmark (a bench binary, not criterion: a figure is a whole run of a
//! relay, or a ratio of two kinds of timed statements run alternately).
//!
//! - Enqueue cost: `Outbox::track` inside the app's transaction (validation,
//!   serialization and the row) against the same transaction with a plain `INSERT`
//!   of the same, already serialized, bytes into a table of the same columns. Two
//!   shapes: one signup per transaction (user row + event, committed: what a request
//!   handler does), outbox and plain transactions alternating; and 1,000 events each
//!   in one transaction (the statement alone), outbox and plain statements
//!   alternating. Each side's time is summed over its own transactions or statements.
//! - Relay throughput: events/s from the outbox into the in-process emulator over
//!   loopback, `RelayConfig::default()` without its rate limit, with one relay and
//!   with three on the same outbox; timed from the relays' start to the last row
//!   marked delivered.
//! - Resume after a kill: a `cio-relay` process claims rows (the emulator holds its
//!   requests), is killed with SIGKILL, and a relay in this process starts: the time
//!   until every row is delivered (the lease is 2 s).
//!
//! SQLite on a file in `target/`; PostgreSQL when `CIO_TEST_POSTGRES_URL` is set.
//! Run: `cargo bench -p cio-relay --bench outbox` (five runs each, median and range);
//! `CIO_BENCH_DB=sqlite` or `postgres` and `CIO_BENCH=enqueue`, `throughput` or `resume`
//! run one part; `CIO_BENCH_RELAYS=1` measures one relay only, `CIO_BENCH_RUNS=N` takes N runs, `CIO_BENCH_ONE_PERSON=N`
//! sets the one-person backlog (2,000; 0 skips it), and `CIO_BENCH_CPU=1` prints how
//! busy the machine was during each delivery run.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use cio_core::client::{Customer, Operation, TrackClient};
use cio_core::outbox::sqlx::{self, PgPool, SqlitePool};
use cio_core::outbox::{Outbox, Relay, RelayConfig};
use cio_core::{Event, Tracked};
use cio_emulator::{Emulator, Faults};

#[derive(serde::Serialize)]
struct SignedUp {
    plan: &'static str,
    method: &'static str,
    seats: u32,
    trial: bool,
}

impl Event for SignedUp {
    const NAME: &'static str = "signed_up";
}

fn event(n: u32) -> SignedUp {
    SignedUp {
        plan: "pro",
        method: "email",
        seats: n % 50,
        trial: n.is_multiple_of(2),
    }
}

fn customer(n: u32) -> Customer {
    Customer::id(format!("user-{n}"))
}

/// How many runs each figure is the median of: `CIO_BENCH_RUNS`, 5 by default.
fn runs() -> usize {
    env_number("CIO_BENCH_RUNS", 5).max(1) as usize
}

fn summary(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    (
        values[values.len() / 2],
        values[0],
        values[values.len() - 1],
    )
}

/// The two databases of the benchmark: a fresh outbox and app tables in each.
#[derive(Clone)]
enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Db {
    fn name(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "SQLite",
            Db::Postgres(_) => "PostgreSQL",
        }
    }
}

const APP_TABLES: &str = "
    DROP TABLE IF EXISTS bench_users; DROP TABLE IF EXISTS bench_plain;
    CREATE TABLE bench_users (id BIGINT PRIMARY KEY);
    CREATE TABLE bench_plain (seq INTEGER PRIMARY KEY, event_id TEXT, kind TEXT NOT NULL,
        body BLOB NOT NULL, created_at BIGINT NOT NULL);";

async fn open(db: &str) -> Option<(Db, Outbox)> {
    if db == "sqlite" {
        let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("outbox_bench.db");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let url = format!("sqlite:{}", path.display());
        let outbox = Outbox::connect(&url, "cio_outbox").await.unwrap();
        let pool = SqlitePool::connect(&url).await.unwrap();
        sqlx::raw_sql(APP_TABLES).execute(&pool).await.unwrap();
        return Some((Db::Sqlite(pool), outbox));
    }
    let url = std::env::var("CIO_TEST_POSTGRES_URL").ok()?;
    let pool = PgPool::connect(&url).await.unwrap();
    sqlx::raw_sql(
        "DROP SCHEMA IF EXISTS bench_outbox CASCADE; DROP SCHEMA IF EXISTS bench_app CASCADE;
         CREATE SCHEMA bench_app",
    )
    .execute(&pool)
    .await
    .unwrap();
    let options: sqlx::postgres::PgConnectOptions = url.parse().unwrap();
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(8)
        .after_connect(|conn, _| {
            Box::pin(async move {
                sqlx::query("SET search_path TO bench_app")
                    .execute(conn)
                    .await
                    .map(|_| ())
            })
        })
        .connect_with(options)
        .await
        .unwrap();
    sqlx::raw_sql(
        &APP_TABLES
            .replace("INTEGER PRIMARY KEY", "BIGSERIAL PRIMARY KEY")
            .replace("BLOB", "BYTEA"),
    )
    .execute(&pool)
    .await
    .unwrap();
    let outbox = Outbox::postgres_in(pool.clone(), "bench_outbox")
        .await
        .unwrap();
    Some((Db::Postgres(pool), outbox))
}

/// Runs `$body` in a transaction `$tx` of `$db` and commits it.
macro_rules! in_tx {
    ($db:expr, |$tx:ident| $body:block) => {
        match $db {
            Db::Sqlite(pool) => {
                let mut $tx = pool.begin().await.unwrap();
                $body
                $tx.commit().await.unwrap();
            }
            Db::Postgres(pool) => {
                let mut $tx = pool.begin().await.unwrap();
                $body
                $tx.commit().await.unwrap();
            }
        }
    };
}

const PLAIN: &str =
    "INSERT INTO bench_plain (event_id, kind, body, created_at) VALUES ($1, $2, $3, $4)";

/// Writes event `n` on `$tx`: through the outbox, or as the plain insert of `bytes`.
macro_rules! one {
    ($outbox_side:expr, $outbox:expr, $tx:ident, $n:expr, $id:expr, $bytes:expr) => {
        if $outbox_side {
            $outbox
                .track(&mut *$tx, &customer($n), event($n))
                .await
                .unwrap();
        } else {
            sqlx::query(PLAIN)
                .bind($id.clone())
                .bind("event")
                .bind($bytes)
                .bind(0i64)
                .execute(&mut *$tx)
                .await
                .unwrap();
        }
    };
}

/// The serialized bytes and id the plain insert writes: one real operation's.
fn plain_row() -> (Vec<u8>, Option<String>) {
    let sample = Operation::event(&customer(0), &Tracked::new(event(0))).unwrap();
    (
        sample.as_bytes().to_vec(),
        sample.event_id().map(|id| id.to_string()),
    )
}

/// Time spent on each side of an alternating enqueue run.
#[derive(Default)]
struct Sides {
    outbox: Duration,
    plain: Duration,
}

impl Sides {
    fn add(&mut self, outbox_side: bool, took: Duration) {
        let side = if outbox_side {
            &mut self.outbox
        } else {
            &mut self.plain
        };
        *side += took;
    }

    /// Seconds per one of `count`, outbox side then plain side.
    fn per(&self, count: u32) -> (f64, f64) {
        let per = |d: Duration| d.as_secs_f64() / f64::from(count);
        (per(self.outbox), per(self.plain))
    }
}

/// Seconds per event for 1,000 events each way in one transaction, the outbox's and
/// the plain insert's statements alternating one by one.
async fn one_tx_run(db: &Db, outbox: &Outbox, base: u32) -> (f64, f64) {
    const COUNT: u32 = 1_000;
    let (bytes, id) = plain_row();
    let mut sides = Sides::default();
    in_tx!(db, |tx| {
        for n in base..base + COUNT {
            for outbox_side in [n % 2 == 0, n % 2 != 0] {
                let started = Instant::now();
                one!(outbox_side, outbox, tx, n, id, bytes.as_slice());
                sides.add(outbox_side, started.elapsed());
            }
        }
    });
    sides.per(COUNT)
}

/// Seconds per transaction for 500 signups (user row + event, commit) each way,
/// the outbox's and the plain insert's transactions alternating one by one, so
/// that both see the same commit (fsync) latency.
async fn per_tx_run(db: &Db, outbox: &Outbox, base: u32) -> (f64, f64) {
    const COUNT: u32 = 500;
    let (bytes, id) = plain_row();
    let mut sides = Sides::default();
    for n in base..base + COUNT {
        for outbox_side in [n % 2 == 0, n % 2 != 0] {
            let user = i64::from(n) * 2 + i64::from(outbox_side);
            let started = Instant::now();
            in_tx!(db, |tx| {
                sqlx::query("INSERT INTO bench_users (id) VALUES ($1)")
                    .bind(user)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                one!(outbox_side, outbox, tx, n, id, bytes.as_slice());
            });
            sides.add(outbox_side, started.elapsed());
        }
    }
    sides.per(COUNT)
}

async fn enqueue_cost(db: &Db, outbox: &Outbox) {
    for one_tx in [false, true] {
        let (mut with_outbox, mut plain, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for run in 0..runs() as u32 {
            let base = (run + u32::from(one_tx) * 100) * 10_000;
            let (a, b) = if one_tx {
                one_tx_run(db, outbox, base).await
            } else {
                per_tx_run(db, outbox, base).await
            };
            with_outbox.push(a * 1e6);
            plain.push(b * 1e6);
            ratios.push(a / b);
        }
        let (o, _, _) = summary(with_outbox);
        let (p, _, _) = summary(plain);
        let (r, lo, hi) = summary(ratios);
        let shape = if one_tx {
            "1,000 events each in one transaction, alternating, per event"
        } else {
            "one signup per transaction (user row + event, commit), alternating"
        };
        println!(
            "{} enqueue, {shape}: outbox {o:.1} µs, plain INSERT {p:.1} µs, ratio {r:.2}x (range {lo:.2}-{hi:.2})",
            db.name()
        );
    }
}

fn client(emulator: &Emulator) -> TrackClient {
    TrackClient::builder(emulator.site_id(), emulator.api_key())
        .base_url(emulator.base_url())
        .build()
        .unwrap()
}

/// Writes `count` events, 5,000 per transaction.
async fn fill(db: &Db, outbox: &Outbox, count: u32) {
    let mut n = 0;
    while n < count {
        let end = (n + 5_000).min(count);
        in_tx!(db, |tx| {
            for i in n..end {
                outbox
                    .track(&mut *tx, &customer(i), event(i))
                    .await
                    .unwrap();
            }
        });
        n = end;
    }
}

/// Forgets the people of every pending row, as rows written before schema version 3
/// (no per-person order): the baseline that shows what the order costs.
async fn forget_people(db: &Db, outbox: &Outbox) {
    match db {
        Db::Sqlite(pool) => {
            sqlx::query(&format!(
                "UPDATE {}_rows SET person = NULL, person2 = NULL WHERE delivered_at IS NULL",
                outbox.namespace()
            ))
            .execute(pool)
            .await
            .unwrap();
        }
        Db::Postgres(pool) => {
            sqlx::query(&format!(
                "UPDATE {}.rows SET person = NULL, person2 = NULL WHERE delivered_at IS NULL",
                outbox.namespace()
            ))
            .execute(pool)
            .await
            .unwrap();
        }
    }
}

/// The machine's busy and total CPU ticks so far (`/proc/stat`; zeros elsewhere).
fn cpu_ticks() -> (u64, u64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let ticks: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or("")
        .split_whitespace()
        .skip(1)
        .filter_map(|n| n.parse().ok())
        .collect();
    let total: u64 = ticks.iter().sum();
    let idle = ticks.get(3).copied().unwrap_or(0) + ticks.get(4).copied().unwrap_or(0);
    (total - idle, total)
}

/// Delivers everything pending with `relays` relays; returns events per second.
async fn deliver_all(outbox: &Outbox, relays: usize) -> f64 {
    let pending = outbox.stats().await.unwrap().pending;
    let emulator = Emulator::builder()
        .log_requests(false)
        .start()
        .await
        .unwrap();
    let cpu_before = cpu_ticks();
    let started = Instant::now();
    let running: Vec<Relay> = (0..relays)
        .map(|_| {
            Relay::start(
                outbox.clone(),
                client(&emulator),
                RelayConfig::default().unlimited_rate(),
            )
        })
        .collect();
    loop {
        let delivered: u64 = running.iter().map(|r| r.stats().delivered).sum();
        if delivered >= pending {
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let secs = started.elapsed().as_secs_f64();
    if std::env::var_os("CIO_BENCH_CPU").is_some() {
        let (busy, total) = cpu_ticks();
        let (b0, t0) = cpu_before;
        println!(
            "  {pending} rows in {secs:.3} s, machine busy {:.0}%",
            100.0 * (busy - b0) as f64 / (total - t0).max(1) as f64
        );
    }
    for relay in &running {
        relay.shutdown().await;
    }
    assert_eq!(emulator.with_record(|r| r.event_count()) as u64, pending);
    emulator.shutdown().await;
    pending as f64 / secs
}

/// A number from the environment, or `default`.
fn env_number(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(default)
}

/// The relay counts measured: `CIO_BENCH_RELAYS=1` (or `1,3`, the default).
fn bench_relays() -> Vec<usize> {
    std::env::var("CIO_BENCH_RELAYS")
        .ok()
        .map(|list| {
            list.split(',')
                .filter_map(|n| n.trim().parse().ok())
                .collect()
        })
        .unwrap_or_else(|| vec![1, 3])
}

async fn throughput(db: &Db, outbox: &Outbox) {
    const EVENTS: u32 = 100_000;
    for relays in bench_relays() {
        // Runs alternate: every event of its own person, with the per-person order
        // (as written) and without it (people forgotten), one after the other.
        let mut ordered = Vec::new();
        let mut unordered = Vec::new();
        for _ in 0..runs() {
            for keep_order in [true, false] {
                fill(db, outbox, EVENTS).await;
                if !keep_order {
                    forget_people(db, outbox).await;
                }
                if std::env::var_os("CIO_BENCH_MARK").is_some() {
                    println!("FILLED");
                    std::thread::sleep(Duration::from_secs(2));
                }
                let rate = deliver_all(outbox, relays).await;
                if keep_order {
                    &mut ordered
                } else {
                    &mut unordered
                }
                .push(rate);
            }
        }
        for (rates, label) in [
            (ordered, "in order per person"),
            (unordered, "no order (rows without people)"),
        ] {
            let (median, lo, hi) = summary(rates);
            println!(
                "{} relay throughput, {relays} relay(s), {EVENTS} events of {EVENTS} people, {label}: {median:.0} events/s (range {lo:.0}-{hi:.0})",
                db.name()
            );
        }
    }
    // What the order costs when every event is one person's: one request each.
    let one_person = env_number("CIO_BENCH_ONE_PERSON", 2_000);
    if one_person == 0 {
        return;
    }
    let mut rates = Vec::new();
    for _ in 0..runs() {
        in_tx!(db, |tx| {
            for i in 0..one_person {
                outbox
                    .track(&mut *tx, &customer(0), event(i))
                    .await
                    .unwrap();
            }
        });
        rates.push(deliver_all(outbox, 1).await);
    }
    let (median, lo, hi) = summary(rates);
    println!(
        "{} relay throughput, 1 relay, {one_person} events of one person: {median:.0} events/s (range {lo:.0}-{hi:.0})",
        db.name()
    );
}

async fn resume_after_kill(db: &Db, outbox: &Outbox, url: &str, namespace: &str) {
    let mut waits = Vec::new();
    for _ in 0..3 {
        fill(db, outbox, 2_000).await;
        let faults = Faults {
            latency: Duration::from_secs(30),
            ..Faults::NONE
        };
        let emulator = Emulator::builder().faults(faults).start().await.unwrap();
        let mut victim = tokio::process::Command::new(env!("CARGO_BIN_EXE_cio-relay"))
            .args(["--database-url", url, "--namespace", namespace])
            .args([
                "--base-url",
                &emulator.base_url(),
                "--lease",
                "2s",
                "--unlimited-rate",
            ])
            .env("CUSTOMERIO_SITE_ID", emulator.site_id())
            .env("CUSTOMERIO_TRACK_API_KEY", emulator.api_key())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        while emulator.request_count() == 0 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        victim.kill().await.unwrap();
        emulator.set_faults(Faults::NONE);
        let started = Instant::now();
        let relay = Relay::start(
            outbox.clone(),
            client(&emulator),
            RelayConfig::default()
                .unlimited_rate()
                .lease(Duration::from_secs(2))
                .poll_interval(Duration::from_millis(50)),
        );
        while outbox.stats().await.unwrap().pending > 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        waits.push(started.elapsed().as_secs_f64());
        relay.shutdown().await;
        emulator.shutdown().await;
    }
    let (median, lo, hi) = summary(waits);
    println!(
        "{} resume after a relay is killed (lease 2 s, poll 50 ms, 2,000 rows): {median:.2} s (range {lo:.2}-{hi:.2})",
        db.name()
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    if std::env::var_os("CIO_BENCH_TRACE").is_some() {
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .init();
    }
    // `CIO_BENCH_DB=sqlite|postgres` and `CIO_BENCH=enqueue|throughput|resume` narrow a run.
    let only_db = std::env::var("CIO_BENCH_DB").ok();
    let only = std::env::var("CIO_BENCH").ok();
    let wanted = |part: &str| only.as_deref().is_none_or(|o| o == part);
    for which in ["sqlite", "postgres"] {
        if only_db.as_deref().is_some_and(|o| o != which) {
            continue;
        }
        let Some((db, outbox)) = open(which).await else {
            println!("PostgreSQL: not measured (set CIO_TEST_POSTGRES_URL)");
            continue;
        };
        if wanted("enqueue") {
            enqueue_cost(&db, &outbox).await;
        }
        if wanted("throughput") {
            throughput(&db, &outbox).await;
        }
        if !wanted("resume") {
            continue;
        }
        let url = match which {
            "sqlite" => format!(
                "sqlite:{}",
                std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
                    .join("outbox_bench.db")
                    .display()
            ),
            _ => std::env::var("CIO_TEST_POSTGRES_URL").unwrap(),
        };
        resume_after_kill(&db, &outbox, &url, outbox.namespace()).await;
    }
}
