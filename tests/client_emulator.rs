//! The emulator answers like the real Track API (status codes and error bodies),
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! checked with raw HTTP requests, and its faults are reproducible by seed.

mod client_support;

use cio_emulator::{Emulator, Faults};
use client_support::*;
use serde_json::{json, Value};

async fn send(emu: &Emulator, method: &str, path: &str, body: &str) -> (u16, Value) {
    send_as(emu, emu.api_key(), method, path, body).await
}

async fn send_as(emu: &Emulator, key: &str, method: &str, path: &str, body: &str) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let response = raw_http()
        .request(method, format!("{}{path}", emu.base_url()))
        .basic_auth(emu.site_id(), Some(key))
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    let value = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap()
    };
    (status, value)
}

#[tokio::test]
async fn status_codes_and_error_bodies() {
    bounded(async {
        let emu = emulator().await;
        assert_eq!(
            send_as(&emu, "bad", "PUT", "/api/v1/customers/1", "{}").await,
            (401, json!({"meta": {"error": "Unauthorized request"}}))
        );
        assert_eq!(send(&emu, "PUT", "/api/v1/customers/1", r#"{"a":1}"#).await, (200, json!({})));
        assert_eq!(
            send(&emu, "PUT", "/api/v1/customers/1", "[1]").await,
            (400, json!({"meta": {"errors": ["the body must be a JSON object"]}}))
        );
        assert_eq!(
            send(&emu, "POST", "/api/v1/customers/1/events", r#"{"data":{}}"#).await,
            (400, json!({"meta": {"errors": ["name is required"]}}))
        );
        assert_eq!(
            send(&emu, "POST", "/api/v1/customers/1/events", r#"{"name":"x","id":"not-a-ulid"}"#).await,
            (400, json!({"meta": {"errors": ["id must be a ULID"]}}))
        );
        assert_eq!(
            send(&emu, "POST", "/api/v1/customers/1/events", r#"{"name":"x","timestamp":1700000000000}"#).await,
            (400, json!({"meta": {"errors": ["timestamp must be in seconds, not milliseconds"]}}))
        );
        assert_eq!(
            send(&emu, "POST", "/api/v1/merge_customers", r#"{"primary":{"id":"1","email":"a@b.co"},"secondary":{"id":"2"}}"#).await,
            (400, json!({"meta": {"error": "primary: exactly one identifier is required"}}))
        );
        assert_eq!(
            send(&emu, "POST", "/api/v2/entity", r#"{"type":"person","action":"event","identifiers":{"id":"1"}}"#).await,
            (400, json!({"errors": [{"reason": "required", "field": "name", "message": "name is required"}]}))
        );
        let big = format!(r#"{{"batch":[{{"type":"person","action":"identify","identifiers":{{"id":"1"}},"attributes":{{"a":"{}"}}}}]}}"#, "x".repeat(600 * 1024));
        let (status, body) = send(&emu, "POST", "/api/v2/batch", &big).await;
        assert_eq!(status, 413);
        assert_eq!(body["errors"][0]["reason"], json!("too_large"));
        let op = format!(r#"{{"type":"person","action":"identify","identifiers":{{"id":"1"}},"attributes":{{"a":"{}"}}}}"#, "x".repeat(33 * 1024));
        let (status, _) = send(&emu, "POST", "/api/v2/entity", &op).await;
        assert_eq!(status, 413);
        let (status, body) = send(&emu, "POST", "/api/v2/batch", &format!(r#"{{"batch":[{op}]}}"#)).await;
        assert_eq!(status, 207);
        assert_eq!(body["errors"][0]["batch_index"], json!(0));
        assert_eq!(body["errors"][0]["reason"], json!("too_large"));
        assert_eq!(
            send(&emu, "GET", "/api/v1/accounts/region", "").await,
            (200, json!({"url": "https://track.customer.io", "region": "us", "environment_id": 1}))
        );
        assert_eq!(send(&emu, "GET", "/api/v1/customers/1", "").await.0, 405);
        assert_eq!(send(&emu, "GET", "/nowhere", "").await.0, 404);
        // Only the one valid identify was applied.
        assert_eq!(emu.record().profile("1").unwrap(), json!({"a": 1}).as_object().unwrap());
    })
    .await;
}

#[tokio::test]
async fn dedup_keeps_the_first_event_of_an_id() {
    bounded(async {
        let emu = emulator().await;
        let body = r#"{"name":"x","id":"01ARZ3NDEKTSV4RRFFQ69G5FAV","data":{"n":1}}"#;
        assert_eq!(send(&emu, "POST", "/api/v1/customers/1/events", body).await.0, 200);
        assert_eq!(send(&emu, "POST", "/api/v1/customers/2/events", body).await.0, 200);
        let op = r#"{"type":"person","action":"event","identifiers":{"id":"3"},"name":"x","id":"01ARZ3NDEKTSV4RRFFQ69G5FAV"}"#;
        assert_eq!(send(&emu, "POST", "/api/v2/entity", op).await.0, 200);
        let record = emu.record();
        assert_eq!(record.event_count(), 1);
        assert_eq!(record.events_of("1")[0].data, json!({"n": 1}));
        assert_eq!(record.duplicates_ignored, 2);
    })
    .await;
}

#[tokio::test]
async fn faults_are_reproducible_by_seed() {
    bounded(async {
        let faults = Faults {
            server_errors: 0.3,
            too_many_requests: 0.2,
            ..Faults::NONE
        };
        let mut runs = Vec::new();
        for _ in 0..2 {
            let emu = faulty(faults.clone(), 42).await;
            for i in 0..40 {
                send(&emu, "PUT", &format!("/api/v1/customers/{i}"), "{}").await;
            }
            let statuses: Vec<Option<u16>> =
                emu.record().requests.iter().map(|r| r.status).collect();
            runs.push(statuses);
        }
        assert_eq!(runs[0], runs[1]);
        let faulted = runs[0].iter().filter(|s| **s != Some(200)).count();
        assert!((5..=35).contains(&faulted), "{faulted} of 40 faulted");
        let other = faulty(faults, 43).await;
        for i in 0..40 {
            send(&other, "PUT", &format!("/api/v1/customers/{i}"), "{}").await;
        }
        let statuses: Vec<Option<u16>> = other.record().requests.iter().map(|r| r.status).collect();
        assert_ne!(statuses, runs[0], "another seed, other faults");
    })
    .await;
}
