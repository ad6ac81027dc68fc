//! The outbox on SQLite files, with in-process relays and the Track API emulator on
//! 127.0.0.1: rollback, dead letters, faults, bad input, schema versions, rows found
//! by event id, webhooks seen once. Every test
//! is bounded in time; waits poll a condition, none sleeps for timing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod outbox_support;

use std::collections::HashSet;
use std::time::Duration;

use cio_core::client::{Customer, Destination, Operation};
use cio_core::outbox::sqlx::{self, SqlitePool};
use cio_core::outbox::{Outbox, OutboxError, Relay};
use cio_emulator::{Emulator, Fault, Faults};
use outbox_support::*;

async fn pool(url: &str) -> SqlitePool {
    let pool = SqlitePool::connect(&format!("{url}?mode=rwc"))
        .await
        .unwrap();
    sqlx::query("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL)")
        .execute(&pool)
        .await
        .unwrap();
    pool
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_identify_never_brings_a_deleted_person_back() {
    bounded(60, async {
        let pool = pool(&sqlite_url("identify_delete")).await;
        let outbox = Outbox::sqlite(pool.clone()).await.unwrap();
        let jane = Customer::id("42");
        outbox
            .identify(&pool, &jane, &Plan { plan: "pro" })
            .await
            .unwrap();
        let emulator = Emulator::start().await.unwrap();
        emulator.script([Fault::Status(503)]);
        let relay = Relay::start(
            outbox.clone(),
            client(&emulator),
            slow_retry_relay(Duration::from_millis(500)),
        );
        let emulator_ref = &emulator;
        until(|| async move { emulator_ref.request_count() >= 1 }).await;
        outbox
            .send(&pool, &Operation::delete(&jane).unwrap())
            .await
            .unwrap();
        drained(&outbox).await;
        relay.shutdown().await;
        assert_identified_then_deleted(&emulator, "42");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolled_back_signup_never_sends_its_event() {
    bounded(60, async {
        let pool = pool(&sqlite_url("rollback")).await;
        let outbox = Outbox::sqlite(pool.clone()).await.unwrap();

        let mut tx = pool.begin().await.unwrap();
        sqlx::query("INSERT INTO users (id, email) VALUES (1, 'a@example.com')")
            .execute(&mut *tx)
            .await
            .unwrap();
        let rolled_back = outbox
            .track(
                &mut *tx,
                &Customer::id("1"),
                SignedUp { plan: "free", n: 1 },
            )
            .await
            .unwrap();
        tx.rollback().await.unwrap();

        let mut tx = pool.begin().await.unwrap();
        sqlx::query("INSERT INTO users (id, email) VALUES (2, 'b@example.com')")
            .execute(&mut *tx)
            .await
            .unwrap();
        let committed = outbox
            .track(&mut *tx, &Customer::id("2"), SignedUp { plan: "pro", n: 2 })
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let emulator = Emulator::start().await.unwrap();
        let relay = Relay::start(outbox.clone(), client(&emulator), fast_relay());
        drained(&outbox).await;
        let stats = relay.shutdown().await;

        let ids = stored_ids(&emulator);
        assert_eq!(ids.len(), 1, "{ids:?}");
        assert_eq!(ids.get(&committed.to_string()), Some(&1));
        assert!(!ids.contains_key(&rolled_back.to_string()));
        assert_eq!(stats.delivered, 1);
        let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(users, 1, "the outbox never touches the app's rows");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_207_dead_letters_the_refused_items_with_their_reasons() {
    bounded(60, async {
        let pool = pool(&sqlite_url("dead_letters")).await;
        let outbox = Outbox::sqlite(pool.clone()).await.unwrap();
        let (ops, poison) = signups_with_poison(100, 33, 7);
        let mut tx = pool.begin().await.unwrap();
        for op in &ops {
            outbox.send(&mut *tx, op).await.unwrap();
        }
        tx.commit().await.unwrap();
        assert_eq!(poison.len(), 3);

        let emulator = Emulator::builder()
            .reject_event("poison")
            .start()
            .await
            .unwrap();
        let relay = Relay::start(outbox.clone(), client(&emulator), fast_relay());
        drained(&outbox).await;
        let stats = relay.shutdown().await;

        assert_eq!(stored_ids(&emulator).len(), 97);
        assert_eq!(stats.delivered, 97);
        assert_eq!(stats.dead_lettered, 3);
        assert_eq!(stats.retried, 0, "refused items are not retried");
        assert_eq!(emulator.request_count(), 1, "one batch, answered 207");
        let dead = outbox.dead_letters(10).await.unwrap();
        let dead_ids: HashSet<String> = dead.iter().filter_map(|d| d.event_id.clone()).collect();
        assert_eq!(dead_ids, poison);
        for letter in &dead {
            assert!(!letter.reason.trim().is_empty(), "{letter:?}");
            assert!(
                letter.body.starts_with(b"{\"type\":\"person\""),
                "{letter:?}"
            );
        }
        let outbox_stats = outbox.stats().await.unwrap();
        assert_eq!(outbox_stats.dead_letters, 3);
        assert_eq!(outbox_stats.pending, 0);
        assert_eq!(outbox_stats.delivered_retained, 97);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_arrives_exactly_once_through_faults() {
    through_faults("faults", |emulator| client(emulator).into()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_arrives_exactly_once_through_faults_on_the_pipelines_api() {
    through_faults("faults_pipelines", |emulator| {
        pipelines_client(emulator).into()
    })
    .await;
}

/// 5,000 events of 97 people through 5xx, 429, resets and lost acknowledgements, to
/// the API `destination` gives: each arrives, none is sent again but those whose
/// acknowledgement was lost.
async fn through_faults(name: &str, destination: impl Fn(&Emulator) -> Destination) {
    bounded(180, async {
        let pool = pool(&sqlite_url(name)).await;
        let outbox = Outbox::sqlite(pool.clone()).await.unwrap();
        let mut written = HashSet::new();
        for chunk in 0..20u32 {
            let mut tx = pool.begin().await.unwrap();
            for i in 0..250 {
                let n = chunk * 250 + i;
                let customer = Customer::id(format!("user-{}", n % 97));
                let id = outbox
                    .track(&mut *tx, &customer, SignedUp { plan: "pro", n })
                    .await
                    .unwrap();
                written.insert(id.to_string());
            }
            tx.commit().await.unwrap();
        }
        let faults = Faults {
            server_errors: 0.20,
            too_many_requests: 0.10,
            retry_after_secs: 1,
            connection_resets: 0.05,
            errors_after_apply: 0.05,
            ..Faults::NONE
        };
        let emulator = Emulator::builder()
            .faults(faults)
            .seed(11)
            .start()
            .await
            .unwrap();
        let relay = Relay::start(
            outbox.clone(),
            destination(&emulator),
            fast_relay().max_batch_bytes(40 * 1024).claim_limit(400),
        );
        drained(&outbox).await;
        let stats = relay.shutdown().await;

        let ids = stored_ids(&emulator);
        assert_eq!(ids.len(), 5_000);
        assert_eq!(ids.keys().cloned().collect::<HashSet<_>>(), written);
        assert!(stats.retried > 0, "{stats:?}");
        let resent = assert_resent_only_when_unacknowledged(&emulator, 0);
        assert!(
            resent > 0,
            "lost acknowledgements were re-sent with their ids"
        );
        assert_eq!(stats.dead_lettered, 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreadable_rows_are_dead_lettered_and_the_rest_delivered() {
    bounded(60, async {
        let pool = pool(&sqlite_url("corrupt")).await;
        let outbox = Outbox::sqlite(pool.clone()).await.unwrap();
        let mut good = Vec::new();
        for n in 0..5 {
            let id = outbox
                .track(
                    &pool,
                    &Customer::id(n.to_string()),
                    SignedUp { plan: "pro", n },
                )
                .await
                .unwrap();
            good.push(id.to_string());
        }
        // Bad content, and columns whose stored types do not decode (SQLite lets any
        // column hold any type): each is dead-lettered alone, the rest of its claim
        // is delivered.
        for (event_id, kind, body, created_at) in [
            ("NULL", "'event'", "'{not json'", "0"),
            ("'not-a-ulid'", "'event'", "'{}'", "0"),
            ("x'00'", "'event'", "'{}'", "0"),
            ("NULL", "'event'", "'{}'", "'soon'"),
        ] {
            sqlx::raw_sql(&format!(
                "INSERT INTO cio_outbox_rows (event_id, kind, body, created_at)
                 VALUES ({event_id}, {kind}, {body}, {created_at})"
            ))
            .execute(&pool)
            .await
            .unwrap();
        }
        let emulator = Emulator::start().await.unwrap();
        let relay = Relay::start(outbox.clone(), client(&emulator), fast_relay());
        drained(&outbox).await;
        let stats = relay.shutdown().await;

        assert_eq!(stats.delivered, 5);
        let stored = stored_ids(&emulator);
        assert!(good.iter().all(|id| stored.contains_key(id)), "{stored:?}");
        let dead = outbox.dead_letters(10).await.unwrap();
        let reasons: Vec<&str> = dead.iter().map(|d| d.reason.as_str()).collect();
        assert_eq!(dead.len(), 4, "{reasons:?}");
        assert!(reasons[0].contains("not JSON"), "{reasons:?}");
        assert!(
            reasons[1].contains("`not-a-ulid` is not an event id"),
            "{reasons:?}"
        );
        assert!(reasons[2].contains("does not decode"), "{reasons:?}");
        assert!(reasons[3].contains("does not decode"), "{reasons:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_of_an_unknown_kind_is_left_for_a_newer_relay() {
    bounded(60, async {
        let pool = pool(&sqlite_url("unknown_kind")).await;
        let outbox = Outbox::sqlite(pool.clone()).await.unwrap();
        sqlx::query(
            "INSERT INTO cio_outbox_rows (event_id, kind, body, created_at) VALUES (NULL, 'teleport', '{}', 0)",
        )
        .execute(&pool)
        .await
        .unwrap();
        let good = outbox
            .track(&pool, &Customer::id("1"), SignedUp { plan: "pro", n: 1 })
            .await
            .unwrap();
        let emulator = Emulator::start().await.unwrap();
        let relay = Relay::start(outbox.clone(), client(&emulator), fast_relay());
        until(|| async { relay.stats().delivered == 1 && relay.stats().unknown_kinds >= 1 }).await;
        let stats = relay.shutdown().await;
        assert_eq!(stored_ids(&emulator).get(&good.to_string()), Some(&1));
        assert_eq!(stats.dead_lettered, 0, "{stats:?}");
        assert_eq!(outbox.stats().await.unwrap().pending, 1);
        assert!(outbox.dead_letters(10).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn an_invalid_event_is_refused_before_anything_is_written() {
    #[derive(serde::Serialize)]
    struct Huge {
        blob: String,
    }
    impl cio_core::Event for Huge {
        const NAME: &'static str = "huge";
    }
    let pool = pool(&sqlite_url("invalid")).await;
    let outbox = Outbox::sqlite(pool.clone()).await.unwrap();
    let error = outbox
        .track(
            &pool,
            &Customer::id("1"),
            Huge {
                blob: "x".repeat(40_000),
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(error, OutboxError::Invalid(_)), "{error}");
    let error = outbox
        .track(&pool, &Customer::id(""), SignedUp { plan: "pro", n: 1 })
        .await
        .unwrap_err();
    assert!(matches!(error, OutboxError::Invalid(_)), "{error}");
    assert_eq!(outbox.stats().await.unwrap().pending, 0);
}

#[tokio::test]
async fn tables_of_a_newer_cio_are_refused() {
    let pool = pool(&sqlite_url("newer")).await;
    Outbox::sqlite_in(pool.clone(), "app_outbox").await.unwrap();
    // Opening again is a no-op migration.
    Outbox::sqlite_in(pool.clone(), "app_outbox").await.unwrap();
    // A newer version that older builds may still use (its minimum is ours) opens.
    sqlx::query("UPDATE app_outbox_meta SET value = 99 WHERE key = 'schema_version'")
        .execute(&pool)
        .await
        .unwrap();
    Outbox::sqlite_in(pool.clone(), "app_outbox").await.unwrap();
    sqlx::query("UPDATE app_outbox_meta SET value = 99 WHERE key = 'min_compatible_version'")
        .execute(&pool)
        .await
        .unwrap();
    let error = Outbox::sqlite_in(pool.clone(), "app_outbox")
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            OutboxError::NewerSchema {
                found: 99,
                supported: 4,
                ..
            }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("upgrade cio"), "{error}");
    // Another prefix in the same file is independent.
    Outbox::sqlite_in(pool, "other").await.unwrap();
}

#[tokio::test]
async fn version_2_tables_are_migrated_and_row_numbers_never_reused() {
    let pool = pool(&sqlite_url("migrate_v2")).await;
    // Version 2's tables, as that build created them, with two rows of which the
    // newest was dead-lettered (so version 2 would hand its number out again).
    sqlx::raw_sql(
        "CREATE TABLE cio_outbox_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
         INSERT INTO cio_outbox_meta VALUES ('schema_version', 2);
         CREATE TABLE cio_outbox_rows (seq INTEGER PRIMARY KEY, event_id TEXT,
             kind TEXT NOT NULL, body BLOB NOT NULL, created_at INTEGER NOT NULL,
             attempts INTEGER NOT NULL DEFAULT 0, available_at INTEGER NOT NULL DEFAULT 0,
             lease_owner TEXT, last_error TEXT, delivered_at INTEGER);
         CREATE INDEX cio_outbox_rows_pending ON cio_outbox_rows (seq) WHERE delivered_at IS NULL;
         CREATE INDEX cio_outbox_rows_delivered ON cio_outbox_rows (delivered_at)
             WHERE delivered_at IS NOT NULL;
         CREATE TABLE cio_outbox_dead_letters (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL,
             event_id TEXT, kind TEXT NOT NULL, body BLOB NOT NULL, created_at INTEGER NOT NULL,
             attempts INTEGER NOT NULL, reason TEXT NOT NULL, dead_at INTEGER NOT NULL);
         CREATE TABLE cio_outbox_rate (id INTEGER PRIMARY KEY, next_at INTEGER NOT NULL);
         INSERT INTO cio_outbox_rate VALUES (1, 0);
         INSERT INTO cio_outbox_rows (seq, kind, body, created_at)
             VALUES (1, 'delete', '{\"type\":\"person\",\"action\":\"delete\",\"identifiers\":{\"id\":\"1\"}}', 0);
         INSERT INTO cio_outbox_dead_letters (seq, kind, body, created_at, attempts, reason, dead_at)
             VALUES (2, 'event', '{}', 0, 1, 'refused', 0);",
    )
    .execute(&pool)
    .await
    .unwrap();
    let outbox = Outbox::sqlite(pool.clone()).await.unwrap();
    let version: i64 =
        sqlx::query_scalar("SELECT value FROM cio_outbox_meta WHERE key = 'schema_version'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(version, 4);
    assert_eq!(outbox.stats().await.unwrap().pending, 1);
    outbox
        .track(&pool, &Customer::id("3"), SignedUp { plan: "pro", n: 3 })
        .await
        .unwrap();
    let seqs: Vec<i64> = sqlx::query_scalar("SELECT seq FROM cio_outbox_rows ORDER BY seq")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(
        seqs,
        [1, 3],
        "a dead-lettered row's number was handed out again"
    );
    // Delete the newest row: its number is still never reused.
    sqlx::query("DELETE FROM cio_outbox_rows WHERE seq = 3")
        .execute(&pool)
        .await
        .unwrap();
    outbox
        .track(&pool, &Customer::id("4"), SignedUp { plan: "pro", n: 4 })
        .await
        .unwrap();
    let newest: i64 = sqlx::query_scalar("SELECT max(seq) FROM cio_outbox_rows")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(newest, 4);
}

#[tokio::test]
async fn bad_databases_give_clear_errors() {
    let missing_dir = format!("sqlite:{}/no/such/dir/x.db", env!("CARGO_TARGET_TMPDIR"));
    let error = Outbox::connect(&missing_dir, "cio_outbox")
        .await
        .unwrap_err();
    assert!(matches!(error, OutboxError::Connect { .. }), "{error}");
    assert!(
        error
            .to_string()
            .starts_with("cannot open the outbox database"),
        "{error}"
    );

    // A read-only file: opening works, creating the tables does not.
    let url = sqlite_url("read_only");
    let path = url.trim_start_matches("sqlite:").to_owned();
    {
        let pool = pool(&url).await;
        pool.close().await;
    }
    let pool = SqlitePool::connect(&format!("{url}?mode=ro"))
        .await
        .unwrap();
    let error = Outbox::sqlite(pool).await.unwrap_err();
    assert!(matches!(error, OutboxError::Database { .. }), "{error}");
    assert!(error.to_string().contains("outbox"), "{error}");
    assert!(std::error::Error::source(&error).is_some());
    assert!(std::path::Path::new(&path).exists());

    let error = Outbox::connect("mysql://localhost/x", "cio_outbox")
        .await
        .unwrap_err();
    assert!(matches!(error, OutboxError::UnsupportedUrl(_)), "{error}");
    let error = Outbox::connect(&sqlite_url("ns"), "Robert'); DROP")
        .await
        .unwrap_err();
    assert!(matches!(error, OutboxError::InvalidNamespace(_)), "{error}");
}

#[tokio::test]
async fn an_unreachable_postgres_is_a_clear_error_in_bounded_time() {
    let error = bounded(
        30,
        Outbox::connect("postgres://app:secret@127.0.0.1:1/db", "cio_outbox"),
    )
    .await
    .unwrap_err();
    assert!(matches!(error, OutboxError::Connect { .. }), "{error}");
    let text = error.to_string();
    assert!(!text.contains("secret"), "{text}");
    assert!(text.contains("127.0.0.1:1"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delivered_rows_are_pruned_and_pending_ones_kept() {
    bounded(60, async {
        let pool = pool(&sqlite_url("prune")).await;
        let outbox = Outbox::sqlite(pool.clone()).await.unwrap();
        for n in 0..10 {
            outbox
                .track(&pool, &Customer::id("1"), SignedUp { plan: "pro", n })
                .await
                .unwrap();
        }
        // A row not due for a long time: pending through every prune.
        let op = Operation::event(
            &Customer::id("2"),
            &cio_core::Tracked::new(SignedUp { plan: "pro", n: 99 }),
        )
        .unwrap();
        sqlx::query(
            "INSERT INTO cio_outbox_rows (event_id, kind, body, created_at, available_at)
             VALUES (?, 'event', ?, 0, 9223372036854775807)",
        )
        .bind(op.event_id().map(|id| id.to_string()))
        .bind(op.as_bytes())
        .execute(&pool)
        .await
        .unwrap();
        let emulator = Emulator::start().await.unwrap();
        let relay = Relay::start(
            outbox.clone(),
            client(&emulator),
            fast_relay()
                .retention(Duration::ZERO)
                .prune_interval(Duration::from_secs(1)),
        );
        until(|| async {
            let stats = outbox.stats().await.unwrap();
            relay.stats().delivered == 10 && stats.delivered_retained == 0
        })
        .await;
        relay.shutdown().await;
        let stats = outbox.stats().await.unwrap();
        assert_eq!(stats.pending, 1, "{stats:?}");
        assert!(stats.oldest_pending_age.is_some());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_written_over_72_hours_ago_are_counted_when_delivered() {
    bounded(60, async {
        let pool = pool(&sqlite_url("stale")).await;
        let outbox = Outbox::sqlite(pool.clone()).await.unwrap();
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        for (n, age_hours) in [(1u32, 73i64), (2, 1)] {
            let op = Operation::event(
                &Customer::id("1"),
                &cio_core::Tracked::new(SignedUp { plan: "pro", n }),
            )
            .unwrap();
            sqlx::query(
                "INSERT INTO cio_outbox_rows (event_id, kind, body, created_at) VALUES (?, 'event', ?, ?)",
            )
            .bind(op.event_id().map(|id| id.to_string()))
            .bind(op.as_bytes())
            .bind(now_ms - age_hours * 3_600_000)
            .execute(&pool)
            .await
            .unwrap();
        }
        let emulator = Emulator::start().await.unwrap();
        let relay = Relay::start(outbox.clone(), client(&emulator), fast_relay());
        drained(&outbox).await;
        let stats = relay.shutdown().await;
        assert_eq!((stats.delivered, stats.delivered_stale), (2, 1));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_holds_the_rows_for_its_retry_after() {
    bounded(60, async {
        let pool = pool(&sqlite_url("retry_after")).await;
        let outbox = Outbox::sqlite(pool.clone()).await.unwrap();
        for n in 0..10 {
            outbox
                .track(
                    &pool,
                    &Customer::id(format!("p{n}")),
                    SignedUp { plan: "pro", n },
                )
                .await
                .unwrap();
        }
        let emulator = Emulator::builder().start().await.unwrap();
        emulator.script([Fault::TooManyRequests {
            retry_after: "1".into(),
        }]);
        // The backoff alone would retry within 20 ms; the answer asks for 1 s.
        let relay = Relay::start(outbox.clone(), client(&emulator), fast_relay());
        drained(&outbox).await;
        let stats = relay.shutdown().await;

        let batches: Vec<_> = emulator.with_record(|r| {
            r.requests_to("/api/v2/batch")
                .map(|request| (request.status, request.arrived))
                .collect()
        });
        assert_eq!(batches.len(), 2, "one refused request, one accepted");
        assert_eq!(batches[0].0, Some(429));
        assert_eq!(batches[1].0, Some(200));
        let waited = batches[1].1.duration_since(batches[0].1);
        assert!(
            waited >= Duration::from_millis(1_000),
            "the retry came {waited:?} after the 429 that asked for 1 s"
        );
        assert_eq!(stats.retried, 10, "{stats:?}");
        assert_eq!(stored_ids(&emulator).len(), 10);
    })
    .await;
}

/// The `detail` lines of SQLite's plan for `sql` (one `?1`).
async fn plan(pool: &SqlitePool, sql: &str) -> Vec<String> {
    use sqlx::Row as _;
    sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}"))
        .bind("01E4C4CT6YDC7Y5M7FE1GWWPQJ")
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|row| row.get::<String, _>(3))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_are_found_by_event_id_pending_delivered_or_dead_lettered() {
    bounded(60, async {
        let pool = pool(&sqlite_url("find")).await;
        let outbox = Outbox::sqlite(pool.clone()).await.unwrap();
        rows_are_found_in_every_state(&outbox, &pool).await;

        // An event rolled back with the app's transaction is never found.
        let mut tx = pool.begin().await.unwrap();
        let rolled_back = outbox
            .track(&mut *tx, &Customer::id("9"), SignedUp { plan: "pro", n: 9 })
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        assert!(outbox.find(rolled_back).await.unwrap().is_none());

        // Each side of the lookup reads its index, not its table.
        for (table, index) in [
            ("cio_outbox_rows", "cio_outbox_rows_event_id"),
            (
                "cio_outbox_dead_letters",
                "cio_outbox_dead_letters_event_id",
            ),
        ] {
            let plan = plan(
                &pool,
                &format!("SELECT seq FROM {table} WHERE event_id = ?1"),
            )
            .await;
            assert!(
                plan.iter()
                    .any(|step| step.contains(&format!("INDEX {index}"))),
                "{plan:?}"
            );
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_are_seen_once_forgotten_on_rollback_and_pruned_after_7_days() {
    bounded(60, async {
        let pool = pool(&sqlite_url("webhooks_seen")).await;
        let outbox = Outbox::sqlite(pool.clone()).await.unwrap();
        webhooks_are_seen_once(&outbox, &pool).await;

        // Marked in the app's transaction: a rollback forgets it, as it forgets the
        // app's own work for the webhook.
        let mut tx = pool.begin().await.unwrap();
        assert!(outbox.mark_webhook_seen(&mut *tx, "in-tx").await.unwrap());
        assert!(!outbox.mark_webhook_seen(&mut *tx, "in-tx").await.unwrap());
        tx.rollback().await.unwrap();
        assert!(outbox.mark_webhook_seen(&pool, "in-tx").await.unwrap());

        // A relay keeping delivered rows an hour still remembers webhooks 7 days
        // (Customer.io's retries): one seen 8 days ago is forgotten, the rest kept.
        sqlx::query(
            "UPDATE cio_outbox_webhooks_seen SET seen_at = seen_at - 8 * 24 * 3600 * 1000
             WHERE event_id = 'another'",
        )
        .execute(&pool)
        .await
        .unwrap();
        let emulator = Emulator::start().await.unwrap();
        let relay = Relay::start(
            outbox.clone(),
            client(&emulator),
            pruning_relay(Duration::from_secs(3600)),
        );
        let pool_ref = &pool;
        until(|| async move {
            let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM cio_outbox_webhooks_seen")
                .fetch_one(pool_ref)
                .await
                .unwrap();
            seen == 2
        })
        .await;
        relay.shutdown().await;
        assert!(outbox.mark_webhook_seen(&pool, "another").await.unwrap());
        assert!(!outbox.mark_webhook_seen(&pool, "in-tx").await.unwrap());
    })
    .await;
}

#[tokio::test]
async fn version_3_tables_get_the_event_id_indexes_and_the_webhooks_table() {
    let pool = pool(&sqlite_url("migrate_v3")).await;
    let outbox = Outbox::sqlite(pool.clone()).await.unwrap();
    let written = outbox
        .track(&pool, &Customer::id("1"), SignedUp { plan: "pro", n: 1 })
        .await
        .unwrap();
    // What version 3 left: no index on event_id, no webhooks table.
    sqlx::raw_sql(
        "DROP INDEX cio_outbox_rows_event_id;
         DROP INDEX cio_outbox_dead_letters_event_id;
         DROP TABLE cio_outbox_webhooks_seen;
         UPDATE cio_outbox_meta SET value = 3 WHERE key = 'schema_version';",
    )
    .execute(&pool)
    .await
    .unwrap();
    let outbox = Outbox::sqlite(pool.clone()).await.unwrap();
    let meta: Vec<(String, i64)> =
        sqlx::query_as("SELECT key, value FROM cio_outbox_meta ORDER BY key")
            .fetch_all(&pool)
            .await
            .unwrap();
    // Version 4, still open to builds of version 3 (a rolling deploy).
    assert_eq!(
        meta,
        [
            ("min_compatible_version".to_owned(), 3),
            ("schema_version".to_owned(), 4)
        ]
    );
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%event_id' ORDER BY name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        indexes,
        [
            "cio_outbox_dead_letters_event_id",
            "cio_outbox_rows_event_id"
        ]
    );
    // The row written before the migration is found; webhooks can be marked.
    assert!(outbox.find(written).await.unwrap().is_some());
    assert!(outbox.mark_webhook_seen(&pool, "w").await.unwrap());
}
