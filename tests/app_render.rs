//! The emulator renders what the App API sends with the journeys' Liquid, from the
//! templates of the workspace's events.toml (`taxonomy::APP_MESSAGES`): the typed
//! password reset sent by `AppClient` over HTTP on 127.0.0.1, `customer.*` from the
//! profile identified before and `trigger.*` from its `message_data`; broadcasts per
//! person; unknown ids refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod events {
    cio::taxonomy!();
}

use cio::client::{AppClient, Audience, Customer, RateLimits};
use cio::journey::Rendered;
use cio_emulator::Emulator;
use events::{PasswordReset, ProductUpdate};
use serde_json::{json, Map, Value};

async fn emulator() -> Emulator {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Emulator::builder()
        .app_messages(events::taxonomy::APP_MESSAGES)
        .manual_segment(7)
        .start()
        .await
        .unwrap()
}

fn app(emu: &Emulator) -> AppClient {
    AppClient::builder(emu.app_api_key())
        .base_url(emu.base_url())
        .rate_limits(RateLimits::none())
        .build()
        .unwrap()
}

/// `PUT /api/v1/customers/{id}` over HTTP, as any Track client identifies.
async fn identify(emu: &Emulator, id: &str, attributes: Value) {
    let answer = reqwest::Client::new()
        .put(format!("{}/api/v1/customers/{id}", emu.base_url()))
        .basic_auth(emu.site_id(), Some(emu.api_key()))
        .json(&attributes)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
}

/// A raw App API call: its status and JSON body.
async fn app_call(emu: &Emulator, path: &str, body: Value) -> (u16, Value) {
    let answer = reqwest::Client::new()
        .post(format!("{}/v1/{path}", emu.base_url()))
        .bearer_auth(emu.app_api_key())
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

fn reset(device: Option<&str>) -> PasswordReset {
    PasswordReset {
        reset_url: "https://example.com/reset/abc".into(),
        expires_in_minutes: 30,
        device: device.map(str::to_owned),
    }
}

#[tokio::test]
async fn the_password_reset_is_rendered_from_the_profile_and_its_data() {
    let emu = emulator().await;
    identify(
        &emu,
        "42",
        json!({"email": "jane@example.com", "first_name": "Jane"}),
    )
    .await;
    let app = app(&emu);
    let delivery = app
        .send(&Customer::id("42"), &reset(Some("Firefox on Linux")))
        .await
        .unwrap();
    let sends = emu.record().sends;
    assert_eq!(sends.len(), 1);
    assert_eq!(sends[0].delivery_id, delivery.delivery_id);
    assert_eq!(sends[0].template.as_deref(), Some("password_reset"));
    let rendered = sends[0].rendered.clone().unwrap().unwrap();
    assert_eq!(
        rendered,
        Rendered {
            subject: Some("Reset your password, Jane".into()),
            body: "Hi Jane,\n\nOpen https://example.com/reset/abc within 30 minutes to choose a new password.\nThe request came from Firefox on Linux.\n".into(),
        }
    );

    // By email (the profile's attribute), without the optional device: the guard
    // leaves its sentence out.
    app.send(&Customer::email("jane@example.com"), &reset(None))
        .await
        .unwrap();
    let rendered = emu.record().sends[1].rendered.clone().unwrap().unwrap();
    assert_eq!(
        rendered.body,
        "Hi Jane,\n\nOpen https://example.com/reset/abc within 30 minutes to choose a new password.\n\n"
    );
}

#[tokio::test]
async fn a_send_that_does_not_render_says_why() {
    let emu = emulator().await;
    // Nobody identified `7`: the template's `customer.first_name` has no value.
    app(&emu)
        .send(&Customer::id("7"), &reset(None))
        .await
        .unwrap();
    let error = emu.record().sends[0].rendered.clone().unwrap().unwrap_err();
    assert!(error.starts_with("the subject does not render"), "{error}");
    assert!(error.contains("first_name"), "{error}");
}

#[tokio::test]
async fn the_request_can_replace_the_templates() {
    let emu = emulator().await;
    identify(&emu, "42", json!({"first_name": "Jane"})).await;
    let (status, _) = app_call(
        &emu,
        "send/email",
        json!({
            "transactional_message_id": "password_reset",
            "identifiers": {"id": "42"},
            "message_data": {"reset_url": "https://example.com/r"},
            "subject": "{{ customer.first_name | upcase }}",
            "body": "Go to {{ trigger.reset_url }} ({{ delivery_id }})",
        }),
    )
    .await;
    assert_eq!(status, 200);
    let rendered = emu.record().sends[0].rendered.clone().unwrap().unwrap();
    assert_eq!(rendered.subject.as_deref(), Some("JANE"));
    assert_eq!(rendered.body, "Go to https://example.com/r (emu_dlv_1)");
}

#[tokio::test]
async fn a_default_renders_for_a_missing_trigger_field() {
    let emu = emulator().await;
    identify(&emu, "42", json!({"first_name": "Jane"})).await;
    let (status, _) = app_call(
        &emu,
        "send/email",
        json!({
            "transactional_message_id": "password_reset",
            "identifiers": {"id": "42"},
            "message_data": {"reset_url": "https://example.com/r"},
            "body": "From {{ trigger.device | default: 'an unknown device' }}, {{ customer.company | default: 'no company' }}",
        }),
    )
    .await;
    assert_eq!(status, 200);
    let rendered = emu.record().sends[0].rendered.clone().unwrap().unwrap();
    assert_eq!(rendered.body, "From an unknown device, no company");
}

#[tokio::test]
async fn unknown_messages_and_wrong_channels_are_refused() {
    let emu = emulator().await;
    let send = |id: Value| json!({"transactional_message_id": id, "identifiers": {"id": "1"}, "message_data": {}});
    let (status, body) = app_call(&emu, "send/email", send(json!("pasword_reset"))).await;
    assert_eq!(status, 404);
    assert_eq!(
        body["meta"]["error"],
        "transactional message \"pasword_reset\" not found"
    );
    let (status, body) = app_call(&emu, "send/sms", send(json!("password_reset"))).await;
    assert_eq!(status, 400);
    assert_eq!(
        body["meta"]["error"],
        "transactional message `password_reset` is sent by email, not sms"
    );
    let (status, _) = app_call(&emu, "campaigns/41/triggers", json!({"ids": ["1"]})).await;
    assert_eq!(status, 404);
    assert!(emu.record().sends.is_empty());
    assert!(emu.record().broadcast_triggers.is_empty());
}

fn rendered(list: &[(String, Result<Rendered, String>)]) -> Vec<(&str, &str, &str)> {
    list.iter()
        .map(|(who, r)| {
            let r = r.as_ref().unwrap();
            (
                who.as_str(),
                r.subject.as_deref().unwrap_or(""),
                r.body.as_str(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_broadcast_is_rendered_for_each_person() {
    let emu = emulator().await;
    let app = app(&emu);
    let update = ProductUpdate {
        headline: "Dark mode".into(),
        link: "https://example.com/dark".into(),
    };
    app.trigger_broadcast(&update, &Audience::Ids(vec!["1".into(), "2".into()]))
        .await
        .unwrap();
    let mut own = Map::new();
    own.insert("headline".into(), json!("Dark mode, for you"));
    app.trigger_broadcast(
        &update,
        &Audience::PerUserData(vec![
            (Customer::email("a@example.com"), own),
            (Customer::id("3"), Map::new()),
        ]),
    )
    .await
    .unwrap();
    let triggers = emu.record().broadcast_triggers;
    assert_eq!(
        rendered(&triggers[0].rendered),
        [
            ("1", "Dark mode", "Read more: https://example.com/dark"),
            ("2", "Dark mode", "Read more: https://example.com/dark"),
        ]
    );
    assert_eq!(
        rendered(&triggers[1].rendered),
        [
            (
                "a@example.com",
                "Dark mode, for you",
                "Read more: https://example.com/dark"
            ),
            ("3", "Dark mode", "Read more: https://example.com/dark"),
        ]
    );
}

#[tokio::test]
async fn a_broadcast_to_a_manual_segment_is_rendered_for_its_members() {
    let emu = emulator().await;
    let track = cio::TrackClient::builder(emu.site_id(), emu.api_key())
        .base_url(emu.base_url())
        .build()
        .unwrap();
    track
        .add_to_segment(events::segments::BETA_TESTERS, &[Customer::id("5")])
        .await
        .unwrap();
    let update = ProductUpdate {
        headline: "Beta".into(),
        link: "https://example.com/beta".into(),
    };
    app(&emu)
        .trigger_broadcast(
            &update,
            &Audience::Recipients(json!({"segment": {"id": 7}})),
        )
        .await
        .unwrap();
    let triggers = emu.record().broadcast_triggers;
    assert_eq!(
        rendered(&triggers[0].rendered),
        [("5", "Beta", "Read more: https://example.com/beta")]
    );
}
