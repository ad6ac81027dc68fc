//! Customer.io's reporting webhooks through `cio::webhook`: every object type and
//! metric of the published schema read from the fixtures in `tests/fixtures/webhooks/`
//! (one event per metric, written from the schema's per-metric fields), and the axum
//! extractors' answers over real HTTP on 127.0.0.1.
//!
//! The signatures below were computed outside cio, with Python's `hmac` module:
//! `hmac.new(key, b"v0:" + ts + b":" + body, hashlib.sha256).hexdigest()` and
//! `hmac.new(secret, body, hashlib.sha1).hexdigest()`. The verifiers' clocks are
//! fixed, so nothing depends on the time the tests run at.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::future::IntoFuture;
use std::time::{Duration, SystemTime};

use axum::extract::{DefaultBodyLimit, FromRef};
use axum::routing::post;
use axum::Router;
use cio::webhook::{
    CustomerIoWebhook, CustomerMetric, EmailMetric, InAppMetric, Metric, Origin, PipelinesVerifier,
    PipelinesWebhook, PushMetric, ReportingEvent, ReportingVerifier, SlackMetric, SmsMetric,
    SubscriptionChange, TransactionalMessageId, WebhookMetric, WhatsAppMetric,
};
use cio::{EventId, Timestamp};
use serde_json::Value;

const FIXTURES: [(&str, &str); 8] = [
    ("email", include_str!("fixtures/webhooks/email.json")),
    ("push", include_str!("fixtures/webhooks/push.json")),
    ("sms", include_str!("fixtures/webhooks/sms.json")),
    ("whatsapp", include_str!("fixtures/webhooks/whatsapp.json")),
    ("slack", include_str!("fixtures/webhooks/slack.json")),
    ("webhook", include_str!("fixtures/webhooks/webhook.json")),
    ("in_app", include_str!("fixtures/webhooks/in_app.json")),
    ("customer", include_str!("fixtures/webhooks/customer.json")),
];

/// The metrics of each object type in Customer.io's reporting-webhooks schema
/// (`components.schemas.<object_type>_event.oneOf`), as cio must type them.
fn published_schema() -> Vec<(&'static str, &'static str, Metric)> {
    use Metric::{Customer, Email, InApp, Push, Slack, Sms, Webhook, WhatsApp};
    vec![
        ("email", "drafted", Email(EmailMetric::Drafted)),
        ("email", "attempted", Email(EmailMetric::Attempted)),
        ("email", "sent", Email(EmailMetric::Sent)),
        ("email", "delivered", Email(EmailMetric::Delivered)),
        ("email", "opened", Email(EmailMetric::Opened)),
        ("email", "clicked", Email(EmailMetric::Clicked)),
        ("email", "converted", Email(EmailMetric::Converted)),
        ("email", "unsubscribed", Email(EmailMetric::Unsubscribed)),
        ("email", "bounced", Email(EmailMetric::Bounced)),
        ("email", "dropped", Email(EmailMetric::Dropped)),
        ("email", "spammed", Email(EmailMetric::Spammed)),
        ("email", "failed", Email(EmailMetric::Failed)),
        ("email", "undeliverable", Email(EmailMetric::Undeliverable)),
        ("push", "drafted", Push(PushMetric::Drafted)),
        ("push", "attempted", Push(PushMetric::Attempted)),
        ("push", "sent", Push(PushMetric::Sent)),
        ("push", "delivered", Push(PushMetric::Delivered)),
        ("push", "opened", Push(PushMetric::Opened)),
        ("push", "clicked", Push(PushMetric::Clicked)),
        ("push", "converted", Push(PushMetric::Converted)),
        ("push", "bounced", Push(PushMetric::Bounced)),
        ("push", "dropped", Push(PushMetric::Dropped)),
        ("push", "failed", Push(PushMetric::Failed)),
        ("push", "undeliverable", Push(PushMetric::Undeliverable)),
        ("sms", "drafted", Sms(SmsMetric::Drafted)),
        ("sms", "attempted", Sms(SmsMetric::Attempted)),
        ("sms", "sent", Sms(SmsMetric::Sent)),
        ("sms", "delivered", Sms(SmsMetric::Delivered)),
        ("sms", "clicked", Sms(SmsMetric::Clicked)),
        ("sms", "converted", Sms(SmsMetric::Converted)),
        ("sms", "bounced", Sms(SmsMetric::Bounced)),
        ("sms", "failed", Sms(SmsMetric::Failed)),
        ("sms", "undeliverable", Sms(SmsMetric::Undeliverable)),
        ("sms", "replied", Sms(SmsMetric::Replied)),
        ("whatsapp", "drafted", WhatsApp(WhatsAppMetric::Drafted)),
        ("whatsapp", "attempted", WhatsApp(WhatsAppMetric::Attempted)),
        ("whatsapp", "sent", WhatsApp(WhatsAppMetric::Sent)),
        ("whatsapp", "delivered", WhatsApp(WhatsAppMetric::Delivered)),
        ("whatsapp", "opened", WhatsApp(WhatsAppMetric::Opened)),
        ("whatsapp", "clicked", WhatsApp(WhatsAppMetric::Clicked)),
        ("whatsapp", "converted", WhatsApp(WhatsAppMetric::Converted)),
        ("whatsapp", "bounced", WhatsApp(WhatsAppMetric::Bounced)),
        ("whatsapp", "dropped", WhatsApp(WhatsAppMetric::Dropped)),
        ("whatsapp", "failed", WhatsApp(WhatsAppMetric::Failed)),
        (
            "whatsapp",
            "undeliverable",
            WhatsApp(WhatsAppMetric::Undeliverable),
        ),
        ("whatsapp", "replied", WhatsApp(WhatsAppMetric::Replied)),
        ("slack", "drafted", Slack(SlackMetric::Drafted)),
        ("slack", "attempted", Slack(SlackMetric::Attempted)),
        ("slack", "sent", Slack(SlackMetric::Sent)),
        ("slack", "clicked", Slack(SlackMetric::Clicked)),
        ("slack", "failed", Slack(SlackMetric::Failed)),
        ("slack", "undeliverable", Slack(SlackMetric::Undeliverable)),
        ("webhook", "drafted", Webhook(WebhookMetric::Drafted)),
        ("webhook", "attempted", Webhook(WebhookMetric::Attempted)),
        ("webhook", "sent", Webhook(WebhookMetric::Sent)),
        ("webhook", "clicked", Webhook(WebhookMetric::Clicked)),
        ("webhook", "failed", Webhook(WebhookMetric::Failed)),
        (
            "webhook",
            "undeliverable",
            Webhook(WebhookMetric::Undeliverable),
        ),
        ("in_app", "drafted", InApp(InAppMetric::Drafted)),
        ("in_app", "attempted", InApp(InAppMetric::Attempted)),
        ("in_app", "sent", InApp(InAppMetric::Sent)),
        ("in_app", "opened", InApp(InAppMetric::Opened)),
        ("in_app", "clicked", InApp(InAppMetric::Clicked)),
        ("in_app", "converted", InApp(InAppMetric::Converted)),
        ("in_app", "failed", InApp(InAppMetric::Failed)),
        ("in_app", "undeliverable", InApp(InAppMetric::Undeliverable)),
        (
            "customer",
            "subscribed",
            Customer(CustomerMetric::Subscribed),
        ),
        (
            "customer",
            "unsubscribed",
            Customer(CustomerMetric::Unsubscribed),
        ),
        (
            "customer",
            "cio_subscription_preferences_changed",
            Customer(CustomerMetric::SubscriptionPreferencesChanged),
        ),
    ]
}

/// Each fixture event as JSON and as cio reads it.
fn fixture_events() -> Vec<(Value, ReportingEvent)> {
    FIXTURES
        .iter()
        .flat_map(|(name, text)| {
            let events: Vec<Value> = serde_json::from_str(text).unwrap();
            assert!(!events.is_empty(), "{name}.json");
            events.into_iter().map(move |json| {
                let event = serde_json::from_value(json.clone())
                    .unwrap_or_else(|e| panic!("{name}.json: {e}\n{json:#}"));
                (json, event)
            })
        })
        .collect()
}

fn find<'a>(
    events: &'a [(Value, ReportingEvent)],
    object_type: &str,
    metric: &str,
) -> &'a ReportingEvent {
    events
        .iter()
        .map(|(_, event)| event)
        .find(|event| event.metric.object_type() == object_type && event.metric.name() == metric)
        .unwrap_or_else(|| panic!("no {object_type} {metric} fixture"))
}

#[test]
fn every_object_type_and_metric_of_the_schema_is_typed() {
    let schema = published_schema();
    assert_eq!(schema.len(), 69);
    let events = fixture_events();
    let mut seen = BTreeSet::new();
    for (json, event) in &events {
        let (object_type, metric) = (
            json["object_type"].as_str().unwrap(),
            json["metric"].as_str().unwrap(),
        );
        let expected = schema
            .iter()
            .find(|(o, m, _)| (*o, *m) == (object_type, metric))
            .unwrap_or_else(|| panic!("{object_type} {metric} is not in the schema"));
        assert_eq!(event.metric, expected.2, "{object_type} {metric}");
        assert!(
            seen.insert((object_type, metric)),
            "{object_type} {metric} twice"
        );
        assert_eq!(event.event_id, json["event_id"].as_str().unwrap());
        assert_eq!(
            event.timestamp,
            Timestamp::from_unix(json["timestamp"].as_i64().unwrap())
        );
        // Every field of the fixture landed in a typed field.
        assert!(
            event.data.extra.is_empty(),
            "{object_type} {metric}: {:?}",
            event.data.extra
        );
        assert_eq!(
            event.data.identifiers.as_ref().unwrap().id.as_deref(),
            Some("42")
        );
        // And it writes back as it came.
        assert_eq!(
            &serde_json::to_value(event).unwrap(),
            json,
            "{object_type} {metric}"
        );
    }
    let all: BTreeSet<_> = schema.iter().map(|(o, m, _)| (*o, *m)).collect();
    assert_eq!(seen, all, "a fixture per metric of the schema");
}

#[test]
fn the_per_metric_fields_are_read() {
    let events = fixture_events();

    let sent = find(&events, "email", "sent");
    assert_eq!(sent.data.subject.as_deref(), Some("Welcome, Jane!"));
    assert_eq!(sent.data.recipient.as_deref(), Some("jane@example.com"));
    assert!(sent.data.content.as_deref().unwrap().contains("github"));
    assert_eq!(
        sent.data.headers.as_ref().unwrap()["X-Campaign"],
        ["onboarding"]
    );

    let opened = find(&events, "email", "opened");
    assert_eq!(
        (
            opened.data.proxied,
            opened.data.prefetched,
            opened.data.synthetic
        ),
        (Some(true), Some(false), Some(false))
    );

    let clicked = find(&events, "email", "clicked");
    assert_eq!(
        clicked.data.href.as_deref(),
        Some("https://example.com/pricing")
    );
    assert_eq!(clicked.data.link_id, Some(1));
    assert_eq!(clicked.data.machine, Some(false));

    let bounced = find(&events, "email", "bounced");
    assert_eq!(
        bounced.data.failure_message.as_deref(),
        Some("550 5.1.1 mailbox unavailable")
    );

    let push_sent = find(&events, "push", "sent");
    let devices = push_sent.data.recipients.as_ref().unwrap();
    assert_eq!(devices.len(), 2);
    assert_eq!(devices[1].device_id, "apns-token-2");
    assert_eq!(devices[1].device_platform.as_deref(), Some("ios"));
    let push_bounced = find(&events, "push", "bounced");
    let device = &push_bounced.data.recipients.as_ref().unwrap()[0];
    assert_eq!(device.failure_message.as_deref(), Some("BadDeviceToken"));

    for object_type in ["sms", "whatsapp"] {
        let replied = find(&events, object_type, "replied");
        assert_eq!(replied.data.to.as_deref(), Some("+15550000000"));
        assert_eq!(replied.data.recipient.as_deref(), Some("+15551234567"));
        assert!(replied.data.inbound_event_id.is_some());
    }

    let in_app = find(&events, "in_app", "clicked");
    assert_eq!(
        in_app.data.tracked_response.as_deref(),
        Some("accept_offer")
    );

    let slack = find(&events, "slack", "sent");
    assert_eq!(slack.data.recipient.as_deref(), Some("#general"));

    let preferences = find(&events, "customer", "cio_subscription_preferences_changed");
    assert_eq!(
        preferences.subscription_change(),
        Some(SubscriptionChange::PreferencesChanged)
    );
    assert_eq!(
        preferences.data.email_address.as_deref(),
        Some("jane@example.com")
    );
    let topics: Value = serde_json::from_str(preferences.data.content.as_deref().unwrap()).unwrap();
    assert_eq!(topics["topics"]["topic_1"], true);
}

#[test]
fn the_four_origins_are_told_apart() {
    let events = fixture_events();

    let campaign = find(&events, "email", "drafted");
    assert_eq!(
        campaign.data.origin,
        Some(Origin::Campaign {
            campaign_id: Some(5),
            action_id: Some(96),
            journey_id: Some("01GW20GXAAXBKZD8J96M8FNV3R".into()),
            parent_action_id: Some(1),
            trigger_event_id: Some("01HGW2N7EHJMS3Q6ZV0B5Y4X8K".into()),
        })
    );
    let sent_id: EventId = "01HGW2N7EHJMS3Q6ZV0B5Y4X8K".parse().unwrap();
    assert_eq!(campaign.triggered_by(), Some(sent_id));
    assert_eq!(
        campaign.trigger_event_id(),
        Some("01HGW2N7EHJMS3Q6ZV0B5Y4X8K")
    );

    let broadcast = find(&events, "email", "attempted");
    assert!(matches!(
        broadcast.data.origin,
        Some(Origin::Broadcast {
            broadcast_id: Some(9),
            trigger_id: Some(1),
            action_id: Some(42),
            ..
        })
    ));
    assert_eq!(broadcast.triggered_by(), None);

    let newsletter = find(&events, "email", "sent");
    assert_eq!(
        newsletter.data.origin,
        Some(Origin::Newsletter {
            newsletter_id: Some(10),
            content_id: Some(3)
        })
    );

    let transactional = find(&events, "email", "delivered");
    match &transactional.data.origin {
        Some(Origin::Transactional {
            transactional_message_id,
        }) => {
            assert_eq!(
                *transactional_message_id,
                TransactionalMessageId::Number(12)
            );
            assert_eq!(*transactional_message_id, cio::TransactionalId::Number(12));
        }
        other => panic!("{other:?}"),
    }

    let subscribed = find(&events, "customer", "subscribed");
    assert_eq!(subscribed.data.origin, None);
    assert_eq!(subscribed.delivery_id(), None);
}

#[test]
fn names_outside_the_schema_are_kept_as_other() {
    let events: Vec<ReportingEvent> =
        serde_json::from_str(include_str!("fixtures/webhooks/other.json")).unwrap();

    assert_eq!(
        events[0].metric,
        Metric::Other {
            object_type: "inbox".into(),
            metric: "opened".into()
        }
    );
    assert_eq!(events[0].data.extra["inbox_message_id"], "m-1");
    assert_eq!(events[0].delivery_id(), Some("RPILAgUBcRhIBqSfeiIwdINBOX1"));

    assert_eq!(
        events[1].metric,
        Metric::Email(EmailMetric::Other("deferred".into()))
    );
    assert_eq!(
        events[1].data.extra["deferral_reason"],
        "421 try again later"
    );

    // A subscription center change reached from an email: the email metrics do not
    // list it, and the subscription change is still found.
    assert_eq!(
        events[2].metric,
        Metric::Email(EmailMetric::Other(
            "cio_subscription_preferences_changed".into()
        ))
    );
    assert_eq!(
        events[2].subscription_change(),
        Some(SubscriptionChange::PreferencesChanged)
    );
}

// The extractors over HTTP.

const CURRENT_KEY: &str = "a3f1c9e2b7d64f0c8e5a1b2c3d4e5f60";
const OLD_KEY: &str = "0f9e8d7c6b5a49382716f5e4d3c2b1a0";
const SIGNED_AT: &str = "1700000000";
const BODY: &str = r#"{"event_id":"01E4C4CT6YDC7Y5M7FE1GWWPQJ","object_type":"email","metric":"delivered","timestamp":1700000000,"data":{"campaign_id":5,"action_id":96,"delivery_id":"RPILAgUBcRhIBqSfeiIwdIYJKxTY","trigger_event_id":"01HGW2N7EHJMS3Q6ZV0B5Y4X8K","identifiers":{"id":"42","email":"test@example.com","cio_id":"d9c106000001"},"recipient":"test@example.com","subject":"Welcome"}}"#;
/// HMAC-SHA256(CURRENT_KEY, "v0:1700000000:" + BODY).
const SIGNED_WITH_CURRENT: &str =
    "4b06adcfab892ded94c682c2f0c0a6b5305d78d03eb16d3a9c8c4b0f6394053d";
/// HMAC-SHA256(OLD_KEY, "v0:1700000000:" + BODY).
const SIGNED_WITH_OLD: &str = "3056e3f793f0eb0da427bff9c22423c3d42862163070659665b2c9261a840094";
/// A JSON body that is not a reporting webhook (no `metric`, no `timestamp`).
const NOT_AN_EVENT: &str = r#"{"event_id":"01E4C4CT6YDC7Y5M7FE1GWWPQJ","object_type":"email"}"#;
/// HMAC-SHA256(CURRENT_KEY, "v0:1700000000:" + NOT_AN_EVENT).
const NOT_AN_EVENT_SIGNED: &str =
    "e6746fcf7c7c0078fc83d2768bb7107f10cf422bf51fe30aaac44b336ce1975d";

const PIPELINES_SECRET: &str = "pipelines-destination-secret";
const PIPELINES_BODY: &str = r#"{"type":"track","event":"email_opened","userId":"42","messageId":"01HGW2N7EHJMS3Q6ZV0B5Y4X8K"}"#;
/// HMAC-SHA1(PIPELINES_SECRET, PIPELINES_BODY).
const PIPELINES_SIGNED: &str = "4c6dbb7d64ba171e6b1d0189edbd30e8c012b73f";
/// HMAC-SHA1("previous-destination-secret", PIPELINES_BODY).
const PIPELINES_SIGNED_OLD: &str = "efd00ca10de497e15c2675a1534398dc12fb155c";
/// HMAC-SHA1(PIPELINES_SECRET, "not json").
const NOT_JSON_SIGNED: &str = "b4dc34e30808b4b1ebe36c580c54396937bfb2a0";

/// An app's state holding both verifiers, as the extractors find them.
#[derive(Clone)]
struct AppState {
    reporting: ReportingVerifier,
    pipelines: PipelinesVerifier,
}

impl FromRef<AppState> for ReportingVerifier {
    fn from_ref(state: &AppState) -> Self {
        state.reporting.clone()
    }
}

impl FromRef<AppState> for PipelinesVerifier {
    fn from_ref(state: &AppState) -> Self {
        state.pipelines.clone()
    }
}

async fn reporting(CustomerIoWebhook(event): CustomerIoWebhook<ReportingEvent>) -> String {
    format!(
        "{} {} {}",
        event.event_id,
        event.metric,
        event.trigger_event_id().unwrap_or("-")
    )
}

async fn pipelines(PipelinesWebhook(event): PipelinesWebhook) -> String {
    event["messageId"].as_str().unwrap_or("-").to_owned()
}

/// A server whose verifiers accept the current keys (and `extra_key`) and whose clock
/// reads `now` (Unix seconds); its base URL.
async fn serve(now: i64, extra_key: Option<&str>) -> String {
    let keys = [Some(CURRENT_KEY), extra_key].into_iter().flatten();
    let clock = SystemTime::from(Timestamp::from_unix(now));
    let state = AppState {
        reporting: ReportingVerifier::from_keys(keys)
            .unwrap()
            .with_clock(move || clock),
        pipelines: PipelinesVerifier::new(PIPELINES_SECRET).unwrap(),
    };
    let app = Router::new()
        .route("/reporting", post(reporting))
        .route("/pipelines", post(pipelines))
        .route(
            "/reporting/small",
            post(reporting).layer(DefaultBodyLimit::max(100)),
        )
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(axum::serve(listener, app).into_future());
    format!("http://{address}")
}

/// Posts `body` with the given headers; the status and the body of the answer.
async fn post_to(url: &str, headers: &[(&str, &str)], body: &str) -> (u16, String) {
    // reqwest is built without a TLS provider of its own; plain HTTP still asks for one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let mut request = client.post(url).body(body.to_owned());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

fn signed(signature: &str) -> [(&'static str, &str); 2] {
    [
        ("X-CIO-Timestamp", SIGNED_AT),
        ("X-CIO-Signature", signature),
    ]
}

#[tokio::test]
async fn the_reporting_extractor_answers_each_case() {
    let base = serve(1_700_000_030, None).await;
    let url = format!("{base}/reporting");

    let (status, text) = post_to(&url, &signed(SIGNED_WITH_CURRENT), BODY).await;
    assert_eq!(
        (status, text.as_str()),
        (
            200,
            "01E4C4CT6YDC7Y5M7FE1GWWPQJ email delivered 01HGW2N7EHJMS3Q6ZV0B5Y4X8K"
        )
    );

    // Header names are case-insensitive, as HTTP has them.
    let lower = [
        ("x-cio-timestamp", SIGNED_AT),
        ("x-cio-signature", SIGNED_WITH_CURRENT),
    ];
    assert_eq!(post_to(&url, &lower, BODY).await.0, 200);

    let mismatch = "the signature does not match the request under any of the signing keys";
    let (status, text) = post_to(&url, &signed(SIGNED_WITH_OLD), BODY).await;
    assert_eq!(
        (status, text.as_str()),
        (401, mismatch),
        "a key this server does not hold"
    );
    let (status, text) = post_to(
        &url,
        &signed(SIGNED_WITH_CURRENT),
        &BODY.replace("delivered", "opened"),
    )
    .await;
    assert_eq!((status, text.as_str()), (401, mismatch), "a changed body");

    let (status, text) = post_to(&url, &[("X-CIO-Timestamp", SIGNED_AT)], BODY).await;
    assert_eq!(
        (status, text.as_str()),
        (401, "the `X-CIO-Signature` header is missing")
    );
    let (status, text) = post_to(&url, &[("X-CIO-Signature", SIGNED_WITH_CURRENT)], BODY).await;
    assert_eq!(
        (status, text.as_str()),
        (401, "the `X-CIO-Timestamp` header is missing")
    );
    let (status, text) = post_to(&url, &signed(&SIGNED_WITH_CURRENT[1..]), BODY).await;
    assert_eq!(
        (status, text.as_str()),
        (
            401,
            "the `X-CIO-Signature` header is not a signature (64 hex digits)"
        )
    );
    let bad_time = [
        ("X-CIO-Timestamp", "yesterday"),
        ("X-CIO-Signature", SIGNED_WITH_CURRENT),
    ];
    let (status, text) = post_to(&url, &bad_time, BODY).await;
    assert_eq!(
        (status, text.as_str()),
        (
            401,
            "the `X-CIO-Timestamp` header is not a Unix time in seconds"
        )
    );

    let (status, text) = post_to(&url, &signed(NOT_AN_EVENT_SIGNED), NOT_AN_EVENT).await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("missing field `metric`"), "{text}");

    let (status, _) = post_to(
        &format!("{base}/reporting/small"),
        &signed(SIGNED_WITH_CURRENT),
        BODY,
    )
    .await;
    assert_eq!(status, 413, "a body over the route's limit");
}

#[tokio::test]
async fn the_reporting_extractor_keeps_to_the_replay_window() {
    let stale = serve(1_700_000_301, None).await;
    let (status, text) = post_to(
        &format!("{stale}/reporting"),
        &signed(SIGNED_WITH_CURRENT),
        BODY,
    )
    .await;
    assert_eq!(
        (status, text.as_str()),
        (
            401,
            "the request was signed 301 s ago, outside the replay window of 300 s"
        )
    );

    let behind = serve(1_699_999_699, None).await;
    let (status, text) = post_to(
        &format!("{behind}/reporting"),
        &signed(SIGNED_WITH_CURRENT),
        BODY,
    )
    .await;
    assert_eq!(
        (status, text.as_str()),
        (401, "the request's timestamp is 301 s ahead of this server's clock, outside the replay window of 300 s")
    );

    let edge = serve(1_700_000_300, None).await;
    assert_eq!(
        post_to(
            &format!("{edge}/reporting"),
            &signed(SIGNED_WITH_CURRENT),
            BODY
        )
        .await
        .0,
        200
    );
}

#[tokio::test]
async fn the_reporting_extractor_accepts_rotated_keys() {
    let rotating = serve(1_700_000_000, Some(OLD_KEY)).await;
    for signature in [SIGNED_WITH_CURRENT, SIGNED_WITH_OLD] {
        let (status, text) =
            post_to(&format!("{rotating}/reporting"), &signed(signature), BODY).await;
        assert_eq!(status, 200, "{signature}: {text}");
    }
}

#[tokio::test]
async fn the_pipelines_extractor_answers_each_case() {
    let base = serve(1_700_000_000, None).await;
    let url = format!("{base}/pipelines");

    let (status, text) = post_to(&url, &[("X-Signature", PIPELINES_SIGNED)], PIPELINES_BODY).await;
    assert_eq!((status, text.as_str()), (200, "01HGW2N7EHJMS3Q6ZV0B5Y4X8K"));

    let (status, text) = post_to(
        &url,
        &[("X-Signature", PIPELINES_SIGNED_OLD)],
        PIPELINES_BODY,
    )
    .await;
    assert_eq!(
        (status, text.as_str()),
        (
            401,
            "the signature does not match the request under any of the signing keys"
        )
    );
    let (status, text) = post_to(&url, &[], PIPELINES_BODY).await;
    assert_eq!(
        (status, text.as_str()),
        (401, "the `X-Signature` header is missing")
    );
    // A reporting webhook's headers are not the destination's.
    let (status, _) = post_to(&url, &signed(SIGNED_WITH_CURRENT), PIPELINES_BODY).await;
    assert_eq!(status, 401);
    let (status, text) = post_to(
        &url,
        &[("X-Signature", SIGNED_WITH_CURRENT)],
        PIPELINES_BODY,
    )
    .await;
    assert_eq!(
        (status, text.as_str()),
        (
            401,
            "the `X-Signature` header is not a signature (40 hex digits)"
        )
    );

    let (status, text) = post_to(&url, &[("X-Signature", NOT_JSON_SIGNED)], "not json").await;
    assert_eq!(status, 400, "{text}");
    assert!(
        text.starts_with("the body is not a webhook this endpoint reads"),
        "{text}"
    );
}
