//! The emulator survives hostile App API requests: Liquid that the parser panics on
//! or that nests without end is refused with 400, a loop that would run for hours or
//! a filter that overflows is a render error of that send, and the emulator keeps
//! answering. All over HTTP on 127.0.0.1.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cio_emulator::Emulator;
use serde_json::{json, Value};

async fn emulator() -> Emulator {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Emulator::start().await.unwrap()
}

/// `POST /v1/send/email` with `body` and `message_data`: the status and JSON answer.
async fn send(emu: &Emulator, body: &str, data: Value) -> (u16, Value) {
    let answer = reqwest::Client::new()
        .post(format!("{}/v1/send/email", emu.base_url()))
        .bearer_auth(emu.app_api_key())
        .header("content-type", "application/json")
        .body(
            json!({
                "transactional_message_id": "1",
                "identifiers": {"id": "1"},
                "message_data": data,
                "body": body,
            })
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let bytes = answer.bytes().await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// The error the last stored send rendered to.
fn last_render_error(emu: &Emulator) -> String {
    match emu.record().sends.last().and_then(|s| s.rendered.clone()) {
        Some(Err(e)) => e,
        other => panic!("expected a render error, got {other:?}"),
    }
}

async fn still_answers(emu: &Emulator) {
    let (status, _) = send(emu, "Hi {{ trigger.name }}", json!({"name": "Ann"})).await;
    assert_eq!(status, 200);
    let rendered = emu.record().sends.last().unwrap().rendered.clone();
    assert_eq!(rendered.unwrap().unwrap().body, "Hi Ann");
}

#[tokio::test]
async fn an_integer_the_parser_panics_on_is_refused() {
    let emu = emulator().await;
    let (status, answer) = send(&emu, "{{ 99999999999999999999 }}", json!({})).await;
    assert_eq!(status, 400, "{answer}");
    let error = answer["meta"]["error"].as_str().unwrap();
    assert!(
        error.contains("the body is not valid Liquid") && error.contains("64 bits"),
        "{error}"
    );
    assert!(emu.record().sends.is_empty());
    still_answers(&emu).await;
}

#[tokio::test]
async fn liquid_nested_without_end_is_refused() {
    let emu = emulator().await;
    let body = "{% if a %}".repeat(90_000);
    let (status, answer) = send(&emu, &body, json!({})).await;
    assert_eq!(status, 400, "{answer}");
    let error = answer["meta"]["error"].as_str().unwrap();
    assert!(error.contains("nest"), "{error}");
    still_answers(&emu).await;
}

#[tokio::test]
async fn a_loop_of_a_billion_iterations_is_a_render_error() {
    let emu = emulator().await;
    for body in [
        "{% for i in (1..1000000000) %}x{% endfor %}",
        "{% for i in (1..trigger.n) %}{% endfor %}",
    ] {
        let (status, _) = send(&emu, body, json!({"n": 1_000_000_000})).await;
        assert_eq!(status, 200);
        let error = last_render_error(&emu);
        assert!(error.contains("iterations"), "{body}: {error}");
    }
    still_answers(&emu).await;
}

#[tokio::test]
async fn filters_that_overflow_are_render_errors() {
    let emu = emulator().await;
    let data = json!({"min": i64::MIN, "minus_one": -1});
    let (status, _) = send(
        &emu,
        "{{ trigger.min | divided_by: trigger.minus_one }}",
        data,
    )
    .await;
    assert_eq!(status, 200);
    assert!(last_render_error(&emu).contains("integer overflow"));
    let (status, _) = send(&emu, "{{ 0 | add_year: 20000 }}", json!({})).await;
    assert_eq!(status, 200);
    assert!(last_render_error(&emu).contains("add_year"));
    still_answers(&emu).await;
}

#[tokio::test]
async fn delivery_ids_follow_each_other() {
    let emu = emulator().await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let (status, answer) = send(&emu, "{{ delivery_id }}", json!({})).await;
        assert_eq!(status, 200);
        ids.push(answer["delivery_id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids, ["emu_dlv_1", "emu_dlv_2", "emu_dlv_3"]);
    let rendered: Vec<String> = emu
        .record()
        .sends
        .iter()
        .map(|s| s.rendered.clone().unwrap().unwrap().body)
        .collect();
    assert_eq!(rendered, ids);
}
