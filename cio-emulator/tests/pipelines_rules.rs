//! The Data Pipelines API's rules over HTTP on 127.0.0.1: each documented field rule
//! and size limit refused with `400 {"meta":{"errors":[reason]}}` in strict mode
//! (`X-Strict-Mode: 1`), and answered `200 {}` in permissive mode with the drop
//! recorded; nothing of an invalid call or batch applied either way; the write key.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use cio_emulator::{Emulator, Record};
use serde_json::{json, Value};
use support::{batch_of, track, Mode, Pipelines};

/// An invalid request and how the emulator must judge it.
struct Invalid {
    /// `identify`, ..., `batch`.
    call: &'static str,
    body: Vec<u8>,
    /// The start of the reason (the rest, when any, is the parser's own words).
    reason: &'static str,
    /// The batch item that makes it invalid.
    item: Option<usize>,
    message_id: Option<&'static str>,
}

/// A request to `/v1/{call}`; its `messageId`, when it has one, is `m-bad`.
fn invalid(call: &'static str, body: Value, reason: &'static str) -> Invalid {
    Invalid {
        call,
        body: body.to_string().into_bytes(),
        reason,
        item: None,
        message_id: body["messageId"].as_str().map(|_| "m-bad"),
    }
}

/// A batch of valid calls with an invalid one at `index`.
fn invalid_item(index: usize, call: (&str, Value), reason: &'static str) -> Invalid {
    let mut calls = vec![
        (
            "identify",
            json!({"userId": "u1", "traits": {"plan": "pro"}}),
        ),
        (
            "track",
            track("u1", "signed_up", json!({"messageId": "m-ok"})),
        ),
    ];
    let message_id = call.1["messageId"].as_str().map(|_| "m-bad");
    calls.insert(index, call);
    Invalid {
        item: Some(index),
        message_id,
        ..invalid("batch", batch_of(&calls), reason)
    }
}

/// Text of `n` bytes.
fn filler(n: usize) -> String {
    "x".repeat(n)
}

fn invalid_requests() -> Vec<Invalid> {
    let bad = json!({"messageId": "m-bad"});
    let with = |body: Value| support::merged(body, bad.clone());
    let oversize_batch: Vec<_> = (0..20)
        .map(|i| {
            (
                "identify",
                json!({"userId": format!("u{i}"), "traits": {"bio": filler(26_000)}}),
            )
        })
        .collect();
    vec![
        invalid(
            "identify",
            with(json!({"traits": {"plan": "pro"}})),
            "userId or anonymousId is required",
        ),
        invalid("page", json!({"name": "Home"}), "userId or anonymousId is required"),
        invalid("track", with(json!({"userId": "u1"})), "event is required"),
        invalid(
            "group",
            json!({"userId": "u1", "groupId": "acme", "traits": {"object_type_id": 1}}),
            "traits.object_type_id must be a string holding an integer (\"1\"), not 1",
        ),
        invalid("group", json!({"userId": "u1"}), "groupId is required"),
        invalid("alias", json!({"userId": "u1"}), "previousId is required"),
        invalid(
            "identify",
            json!({"userId": "u1", "traits": {"bio": filler(33 * 1024)}}),
            "the request is larger than 32 KB",
        ),
        invalid(
            "track",
            track("u1", "signed_up", json!({"timestamp": "2026-05-01 at noon"})),
            "timestamp must be an ISO 8601 date-time with a UTC offset",
        ),
        invalid(
            "track",
            track("u1", "signed_up", json!({"timestamp": 1_777_636_800})),
            "timestamp must be an ISO 8601 date-time string",
        ),
        invalid(
            "identify",
            json!({"userId": "u1", "traits": ["plan"]}),
            "traits must be an object",
        ),
        invalid(
            "track",
            track("u1", "signed_up", json!({"properties": "x"})),
            "properties must be an object",
        ),
        invalid(
            "track",
            with(track("u1", "Device Created or Updated", json!({}))),
            "Device Created or Updated requires context.device.token",
        ),
        invalid(
            "track",
            track("u1", "Device Created or Updated", json!({"context": {"device": {"token": "t", "type": "web"}}})),
            "context.device.type must be ios or android",
        ),
        invalid(
            "track",
            json!({"anonymousId": "a1", "event": "User Deleted"}),
            "User Deleted requires userId",
        ),
        invalid(
            "track",
            track("u1", "Object Deleted", json!({"properties": {"objectId": "acme"}})),
            "Object Deleted requires anonymousId",
        ),
        invalid(
            "track",
            track("u1", "Relationship Deleted", json!({"properties": {"objectId": "acme", "objectTypeId": "2"}})),
            "properties.objectTypeId must be an integer",
        ),
        invalid(
            "track",
            track("u1", "Report Delivery Event", json!({"properties": {"deliveryId": "d1", "metric": "bounced"}})),
            "Report Delivery Event requires properties.metric, one of delivered, clicked, converted, opened",
        ),
        invalid(
            "track",
            track("u1", "Report Content Event", json!({"properties": {"actionType": "viewed_content", "contentId": "7", "templateId": 9}})),
            "Report Content Event requires properties.contentId, an integer",
        ),
        Invalid {
            body: b"{\"userId\": ".to_vec(),
            ..invalid("identify", json!({}), "malformed JSON: ")
        },
        invalid_item(2, ("track", with(json!({"userId": "u2"}))), "batch[2]: event is required"),
        invalid_item(
            0,
            ("alias", json!({"userId": "u1", "previousId": 7})),
            "batch[0]: previousId must be a string",
        ),
        invalid_item(
            1,
            ("identify", with(json!({"userId": "u2", "traits": {"bio": filler(33 * 1024)}}))),
            "batch[1]: the call is larger than 32 KB",
        ),
        invalid_item(
            1,
            ("signup", with(json!({"userId": "u2"}))),
            "batch[1]: type must be identify, track, page, screen, group or alias, not `signup`",
        ),
        invalid(
            "batch",
            batch_of(&oversize_batch),
            "the batch request is larger than 500 KB",
        ),
        invalid("batch", json!({"calls": []}), "expected {\"batch\": [...]}: "),
        invalid(
            "batch",
            json!({"batch": [], "context": "web"}),
            "context must be an object",
        ),
    ]
}

/// Nothing of an invalid request is in the record.
fn assert_nothing_applied(record: &Record) {
    assert!(record.profiles.is_empty(), "{:?}", record.profiles);
    assert_eq!(record.event_count(), 0);
    assert_eq!(record.event_arrivals(), 0);
    assert!(record.devices.is_empty() && record.deleted.is_empty());
    assert!(record.objects.is_empty() && record.metrics.is_empty());
    assert!(record.anonymous_identifies.is_empty());
}

#[tokio::test]
async fn strict_mode_refuses_each_rule_with_400_and_its_reason() {
    let api = Pipelines::start().await;
    for request in invalid_requests() {
        let (status, answer) = api
            .post_bytes(request.call, request.body.clone(), Mode::Strict)
            .await;
        let errors = answer["meta"]["errors"].as_array();
        let reason = errors.and_then(|e| e.first()).and_then(Value::as_str);
        assert_eq!(status, 400, "{answer}");
        assert_eq!(errors.map(Vec::len), Some(1), "{answer}");
        assert!(
            reason.is_some_and(|r| r.starts_with(request.reason)),
            "{}: expected {:?}, got {answer}",
            request.call,
            request.reason
        );
    }
    api.emulator.with_record(|record| {
        assert_nothing_applied(record);
        assert!(record.pipelines_dropped().is_empty());
    });
}

#[tokio::test]
async fn permissive_mode_answers_200_applies_nothing_and_records_the_drop() {
    let api = Pipelines::start().await;
    let requests = invalid_requests();
    // Without the header, and with any value but `1`.
    let modes = [Mode::Permissive, Mode::Header("0"), Mode::Header("true")];
    for (request, mode) in requests.iter().zip(modes.into_iter().cycle()) {
        let answer = api
            .post_bytes(request.call, request.body.clone(), mode)
            .await;
        assert_eq!(
            answer,
            (200, json!({})),
            "{}: {}",
            request.call,
            request.reason
        );
    }
    api.emulator.with_record(|record| {
        assert_nothing_applied(record);
        let dropped = record.pipelines_dropped();
        assert_eq!(dropped.len(), requests.len());
        for (drop, request) in dropped.iter().zip(&requests) {
            assert_eq!(drop.path, format!("/v1/{}", request.call));
            assert!(drop.reason.starts_with(request.reason), "{drop:?}");
            assert_eq!(drop.item, request.item, "{drop:?}");
            assert_eq!(drop.message_id.as_deref(), request.message_id, "{drop:?}");
        }
    });
}

#[tokio::test]
async fn a_wrong_or_missing_write_key_is_401_in_either_mode() {
    let api = Pipelines::with(Emulator::builder().write_key("wk-test")).await;
    assert_eq!(api.emulator.write_key(), "wk-test");
    let body = track("u1", "signed_up", json!({})).to_string().into_bytes();
    let track_credentials = format!("{}:{}", api.emulator.site_id(), api.emulator.api_key());
    let wrong = [
        None,
        Some("wrong:"),
        Some("wk-test:password"),
        Some(":wk-test"),
        Some(track_credentials.as_str()),
    ];
    for mode in [Mode::Strict, Mode::Permissive] {
        for basic in wrong {
            let (status, answer) = api.send("POST", "track", body.clone(), mode, basic).await;
            assert_eq!(status, 401, "{basic:?}: {answer}");
            assert!(answer["meta"]["errors"][0].is_string(), "{answer}");
        }
    }
    api.emulator.with_record(|record| {
        assert_nothing_applied(record);
        assert!(record.pipelines_dropped().is_empty());
    });
    let accepted = api
        .send("POST", "track", body, Mode::Strict, Some("wk-test:"))
        .await;
    assert_eq!(accepted, (200, json!({})));
    // The write key is not a Track API credential.
    let track_api = reqwest::Client::new()
        .put(format!("{}/api/v1/customers/u1", api.emulator.base_url()))
        .basic_auth("wk-test", Some(""))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(track_api.status().as_u16(), 401);
}

#[tokio::test]
async fn only_post_is_served() {
    let api = Pipelines::start().await;
    let key = format!("{}:", api.emulator.write_key());
    for call in ["identify", "batch"] {
        let (status, _) = api
            .send("GET", call, Vec::new(), Mode::Strict, Some(&key))
            .await;
        assert_eq!(status, 405, "{call}");
    }
}

#[tokio::test]
async fn an_event_the_test_refuses_is_invalid_in_pipelines_too() {
    let api = Pipelines::with(Emulator::builder().reject_event("poison")).await;
    let poison = track("u1", "poison", json!({"messageId": "m-poison"}));
    let strict = api.post("track", &poison, Mode::Strict).await;
    assert_eq!(
        strict,
        (
            400,
            json!({"meta": {"errors": ["events named `poison` are refused"]}})
        )
    );
    let permissive = api
        .post("batch", &batch_of(&[("track", poison)]), Mode::Permissive)
        .await;
    assert_eq!(permissive, (200, json!({})));
    api.emulator.with_record(|record| {
        assert_nothing_applied(record);
        let [dropped] = record.pipelines_dropped() else {
            panic!("{:?}", record.pipelines_dropped())
        };
        assert_eq!(
            dropped.reason,
            "batch[0]: events named `poison` are refused"
        );
        assert_eq!(dropped.message_id.as_deref(), Some("m-poison"));
    });
}
