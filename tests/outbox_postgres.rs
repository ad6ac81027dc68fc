//! The outbox on PostgreSQL (the local server on 127.0.0.1:5432, or
//! `CIO_TEST_POSTGRES_URL`; each test says when it did not run): rollback, connections cut mid-run, `NOTIFY` wake-ups, schema
//! versions, rows found by event id, webhooks seen once. Each test has a schema of its own, dropped first. Every test is bounded
//! in time; waits poll a condition, none sleeps for timing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod outbox_support;

use std::str::FromStr;
use std::time::Duration;

use cio_core::client::{Customer, Operation};
use cio_core::outbox::sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use cio_core::outbox::sqlx::{self, PgPool};
use cio_core::outbox::{Outbox, OutboxError, Relay};
use cio_emulator::{Emulator, Fault, Faults};
use outbox_support::*;

/// A pool whose connections carry `application_name`, and a fresh schema `name`.
async fn setup(url: &str, name: &str) -> PgPool {
    let options = PgConnectOptions::from_str(url)
        .unwrap()
        .application_name(name);
    let pool = PgPoolOptions::new()
        .max_connections(6)
        .connect_with(options)
        .await
        .unwrap();
    sqlx::raw_sql(&format!(
        "DROP SCHEMA IF EXISTS {name} CASCADE; DROP SCHEMA IF EXISTS {name}_app CASCADE;
         CREATE SCHEMA {name}_app;
         CREATE TABLE {name}_app.users (id BIGINT PRIMARY KEY)"
    ))
    .execute(&pool)
    .await
    .unwrap();
    pool
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_identify_never_brings_a_deleted_person_back() {
    let Some(url) = postgres_url("a_retried_identify_never_brings_a_deleted_person_back") else {
        return;
    };
    bounded(60, async {
        let name = "t_identify_delete";
        let pool = setup(&url, name).await;
        let outbox = Outbox::postgres_in(pool.clone(), name).await.unwrap();
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
async fn a_row_that_commits_later_waits_for_the_row_in_flight() {
    let Some(url) = postgres_url("a_row_that_commits_later_waits_for_the_row_in_flight") else {
        return;
    };
    bounded(60, async {
        let name = "t_commit_order";
        let pool = setup(&url, name).await;
        let outbox = Outbox::postgres_in(pool.clone(), name).await.unwrap();
        let jane = Customer::id("jane");
        // Two requests for one person at once: the first transaction takes the lower
        // row number but commits last.
        let mut first = pool.begin().await.unwrap();
        let late = outbox
            .track(&mut *first, &jane, SignedUp { plan: "pro", n: 1 })
            .await
            .unwrap();
        let mut second = pool.begin().await.unwrap();
        let early = outbox
            .track(&mut *second, &jane, SignedUp { plan: "pro", n: 2 })
            .await
            .unwrap();
        second.commit().await.unwrap();
        let emulator = Emulator::start().await.unwrap();
        emulator.script([Fault::Delay(Duration::from_millis(1_500))]);
        let relay = Relay::start(outbox.clone(), client(&emulator), fast_relay());
        let emulator_ref = &emulator;
        until(|| async move { emulator_ref.request_count() >= 1 }).await;
        // While the committed row is in flight, the earlier-numbered one commits.
        first.commit().await.unwrap();
        drained(&outbox).await;
        relay.shutdown().await;
        let record = emulator.record();
        let order: Vec<_> = record
            .history_of("jane")
            .iter()
            .map(|applied| match applied {
                cio_emulator::Applied::Event(Some(id)) => id.clone(),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            order,
            [early.to_string(), late.to_string()],
            "not in commit order"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolled_back_signup_never_sends_its_event() {
    let Some(url) = postgres_url("a_rolled_back_signup_never_sends_its_event") else {
        return;
    };
    bounded(60, async {
        let name = "t_rollback";
        let pool = setup(&url, name).await;
        let outbox = Outbox::postgres_in(pool.clone(), name).await.unwrap();
        let insert = format!("INSERT INTO {name}_app.users (id) VALUES ($1)");
        let mut ids = Vec::new();
        for (n, commit) in [(1, false), (2, true)] {
            let mut tx = pool.begin().await.unwrap();
            sqlx::query(&insert)
                .bind(n)
                .execute(&mut *tx)
                .await
                .unwrap();
            let id = outbox
                .track(
                    &mut *tx,
                    &Customer::id(n.to_string()),
                    SignedUp { plan: "pro", n: 1 },
                )
                .await
                .unwrap();
            ids.push(id.to_string());
            if commit {
                tx.commit().await.unwrap();
            } else {
                tx.rollback().await.unwrap();
            }
        }
        let emulator = Emulator::start().await.unwrap();
        let relay = Relay::start(outbox.clone(), client(&emulator), fast_relay());
        drained(&outbox).await;
        relay.shutdown().await;
        let stored = stored_ids(&emulator);
        assert_eq!(stored.len(), 1, "{stored:?}");
        assert_eq!(stored.get(&ids[1]), Some(&1), "sent once, with no fault");
        assert!(!stored.contains_key(&ids[0]));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cut_connections_are_reopened_and_nothing_is_lost() {
    let Some(url) = postgres_url("cut_connections_are_reopened_and_nothing_is_lost") else {
        return;
    };
    bounded(120, async {
        let name = "t_terminate";
        let pool = setup(&url, name).await;
        let outbox = Outbox::postgres_in(pool.clone(), name).await.unwrap();
        let mut written = std::collections::HashSet::new();
        for chunk in 0..10u32 {
            let mut tx = pool.begin().await.unwrap();
            for i in 0..500 {
                let n = chunk * 500 + i;
                let id = outbox
                    .track(
                        &mut *tx,
                        &Customer::id(n.to_string()),
                        SignedUp { plan: "pro", n },
                    )
                    .await
                    .unwrap();
                written.insert(id.to_string());
            }
            tx.commit().await.unwrap();
        }
        let faults = Faults {
            latency: Duration::from_millis(10),
            ..Faults::NONE
        };
        let emulator = Emulator::builder().faults(faults).start().await.unwrap();
        let relay = Relay::start(
            outbox.clone(),
            client(&emulator),
            fast_relay().max_batch_bytes(33 * 1024).claim_limit(200),
        );
        // The test watches from connections of its own, not named like the relay's.
        let watcher = PgPool::connect(&url).await.unwrap();
        let relay_backends = "SELECT pid FROM pg_stat_activity
                              WHERE application_name = $1 AND pid <> pg_backend_pid()";
        let mut cut_pids = std::collections::HashSet::new();
        for threshold in [500, 1_500, 3_000] {
            let emulator = &emulator;
            until(|| async move { emulator.with_record(|r| r.event_count()) >= threshold }).await;
            let pids: Vec<i32> = sqlx::query_scalar(relay_backends)
                .bind(name)
                .fetch_all(&watcher)
                .await
                .unwrap();
            let mut cut_now = 0;
            for &pid in &pids {
                // Waits (up to 5 s) until the backend is gone.
                let cut: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1, 5000)")
                    .bind(pid)
                    .fetch_one(&watcher)
                    .await
                    .unwrap();
                if cut {
                    cut_pids.insert(pid);
                    cut_now += 1;
                }
            }
            assert!(cut_now > 0, "no relay connection to cut among {pids:?}");
        }
        let watched = Outbox::postgres_in(watcher.clone(), name).await.unwrap();
        drained(&watched).await;
        // The relay goes on polling over connections it opened anew: none of the cut
        // backends is alive, and new ones under the relay's name appear.
        let alive = loop {
            let alive: Vec<i32> = sqlx::query_scalar(relay_backends)
                .bind(name)
                .fetch_all(&watcher)
                .await
                .unwrap();
            if !alive.is_empty() {
                break alive;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        assert!(
            alive.iter().all(|pid| !cut_pids.contains(pid)),
            "a cut backend is still alive: {alive:?} / {cut_pids:?}"
        );
        relay.shutdown().await;
        // A cut may lose a settle statement after its request was accepted: at most
        // the rows in flight at each of the 3 cuts (4 claims of 200) are sent again.
        assert_resent_only_when_unacknowledged(&emulator, 3 * 4 * 200);
        let stored = stored_ids(&emulator);
        assert_eq!(stored.len(), 5_000);
        assert_eq!(
            stored
                .keys()
                .cloned()
                .collect::<std::collections::HashSet<_>>(),
            written
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notify_wakes_an_idle_relay_long_before_its_poll() {
    let Some(url) = postgres_url("a_notify_wakes_an_idle_relay_long_before_its_poll") else {
        return;
    };
    let name = "t_notify";
    let pool = setup(&url, name).await;
    let outbox = Outbox::postgres_in(pool.clone(), name).await.unwrap();
    let emulator = Emulator::start().await.unwrap();
    // A poll once an hour: only the NOTIFY can bring the row in within the bound.
    let relay = Relay::start(
        outbox.clone(),
        client(&emulator),
        fast_relay().poll_interval(Duration::from_secs(3600)),
    );
    // Wait until the relay has made its first (empty) claim and listens.
    bounded(
        30,
        until(|| async { relay.stats().requests == 0 && listening(&pool, name).await }),
    )
    .await;
    outbox
        .track(&pool, &Customer::id("7"), SignedUp { plan: "pro", n: 7 })
        .await
        .unwrap();
    bounded(
        30,
        until(|| async { emulator.with_record(|r| r.event_count()) == 1 }),
    )
    .await;
    relay.shutdown().await;
}

/// Whether a connection LISTENs on the outbox's channel.
async fn listening(pool: &PgPool, name: &str) -> bool {
    let count: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'",
    )
    .bind(name)
    .fetch_one(pool)
    .await
    .unwrap();
    count > 0
}

#[tokio::test]
async fn tables_of_a_newer_cio_are_refused() {
    let Some(url) = postgres_url("tables_of_a_newer_cio_are_refused") else {
        return;
    };
    let name = "t_newer";
    let pool = setup(&url, name).await;
    Outbox::postgres_in(pool.clone(), name).await.unwrap();
    Outbox::postgres_in(pool.clone(), name).await.unwrap();
    // A newer version whose tables older builds may still use is accepted.
    sqlx::raw_sql(&format!(
        "UPDATE {name}.meta SET value = 7 WHERE key = 'schema_version'"
    ))
    .execute(&pool)
    .await
    .unwrap();
    Outbox::postgres_in(pool.clone(), name).await.unwrap();
    // One that needs version 7 at least is not.
    sqlx::raw_sql(&format!(
        "UPDATE {name}.meta SET value = 7 WHERE key = 'min_compatible_version'"
    ))
    .execute(&pool)
    .await
    .unwrap();
    let error = Outbox::postgres_in(pool.clone(), name).await.unwrap_err();
    assert!(
        matches!(error, OutboxError::NewerSchema { found: 7, .. }),
        "{error}"
    );
    // The app's own schema is untouched.
    let users: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {name}_app.users"))
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(users, 0);
}

#[tokio::test]
async fn version_1_tables_are_migrated_in_place() {
    let Some(url) = postgres_url("version_1_tables_are_migrated_in_place") else {
        return;
    };
    let name = "t_migrate";
    let pool = setup(&url, name).await;
    let outbox = Outbox::postgres_in(pool.clone(), name).await.unwrap();
    outbox
        .track(&pool, &Customer::id("1"), SignedUp { plan: "pro", n: 1 })
        .await
        .unwrap();
    // What version 1 left: its version number and no minimum, pages with no room
    // kept free, rows without people, dead letters keyed by the row's number.
    sqlx::raw_sql(&format!(
        "UPDATE {name}.meta SET value = 1 WHERE key = 'schema_version';
         DELETE FROM {name}.meta WHERE key = 'min_compatible_version';
         ALTER TABLE {name}.rows RESET (fillfactor);
         ALTER TABLE {name}.rows DROP COLUMN person, DROP COLUMN person2;
         ALTER TABLE {name}.dead_letters DROP COLUMN id;
         ALTER TABLE {name}.dead_letters ADD PRIMARY KEY (seq);
         DROP INDEX {name}.rows_event_id;
         DROP INDEX {name}.dead_letters_event_id;
         DROP TABLE {name}.webhooks_seen"
    ))
    .execute(&pool)
    .await
    .unwrap();
    Outbox::postgres_in(pool.clone(), name).await.unwrap();
    let version: i64 = sqlx::query_scalar(&format!(
        "SELECT value FROM {name}.meta WHERE key = 'schema_version'"
    ))
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(version, 4);
    let options: Option<Vec<String>> = sqlx::query_scalar(&format!(
        "SELECT reloptions FROM pg_class WHERE oid = '{name}.rows'::regclass"
    ))
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(options, Some(vec!["fillfactor=50".to_string()]));
    // The row written before the migration is still there, pending, and the new
    // columns are in place: a row written now names its person.
    assert_eq!(outbox.stats().await.unwrap().pending, 1);
    outbox
        .track(&pool, &Customer::id("2"), SignedUp { plan: "pro", n: 2 })
        .await
        .unwrap();
    let people: Vec<Option<i64>> =
        sqlx::query_scalar(&format!("SELECT person FROM {name}.rows ORDER BY seq"))
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(people[0].is_none() && people[1].is_some(), "{people:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_arrives_exactly_once_through_faults() {
    let Some(url) = postgres_url("every_event_arrives_exactly_once_through_faults") else {
        return;
    };
    bounded(180, async {
        let name = "t_faults";
        let pool = setup(&url, name).await;
        let outbox = Outbox::postgres_in(pool.clone(), name).await.unwrap();
        let mut written = std::collections::HashSet::new();
        for chunk in 0..10u32 {
            let mut tx = pool.begin().await.unwrap();
            for i in 0..500 {
                let n = chunk * 500 + i;
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
            .seed(12)
            .start()
            .await
            .unwrap();
        // Two relays on the same outbox, as two app instances would run them.
        let config = fast_relay().max_batch_bytes(40 * 1024).claim_limit(400);
        let relays = [
            Relay::start(outbox.clone(), client(&emulator), config.clone()),
            Relay::start(outbox.clone(), client(&emulator), config),
        ];
        drained(&outbox).await;
        let mut retried = 0;
        for relay in &relays {
            retried += relay.shutdown().await.retried;
        }
        let ids = stored_ids(&emulator);
        assert_eq!(ids.len(), 5_000);
        assert_eq!(
            ids.keys()
                .cloned()
                .collect::<std::collections::HashSet<_>>(),
            written
        );
        assert!(retried > 0);
        let resent = assert_resent_only_when_unacknowledged(&emulator, 0);
        assert!(
            resent > 0,
            "lost acknowledgements were re-sent with their ids"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_207_dead_letters_the_refused_items_with_their_reasons() {
    let Some(url) = postgres_url("a_207_dead_letters_the_refused_items_with_their_reasons") else {
        return;
    };
    bounded(60, async {
        let name = "t_dead";
        let pool = setup(&url, name).await;
        let outbox = Outbox::postgres_in(pool.clone(), name).await.unwrap();
        let (ops, _) = signups_with_poison(100, 33, 7);
        let mut tx = pool.begin().await.unwrap();
        for op in &ops {
            outbox.send(&mut *tx, op).await.unwrap();
        }
        tx.commit().await.unwrap();
        let emulator = Emulator::builder()
            .reject_event("poison")
            .start()
            .await
            .unwrap();
        let relay = Relay::start(outbox.clone(), client(&emulator), fast_relay());
        drained(&outbox).await;
        let stats = relay.shutdown().await;
        assert_eq!(
            (stats.delivered, stats.dead_lettered, stats.retried),
            (97, 3, 0)
        );
        assert_eq!(stored_ids(&emulator).len(), 97);
        let dead = outbox.dead_letters(10).await.unwrap();
        assert_eq!(dead.len(), 3);
        assert!(dead
            .iter()
            .all(|d| !d.reason.trim().is_empty() && d.attempts == 1));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_are_found_by_event_id_pending_delivered_or_dead_lettered() {
    let Some(url) = postgres_url("rows_are_found_by_event_id_pending_delivered_or_dead_lettered")
    else {
        return;
    };
    bounded(60, async {
        let name = "t_find";
        let pool = setup(&url, name).await;
        let outbox = Outbox::postgres_in(pool.clone(), name).await.unwrap();
        rows_are_found_in_every_state(&outbox, &pool).await;
        let mut tx = pool.begin().await.unwrap();
        let rolled_back = outbox
            .track(&mut *tx, &Customer::id("9"), SignedUp { plan: "pro", n: 9 })
            .await
            .unwrap();
        // Not committed: another connection does not see it.
        assert!(outbox.find(rolled_back).await.unwrap().is_none());
        tx.rollback().await.unwrap();
        assert!(outbox.find(rolled_back).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_are_seen_once_forgotten_on_rollback_and_pruned_after_7_days() {
    let Some(url) =
        postgres_url("webhooks_are_seen_once_forgotten_on_rollback_and_pruned_after_7_days")
    else {
        return;
    };
    bounded(60, async {
        let name = "t_seen";
        let pool = setup(&url, name).await;
        let outbox = Outbox::postgres_in(pool.clone(), name).await.unwrap();
        webhooks_are_seen_once(&outbox, &pool).await;
        let mut tx = pool.begin().await.unwrap();
        assert!(outbox.mark_webhook_seen(&mut *tx, "in-tx").await.unwrap());
        tx.rollback().await.unwrap();
        assert!(outbox.mark_webhook_seen(&pool, "in-tx").await.unwrap());

        sqlx::query(&format!(
            "UPDATE {name}.webhooks_seen SET seen_at = seen_at - 8 * 24 * 3600 * 1000
             WHERE event_id = 'another'"
        ))
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
            let seen: i64 =
                sqlx::query_scalar(&format!("SELECT count(*) FROM {name}.webhooks_seen"))
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
    let Some(url) =
        postgres_url("version_3_tables_get_the_event_id_indexes_and_the_webhooks_table")
    else {
        return;
    };
    let name = "t_migrate_v3";
    let pool = setup(&url, name).await;
    let outbox = Outbox::postgres_in(pool.clone(), name).await.unwrap();
    let written = outbox
        .track(&pool, &Customer::id("1"), SignedUp { plan: "pro", n: 1 })
        .await
        .unwrap();
    sqlx::raw_sql(&format!(
        "DROP INDEX {name}.rows_event_id;
         DROP INDEX {name}.dead_letters_event_id;
         DROP TABLE {name}.webhooks_seen;
         UPDATE {name}.meta SET value = 3 WHERE key = 'schema_version';"
    ))
    .execute(&pool)
    .await
    .unwrap();
    let outbox = Outbox::postgres_in(pool.clone(), name).await.unwrap();
    let meta: Vec<(String, i64)> =
        sqlx::query_as(&format!("SELECT key, value FROM {name}.meta ORDER BY key"))
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        meta,
        [
            ("min_compatible_version".to_owned(), 3),
            ("schema_version".to_owned(), 4)
        ]
    );
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT indexname::text FROM pg_indexes WHERE schemaname = $1 AND indexname LIKE '%event_id'
         ORDER BY indexname",
    )
    .bind(name)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(indexes, ["dead_letters_event_id", "rows_event_id"]);
    assert!(outbox.find(written).await.unwrap().is_some());
    assert!(outbox.mark_webhook_seen(&pool, "w").await.unwrap());
}
