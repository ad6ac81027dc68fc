//! `AppClient` over real HTTP against the emulator's App API: transactional sends with
//! every option, broadcasts with each audience, validation before any byte, and the
//! no-double-send rule under each fault.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod client_support;

use std::time::Duration;

use cio_core::client::{
    AppClient, Audience, Customer, Error, RateLimits, Region, SendOptions, ATTACHMENTS_MAX,
};
use cio_core::constraint::check_url;
use cio_core::{
    Broadcast, MessageChannel, MessageData, Timestamp, TransactionalId, TransactionalMessage,
    Violation,
};
use cio_emulator::{Emulator, Fault};
use client_support::{bounded, emulator, quick_retries, raw_http};
use serde_json::json;

#[derive(Debug, Clone, serde::Serialize)]
struct PasswordReset {
    reset_url: String,
    expires_in_minutes: i64,
}

impl MessageData for PasswordReset {
    fn validate(&self) -> Result<(), Violation> {
        check_url("reset_url", &self.reset_url)
    }
}

impl TransactionalMessage for PasswordReset {
    const NAME: &'static str = "password_reset";
    const ID: TransactionalId = TransactionalId::Name("password_reset");
    const CHANNEL: MessageChannel = MessageChannel::Email;
}

#[derive(Debug, serde::Serialize)]
struct LoginCode {
    code: String,
}

impl MessageData for LoginCode {}

impl TransactionalMessage for LoginCode {
    const NAME: &'static str = "login_code";
    const ID: TransactionalId = TransactionalId::Number(12);
    const CHANNEL: MessageChannel = MessageChannel::Sms;
}

#[derive(Debug, serde::Serialize)]
struct ProductUpdate {
    headline: String,
}

impl MessageData for ProductUpdate {}

impl Broadcast for ProductUpdate {
    const NAME: &'static str = "product_update";
    const ID: u64 = 42;
}

fn reset() -> PasswordReset {
    PasswordReset {
        reset_url: "https://example.com/reset/abc".into(),
        expires_in_minutes: 30,
    }
}

fn app(emu: &Emulator) -> AppClient {
    AppClient::builder(emu.app_api_key())
        .base_url(emu.base_url())
        .retry(quick_retries(3))
        .rate_limits(RateLimits::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn send_carries_the_data_and_every_option() {
    bounded(async {
        let emu = emulator().await;
        let app = app(&emu);
        let options = SendOptions::new()
            .to("other@example.com")
            .from("support@example.com")
            .reply_to("help@example.com")
            .bcc("audit@example.com")
            .send_at(Timestamp::from_unix(1_900_000_000))
            .queue_draft(true)
            .disable_message_retention(true)
            .send_to_unsubscribed(false)
            .attachment("note.txt", b"hello");
        let delivery = app
            .send_with(&Customer::email("jane@example.com"), &reset(), &options)
            .await
            .unwrap();
        assert_eq!(delivery.delivery_id, "emu_dlv_1");
        assert_eq!(delivery.queued_at, 1_700_000_001);
        let record = emu.record();
        assert_eq!(record.requests[0].path, "/v1/send/email");
        let send = &record.sends[0];
        assert_eq!(send.channel, "email");
        assert_eq!(send.message_id, json!("password_reset"));
        assert_eq!(
            serde_json::Value::Object(send.identifiers.clone()),
            json!({"email": "jane@example.com"})
        );
        assert_eq!(
            serde_json::Value::Object(send.message_data.clone()),
            json!({"reset_url": "https://example.com/reset/abc", "expires_in_minutes": 30})
        );
        assert_eq!(send.attachments, ["note.txt"]);
        let body = serde_json::Value::Object(send.body.clone());
        for (key, value) in [
            ("to", json!("other@example.com")),
            ("from", json!("support@example.com")),
            ("reply_to", json!("help@example.com")),
            ("bcc", json!("audit@example.com")),
            ("send_at", json!(1_900_000_000)),
            ("queue_draft", json!(true)),
            ("disable_message_retention", json!(true)),
            ("send_to_unsubscribed", json!(false)),
            ("attachments", json!({"note.txt": "aGVsbG8="})),
        ] {
            assert_eq!(body[key], value, "{key}");
        }

        // The channel picks the path; a numeric id is sent as a number.
        app.send(
            &Customer::id("42"),
            &LoginCode {
                code: "123456".into(),
            },
        )
        .await
        .unwrap();
        let record = emu.record();
        assert_eq!(record.requests[1].path, "/v1/send/sms");
        assert_eq!(record.sends[1].message_id, json!(12));
        assert!(!record.sends[1].body.contains_key("to"));
    })
    .await;
}

#[tokio::test]
async fn everything_is_checked_before_any_byte() {
    bounded(async {
        let emu = emulator().await;
        let app = app(&emu);
        let bad_url = PasswordReset {
            reset_url: "not a url".into(),
            ..reset()
        };
        let err = app.send(&Customer::id("1"), &bad_url).await.unwrap_err();
        assert!(matches!(err, Error::Violation(_)), "{err}");
        let err = app.send(&Customer::id(""), &reset()).await.unwrap_err();
        assert!(err.is_validation(), "{err}");
        let millis = SendOptions::new().send_at(Timestamp::from_unix(1_900_000_000_000));
        let err = app
            .send_with(&Customer::id("1"), &reset(), &millis)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::MillisecondTimestamp { .. }), "{err}");
        // Base64 of 3 bytes is 4: this is one byte of base64 past the limit.
        let big = vec![0u8; ATTACHMENTS_MAX / 4 * 3 + 1];
        let too_big = SendOptions::new().attachment("big.bin", &big);
        assert!(too_big.attachments_size() > ATTACHMENTS_MAX);
        let err = app
            .send_with(&Customer::id("1"), &reset(), &too_big)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("over the App API limit"), "{err}");
        let fits = SendOptions::new().attachment("ok.bin", vec![0u8; ATTACHMENTS_MAX / 4 * 3]);
        assert_eq!(fits.attachments_size(), ATTACHMENTS_MAX);
        let twice = SendOptions::new()
            .attachment("a", b"1")
            .attachment("a", b"2");
        let err = app
            .send_with(&Customer::id("1"), &reset(), &twice)
            .await
            .unwrap_err();
        assert!(err.is_validation(), "{err}");
        for audience in [
            Audience::Ids(vec![]),
            Audience::Emails(vec![]),
            Audience::PerUserData(vec![]),
            Audience::Recipients(json!({})),
            Audience::Ids(vec![String::new()]),
        ] {
            let err = app
                .trigger_broadcast(
                    &ProductUpdate {
                        headline: "x".into(),
                    },
                    &audience,
                )
                .await
                .unwrap_err();
            assert!(err.is_validation(), "{audience:?}: {err}");
        }
        assert_eq!(emu.request_count(), 0);
        // What fits the limit is sent, and the emulator reads and accepts it whole.
        app.send_with(&Customer::id("1"), &reset(), &fits)
            .await
            .unwrap();
        let record = emu.record();
        assert_eq!(record.sends.len(), 1);
        assert_eq!(
            record.sends[0].body["attachments"]["ok.bin"]
                .as_str()
                .map(str::len),
            Some(ATTACHMENTS_MAX)
        );
    })
    .await;
}

#[tokio::test]
async fn the_app_api_needs_the_bearer_key() {
    bounded(async {
        let emu = emulator().await;
        let wrong = AppClient::builder("wrong-key")
            .base_url(emu.base_url())
            .retry(quick_retries(3))
            .rate_limits(RateLimits::none())
            .build()
            .unwrap();
        let err = wrong.send(&Customer::id("1"), &reset()).await.unwrap_err();
        assert_eq!(err.status(), Some(401));
        assert!(!err.is_outcome_unknown());
        assert_eq!(emu.request_count(), 1, "a 401 is not retried");
        // The Track credentials do not open the App API.
        let answer = raw_http()
            .post(format!("{}/v1/send/email", emu.base_url()))
            .basic_auth(emu.site_id(), Some(emu.api_key()))
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 401);
        assert!(!format!("{wrong:?}").contains("wrong-key"));
        assert!(emu.record().sends.is_empty());
    })
    .await;
}

#[tokio::test]
async fn an_unknown_outcome_is_never_sent_again() {
    bounded(async {
        let emu = emulator().await;
        let app = app(&emu);
        let to = Customer::id("42");
        // Applied, then a 500: the message went out; a retry would send it twice.
        emu.script([Fault::StatusAfterApply(500)]);
        let err = app.send(&to, &reset()).await.unwrap_err();
        assert!(err.is_outcome_unknown(), "{err}");
        assert_eq!(err.status(), Some(500));
        assert_eq!((emu.request_count(), emu.record().sends.len()), (1, 1));
        // A 503, a 502, a 408, a reset: the client cannot know, so it does not resend.
        for fault in [
            Fault::Status(503),
            Fault::Status(502),
            Fault::Status(408),
            Fault::Reset,
        ] {
            emu.clear();
            emu.script([fault.clone()]);
            let err = app.send(&to, &reset()).await.unwrap_err();
            assert!(err.is_outcome_unknown(), "{fault:?}: {err}");
            assert_eq!(emu.request_count(), 1, "{fault:?}");
            let text = err.to_string();
            assert!(text.contains("not sent again"), "{text}");
        }
        // The same for a broadcast.
        emu.clear();
        emu.script([Fault::StatusAfterApply(502)]);
        let err = app
            .trigger_broadcast(
                &ProductUpdate {
                    headline: "x".into(),
                },
                &Audience::Ids(vec!["1".into()]),
            )
            .await
            .unwrap_err();
        assert!(err.is_outcome_unknown(), "{err}");
        assert_eq!(emu.record().broadcast_triggers.len(), 1);
        assert_eq!(emu.request_count(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_success_answer_that_cannot_be_read_is_an_unknown_outcome() {
    bounded(async {
        let emu = emulator().await;
        let app = app(&emu);
        // Applied (the message went out), then an answer without a delivery id.
        emu.script([Fault::Answer {
            status: 200,
            body: "{}".into(),
            apply: true,
        }]);
        let err = app.send(&Customer::id("42"), &reset()).await.unwrap_err();
        assert!(err.is_outcome_unknown(), "{err}");
        assert!(!err.is_validation(), "{err}");
        assert_eq!(err.status(), Some(200));
        assert_eq!((emu.request_count(), emu.record().sends.len()), (1, 1));
        emu.script([Fault::Answer {
            status: 200,
            body: "not json".into(),
            apply: true,
        }]);
        let err = app
            .trigger_broadcast(
                &ProductUpdate {
                    headline: "x".into(),
                },
                &Audience::Ids(vec!["1".into()]),
            )
            .await
            .unwrap_err();
        assert!(err.is_outcome_unknown(), "{err}");
        assert_eq!(emu.record().broadcast_triggers.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_timeout_after_connecting_is_an_unknown_outcome() {
    bounded(async {
        let emu = emulator().await;
        let app = AppClient::builder(emu.app_api_key())
            .base_url(emu.base_url())
            .timeout(Duration::from_millis(200))
            .retry(quick_retries(3))
            .rate_limits(RateLimits::none())
            .build()
            .unwrap();
        emu.script([Fault::Delay(Duration::from_secs(2))]);
        let err = app.send(&Customer::id("1"), &reset()).await.unwrap_err();
        assert!(err.is_outcome_unknown(), "{err}");
        assert_eq!(err.status(), None);
        assert_eq!(emu.request_count(), 1);
    })
    .await;
}

#[tokio::test]
async fn throttling_and_refused_connections_are_retried() {
    bounded(async {
        let emu = emulator().await;
        let app = app(&emu);
        emu.script([Fault::TooManyRequests {
            retry_after: "0".into(),
        }]);
        let delivery = app.send(&Customer::id("1"), &reset()).await.unwrap();
        assert_eq!(delivery.delivery_id, "emu_dlv_1");
        let record = emu.record();
        assert_eq!((record.requests.len(), record.sends.len()), (2, 1));
        assert_eq!(record.requests[1].retry_count, Some(1));

        // Nothing listens: every attempt is refused before sending, so each is retried,
        // and the final error says that nothing was sent.
        let closed = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap()
        };
        let offline = AppClient::builder("key")
            .base_url(format!("http://{closed}"))
            .retry(quick_retries(2))
            .rate_limits(RateLimits::none())
            .build()
            .unwrap();
        let err = offline
            .send(&Customer::id("1"), &reset())
            .await
            .unwrap_err();
        assert!(!err.is_outcome_unknown(), "{err}");
        assert!(matches!(err, Error::Transport { attempts: 3, .. }), "{err}");
    })
    .await;
}

#[tokio::test]
async fn broadcasts_go_to_exactly_one_audience() {
    bounded(async {
        let emu = emulator().await;
        let app = app(&emu);
        let update = ProductUpdate {
            headline: "New".into(),
        };
        let mut data = serde_json::Map::new();
        data.insert("seat".into(), json!(3));
        let audiences = [
            (Audience::Ids(vec!["1".into(), "2".into()]), "ids"),
            (Audience::Emails(vec!["a@example.com".into()]), "emails"),
            (
                Audience::PerUserData(vec![(Customer::email("a@example.com"), data)]),
                "per_user_data",
            ),
            (
                Audience::Recipients(json!({"segment": {"id": 7}})),
                "recipients",
            ),
        ];
        for (i, (audience, key)) in audiences.iter().enumerate() {
            let trigger = app.trigger_broadcast(&update, audience).await.unwrap();
            assert_eq!(trigger.id, i as u64 + 1);
            let stored = &emu.record().broadcast_triggers[i];
            assert_eq!((stored.broadcast, stored.audience.as_str()), (42, *key));
            assert_eq!(stored.data["headline"], json!("New"));
        }
        let record = emu.record();
        assert_eq!(record.requests[0].path, "/v1/campaigns/42/triggers");
        assert_eq!(
            record.broadcast_triggers[2].body["per_user_data"],
            json!([{"email": "a@example.com", "data": {"seat": 3}}])
        );

        // The emulator holds raw requests to the documented shape.
        for (body, status) in [
            (
                json!({"data": {}, "ids": ["1"], "emails": ["a@example.com"]}),
                400,
            ),
            (json!({"data": {}}), 400),
            (json!({"recipients": {}}), 422),
            (json!({"ids": []}), 422),
            (json!({"ids": ["1"], "segment": 7}), 400),
        ] {
            let answer = raw_http()
                .post(format!("{}/v1/campaigns/42/triggers", emu.base_url()))
                .bearer_auth(emu.app_api_key())
                .body(body.to_string())
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), status, "{body}");
            let text = answer.text().await.unwrap();
            assert!(text.starts_with("{\"meta\":{\"error\":"), "{text}");
        }
    })
    .await;
}

#[tokio::test]
async fn the_emulator_holds_sends_to_the_documented_shape() {
    bounded(async {
        let emu = emulator().await;
        for (body, needle) in [
            (json!({"identifiers": {"id": "1"}}), "transactional_message_id is required"),
            (json!({"transactional_message_id": 1}), "identifiers is required"),
            (json!({"transactional_message_id": 1, "identifiers": {"id": "1", "email": "a@b.c"}}), "exactly one of"),
            (json!({"transactional_message_id": 1, "identifiers": {"id": "1"}, "send_at": 1_900_000_000_000i64}), "send_at"),
            (json!({"transactional_message_id": 1, "identifiers": {"id": "1"}, "attachments": {"a": "%%%"}}), "not valid base64"),
            (json!({"transactional_message_id": 1, "identifiers": {"id": "1"}, "queue_draft": "yes"}), "queue_draft"),
            (json!({"transactional_message_id": 1, "identifiers": {"id": "1"}, "surprise": 1}), "unknown field `surprise`"),
        ] {
            let answer = raw_http()
                .post(format!("{}/v1/send/email", emu.base_url()))
                .bearer_auth(emu.app_api_key())
                .body(body.to_string())
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), 400, "{body}");
            let text = answer.text().await.unwrap();
            assert!(text.contains(needle), "{body}: {text}");
        }
        assert!(emu.record().sends.is_empty());
    })
    .await;
}

#[test]
fn regions_pick_the_app_api_host() {
    let us = AppClient::new("key", Region::Us).unwrap();
    assert_eq!(us.base_url(), "https://api.customer.io");
    let eu = AppClient::new("key", Region::Eu).unwrap();
    assert_eq!(eu.base_url(), "https://api-eu.customer.io");
    assert!(matches!(
        AppClient::new(" ", Region::Us),
        Err(Error::Config(_))
    ));
    assert!(matches!(
        AppClient::builder("key")
            .base_url("http://10.0.0.1")
            .build(),
        Err(Error::Config(_))
    ));
}
