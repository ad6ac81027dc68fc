//! What Data Pipelines calls do to the emulator's record, over HTTP on 127.0.0.1:
//! every call and every semantic event applied, alone and in a batch, to the same
//! people, events, devices and journeys as the Track API; `messageId` arrivals and
//! dedup; the stale-identify rule with ISO 8601 timestamps; faults and the request log.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::BTreeSet;

use cio_core::journey::{Campaign, Channel, Journeys, Message, Step};
use cio_core::Timestamp;
use cio_emulator::{ApiVersion, Applied, Emulator, Fault, ObjectCall, ObjectKey, Record};
use serde_json::{json, Map, Value};
use support::{track, Mode, Pipelines};

/// 2026-05-01T12:00:00Z.
const NOON: i64 = 1_777_636_800;

/// A JSON object literal as a map.
fn object(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap()
}

/// One of each call.
fn every_call() -> Vec<(&'static str, Value)> {
    vec![
        (
            "identify",
            json!({"userId": "u1", "traits": {"email": "u1@example.com", "plan": "pro"},
                "timestamp": "2026-05-01T12:00:00.250Z"}),
        ),
        (
            "identify",
            json!({"anonymousId": "visitor-1", "traits": {"plan": "free"}}),
        ),
        (
            "track",
            track(
                "u1",
                "signed_up",
                json!({"properties": {"method": "google"}, "messageId": "m-track",
                    "timestamp": "2026-05-01T12:00:01.900Z"}),
            ),
        ),
        (
            "track",
            json!({"anonymousId": "visitor-1", "event": "viewed_pricing", "messageId": "m-anon"}),
        ),
        (
            "page",
            json!({"userId": "u1", "name": "Home", "messageId": "m-page",
                "properties": {"url": "https://example.com/"}}),
        ),
        (
            "screen",
            json!({"userId": "u1", "name": "Settings", "messageId": "m-screen"}),
        ),
        (
            "group",
            json!({"userId": "u1", "groupId": "acme",
                "traits": {"name": "Acme", "object_type_id": "2"}}),
        ),
        (
            "group",
            json!({"anonymousId": "visitor-1", "groupId": "beta"}),
        ),
        (
            "identify",
            json!({"userId": "u2", "traits": {"first_name": "Ann"}}),
        ),
        ("alias", json!({"userId": "u1", "previousId": "u2"})),
    ]
}

fn assert_every_call_applied(record: &Record) {
    let profile = record.profile("u1").unwrap();
    assert_eq!(profile["plan"], "pro");
    assert_eq!(profile["first_name"], "Ann", "alias merged u2 into u1");
    assert!(record.profile("u2").is_none());
    assert_eq!(record.merges, [("u1".to_owned(), "u2".to_owned())]);

    let events = record.events_of("u1");
    let seen: Vec<_> = events
        .iter()
        .map(|e| (e.kind.as_str(), e.name.as_str(), e.id.as_deref()))
        .collect();
    assert_eq!(
        seen,
        [
            ("event", "signed_up", Some("m-track")),
            ("page", "Home", Some("m-page")),
            ("screen", "Settings", Some("m-screen")),
        ]
    );
    assert_eq!(events[0].data, json!({"method": "google"}));
    assert_eq!(events[0].timestamp, Some(NOON + 1), "seconds, rounded down");
    assert_eq!(events[1].data, json!({"url": "https://example.com/"}));
    assert_eq!(events[2].data, Value::Null);
    assert!(events.iter().all(|e| e.via == ApiVersion::Pipelines));

    let [anonymous] = &record.anonymous_events[..] else {
        panic!("{:?}", record.anonymous_events)
    };
    assert_eq!(anonymous.name, "viewed_pricing");
    assert_eq!(anonymous.anonymous_id.as_deref(), Some("visitor-1"));
    assert_eq!(
        record.anonymous_identifies,
        [("visitor-1".to_owned(), object(json!({"plan": "free"})))]
    );

    let groups: Vec<_> = record.groups().collect();
    assert_eq!(groups.len(), 2, "{groups:?}");
    assert!(
        matches!(groups[0], ObjectCall::Group { person: Some(p), object_type_id, object_id, traits, .. }
            if p == "u1" && object_type_id == "2" && object_id == "acme" && traits["name"] == "Acme"),
        "{:?}",
        groups[0]
    );
    assert!(
        matches!(groups[1], ObjectCall::Group { person: None, anonymous_id: Some(a), object_type_id, object_id, .. }
            if a == "visitor-1" && object_type_id == "1" && object_id == "beta"),
        "{:?}",
        groups[1]
    );
    // The group related u1 to the object, which has the other traits.
    assert!(record.relationship("u1", 2, "acme").is_some());
    assert_eq!(record.object(2, "acme").unwrap()["name"], "Acme");
    assert_eq!(
        record.history_of("u1"),
        [
            Applied::Identify(object(json!({"email": "u1@example.com", "plan": "pro"}))),
            Applied::Event(Some("m-track".to_owned())),
            Applied::Event(Some("m-page".to_owned())),
            Applied::Event(Some("m-screen".to_owned())),
            Applied::Related(ObjectKey::new("2", "acme")),
            Applied::Merged("u2".to_owned()),
        ]
    );
    assert!(record.pipelines_dropped().is_empty());
}

#[tokio::test]
async fn every_call_applies_one_request_each() {
    let api = Pipelines::start().await;
    api.each(&every_call()).await;
    api.emulator.with_record(assert_every_call_applied);
}

#[tokio::test]
async fn every_call_applies_in_one_batch() {
    let api = Pipelines::start().await;
    api.batch(&every_call()).await;
    api.emulator.with_record(assert_every_call_applied);
}

/// `context` with a device of this token (and type).
fn device(token: &str, kind: Option<&str>) -> Value {
    let mut device = json!({ "token": token });
    if let Some(kind) = kind {
        device["type"] = json!(kind);
    }
    json!({ "context": { "device": device } })
}

/// One of each semantic event.
fn every_semantic_event() -> Vec<(&'static str, Value)> {
    let created = "Device Created or Updated";
    vec![
        (
            "identify",
            json!({"userId": "u1", "traits": {"plan": "pro"}}),
        ),
        (
            "track",
            track("u1", created, device("tok-ios", Some("ios"))),
        ),
        ("track", track("u1", created, device("tok-any", None))),
        (
            "track",
            track("u1", created, device("tok-old", Some("android"))),
        ),
        (
            "track",
            track("u1", "Device Deleted", device("tok-old", None)),
        ),
        (
            "identify",
            json!({"userId": "gone@example.com", "traits": {"plan": "free"}}),
        ),
        (
            "track",
            track("gone@example.com", "User Deleted", json!({})),
        ),
        ("track", track("cio_0a1b", "User Suppressed", json!({}))),
        ("track", track("cio_0a1b", "User Unsuppressed", json!({}))),
        ("track", track("blocked", "User Suppressed", json!({}))),
        (
            "track",
            track(
                "u1",
                "Relationship Deleted",
                json!({"properties": {"objectId": "acme", "objectTypeId": 2}}),
            ),
        ),
        (
            "track",
            json!({"anonymousId": "admin", "event": "Object Deleted",
                "properties": {"objectId": "acme"}}),
        ),
        (
            "track",
            track(
                "u1",
                "Report Delivery Event",
                json!({"properties": {"deliveryId": "dlv-1", "metric": "opened"},
                    "timestamp": "2026-05-01T12:00:00Z"}),
            ),
        ),
        (
            "track",
            track(
                "u1",
                "Report Content Event",
                json!({"properties": {"actionType": "viewed_content", "contentId": 7, "templateId": 9}}),
            ),
        ),
    ]
}

fn assert_every_semantic_event_applied(record: &Record) {
    let devices = &record.devices["u1"];
    assert_eq!(
        devices.keys().collect::<Vec<_>>(),
        ["tok-any", "tok-ios"],
        "tok-old was deleted"
    );
    assert_eq!(devices["tok-ios"].platform, "ios");
    assert_eq!(devices["tok-any"].platform, "", "no context.device.type");

    assert!(record.profile("gone@example.com").is_none());
    assert_eq!(record.deleted, ["gone@example.com", "cio_0a1b", "blocked"]);
    assert_eq!(
        record.history_of("cio_0a1b"),
        [Applied::Suppress, Applied::Unsuppress]
    );
    assert_eq!(record.suppressed, BTreeSet::from(["blocked".to_owned()]));

    assert_eq!(
        record.objects,
        [
            ObjectCall::RelationshipDeleted {
                person: "u1".to_owned(),
                object_type_id: "2".to_owned(),
                object_id: "acme".to_owned(),
            },
            ObjectCall::ObjectDeleted {
                object_type_id: "1".to_owned(),
                object_id: "acme".to_owned(),
            },
        ]
    );

    let metrics: Vec<_> = record
        .metrics
        .iter()
        .map(|m| {
            (
                m.endpoint.as_str(),
                m.delivery_id.as_str(),
                m.metric.as_str(),
                m.timestamp,
            )
        })
        .collect();
    assert_eq!(
        metrics,
        [
            ("pipelines", "dlv-1", "opened", Some(NOON)),
            ("pipelines", "", "viewed_content", None),
        ]
    );
    assert_eq!(record.metrics[1].body["contentId"], 7);
    assert!(
        record.events_of("u1").is_empty(),
        "semantic events are not events"
    );
    assert!(record.pipelines_dropped().is_empty());
}

#[tokio::test]
async fn every_semantic_event_applies_one_request_each() {
    let api = Pipelines::start().await;
    api.each(&every_semantic_event()).await;
    api.emulator
        .with_record(assert_every_semantic_event_applied);
    assert!(api.emulator.coverage().events.is_empty());
}

#[tokio::test]
async fn every_semantic_event_applies_in_one_batch() {
    let api = Pipelines::start().await;
    api.batch(&every_semantic_event()).await;
    api.emulator
        .with_record(assert_every_semantic_event_applied);
}

#[tokio::test]
async fn the_batch_context_applies_to_every_call_under_its_own() {
    let api = Pipelines::start().await;
    let body = json!({
        "batch": [
            merged_type("track", track("u1", "Device Created or Updated", json!({}))),
            merged_type("track", track("u1", "Device Created or Updated", device("tok-2", Some("android")))),
        ],
        "context": {"device": {"token": "tok-1", "type": "ios"}},
        "integrations": {"All": true},
    });
    let answer = api.post("batch", &body, Mode::Strict).await;
    assert_eq!(answer, (200, json!({})));
    let record = api.emulator.record();
    let platforms: Vec<_> = record.devices["u1"]
        .iter()
        .map(|(token, device)| (token.as_str(), device.platform.as_str()))
        .collect();
    assert_eq!(platforms, [("tok-1", "ios"), ("tok-2", "android")]);
}

/// `body` with its batch item `type`.
fn merged_type(call: &str, body: Value) -> Value {
    support::merged(body, json!({ "type": call }))
}

#[tokio::test]
async fn a_repeated_message_id_is_counted_each_time_and_applied_once() {
    let api = Pipelines::start().await;
    let calls = [
        (
            "track",
            track("u1", "signed_up", json!({"messageId": "m-event"})),
        ),
        (
            "page",
            json!({"userId": "u1", "name": "Home", "messageId": "m-page"}),
        ),
        (
            "track",
            track(
                "u1",
                "Report Delivery Event",
                json!({"messageId": "m-report", "properties": {"deliveryId": "d1", "metric": "clicked"}}),
            ),
        ),
        (
            "identify",
            json!({"userId": "u1", "messageId": "m-identify", "traits": {"plan": "pro"}}),
        ),
    ];
    api.each(&calls).await;
    api.batch(&calls).await;
    let record = api.emulator.record();
    for id in ["m-event", "m-page", "m-report", "m-identify"] {
        assert_eq!(record.arrivals(id), 2, "{id}");
    }
    assert_eq!(record.resent(), 4);
    assert_eq!(record.event_arrivals(), 8);
    assert_eq!(record.events_of("u1").len(), 2, "one event, one page view");
    assert_eq!(record.metrics.len(), 1, "a track call is deduplicated");
    assert_eq!(record.duplicates_ignored, 3);
    let identifies = record
        .history_of("u1")
        .iter()
        .filter(|applied| matches!(applied, Applied::Identify(_)))
        .count();
    assert_eq!(identifies, 2, "identifies are applied again (idempotent)");
}

#[tokio::test]
async fn pipelines_and_track_name_the_same_person_by_id_email_or_cio_id() {
    let api = Pipelines::start().await;
    let v2 = |identifiers: Value, attributes: Value| {
        json!({"type": "person", "action": "identify",
            "identifiers": identifiers, "attributes": attributes})
    };
    let track_calls = [
        (
            "/api/v2/entity",
            v2(json!({"email": "ann@example.com"}), json!({"plan": "pro"})),
        ),
        (
            "/api/v2/entity",
            v2(json!({"cio_id": "a1b2"}), json!({"plan": "team"})),
        ),
        (
            "/api/v2/entity",
            v2(json!({"id": "42"}), json!({"plan": "free"})),
        ),
    ];
    for (path, body) in track_calls {
        assert_eq!(api.track_api("POST", path, body).await, 200);
    }
    let pipelines_calls = ["ann@example.com", "cio_a1b2", "42"].map(|user_id| {
        (
            "identify",
            json!({"userId": user_id, "traits": {"first_name": "Ann"}}),
        )
    });
    api.each(&pipelines_calls).await;
    api.each(&[("track", track("42", "signed_up", json!({})))])
        .await;
    let record = api.emulator.record();
    assert_eq!(record.profiles.len(), 3, "{:?}", record.profiles);
    for (key, plan) in [
        ("ann@example.com", "pro"),
        ("cio_a1b2", "team"),
        ("42", "free"),
    ] {
        let profile = record.profile(key).unwrap();
        assert_eq!(
            (profile["plan"].as_str(), profile["first_name"].as_str()),
            (Some(plan), Some("Ann"))
        );
        assert_eq!(
            record.history_of(key).len(),
            2 + usize::from(key == "42"),
            "{key}"
        );
    }
    assert_eq!(record.events_of("42")[0].name, "signed_up");
}

#[tokio::test]
async fn an_identify_older_than_the_profile_is_stale_to_the_millisecond() {
    let api = Pipelines::start().await;
    let identify = |plan: &str, timestamp: &str| {
        (
            "identify",
            json!({"userId": "u1", "traits": {"plan": plan}, "timestamp": timestamp}),
        )
    };
    api.each(&[
        identify("pro", "2026-05-01T12:00:00.500Z"),
        identify("free", "2026-05-01T12:00:00.200Z"),
    ])
    .await;
    // A Track v2 identify in seconds, older than the Pipelines one: stale too.
    let v2 = json!({"type": "person", "action": "identify", "identifiers": {"id": "u1"},
        "attributes": {"plan": "team"}, "timestamp": NOON - 1});
    assert_eq!(api.track_api("POST", "/api/v2/entity", v2).await, 200);
    api.each(&[identify("enterprise", "2026-05-01T14:00:01+02:00")])
        .await;
    let record = api.emulator.record();
    assert_eq!(record.stale_identifies, 2);
    assert_eq!(record.profile("u1").unwrap()["plan"], "enterprise");
}

static JOURNEYS: Journeys = Journeys {
    campaigns: &[Campaign {
        name: "onboarding",
        trigger: "signed_up",
        steps: &[Step::Send("welcome")],
    }],
    messages: &[Message {
        name: "welcome",
        channel: Channel::Email,
        subject: Some("Welcome"),
        body: "Hi {{ customer.first_name }}, via {{ event.method }}",
    }],
};

#[tokio::test]
async fn pipelines_calls_run_the_journeys_and_count_in_coverage() {
    let builder = Emulator::builder()
        .journeys(&JOURNEYS)
        .clock_start(Timestamp::from_unix(NOON));
    let api = Pipelines::with(builder).await;
    api.batch(&[
        (
            "identify",
            json!({"userId": "u1", "traits": {"first_name": "Ann"}}),
        ),
        (
            "track",
            track(
                "u1",
                "signed_up",
                json!({"properties": {"method": "google"}}),
            ),
        ),
        ("track", track("u1", "User Unsuppressed", json!({}))),
    ])
    .await;
    let deliveries = api.emulator.deliveries();
    let [welcome] = &deliveries[..] else {
        panic!("{deliveries:?}")
    };
    assert_eq!(
        (welcome.person.as_str(), welcome.message),
        ("u1", "welcome")
    );
    assert_eq!(welcome.body, "Hi Ann, via google");
    let coverage = api.emulator.coverage();
    assert_eq!(
        coverage.events.iter().collect::<Vec<_>>(),
        ["signed_up"],
        "semantic events are not taxonomy events"
    );
}

#[tokio::test]
async fn faults_and_the_request_log_apply_to_pipelines_requests() {
    let api = Pipelines::start().await;
    api.emulator
        .script([Fault::Status(503), Fault::StatusAfterApply(500)]);
    let signed_up = track("u1", "signed_up", json!({"messageId": "m-1"}));
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(api.post("track", &signed_up, Mode::Strict).await.0);
    }
    assert_eq!(statuses, [503, 500, 200]);
    let record = api.emulator.record();
    assert_eq!(record.arrivals("m-1"), 2, "the 503 applied nothing");
    assert_eq!(record.unacknowledged, 1);
    assert_eq!(record.events_of("u1").len(), 1);
    let logged: Vec<_> = record.requests_to("/v1/track").map(|r| r.status).collect();
    assert_eq!(logged, [Some(503), Some(500), Some(200)]);
}
