//! The Track API calls beyond people and events, over real HTTP against the emulator:
//! push events, delivery metrics, forms, unsubscribes, manual segments, the region.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod client_support;

use cio_core::client::{
    Customer, DeliveryMetric, EmailMetric, Error, InAppMetric, PushEvent, PushEventKind,
    PushMetric, Region, Segment, SmsMetric, TrackClient,
};
use cio_core::Timestamp;
use cio_emulator::Emulator;
use client_support::*;
use serde_json::json;

const BETA: Segment = Segment::new(7);

async fn with_segment() -> Emulator {
    Emulator::builder().manual_segment(7).start().await.unwrap()
}

#[tokio::test]
async fn track_push_sends_the_legacy_push_event() {
    bounded(async {
        let emu = emulator().await;
        let client = client(&emu);
        let at = Timestamp::from_unix(1_700_000_000);
        client
            .track_push(&PushEvent::new("dlv_1", "tok_1", PushEventKind::Opened, at))
            .await
            .unwrap();
        let record = emu.record();
        assert_eq!(record.metrics.len(), 1);
        let stored = &record.metrics[0];
        assert_eq!(stored.endpoint, "push/events");
        assert_eq!(stored.delivery_id, "dlv_1");
        assert_eq!(stored.device_id.as_deref(), Some("tok_1"));
        assert_eq!(stored.metric, "opened");
        assert_eq!(stored.timestamp, Some(1_700_000_000));
        assert_eq!(record.requests[0].path, "/api/v1/push/events");

        // Checked before sending: nothing reaches the server.
        let empty_device = PushEvent::new("dlv_1", "", PushEventKind::Delivered, at);
        let err = client.track_push(&empty_device).await.unwrap_err();
        assert!(err.is_validation(), "{err}");
        let millis = PushEvent::new(
            "dlv_1",
            "tok",
            PushEventKind::Converted,
            Timestamp::from_unix(1_700_000_000_000),
        );
        let err = client.track_push(&millis).await.unwrap_err();
        assert!(matches!(err, Error::MillisecondTimestamp { .. }), "{err}");
        assert_eq!(emu.request_count(), 1);
    })
    .await;
}

#[tokio::test]
async fn report_metric_sends_each_channel_with_its_fields() {
    bounded(async {
        let emu = emulator().await;
        let client = client(&emu);
        let metrics = [
            DeliveryMetric::new("d1", EmailMetric::Clicked)
                .href("https://example.com/a")
                .recipient("jane@example.com")
                .at(Timestamp::from_unix(1_700_000_001)),
            DeliveryMetric::new("d2", EmailMetric::Bounced).reason("mailbox full"),
            DeliveryMetric::new("d3", PushMetric::Delivered),
            DeliveryMetric::new("d4", SmsMetric::Converted),
            DeliveryMetric::new("d5", InAppMetric::Opened),
            DeliveryMetric::new("d6", EmailMetric::Deferred),
        ];
        for metric in &metrics {
            client.report_metric(metric).await.unwrap();
        }
        let record = emu.record();
        let names: Vec<&str> = record.metrics.iter().map(|m| m.metric.as_str()).collect();
        assert_eq!(
            names,
            [
                "clicked",
                "bounced",
                "delivered",
                "converted",
                "opened",
                "deferred"
            ]
        );
        let first = &record.metrics[0];
        assert_eq!(first.endpoint, "metrics");
        assert_eq!(
            serde_json::Value::Object(first.body.clone()),
            json!({"delivery_id": "d1", "metric": "clicked", "timestamp": 1_700_000_001,
                   "recipient": "jane@example.com", "href": "https://example.com/a"})
        );
        assert_eq!(record.metrics[1].body["reason"], json!("mailbox full"));
        assert!(!record.metrics[2].body.contains_key("timestamp"));

        let err = client
            .report_metric(&DeliveryMetric::new("", EmailMetric::Opened))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidIdentifier(_)), "{err}");
        assert_eq!(emu.request_count(), 6);
    })
    .await;
}

#[tokio::test]
async fn the_emulator_refuses_bad_metrics_and_push_events() {
    bounded(async {
        let emu = emulator().await;
        let http = raw_http();
        let post = |path: &str, body: serde_json::Value| {
            http.post(format!("{}{path}", emu.base_url()))
                .basic_auth(emu.site_id(), Some(emu.api_key()))
                .body(serde_json::to_vec(&body).unwrap())
                .send()
        };
        for (path, body, needle) in [
            (
                "/api/v1/metrics",
                json!({"metric": "opened"}),
                "delivery_id is required",
            ),
            (
                "/api/v1/metrics",
                json!({"delivery_id": "d", "metric": "read"}),
                "`read` is not one of",
            ),
            (
                "/api/v1/metrics",
                json!({"delivery_id": "d", "metric": "opened", "timestamp": 1_700_000_000_000i64}),
                "milliseconds",
            ),
            (
                "/api/v1/push/events",
                json!({"delivery_id": "d", "event": "opened"}),
                "device_id is required",
            ),
            (
                "/api/v1/push/events",
                json!({"delivery_id": "d", "device_id": "t", "event": "clicked"}),
                "`clicked` is not one of",
            ),
        ] {
            let answer = post(path, body).await.unwrap();
            assert_eq!(answer.status(), 400, "{path}");
            let text = answer.text().await.unwrap();
            assert!(text.contains(needle), "{path}: {text}");
        }
        assert!(emu.record().metrics.is_empty());
    })
    .await;
}

#[derive(serde::Serialize)]
struct Newsletter<'a> {
    email: &'a str,
    topic: &'a str,
}

#[tokio::test]
async fn submit_form_needs_someone_and_gets_204() {
    bounded(async {
        let emu = emulator().await;
        let client = client(&emu);
        client
            .submit_form(
                "news letter",
                &Newsletter {
                    email: "jane@example.com",
                    topic: "rust",
                },
            )
            .await
            .unwrap();
        let record = emu.record();
        assert_eq!(record.forms.len(), 1);
        assert_eq!(record.forms[0].0, "news letter");
        assert_eq!(record.forms[0].1["topic"], json!("rust"));
        assert_eq!(
            record.requests[0].path,
            "/api/v1/forms/news%20letter/submit"
        );
        assert_eq!(record.requests[0].status, Some(204));

        for bad in [
            json!({"topic": "rust"}),
            json!({"email": ""}),
            json!(["id"]),
        ] {
            let err = client.submit_form("f", &bad).await.unwrap_err();
            assert!(err.is_validation(), "{bad}: {err}");
        }
        let err = client
            .submit_form("", &json!({"id": "1"}))
            .await
            .unwrap_err();
        assert!(err.is_validation(), "{err}");
        assert_eq!(emu.request_count(), 1);

        // The server checks the same.
        let answer = raw_http()
            .post(format!("{}/api/v1/forms/f/submit", emu.base_url()))
            .basic_auth(emu.site_id(), Some(emu.api_key()))
            .body(serde_json::to_vec(&json!({"data": {"topic": "rust"}})).unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 400);
    })
    .await;
}

#[tokio::test]
async fn unsubscribe_goes_to_the_host_root_without_credentials() {
    bounded(async {
        let emu = emulator().await;
        // Wrong credentials: the unsubscribe call still works, since it sends none.
        let client = TrackClient::builder("someone-else", "wrong-key")
            .base_url(emu.base_url())
            .retry(quick_retries(0))
            .build()
            .unwrap();
        client.unsubscribe("dlv/1", true).await.unwrap();
        client.unsubscribe("dlv/1", false).await.unwrap();
        let record = emu.record();
        assert_eq!(
            record.unsubscribes,
            [("dlv/1".to_owned(), true), ("dlv/1".to_owned(), false)]
        );
        assert_eq!(record.requests[0].path, "/unsubscribe/dlv%2F1");
        // Any other call with these credentials is refused.
        let err = client.delete(&Customer::id("1")).await.unwrap_err();
        assert_eq!(err.status(), Some(401));
        let err = client.unsubscribe("", true).await.unwrap_err();
        assert!(err.is_validation());

        let answer = raw_http()
            .post(format!("{}/unsubscribe/d", emu.base_url()))
            .body(serde_json::to_vec(&json!({"unsubscribe": "yes"})).unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 400);
    })
    .await;
}

#[tokio::test]
async fn segments_split_by_id_type_and_at_1000_ids() {
    bounded(async {
        let emu = with_segment().await;
        let client = client(&emu);
        let mut people: Vec<Customer> = (0..2500).map(|i| Customer::id(format!("u{i}"))).collect();
        people.push(Customer::email("jane@example.com"));
        people.push(Customer::cio_id("a1b2"));
        client.add_to_segment(BETA, &people).await.unwrap();
        let record = emu.record();
        let paths: Vec<&str> = record.requests.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/api/v1/segments/7/add_customers",
                "/api/v1/segments/7/add_customers",
                "/api/v1/segments/7/add_customers",
                "/api/v1/segments/7/add_customers",
                "/api/v1/segments/7/add_customers",
            ]
        );
        let members = &record.segments[&7];
        assert_eq!(members.len(), 2502);
        assert!(members.contains("u2499") && members.contains("jane@example.com"));
        assert!(members.contains("cio_a1b2"));

        client
            .remove_from_segment(
                BETA,
                &[Customer::id("u0"), Customer::email("jane@example.com")],
            )
            .await
            .unwrap();
        let members = emu.record().segments[&7].clone();
        assert_eq!(members.len(), 2500);
        assert!(!members.contains("u0") && !members.contains("jane@example.com"));

        // Nothing to send, nothing sent; one bad identifier, nothing sent.
        emu.clear();
        client.add_to_segment(BETA, &[]).await.unwrap();
        let err = client
            .add_to_segment(BETA, &[Customer::id("ok"), Customer::id("")])
            .await
            .unwrap_err();
        assert!(err.is_validation());
        assert_eq!(emu.request_count(), 0);

        // A segment that does not exist: 404, not retried.
        let err = client
            .add_to_segment(Segment::new(8), &[Customer::id("u1")])
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(404));
        assert_eq!(emu.request_count(), 1);
    })
    .await;
}

#[tokio::test]
async fn the_emulator_holds_segment_requests_to_the_documented_shape() {
    bounded(async {
        let emu = with_segment().await;
        let http = raw_http();
        let ids: Vec<String> = (0..1001).map(|i| i.to_string()).collect();
        for (query, body, status) in [
            ("", json!({"ids": ids}), 400),
            ("", json!({"ids": []}), 400),
            ("", json!({}), 400),
            ("?id_type=phone", json!({"ids": ["1"]}), 400),
            ("?id_type=email", json!({"ids": [1]}), 400),
            ("?id_type=email", json!({"ids": ["a@example.com"]}), 200),
        ] {
            let answer = http
                .post(format!(
                    "{}/api/v1/segments/7/add_customers{query}",
                    emu.base_url()
                ))
                .basic_auth(emu.site_id(), Some(emu.api_key()))
                .body(serde_json::to_vec(&body).unwrap())
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), status, "{query} {body}");
        }
        assert_eq!(emu.record().segments[&7].len(), 1);
    })
    .await;
}

#[tokio::test]
async fn account_region_reads_the_answer() {
    bounded(async {
        let emu = emulator().await;
        let region = client(&emu).account_region().await.unwrap();
        assert_eq!(region.region(), Some(Region::Us));
        assert_eq!(region.url, "https://track.customer.io");
        assert_eq!(region.environment_id, Some(1));
    })
    .await;
}

/// Calls without an idempotency key: after an answer that leaves the outcome unknown
/// (a 5xx once the request was applied), they are not sent again, and say so.
#[tokio::test]
async fn calls_without_an_idempotency_key_are_not_repeated_after_an_unknown_outcome() {
    use cio_emulator::Fault;
    bounded(async {
        let emu = emulator().await;
        let client = client_with(&emu, quick_retries(3));
        let at = Timestamp::from_unix(1_700_000_000);

        emu.script([Fault::StatusAfterApply(500)]);
        let err = client
            .submit_form("f", &json!({"id": "1"}))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err}");
        assert_eq!(emu.record().forms.len(), 1);

        emu.script([Fault::StatusAfterApply(500)]);
        let err = client
            .report_metric(&DeliveryMetric::new("d1", EmailMetric::Opened))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err}");
        emu.script([Fault::StatusAfterApply(500)]);
        let err = client
            .track_push(&PushEvent::new("dlv_1", "tok_1", PushEventKind::Opened, at))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err}");
        assert_eq!(emu.record().metrics.len(), 2);
        assert_eq!(emu.request_count(), 3);

        // What provably did not arrive (a 429) is still sent again.
        emu.script([Fault::Status(429)]);
        client.submit_form("f", &json!({"id": "2"})).await.unwrap();
        assert_eq!(emu.record().forms.len(), 2);
    })
    .await;
}
