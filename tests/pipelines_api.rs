//! The Data Pipelines API end to end, over HTTP against the emulator on 127.0.0.1:
//! every call and semantic event of `PipelinesClient`, strict mode and the write key,
//! the limits checked before sending, and delivery through the pipeline and the outbox
//! relay (`/v1/batch`): order per person, strict refusals dead-lettered with the API's
//! reason, rows written for the Track API delivered as they are. Bounded in time;
//! waits poll a condition, none sleeps for timing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod outbox_support;

use std::collections::HashSet;
use std::time::Duration;

use cio_core::client::{
    Customer, DeliveryMetric, Device, EmailMetric, Error, ObjectRef, Operation, PipelinesClient,
    Platform, View,
};
use cio_core::outbox::sqlx::{self, SqlitePool};
use cio_core::outbox::{Outbox, Relay};
use cio_core::pipeline::{Pipeline, PipelineConfig};
use cio_core::Tracked;
use cio_emulator::{Applied, Emulator, Fault};
use outbox_support::*;

async fn pool(url: &str) -> SqlitePool {
    SqlitePool::connect(&format!("{url}?mode=rwc"))
        .await
        .unwrap()
}

/// The paths of the requests the emulator received, in order.
fn paths(emulator: &Emulator) -> Vec<String> {
    emulator.with_record(|record| record.requests.iter().map(|r| r.path.clone()).collect())
}

#[tokio::test]
async fn every_call_and_semantic_event_is_applied() {
    bounded(60, async {
        let emulator = Emulator::start().await.unwrap();
        let client = pipelines_client(&emulator);
        let jane = Customer::id("42");
        client.identify(&jane, &Plan { plan: "pro" }).await.unwrap();
        let tracked = Tracked::new(SignedUp { plan: "pro", n: 1 });
        let event_id = client.track(&jane, tracked).await.unwrap();
        let page = View::page("https://example.com/pricing");
        client.view(&jane, &page).await.unwrap();
        client
            .view(&jane, &View::screen("Settings"))
            .await
            .unwrap();
        client
            .track_anonymous("anon-7", SignedUp { plan: "free", n: 2 })
            .await
            .unwrap();
        let device = Device::new("tok-1", Platform::Ios).attribute("app_version", "1.2");
        client.add_device(&jane, &device).await.unwrap();
        let acme = ObjectRef::new(1, "acme");
        client
            .group(&jane, &acme, &Plan { plan: "team" })
            .await
            .unwrap();
        client.delete_relationship(&jane, &acme).await.unwrap();
        client.delete_object(&acme).await.unwrap();
        client
            .report_delivery(&DeliveryMetric::new("dlv-1", EmailMetric::Opened))
            .await
            .unwrap();
        client.delete_device(&jane, "tok-1").await.unwrap();
        let old = Customer::email("old@example.com");
        client.identify(&old, &Plan { plan: "free" }).await.unwrap();
        client.alias(&jane, &old).await.unwrap();
        let gone = Customer::id("43");
        client.identify(&gone, &Plan { plan: "free" }).await.unwrap();
        client.suppress(&gone).await.unwrap();
        client.unsuppress(&gone).await.unwrap();
        client.delete(&jane).await.unwrap();

        let record = emulator.record();
        let history = record.history_of("42");
        assert!(
            matches!(history.first(), Some(Applied::Identify(attributes)) if attributes["plan"] == "pro"),
            "{history:?}"
        );
        for expected in [
            Applied::Event(Some(event_id.to_string())),
            Applied::Event(Some(page.id().to_string())),
            Applied::AddDevice("tok-1".into()),
            Applied::DeleteDevice("tok-1".into()),
            Applied::Merged("old@example.com".into()),
        ] {
            assert!(history.contains(&expected), "{expected:?} in {history:?}");
        }
        assert_eq!(history.last(), Some(&Applied::Delete), "{history:?}");
        assert!(record.profile("42").is_none(), "deleted");
        assert!(
            record.history_of("old@example.com").contains(&Applied::MergedInto("42".into())),
            "{:?}",
            record.history_of("old@example.com")
        );
        assert!(matches!(
            record.history_of("43"),
            [Applied::Identify(_), Applied::Suppress, Applied::Unsuppress]
        ));
        assert_eq!(record.arrivals(&event_id.to_string()), 1);
        assert!(
            record
                .anonymous_events
                .iter()
                .any(|event| event.anonymous_id.as_deref() == Some("anon-7")),
            "{:?}",
            record.anonymous_events
        );
        let metric = record.metrics.last().expect("the delivery report");
        assert_eq!(
            (metric.delivery_id.as_str(), metric.metric.as_str()),
            ("dlv-1", "opened")
        );
        let sent = paths(&emulator);
        for path in [
            "/v1/identify",
            "/v1/track",
            "/v1/page",
            "/v1/screen",
            "/v1/group",
            "/v1/alias",
        ] {
            assert!(sent.iter().any(|p| p == path), "{path} in {sent:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_wrong_write_key_is_refused_and_never_retried() {
    bounded(30, async {
        let emulator = Emulator::start().await.unwrap();
        let client = PipelinesClient::builder("not-the-key")
            .base_url(emulator.base_url())
            .build()
            .unwrap();
        let error = client
            .identify(&Customer::id("1"), &Plan { plan: "pro" })
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::Status { status: 401, .. }),
            "{error}"
        );
        assert_eq!(emulator.request_count(), 1);
        assert!(
            !format!("{error} {client:?}").contains("not-the-key"),
            "the key never shows"
        );
    })
    .await;
}

#[tokio::test]
async fn oversize_calls_and_unsupported_metrics_are_refused_before_sending() {
    bounded(30, async {
        let emulator = Emulator::start().await.unwrap();
        let client = pipelines_client(&emulator);
        let big = "x".repeat(33 * 1024);
        let error = client
            .track(&Customer::id("1"), Big { text: big })
            .await
            .unwrap_err();
        assert!(error.is_validation(), "{error}");
        let bounced = DeliveryMetric::new("dlv-2", EmailMetric::Bounced);
        let error = client.report_delivery(&bounced).await.unwrap_err();
        assert!(matches!(error, Error::Unsupported(_)), "{error}");
        assert_eq!(emulator.request_count(), 0, "nothing was sent");
    })
    .await;
}

/// An event too large for one call.
#[derive(serde::Serialize)]
struct Big {
    text: String,
}

impl cio_core::Event for Big {
    const NAME: &'static str = "big";
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pipeline_keeps_a_persons_order_on_the_pipelines_api() {
    bounded(60, async {
        let emulator = Emulator::start().await.unwrap();
        // The identify's first request fails: the delete must still land after it.
        emulator.script([Fault::Status(503)]);
        let config = PipelineConfig::default()
            .unlimited_rate()
            .flush_interval(Duration::from_millis(5))
            .retry(
                cio_core::client::RetryPolicy::default()
                    .backoff(Duration::from_millis(300), Duration::from_millis(300)),
            );
        let pipeline = Pipeline::start(pipelines_client(&emulator), config);
        let jane = Customer::id("42");
        pipeline
            .identify(&jane, &Plan { plan: "pro" })
            .await
            .unwrap();
        let emulator_ref = &emulator;
        until(|| async move { emulator_ref.request_count() >= 1 }).await;
        pipeline
            .send(Operation::delete(&jane).unwrap())
            .await
            .unwrap();
        let report = pipeline.shutdown(Duration::from_secs(10)).await;
        assert!(report.is_clean(), "{report:?}");
        assert_identified_then_deleted(&emulator, "42");
        assert!(paths(&emulator).iter().all(|p| p == "/v1/batch"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_refusals_are_dead_lettered_with_the_apis_reason() {
    bounded(60, async {
        let pool = pool(&sqlite_url("pipelines_dead_letters")).await;
        let outbox = Outbox::sqlite(pool.clone()).await.unwrap();
        let (ops, poison) = signups_with_poison(40, 13, 5);
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
        let relay = Relay::start(outbox.clone(), pipelines_client(&emulator), fast_relay());
        drained(&outbox).await;
        let stats = relay.shutdown().await;

        let ids = stored_ids(&emulator);
        assert_eq!(ids.len(), 40 - poison.len());
        assert!(ids.values().all(|&n| n == 1), "nothing doubled: {ids:?}");
        assert_eq!(stats.dead_lettered, poison.len() as u64);
        assert_eq!(stats.retried, 0, "a strict 400 is never retried");
        let dead = outbox.dead_letters(10).await.unwrap();
        let dead_ids: HashSet<String> = dead.iter().filter_map(|d| d.event_id.clone()).collect();
        assert_eq!(dead_ids, poison);
        for letter in &dead {
            assert!(letter.reason.contains("400"), "{letter:?}");
            assert!(
                letter.reason.contains("poison"),
                "the API's reason: {letter:?}"
            );
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_written_for_the_track_api_are_delivered_to_the_pipelines_api_as_they_are() {
    bounded(60, async {
        let pool = pool(&sqlite_url("pipelines_switch")).await;
        let outbox = Outbox::sqlite(pool.clone()).await.unwrap();
        let emulator = Emulator::start().await.unwrap();
        // A Track API relay delivers the first half...
        let jane = Customer::id("42");
        outbox
            .identify(&pool, &jane, &Plan { plan: "pro" })
            .await
            .unwrap();
        let first = outbox
            .track(&pool, &jane, SignedUp { plan: "pro", n: 1 })
            .await
            .unwrap();
        let relay = Relay::start(outbox.clone(), client(&emulator), fast_relay());
        drained(&outbox).await;
        relay.shutdown().await;
        // ... the rest waits while the app switches, and a Pipelines relay takes it.
        let second = outbox
            .track(&pool, &jane, SignedUp { plan: "pro", n: 2 })
            .await
            .unwrap();
        outbox
            .identify(&pool, &jane, &Plan { plan: "team" })
            .await
            .unwrap();
        outbox
            .send(&pool, &Operation::delete(&Customer::id("43")).unwrap())
            .await
            .unwrap();
        let relay = Relay::start(outbox.clone(), pipelines_client(&emulator), fast_relay());
        drained(&outbox).await;
        relay.shutdown().await;

        let record = emulator.record();
        assert_eq!(record.arrivals(&first.to_string()), 1);
        assert_eq!(record.arrivals(&second.to_string()), 1);
        assert_eq!(record.profile("42").unwrap()["plan"], "team");
        let sent = paths(&emulator);
        assert!(sent.contains(&"/api/v2/batch".to_owned()), "{sent:?}");
        assert_eq!(
            sent.last().map(String::as_str),
            Some("/v1/batch"),
            "{sent:?}"
        );
        assert_eq!(outbox.stats().await.unwrap().pending, 0);
    })
    .await;
}

#[tokio::test]
async fn pipelines_rows_are_still_plain_outbox_rows() {
    // The stored form does not depend on the API: the same bytes a Track relay sends.
    bounded(30, async {
        let pool = pool(&sqlite_url("pipelines_rows")).await;
        let outbox = Outbox::sqlite(pool.clone()).await.unwrap();
        let op = Operation::delete(&Customer::id("7")).unwrap();
        outbox.send(&pool, &op).await.unwrap();
        let (id, body): (Option<String>, Vec<u8>) =
            sqlx::query_as("SELECT event_id, body FROM cio_outbox_rows")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(
            id,
            Some(op.message_id().to_string()),
            "every row keeps its ULID"
        );
        assert_eq!(body, op.as_bytes());
    })
    .await;
}

/// A company, as `taxonomy!()` generates one from `[objects.company]`.
#[derive(serde::Serialize)]
struct Company {
    name: &'static str,
    seats: u32,
}

impl cio_core::Object for Company {
    const NAME: &'static str = "company";
    const TYPE_ID: u64 = 3;
}

/// A person's relationship to a company.
#[derive(serde::Serialize)]
struct CompanyRelationship {
    role: &'static str,
}

impl cio_core::Relationship for CompanyRelationship {
    const OBJECT: &'static str = "company";
    const OBJECT_TYPE_ID: u64 = 3;
}

/// A subscription-center topic, as the generated `Topic` enum.
#[derive(Debug, Clone, Copy)]
struct Newsletter;

impl cio_core::SubscriptionTopic for Newsletter {
    const ALL: &'static [Self] = &[Newsletter];
    fn id(self) -> u64 {
        2
    }
    fn name(self) -> &'static str {
        "newsletter"
    }
}

/// The object operations of one person and company, in the order an app sends them.
fn object_operations() -> Vec<Operation> {
    let jane = Customer::id("42");
    let acme = ObjectRef::of::<Company>("acme");
    vec![
        Operation::object(
            "acme",
            &Company {
                name: "Acme",
                seats: 5,
            },
        )
        .unwrap(),
        Operation::relate(&jane, "acme", &CompanyRelationship { role: "admin" }).unwrap(),
        Operation::topic(&jane, Newsletter, false).unwrap(),
        Operation::unrelate(&jane, &acme).unwrap(),
        Operation::delete_object(&acme).unwrap(),
    ]
}

#[tokio::test]
async fn objects_relationships_and_topics_reach_the_pipelines_api_as_group_calls() {
    bounded(30, async {
        let emulator = Emulator::start().await.unwrap();
        let client = pipelines_client(&emulator);
        for op in object_operations() {
            client.entity(&op).await.unwrap();
        }
        let record = emulator.record();
        let groups: Vec<_> = record.objects.clone();
        assert_eq!(groups.len(), 4, "{groups:?}");
        match &groups[0] {
            cio_emulator::ObjectCall::Group {
                object_type_id,
                object_id,
                traits,
                person,
                ..
            } => {
                assert_eq!((object_type_id.as_str(), object_id.as_str()), ("3", "acme"));
                assert_eq!(traits["name"], "Acme");
                assert_eq!(traits["seats"], 5);
                assert_eq!(person, &None, "an object alone names no person");
            }
            other => panic!("{other:?}"),
        }
        match &groups[1] {
            cio_emulator::ObjectCall::Group { person, traits, .. } => {
                assert_eq!(person.as_deref(), Some("42"));
                assert_eq!(traits["relationshipAttributes"]["role"], "admin");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            &groups[2],
            cio_emulator::ObjectCall::RelationshipDeleted { person, object_id, .. }
                if person == "42" && object_id == "acme"
        ));
        assert!(matches!(
            &groups[3],
            cio_emulator::ObjectCall::ObjectDeleted { object_type_id, object_id }
                if object_type_id == "3" && object_id == "acme"
        ));
        // The topic is kept nested, as Customer.io keeps it; the object and the
        // relationship were made, then ended.
        let profile = record.profile("42").unwrap();
        assert_eq!(
            profile["cio_subscription_preferences"]["topics"]["topic_2"], false,
            "{profile:?}"
        );
        assert_eq!(record.topics_of("42").get(&2), Some(&false));
        assert_eq!(record.object(3, "acme"), None);
        assert_eq!(record.relationships_of("42").count(), 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn object_operations_go_through_the_outbox_to_either_api() {
    bounded(60, async {
        for (name, api) in [
            ("objects_track", "track"),
            ("objects_pipelines", "pipelines"),
        ] {
            let pool = pool(&sqlite_url(name)).await;
            let outbox = Outbox::sqlite(pool.clone()).await.unwrap();
            for op in object_operations() {
                outbox.send(&pool, &op).await.unwrap();
            }
            let emulator = Emulator::start().await.unwrap();
            let destination: cio_core::client::Destination = if api == "track" {
                client(&emulator).into()
            } else {
                pipelines_client(&emulator).into()
            };
            let relay = Relay::start(outbox.clone(), destination, fast_relay());
            drained(&outbox).await;
            let stats = relay.shutdown().await;
            assert_eq!(stats.delivered, 5, "{api}: {stats:?}");
            assert_eq!(stats.dead_lettered, 0, "{api}");
        }
    })
    .await;
}
