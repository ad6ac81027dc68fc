//! The relay over fake sinks ([`Relay::with_sink`]) and a SQLite outbox of its own:
//! leases against slow sends, takeover, fencing, the bound on requests in flight, and
//! per-person order. Every test is bounded in time; waits poll a condition.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::SqlitePool;

use super::{Relay, RelayConfig};
use crate::client::{Customer, Operation, RetryPolicy};
use crate::delivery::sink::{SendOutcome, Sink};
use crate::outbox::Outbox;
use crate::Event;

#[derive(serde::Serialize)]
struct Clicked {
    n: usize,
    pad: String,
}

impl Event for Clicked {
    const NAME: &'static str = "clicked";
}

/// A sink that records what it was sent, how many sends overlapped, and answers
/// after `delay` with what `answer` says for each call.
#[derive(Clone)]
struct FakeSink {
    delay: Duration,
    calls: Arc<Mutex<Vec<Vec<Operation>>>>,
    current: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
    answer: Arc<dyn Fn(usize) -> SendOutcome + Send + Sync>,
}

impl FakeSink {
    fn new(delay: Duration) -> Self {
        FakeSink {
            delay,
            calls: Arc::default(),
            current: Arc::default(),
            most: Arc::default(),
            answer: Arc::new(|_| SendOutcome::Accepted),
        }
    }

    fn answering(mut self, answer: impl Fn(usize) -> SendOutcome + Send + Sync + 'static) -> Self {
        self.answer = Arc::new(answer);
        self
    }

    /// How many times each event id was sent.
    fn sends_by_id(&self) -> HashMap<String, usize> {
        let mut out = HashMap::new();
        for call in self.calls.lock().unwrap().iter() {
            for op in call {
                let id = op.event_id().map(|id| id.to_string()).unwrap_or_default();
                *out.entry(id).or_insert(0) += 1;
            }
        }
        out
    }

    fn call_count(&self) -> usize {
        self.calls.lock().unwrap().len()
    }
}

impl Sink<Operation> for FakeSink {
    async fn send(&self, ops: &[Operation]) -> SendOutcome {
        let now = self.current.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        let call = {
            let mut calls = self.calls.lock().unwrap();
            calls.push(ops.to_vec());
            calls.len() - 1
        };
        tokio::time::sleep(self.delay).await;
        self.current.fetch_sub(1, Ordering::SeqCst);
        (self.answer)(call)
    }
}

async fn bounded<T>(secs: u64, test: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(secs), test)
        .await
        .expect("the test did not finish in time")
}

async fn until(mut condition: impl FnMut() -> bool) {
    while !condition() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// A fresh SQLite outbox, and its pool for writing rows.
async fn outbox(name: &str) -> (Outbox, SqlitePool) {
    let path = std::env::temp_dir().join(format!("cio-relay-{name}-{}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let url = format!("sqlite:{}", path.display());
    let outbox = Outbox::connect(&url, "cio_outbox").await.unwrap();
    let pool = SqlitePool::connect(&url).await.unwrap();
    (outbox, pool)
}

async fn write(outbox: &Outbox, pool: &SqlitePool, people: usize, per_person: usize, pad: usize) {
    for n in 0..people * per_person {
        let customer = Customer::id(format!("p{}", n % people));
        let event = Clicked {
            n,
            pad: "x".repeat(pad),
        };
        outbox.track(pool, &customer, event).await.unwrap();
    }
}

fn quick() -> RelayConfig {
    RelayConfig::default()
        .poll_interval(Duration::from_millis(10))
        .unlimited_rate()
        .retry(
            RetryPolicy::default()
                .max_retries(u32::MAX)
                .backoff(Duration::from_millis(1), Duration::from_millis(10)),
        )
}

async fn drained(outbox: &Outbox) {
    while outbox.stats().await.unwrap().pending > 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_slower_than_the_lease_is_sent_once() {
    bounded(30, async {
        let (outbox, pool) = outbox("slow").await;
        write(&outbox, &pool, 1, 1, 0).await;
        let sink = FakeSink::new(Duration::from_millis(1_200));
        let config = quick().lease(Duration::from_millis(400));
        // Two relays on one outbox: the lease is renewed while the send lasts, so
        // neither this relay nor the other takes the row again.
        let first = Relay::with_sink(outbox.clone(), sink.clone(), config.clone());
        let second = Relay::with_sink(outbox.clone(), sink.clone(), config);
        drained(&outbox).await;
        first.shutdown().await;
        second.shutdown().await;
        assert_eq!(sink.call_count(), 1, "{:?}", sink.sends_by_id());
        assert!(sink.sends_by_id().values().all(|&n| n == 1));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_in_flight_bounds_the_requests_of_a_relay() {
    bounded(60, async {
        let (outbox, pool) = outbox("in_flight").await;
        // 600 rows of about 1 KB over 600 people, 33 KB batches: many batches per
        // claim, which were all sent at once before.
        write(&outbox, &pool, 600, 1, 1_000).await;
        let sink = FakeSink::new(Duration::from_millis(20));
        let config = quick().max_in_flight(2).max_batch_bytes(33 * 1024);
        let relay = Relay::with_sink(outbox.clone(), sink.clone(), config);
        drained(&outbox).await;
        relay.shutdown().await;
        assert!(sink.call_count() > 10, "{}", sink.call_count());
        let most = sink.most.load(Ordering::SeqCst);
        assert!(most <= 2, "{most} requests in flight at once");
        assert_eq!(sink.sends_by_id().len(), 600);
    })
    .await;
}

/// A sink whose every send waits for a permit.
struct GatedSink {
    inner: FakeSink,
    permits: Arc<tokio::sync::Semaphore>,
}

impl Sink<Operation> for GatedSink {
    async fn send(&self, ops: &[Operation]) -> SendOutcome {
        let outcome = self.inner.send(ops).await;
        if let Ok(permit) = self.permits.acquire().await {
            permit.forget();
        }
        outcome
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_that_lost_its_claim_settles_nothing() {
    bounded(30, async {
        let (outbox, pool) = outbox("fenced").await;
        write(&outbox, &pool, 1, 1, 0).await;
        let permits = Arc::new(tokio::sync::Semaphore::new(0));
        let sink = FakeSink::new(Duration::ZERO);
        let gated = GatedSink {
            inner: sink.clone(),
            permits: permits.clone(),
        };
        let relay = Relay::with_sink(outbox.clone(), gated, quick());
        until(|| sink.call_count() == 1).await;
        // Another relay takes the row over while this one's request is in flight.
        sqlx::query(
            "UPDATE cio_outbox_rows SET lease_owner = 'another:1', available_at = available_at + 3600000",
        )
        .execute(&pool)
        .await
        .unwrap();
        permits.add_permits(1);
        until(|| relay.stats().lease_lost == 1).await;
        let stats = relay.shutdown().await;
        assert_eq!(stats.delivered, 0, "{stats:?}");
        let owner: Option<String> =
            sqlx::query_scalar("SELECT lease_owner FROM cio_outbox_rows")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(owner.as_deref(), Some("another:1"));
        assert_eq!(outbox.stats().await.unwrap().pending, 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_person_is_sent_in_order_while_others_go_in_parallel() {
    bounded(60, async {
        let (outbox, pool) = outbox("order").await;
        // 5 people, 20 events each, interleaved; every third request fails.
        write(&outbox, &pool, 5, 20, 0).await;
        let sink = FakeSink::new(Duration::from_millis(1)).answering(|call| {
            if call % 3 == 0 {
                SendOutcome::Transient {
                    retry_after: None,
                    error: "503".into(),
                }
            } else {
                SendOutcome::Accepted
            }
        });
        let relay = Relay::with_sink(outbox.clone(), sink.clone(), quick().max_in_flight(4));
        drained(&outbox).await;
        relay.shutdown().await;
        // Per person, the accepted sends come in the order written (`n` grows).
        let calls = sink.calls.lock().unwrap().clone();
        let mut last: HashMap<String, i64> = HashMap::new();
        for (call, ops) in calls.iter().enumerate() {
            if call % 3 == 0 {
                continue;
            }
            let mut people_in_call = std::collections::HashSet::new();
            for op in ops {
                let body: serde_json::Value = serde_json::from_slice(op.as_bytes()).unwrap();
                let person = body["identifiers"]["id"].as_str().unwrap().to_owned();
                assert!(
                    people_in_call.insert(person.clone()),
                    "two of {person}'s rows in one request"
                );
                let n = body["attributes"]["n"].as_i64().unwrap();
                let before = last.insert(person.clone(), n);
                assert!(
                    before.is_none_or(|b| b < n),
                    "{person}: {n} after {before:?}"
                );
            }
        }
        assert_eq!(last.len(), 5);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extreme_settings_neither_panic_nor_leave_rows_stuck() {
    bounded(30, async {
        let (outbox, pool) = outbox("extreme").await;
        write(&outbox, &pool, 3, 1, 0).await;
        let sink = FakeSink::new(Duration::ZERO);
        let config = quick()
            .prune_interval(Duration::MAX)
            .retention(Duration::MAX)
            .lease(Duration::MAX);
        let relay = Relay::with_sink(outbox.clone(), sink.clone(), config);
        drained(&outbox).await;
        let stats = relay.shutdown().await;
        assert_eq!(stats.delivered, 3, "{stats:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_rate_slot_far_ahead_does_not_stall_the_relay() {
    bounded(30, async {
        let (outbox, pool) = outbox("clock_step").await;
        write(&outbox, &pool, 3, 1, 0).await;
        // As after the wall clock stepped back an hour: the stored slot is far ahead.
        sqlx::query("UPDATE cio_outbox_rate SET next_at = next_at + 3600000 + ?1")
            .bind(
                i64::try_from(
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .unwrap()
                        .as_millis(),
                )
                .unwrap(),
            )
            .execute(&pool)
            .await
            .unwrap();
        let sink = FakeSink::new(Duration::ZERO);
        let config = quick().requests_per_second(100).burst(1);
        let relay = Relay::with_sink(outbox.clone(), sink.clone(), config);
        drained(&outbox).await;
        assert_eq!(relay.shutdown().await.delivered, 3);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn split_halves_outlasting_the_lease_are_sent_by_one_relay_once_each() {
    bounded(60, async {
        let (outbox, pool) = outbox("halves").await;
        write(&outbox, &pool, 8, 1, 0).await;
        // Every batch of more than one operation is refused as a whole: the claim of 8
        // rows is split down to single rows, each request slow, 15 requests in all,
        // far longer than the lease.
        let sink = FakeSink::new(Duration::from_millis(150));
        let calls = sink.calls.clone();
        let sink = sink.answering(move |call| {
            let size = calls.lock().unwrap()[call].len();
            if size > 1 {
                SendOutcome::Rejected {
                    error: "400".into(),
                    item_specific: true,
                }
            } else {
                SendOutcome::Accepted
            }
        });
        let config = quick().lease(Duration::from_millis(600));
        let first = Relay::with_sink(outbox.clone(), sink.clone(), config.clone());
        let second = Relay::with_sink(outbox.clone(), sink.clone(), config);
        drained(&outbox).await;
        first.shutdown().await;
        second.shutdown().await;
        let singles: Vec<String> = sink
            .calls
            .lock()
            .unwrap()
            .iter()
            .filter(|call| call.len() == 1)
            .map(|call| {
                call[0]
                    .event_id()
                    .map(|id| id.to_string())
                    .unwrap_or_default()
            })
            .collect();
        let distinct: std::collections::HashSet<&String> = singles.iter().collect();
        assert_eq!(singles.len(), 8, "{singles:?}");
        assert_eq!(distinct.len(), 8);
        assert_eq!(outbox.dead_letters(10).await.unwrap().len(), 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_due_behind_the_claim_cursor_are_claimed_when_the_backlog_ends() {
    bounded(30, async {
        let (outbox, pool) = outbox("cursor").await;
        write(&outbox, &pool, 20, 1, 0).await;
        // The first two rows are leased to a relay that died: not due yet.
        sqlx::query(
            "UPDATE cio_outbox_rows SET lease_owner = 'dead:1', available_at = 9000000000000
             WHERE seq <= 2",
        )
        .execute(&pool)
        .await
        .unwrap();
        let sink = FakeSink::new(Duration::ZERO);
        let permits = Arc::new(tokio::sync::Semaphore::new(0));
        let gated = GatedSink {
            inner: sink.clone(),
            permits: permits.clone(),
        };
        // No poll in the test's time: only the end of the backlog brings the relay
        // back to the rows behind its cursor.
        let config = quick()
            .poll_interval(Duration::from_secs(3_600))
            .claim_limit(3)
            .max_in_flight(1);
        let relay = Relay::with_sink(outbox.clone(), gated, config);
        until(|| sink.call_count() == 1).await;
        // The dead relay's lease runs out while the first claim (rows 3 to 5) is
        // being sent: rows 1 and 2 are due, behind the cursor.
        sqlx::query("UPDATE cio_outbox_rows SET available_at = 0 WHERE lease_owner = 'dead:1'")
            .execute(&pool)
            .await
            .unwrap();
        permits.add_permits(1_000);
        drained(&outbox).await;
        relay.shutdown().await;
        let calls = sink.calls.lock().unwrap().clone();
        let people = |ops: &[Operation]| -> Vec<String> {
            ops.iter()
                .map(|op| {
                    let body: serde_json::Value = serde_json::from_slice(op.as_bytes()).unwrap();
                    body["identifiers"]["id"].as_str().unwrap().to_owned()
                })
                .collect()
        };
        // Claims went on after the cursor (rows 6 to 20) before coming back to them.
        assert_eq!(people(&calls[1]), ["p5", "p6", "p7"], "{calls:?}");
        assert_eq!(people(calls.last().unwrap()), ["p0", "p1"], "{calls:?}");
        assert_eq!(sink.sends_by_id().len(), 20);
    })
    .await;
}
