//! A person's operations reach Customer.io in the order the app sent them through the
//! pipeline, whatever fails in between: a retried identify never lands after a later
//! delete (which would bring the deleted person back), and a stale attribute update
//! never overwrites a newer one. Every test is bounded in time; none sleeps for timing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::future::Future;
use std::time::Duration;

use cio_core::client::{Customer, Operation, RetryPolicy, TrackClient};
use cio_core::pipeline::{Pipeline, PipelineConfig};
use cio_core::{Attributes, Event, Tracked};
use cio_emulator::{Applied, Emulator, Fault};
use serde_json::json;

#[derive(serde::Serialize)]
struct Plan {
    plan: &'static str,
}

impl Attributes for Plan {}

#[derive(serde::Serialize)]
struct Clicked {
    n: u32,
}

impl Event for Clicked {
    const NAME: &'static str = "clicked";
}

async fn bounded<T>(secs: u64, test: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(secs), test)
        .await
        .expect("the test did not finish in time")
}

/// A pipeline that sends every operation at once, one request at a time, and retries
/// after 300 ms: long enough for later operations to be sent meanwhile.
fn pipeline(emulator: &Emulator, max_in_flight: usize) -> Pipeline {
    pipeline_with_backoff(emulator, max_in_flight, Duration::from_millis(300))
}

fn pipeline_with_backoff(emulator: &Emulator, max_in_flight: usize, backoff: Duration) -> Pipeline {
    let client = TrackClient::builder(emulator.site_id(), emulator.api_key())
        .base_url(emulator.base_url())
        .build()
        .unwrap();
    let retry = RetryPolicy::default()
        .max_retries(u32::MAX)
        .backoff(backoff, backoff);
    let config = PipelineConfig::default()
        .max_in_flight(max_in_flight)
        .flush_interval(Duration::from_millis(10))
        .unlimited_rate()
        .retry(retry);
    Pipeline::start(client, config)
}

/// Waits until the emulator has answered `n` requests.
async fn requests(emulator: &Emulator, n: u64) {
    while emulator.request_count() < n {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_identify_never_brings_a_deleted_person_back() {
    bounded(30, async {
        for max_in_flight in [1, 4] {
            let emulator = Emulator::start().await.unwrap();
            emulator.script([Fault::Status(503)]);
            let pipeline = pipeline(&emulator, max_in_flight);
            let jane = Customer::id("42");
            pipeline
                .identify(&jane, &Plan { plan: "pro" })
                .await
                .unwrap();
            requests(&emulator, 1).await;
            pipeline
                .send(Operation::delete(&jane).unwrap())
                .await
                .unwrap();
            pipeline.flush().await;
            let record = emulator.record();
            assert!(
                record.profile("42").is_none(),
                "max_in_flight {max_in_flight}: the deleted person came back: {:?}",
                record.history_of("42")
            );
            assert!(matches!(
                record.history_of("42"),
                [Applied::Identify(_), Applied::Delete]
            ));
            pipeline.shutdown(Duration::from_secs(5)).await;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_newest_attribute_update_wins_and_events_keep_their_order() {
    bounded(30, async {
        let emulator = Emulator::start().await.unwrap();
        emulator.script([Fault::Status(503)]);
        let pipeline = pipeline(&emulator, 4);
        let jane = Customer::id("jane");
        let first = Tracked::new(Clicked { n: 1 });
        let second = Tracked::new(Clicked { n: 2 });
        let ids = [first.id().to_string(), second.id().to_string()];
        pipeline.track(&jane, first).await.unwrap();
        requests(&emulator, 1).await;
        pipeline
            .identify(&jane, &Plan { plan: "pro" })
            .await
            .unwrap();
        pipeline.track(&jane, second).await.unwrap();
        pipeline
            .identify(&jane, &Plan { plan: "free" })
            .await
            .unwrap();
        pipeline.flush().await;
        let record = emulator.record();
        assert_eq!(record.profile("jane").unwrap()["plan"], json!("free"));
        let events: Vec<_> = record
            .history_of("jane")
            .iter()
            .filter_map(|applied| match applied {
                Applied::Event(Some(id)) => Some(id.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(events, ids, "events out of order");
        assert_eq!(record.history_of("jane").len(), 4);
        pipeline.shutdown(Duration::from_secs(5)).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_people_are_not_held_back_by_one_person_waiting_for_a_retry() {
    bounded(30, async {
        let emulator = Emulator::start().await.unwrap();
        emulator.script([Fault::Status(503)]);
        // Jane's retry is 60 s away: the test ends long before it.
        let pipeline = pipeline_with_backoff(&emulator, 4, Duration::from_secs(60));
        let jane = Customer::id("jane");
        pipeline
            .identify(&jane, &Plan { plan: "pro" })
            .await
            .unwrap();
        requests(&emulator, 1).await;
        for n in 0..20 {
            let other = Customer::id(format!("other-{n}"));
            pipeline
                .identify(&other, &Plan { plan: "free" })
                .await
                .unwrap();
        }
        while emulator.with_record(|r| r.profiles.len()) < 20 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(emulator.record().profile("jane").is_none());
        let report = pipeline.shutdown(Duration::from_millis(100)).await;
        assert_eq!(report.undelivered.len(), 1, "{report:?}");
    })
    .await;
}
