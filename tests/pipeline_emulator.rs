//! The delivery pipeline against the Track API emulator over 127.0.0.1: faults,
//! shutdown, poison items, full-queue policies and the memory bound. Every test is
//! bounded by `tokio::time::timeout`; none sleeps for timing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;
use std::future::Future;
use std::time::Duration;

use cio_core::client::{Customer, Error, Limit, RetryPolicy, TrackClient};
use cio_core::pipeline::{EnqueueError, FailureReason, FullQueue, Pipeline, PipelineConfig};
use cio_core::{Event, EventId};
use cio_emulator::{Emulator, Fault, Faults};

#[derive(serde::Serialize)]
struct SignedUp {
    plan: &'static str,
    n: u32,
}

impl Event for SignedUp {
    const NAME: &'static str = "signed_up";
}

#[derive(serde::Serialize)]
struct Poison {
    n: u32,
}

impl Event for Poison {
    const NAME: &'static str = "poison";
}

#[derive(serde::Serialize)]
struct Blob {
    blob: String,
}

impl Event for Blob {
    const NAME: &'static str = "blob";
}

/// Runs `test` or fails after `secs` seconds.
async fn bounded<T>(secs: u64, test: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(secs), test)
        .await
        .expect("the test did not finish in time")
}

fn client(emulator: &Emulator) -> TrackClient {
    TrackClient::builder(emulator.site_id(), emulator.api_key())
        .base_url(emulator.base_url())
        .build()
        .unwrap()
}

/// A retry policy fast enough for tests (a 429's `Retry-After` is still honoured).
fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(999)
        .backoff(Duration::from_millis(1), Duration::from_millis(20))
        .retry_after_cap(Duration::from_secs(1))
}

/// The ids of the events the emulator stored, with how many times each was stored.
fn stored_ids(emulator: &Emulator) -> Vec<EventId> {
    emulator.with_record(|record| {
        record
            .all_events()
            .map(|event| event.id.as_deref().unwrap().parse().unwrap())
            .collect()
    })
}

async fn track(pipeline: &Pipeline, n: u32) -> EventId {
    pipeline
        .track(
            &Customer::id(format!("user-{}", n % 997)),
            SignedUp { plan: "pro", n },
        )
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_arrives_exactly_once_through_faults() {
    bounded(240, async {
        let faults = Faults {
            server_errors: 0.20,
            too_many_requests: 0.10,
            retry_after_secs: 0,
            connection_resets: 0.05,
            errors_after_apply: 0.05,
            ..Faults::NONE
        };
        let emulator = Emulator::builder()
            .faults(faults)
            .seed(6)
            .start()
            .await
            .unwrap();
        let config = PipelineConfig::default()
            .max_batch_bytes(64 * 1024)
            .retry(fast_retries());
        let pipeline = Pipeline::start(client(&emulator), config);

        let mut producers = Vec::new();
        for producer in 0..4u32 {
            let pipeline = pipeline.clone();
            producers.push(tokio::spawn(async move {
                let mut ids = Vec::new();
                for i in 0..5_000 {
                    ids.push(track(&pipeline, producer * 5_000 + i).await);
                }
                ids
            }));
        }
        let mut sent = HashSet::new();
        for producer in producers {
            sent.extend(producer.await.unwrap());
        }
        pipeline.flush().await;

        let stored = stored_ids(&emulator);
        assert_eq!(stored.len(), 20_000);
        assert_eq!(stored.iter().copied().collect::<HashSet<_>>(), sent);
        let duplicates = emulator.with_record(|record| record.duplicates_ignored);
        assert!(
            duplicates > 0,
            "lost answers were re-sent with the same ids"
        );

        let stats = pipeline.stats();
        assert_eq!(stats.queued, 20_000);
        assert_eq!(stats.delivered, 20_000);
        assert_eq!(stats.failed, 0);
        assert_eq!(stats.dropped, 0);
        assert!(stats.retried > 0);
        assert_eq!(stats.requests, emulator.request_count());
        assert_eq!(stats.pending_events, 0);
        assert!(pipeline.failures().is_empty());
        let report = pipeline.shutdown(Duration::from_secs(5)).await;
        assert!(report.is_clean());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_delivers_everything_still_queued() {
    bounded(60, async {
        let emulator = Emulator::start().await.unwrap();
        let config = PipelineConfig::default().flush_interval(Duration::from_secs(3600));
        let pipeline = Pipeline::start(client(&emulator), config);
        let mut sent = HashSet::new();
        for n in 0..500 {
            sent.insert(track(&pipeline, n).await);
        }
        let report = pipeline.shutdown(Duration::from_secs(30)).await;
        assert!(report.is_clean());
        assert_eq!(report.stats.delivered, 500);
        let stored = stored_ids(&emulator);
        assert_eq!(stored.len(), 500);
        assert_eq!(stored.into_iter().collect::<HashSet<_>>(), sent);
        let late = pipeline
            .track(&Customer::id("late"), SignedUp { plan: "pro", n: 0 })
            .await;
        assert!(matches!(late, Err(EnqueueError::Closed(_))));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadline_that_cannot_be_met_reports_every_undelivered_event() {
    bounded(60, async {
        let faults = Faults {
            latency: Duration::from_secs(600),
            ..Faults::NONE
        };
        let emulator = Emulator::builder().faults(faults).start().await.unwrap();
        let pipeline = Pipeline::start(client(&emulator), PipelineConfig::default());
        let mut sent = Vec::new();
        for n in 0..3_000 {
            sent.push(track(&pipeline, n).await);
        }
        let report = pipeline.shutdown(Duration::from_millis(200)).await;
        let undelivered: Vec<EventId> = report
            .undelivered
            .iter()
            .map(|op| op.event_id().unwrap())
            .collect();
        assert_eq!(
            undelivered, sent,
            "all of them, in the order they were queued"
        );
        assert_eq!(report.stats.delivered, 0);
        assert_eq!(report.stats.failed, 3_000);
        assert_eq!(report.stats.pending_events, 0);
        assert!(stored_ids(&emulator).is_empty());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poison_items_are_reported_while_all_others_arrive() {
    bounded(60, async {
        let emulator = Emulator::builder()
            .reject_event("poison")
            .start()
            .await
            .unwrap();
        let pipeline = Pipeline::start(client(&emulator), PipelineConfig::default());
        let customer = Customer::id("someone");

        let oversized = pipeline
            .track(
                &customer,
                Blob {
                    blob: "x".repeat(40 * 1024),
                },
            )
            .await;
        assert!(matches!(
            oversized,
            Err(EnqueueError::Invalid(Error::Limit {
                limit: Limit::BatchOperation,
                ..
            }))
        ));

        let mut good = HashSet::new();
        let mut poisoned = Vec::new();
        for n in 0..1_000 {
            good.insert(track(&pipeline, n).await);
            if n % 250 == 7 {
                poisoned.push(pipeline.track(&customer, Poison { n }).await.unwrap());
            }
        }
        pipeline.flush().await;

        let stored = stored_ids(&emulator);
        assert_eq!(stored.len(), 1_000);
        assert_eq!(stored.into_iter().collect::<HashSet<_>>(), good);
        let failures = pipeline.failures();
        assert_eq!(
            failures
                .iter()
                .map(|f| f.event_id().unwrap())
                .collect::<Vec<_>>(),
            poisoned
        );
        for failure in &failures {
            assert!(matches!(failure.reason, FailureReason::Invalid { .. }));
        }
        let stats = pipeline.stats();
        assert_eq!(
            (stats.queued, stats.delivered, stats.failed),
            (1_004, 1_000, 4)
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reject_policy_refuses_when_full_and_counts_drops() {
    bounded(60, async {
        let faults = Faults {
            latency: Duration::from_millis(300),
            ..Faults::NONE
        };
        let emulator = Emulator::builder().faults(faults).start().await.unwrap();
        let config = PipelineConfig::default()
            .capacity(50, 1024 * 1024)
            .full_queue(FullQueue::Reject);
        let pipeline = Pipeline::start(client(&emulator), config);

        let mut accepted = HashSet::new();
        let mut refused = 0u64;
        for n in 0..1_000 {
            let customer = Customer::id(format!("user-{n}"));
            match pipeline.track(&customer, SignedUp { plan: "pro", n }).await {
                Ok(id) => {
                    accepted.insert(id);
                }
                Err(EnqueueError::QueueFull(op)) => {
                    assert!(op.event_id().is_some());
                    refused += 1;
                }
                Err(other) => panic!("unexpected error: {other}"),
            }
        }
        assert!(
            refused > 0,
            "a producer faster than the server fills the queue"
        );
        pipeline.flush().await;

        let stats = pipeline.stats();
        assert_eq!(stats.dropped, refused);
        assert_eq!(stats.queued, accepted.len() as u64);
        assert_eq!(stats.delivered, accepted.len() as u64);
        assert!(stats.max_pending_events <= 50);
        let stored = stored_ids(&emulator);
        assert_eq!(stored.into_iter().collect::<HashSet<_>>(), accepted);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_policy_keeps_memory_within_the_bound_under_a_fast_producer() {
    bounded(120, async {
        let faults = Faults {
            latency: Duration::from_millis(20),
            ..Faults::NONE
        };
        let emulator = Emulator::builder().faults(faults).start().await.unwrap();
        let (max_events, max_bytes) = (200, 40 * 1024);
        let config = PipelineConfig::default()
            .capacity(max_events, max_bytes)
            .full_queue(FullQueue::Wait);
        let pipeline = Pipeline::start(client(&emulator), config);

        let mut producers = Vec::new();
        for producer in 0..4u32 {
            let pipeline = pipeline.clone();
            producers.push(tokio::spawn(async move {
                let mut ids = Vec::new();
                for i in 0..1_000 {
                    ids.push(track(&pipeline, producer * 1_000 + i).await);
                }
                ids
            }));
        }
        let mut sent = HashSet::new();
        for producer in producers {
            sent.extend(producer.await.unwrap());
        }
        pipeline.flush().await;

        let stats = pipeline.stats();
        assert_eq!(
            (stats.queued, stats.delivered, stats.dropped),
            (4_000, 4_000, 0)
        );
        assert!(stats.max_pending_events <= max_events as u64, "{stats:?}");
        assert!(stats.max_pending_bytes <= max_bytes as u64, "{stats:?}");
        assert!(stats.max_pending_events > 0);
        let stored = stored_ids(&emulator);
        assert_eq!(stored.len(), 4_000);
        assert_eq!(stored.into_iter().collect::<HashSet<_>>(), sent);
    })
    .await;
}

/// A `207` with this body, given after the emulator applied the whole batch.
fn crafted_207(body: &str) -> Fault {
    Fault::Answer {
        status: 207,
        body: body.to_owned(),
        apply: true,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ambiguous_207_never_counts_an_event_delivered() {
    bounded(60, async {
        let emulator = Emulator::start().await.unwrap();
        // Each answer below fails to say which operations were refused; the fifth
        // request gets the emulator's real answer.
        emulator.script([
            crafted_207("<html>502 Bad Gateway</html>"),
            crafted_207(r#"{"errors":[{"batch_index":99,"reason":"invalid","message":"?"}]}"#),
            crafted_207(r#"{"errors":[{"reason":"invalid","message":"no index"}]}"#),
            crafted_207(
                r#"{"errors":[{"batch_index":0,"reason":"invalid","message":"a"},{"batch_index":0,"reason":"invalid","message":"b"}]}"#,
            ),
        ]);
        let config = PipelineConfig::default()
            .flush_interval(Duration::from_secs(3600))
            .retry(fast_retries());
        let pipeline = Pipeline::start(client(&emulator), config);
        let mut sent = Vec::new();
        for n in 0..50 {
            sent.push(track(&pipeline, n).await);
        }
        pipeline.flush().await;

        let requests = emulator.with_record(|record| record.requests.len());
        assert_eq!(requests, 5, "each ambiguous answer made the batch go again");
        let stats = pipeline.stats();
        // Only the last answer vouched for the 49 events not named invalid.
        assert_eq!(stats.delivered, 49);
        assert_eq!(stats.failed, 1);
        assert_eq!(stats.retried, 3 * 50 + 49);
        let failures = pipeline.failures();
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].event_id(), Some(sent[0]));
        assert!(matches!(&failures[0].reason, FailureReason::Invalid { message, .. } if message == "a"));
        // The emulator applied the first attempt; every retry was a duplicate it ignored.
        let stored = stored_ids(&emulator);
        assert_eq!(stored.len(), 50);
        assert_eq!(
            stored.into_iter().collect::<HashSet<_>>(),
            sent.into_iter().collect::<HashSet<_>>()
        );
        assert_eq!(emulator.with_record(|record| record.duplicates_ignored), 3 * 50 + 49);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_a_207_never_confirms_fail_with_the_reason() {
    bounded(60, async {
        let emulator = Emulator::start().await.unwrap();
        emulator.script((0..3).map(|_| Fault::Answer {
            status: 207,
            body: r#"{"errors":[]}"#.to_owned(),
            apply: false,
        }));
        let retry = fast_retries().max_retries(2);
        let config = PipelineConfig::default()
            .flush_interval(Duration::from_secs(3600))
            .retry(retry);
        let pipeline = Pipeline::start(client(&emulator), config);
        for n in 0..10 {
            track(&pipeline, n).await;
        }
        pipeline.flush().await;

        let stats = pipeline.stats();
        assert_eq!((stats.delivered, stats.failed, stats.retried), (0, 10, 20));
        for failure in pipeline.failures() {
            assert_eq!(
                failure.reason,
                FailureReason::RetriesExhausted {
                    attempts: 3,
                    last_error: "the 207 answer lists no error".to_owned()
                }
            );
        }
        assert!(stored_ids(&emulator).is_empty());
    })
    .await;
}
