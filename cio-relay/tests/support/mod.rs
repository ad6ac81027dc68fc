//! Helpers of the process tests: the child that writes and relays, the `cio-relay`
//! command, databases of their own, and bounded waits.

#![allow(dead_code, unreachable_pub)]

use std::process::Stdio;
use std::time::Duration;

use cio_core::client::{Customer, Destination, PipelinesClient, TrackClient};
use cio_core::outbox::sqlx::{self, PgPool, SqlitePool};
use cio_core::outbox::{Outbox, Relay, RelayConfig};
use cio_core::{Event, EventId, Tracked};
use cio_emulator::Emulator;
use tokio::process::{Child, Command};

#[path = "../../../tests/outbox_support/mod.rs"]
mod shared;
// Each test file uses some of these.
#[allow(unused_imports)]
pub use shared::{bounded, drained, postgres_url, sqlite_url, stored_ids, until};

/// The API a test delivers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// The Track API (`/api/v2/batch`).
    Track,
    /// The Data Pipelines API (`/v1/batch`).
    Pipelines,
}

impl Api {
    /// How `CUSTOMERIO_API` and `cio-relay --api` name it.
    pub fn name(self) -> &'static str {
        match self {
            Api::Track => "track",
            Api::Pipelines => "pipelines",
        }
    }

    /// The environment a child or `cio-relay` reads the API and its credentials from.
    pub fn env(self, emulator: &Emulator) -> [(&'static str, String); 4] {
        [
            ("CUSTOMERIO_API", self.name().to_owned()),
            ("CUSTOMERIO_SITE_ID", emulator.site_id().to_owned()),
            ("CUSTOMERIO_TRACK_API_KEY", emulator.api_key().to_owned()),
            (
                "CUSTOMERIO_PIPELINES_WRITE_KEY",
                emulator.write_key().to_owned(),
            ),
        ]
    }

    /// A client of the emulator's API, each attempt bounded by `timeout`.
    pub fn destination(self, emulator: &Emulator, timeout: Duration) -> Destination {
        let base_url = emulator.base_url();
        match self {
            Api::Track => TrackClient::builder(emulator.site_id(), emulator.api_key())
                .base_url(&base_url)
                .timeout(timeout)
                .build()
                .unwrap()
                .into(),
            Api::Pipelines => PipelinesClient::builder(emulator.write_key())
                .base_url(&base_url)
                .timeout(timeout)
                .build()
                .unwrap()
                .into(),
        }
    }
}

/// The events the children write.
#[derive(serde::Serialize)]
pub struct SignedUp {
    pub n: u32,
}

impl Event for SignedUp {
    const NAME: &'static str = "signed_up";
}

/// Events per crash test.
pub const EVENTS: u32 = 20_000;

/// The id of event `n` of a run: fixed, so that the parent knows every id written.
pub fn event_id(n: u32) -> EventId {
    ulid::Ulid::from_parts(1_700_000_000_000, u128::from(n) + 1)
        .to_string()
        .parse()
        .unwrap()
}

/// A schema of its own for a test, dropped first so re-runs start clean.
pub async fn fresh_schema(url: &str, name: &str) -> String {
    let pool = PgPool::connect(url).await.unwrap();
    sqlx::raw_sql(&format!(
        "DROP SCHEMA IF EXISTS {name} CASCADE; DROP SCHEMA IF EXISTS {name}_app CASCADE"
    ))
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    name.to_owned()
}

pub fn stored_count(emulator: &Emulator) -> usize {
    emulator.with_record(|record| record.event_count())
}

/// The most rows a killed relay can have had on the wire: its claims in flight
/// (`max_in_flight`, 4 by default) of at most `claim_limit` rows (2,000).
pub const IN_FLIGHT_AT_A_KILL: u64 = 4 * 2_000;

/// Asserts the emulator holds exactly the ids of events `0..EVENTS`, and that no event
/// was sent again beyond what `kills` killed relays had in flight.
pub fn assert_exactly_all(emulator: &Emulator, kills: u64) {
    let ids = stored_ids(emulator);
    let missing = (0..EVENTS)
        .filter(|&n| !ids.contains_key(&event_id(n).to_string()))
        .count();
    assert_eq!(missing, 0, "events never delivered");
    assert_eq!(
        ids.len(),
        EVENTS as usize,
        "events that were never written arrived"
    );
    shared::assert_resent_only_when_unacknowledged(emulator, kills * IN_FLIGHT_AT_A_KILL);
}

/// Starts the child that writes `EVENTS` signups (user row and event in one
/// transaction each 100), with a relay of its own if `relay`, and waits until it has
/// written them.
pub async fn spawn_writer(
    emulator: &Emulator,
    url: &str,
    namespace: &str,
    relay: bool,
    api: Api,
) -> Child {
    let marker = written_marker(namespace);
    let _ = std::fs::remove_file(&marker);
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "child_writer",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("CIO_CHILD_DATABASE_URL", url)
        .env("CIO_CHILD_NAMESPACE", namespace)
        .env("CIO_CHILD_BASE_URL", emulator.base_url())
        .env("CIO_CHILD_RELAY", if relay { "1" } else { "0" })
        .envs(api.env(emulator))
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    loop {
        if marker.exists() {
            return child;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the writer child ended before writing its events: {status}");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The file the writer child creates once its events are committed.
fn written_marker(namespace: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{namespace}.written"))
}

/// Runs the `cio-relay` command against the emulator's `api`.
pub fn spawn_relay(
    emulator: &Emulator,
    url: &str,
    namespace: &str,
    extra: &[&str],
    api: Api,
) -> Child {
    Command::new(env!("CARGO_BIN_EXE_cio-relay"))
        .args(["--database-url", url, "--namespace", namespace])
        .args([
            "--base-url",
            &emulator.base_url(),
            "--lease",
            "2s",
            "--poll-interval",
            "50ms",
        ])
        .args(extra)
        .envs(api.env(emulator))
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap()
}

/// The child's body: see [`spawn_writer`].
pub async fn writer_main() {
    let (Ok(url), Ok(namespace), Ok(base_url)) = (
        std::env::var("CIO_CHILD_DATABASE_URL"),
        std::env::var("CIO_CHILD_NAMESPACE"),
        std::env::var("CIO_CHILD_BASE_URL"),
    ) else {
        return;
    };
    let timeout = Duration::from_secs(1);
    let client: Destination = match std::env::var("CUSTOMERIO_API").as_deref() {
        Ok("pipelines") => PipelinesClient::builder_from_env()
            .unwrap()
            .base_url(base_url)
            .timeout(timeout)
            .build()
            .unwrap()
            .into(),
        _ => TrackClient::builder_from_env()
            .unwrap()
            .base_url(base_url)
            .timeout(timeout)
            .build()
            .unwrap()
            .into(),
    };
    let start_relay = std::env::var("CIO_CHILD_RELAY").is_ok_and(|v| v == "1");
    let config = RelayConfig::default()
        .lease(Duration::from_secs(2))
        .poll_interval(Duration::from_millis(20))
        .unlimited_rate()
        .max_batch_bytes(33 * 1024);
    // The same writes whichever the database: the user row and its event in one
    // transaction, 100 signups per transaction.
    macro_rules! write_signups {
        ($pool:expr, $outbox:expr, $insert:expr) => {
            for chunk in 0..EVENTS / 100 {
                let mut tx = $pool.begin().await.unwrap();
                for n in chunk * 100..(chunk + 1) * 100 {
                    sqlx::query($insert)
                        .bind(i64::from(n))
                        .execute(&mut *tx)
                        .await
                        .unwrap();
                    let event = Tracked::with_id(SignedUp { n }, event_id(n));
                    $outbox
                        .track(&mut *tx, &Customer::id(n.to_string()), event)
                        .await
                        .unwrap();
                }
                tx.commit().await.unwrap();
            }
        };
    }
    let relay = |outbox: &Outbox| {
        start_relay.then(|| Relay::start(outbox.clone(), client.clone(), config.clone()))
    };
    let _relay = if url.starts_with("sqlite:") {
        let pool = SqlitePool::connect(&format!("{url}?mode=rwc"))
            .await
            .unwrap();
        sqlx::query("CREATE TABLE users (id INTEGER PRIMARY KEY)")
            .execute(&pool)
            .await
            .unwrap();
        let outbox = Outbox::sqlite_in(pool.clone(), &namespace).await.unwrap();
        let running = relay(&outbox);
        write_signups!(pool, outbox, "INSERT INTO users (id) VALUES ($1)");
        running
    } else {
        let pool = PgPool::connect(&url).await.unwrap();
        let app = format!("{namespace}_app");
        sqlx::raw_sql(&format!(
            "CREATE SCHEMA {app}; CREATE TABLE {app}.users (id BIGINT PRIMARY KEY)"
        ))
        .execute(&pool)
        .await
        .unwrap();
        let outbox = Outbox::postgres_in(pool.clone(), &namespace).await.unwrap();
        let running = relay(&outbox);
        let insert = format!("INSERT INTO {app}.users (id) VALUES ($1)");
        write_signups!(pool, outbox, &insert);
        running
    };
    std::fs::write(written_marker(&namespace), b"").unwrap();
    // Relay until killed.
    std::future::pending::<()>().await;
}
