//! The official Data Pipelines clients' requests, replayed from fixtures over HTTP on
//! 127.0.0.1: every call customerio-node 5.x's `PipelinesClient` makes (one request
//! per call, with and without strict mode) and every call
//! `@customerio/cdp-analytics-node` 0.5.x makes (batches only, with `_metadata`) is
//! accepted (`200 {}`, nothing dropped) and applied. The fixtures name their sources.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use cio_emulator::{ObjectCall, Record};
use serde_json::{json, Value};
use support::{Mode, Pipelines};

/// A fixture of `tests/fixtures/pipelines-clients/`.
fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/pipelines-clients/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Sends every request of `fixture` to a fresh emulator, as the client does, each
/// answered `200 {}`.
async fn replay(fixture: &Value, mode: Mode) -> Pipelines {
    let api = Pipelines::start().await;
    let key = format!("{}:", api.emulator.write_key());
    let headers: Vec<(&str, &str)> = fixture["headers"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, value)| (name.as_str(), value.as_str().unwrap()))
        .collect();
    for request in fixture["requests"].as_array().unwrap() {
        let call = request["path"]
            .as_str()
            .unwrap()
            .strip_prefix("/v1/")
            .unwrap();
        let body = request["body"].to_string().into_bytes();
        let answer = api
            .send_with("POST", call, body, mode, Some(&key), &headers)
            .await;
        assert_eq!(answer, (200, json!({})), "{call}: {}", request["body"]);
    }
    api
}

/// Every `messageId` of the fixture's calls (batch items included).
fn message_ids(fixture: &Value) -> Vec<String> {
    let mut calls = Vec::new();
    for request in fixture["requests"].as_array().unwrap() {
        match request["body"]["batch"].as_array() {
            Some(items) => calls.extend(items),
            None => calls.push(&request["body"]),
        }
    }
    calls
        .iter()
        .map(|call| call["messageId"].as_str().unwrap().to_owned())
        .collect()
}

/// Each call was applied exactly once (a call's `messageId` arrives only when the call
/// is applied), and none was dropped.
fn assert_every_call_applied_once(record: &Record, fixture: &Value) {
    let ids = message_ids(fixture);
    for id in &ids {
        assert_eq!(record.arrivals(id), 1, "{id}");
    }
    assert_eq!(record.event_arrivals(), ids.len() as u64);
    assert!(
        record.pipelines_dropped().is_empty(),
        "{:?}",
        record.pipelines_dropped()
    );
}

/// `(kind, name)` of the events of `person`.
fn events(record: &Record, person: &str) -> Vec<(String, String)> {
    record
        .events_of(person)
        .iter()
        .map(|e| (e.kind.clone(), e.name.clone()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

/// The object ids of the `group` calls and their type.
fn groups(record: &Record) -> Vec<(String, String)> {
    record
        .groups()
        .filter_map(|call| match call {
            ObjectCall::Group {
                object_type_id,
                object_id,
                ..
            } => Some((object_type_id.clone(), object_id.clone())),
            _ => None,
        })
        .collect()
}

fn assert_customerio_node_applied(record: &Record, fixture: &Value) {
    assert_every_call_applied_once(record, fixture);
    let profile = record.profile("user-1").unwrap();
    assert_eq!(profile["email"], "user-1@example.com");
    assert_eq!(profile["createdAt"], "2026-06-01T09:00:00.000Z");
    assert_eq!(
        events(record, "user-1"),
        pairs(&[
            ("event", "signed_up"),
            ("page", "Pricing"),
            ("screen", "Settings"),
            ("event", "upgraded"),
        ])
    );
    assert_eq!(record.anonymous_events[0].name, "viewed_pricing");
    assert_eq!(record.anonymous_identifies[0].0, "anon-7");
    assert_eq!(groups(record), pairs(&[("1", "acme")]));
    assert_eq!(record.merges, [("user-1".to_owned(), "anon-7".to_owned())]);
    assert!(record.profile("user-9").is_none(), "User Deleted");
    assert_eq!(record.deleted, ["anon-7", "user-9"]);
}

#[tokio::test]
async fn every_call_of_customerio_node_5_is_accepted_and_applied() {
    let fixture = fixture("customerio-node-5.json");
    for mode in [Mode::Permissive, Mode::Strict] {
        let api = replay(&fixture, mode).await;
        api.emulator
            .with_record(|record| assert_customerio_node_applied(record, &fixture));
    }
}

#[tokio::test]
async fn every_call_of_cdp_analytics_node_0_5_is_accepted_and_applied() {
    let fixture = fixture("cdp-analytics-node-0.5.json");
    let api = replay(&fixture, Mode::Permissive).await;
    let record = api.emulator.record();
    assert_every_call_applied_once(&record, &fixture);
    let profile = record.profile("foo-user-id").unwrap();
    assert_eq!(
        (&profile["name"], &profile["plan"]),
        (&json!("Chris Radek"), &json!("pro"))
    );
    assert_eq!(
        events(&record, "foo-user-id"),
        pairs(&[
            ("event", "test event"),
            ("page", "Home"),
            ("screen", "Home"),
            ("event", "test event"),
        ])
    );
    let anonymous = &record.anonymous_events[0];
    assert_eq!(
        (anonymous.name.as_str(), anonymous.anonymous_id.as_deref()),
        ("Test Event", Some("foo"))
    );
    assert_eq!(groups(&record), pairs(&[("1", "foo-group-id")]));
    assert_eq!(
        record.merges,
        [
            ("to".to_owned(), "from".to_owned()),
            ("to".to_owned(), "from-2".to_owned())
        ]
    );
    assert!(record.profile("to").is_none(), "an alias makes no profile");
    let agents: Vec<_> = record
        .requests_to("/v1/batch")
        .map(|r| (r.user_agent.as_deref(), r.status))
        .collect();
    assert_eq!(agents.len(), 8);
    assert!(agents
        .iter()
        .all(|a| *a == (Some("cdp-analytics-node/latest"), Some(200))));
}
