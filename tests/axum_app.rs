//! The axum app of the examples over real HTTP on 127.0.0.1, on a SQLite file (and on
//! PostgreSQL when it answers on 127.0.0.1:5432 or `CIO_TEST_POSTGRES_URL` is set): each handler writes the user and
//! its operations in one transaction; a signup that fails sends nothing; the relay
//! delivers the rest exactly once; a password reset sends the typed `PasswordReset`
//! through the App API, rendered by the emulator, and is never sent twice on an
//! unknown outcome. The emulator runs events.toml's journeys and reports the welcome
//! email to the app's `POST /webhooks/customerio`: the `delivered` webhook is
//! verified, handled once, and joined to the outbox row of the signup's event.
//! Bounded in time; waits poll a condition.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod outbox_support;

use std::future::IntoFuture;
use std::time::Duration;

use cio::client::{AppClient, TrackClient};
use cio::outbox::sqlx::{self, PgPool, SqlitePool};
use cio::outbox::{Outbox, Relay, RelayConfig, RowStatus};
use cio::webhook::{
    sign_reporting, EmailMetric, Metric, ReportingVerifier, SIGNATURE_HEADER, TIMESTAMP_HEADER,
};
use cio::{EventId, Timestamp};
use cio_emulator::{Emulator, Fault, WebhookAttempt};
use serde_json::{json, Value};

#[path = "../examples/shared/routes.rs"]
mod routes;

/// The key the app checks the webhooks with, and the emulator signs them with.
const SIGNING_KEY: &str = "test-signing-key";

async fn exercise(db: routes::Db, outbox: Outbox) {
    routes::create_tables(&db).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let emulator = Emulator::builder()
        .app_messages(routes::events::taxonomy::APP_MESSAGES)
        .journeys(&routes::events::taxonomy::JOURNEYS)
        .webhook(format!("http://{addr}/webhooks/customerio"), SIGNING_KEY)
        .start()
        .await
        .unwrap();
    let app = AppClient::builder(emulator.app_api_key())
        .base_url(emulator.base_url())
        .build()
        .unwrap();
    let client = TrackClient::builder(emulator.site_id(), emulator.api_key())
        .base_url(emulator.base_url())
        .build()
        .unwrap();
    let state = routes::AppState {
        db: db.clone(),
        outbox: outbox.clone(),
        app: Some(app),
        reset_base_url: "https://example.com/reset".to_owned(),
        webhooks: Some(ReportingVerifier::new(SIGNING_KEY).unwrap()),
    };
    let server = tokio::spawn(axum::serve(listener, routes::app(state)).into_future());

    let http = reqwest::Client::new();
    let base = format!("http://{addr}");
    let post = |path: &str, body: Value| http.post(format!("{base}{path}")).json(&body).send();
    let signup = post(
        "/signup",
        json!({"id": "u/1 ü", "email": "jane@example.com", "first_name": "Jane", "signup_method": "github"}),
    )
    .await
    .unwrap();
    assert_eq!(signup.status(), 200);
    let event_id = signup.json::<Value>().await.unwrap()["event_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let verify = post("/verify-email", json!({"user_id": "u/1 ü"}))
        .await
        .unwrap();
    assert_eq!(verify.status(), 200);

    // No relay yet: the handlers answered, the rows wait in the outbox.
    assert_eq!(emulator.request_count(), 0);
    assert_eq!(outbox.stats().await.unwrap().pending, 4);

    // The same user again: the insert fails, the transaction rolls back, and neither
    // its identify nor its event is written.
    let again = post(
        "/signup",
        json!({"id": "u/1 ü", "email": "other@example.com", "first_name": "Other", "signup_method": "email"}),
    )
    .await
    .unwrap();
    assert_eq!(again.status(), 409);
    let bad = post(
        "/signup",
        json!({"id": "u2", "email": "x@example.com", "first_name": "X", "signup_method": "myspace"}),
    )
    .await
    .unwrap();
    assert_eq!(bad.status(), 400);
    let unknown = post("/verify-email", json!({"user_id": "nobody"}))
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    assert_eq!(outbox.stats().await.unwrap().pending, 4);

    let relay = Relay::start(
        outbox.clone(),
        client,
        RelayConfig::default()
            .poll_interval(Duration::from_millis(20))
            .unlimited_rate(),
    );
    while outbox.stats().await.unwrap().pending > 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let stats = relay.shutdown().await;
    assert_eq!(stats.delivered, 4);

    let record = emulator.record();
    let profile = record.profile("u/1 ü").unwrap();
    assert_eq!(profile["email"], "jane@example.com");
    assert_eq!(profile["email_verified"], true);
    assert_eq!(profile["onboarding_step"], "verified");
    let events = record.events_of("u/1 ü");
    let names: Vec<&str> = events.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["signed_up", "email_verified"]);
    assert_eq!(events[0].id.as_deref(), Some(event_id.as_str()));
    assert_eq!(events[0].data, json!({"method": "github", "plan": "free"}));
    assert!(record.profile("u2").is_none());

    welcome_email_fate(&emulator, &outbox, &http, &base, &event_id).await;
    password_resets(&emulator, &http, &base).await;
    server.abort();
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_signups_commit_with_their_events() {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("axum_app.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let pool = SqlitePool::connect(&format!("sqlite:{}?mode=rwc", path.display()))
        .await
        .unwrap();
    let outbox = Outbox::sqlite(pool.clone()).await.unwrap();
    tokio::time::timeout(
        Duration::from_secs(60),
        exercise(routes::Db::Sqlite(pool), outbox),
    )
    .await
    .expect("bounded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_signups_commit_with_their_events() {
    let Some(url) = outbox_support::postgres_url("postgres_signups_commit_with_their_events")
    else {
        return;
    };
    let pool = PgPool::connect(&url).await.unwrap();
    // The app's table goes in a schema of its own, found first on the search path.
    sqlx::raw_sql(
        "DROP SCHEMA IF EXISTS t_axum CASCADE; DROP SCHEMA IF EXISTS t_axum_app CASCADE;
         CREATE SCHEMA t_axum_app",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let options: sqlx::postgres::PgConnectOptions = url.parse().unwrap();
    let pool = sqlx::postgres::PgPoolOptions::new()
        .after_connect(|conn, _| {
            Box::pin(async move {
                sqlx::query("SET search_path TO t_axum_app")
                    .execute(conn)
                    .await
                    .map(|_| ())
            })
        })
        .connect_with(options)
        .await
        .unwrap();
    let outbox = Outbox::postgres_in(pool.clone(), "t_axum").await.unwrap();
    tokio::time::timeout(
        Duration::from_secs(60),
        exercise(routes::Db::Postgres(pool), outbox),
    )
    .await
    .expect("bounded");
}

/// `POST /password-reset` once the signup's profile is in: the email rendered with the
/// profile's first name and the reset data; nothing for an unknown address; an
/// unknown outcome is not sent again; a refused send asks to try again.
async fn password_resets(emulator: &Emulator, http: &reqwest::Client, base: &str) {
    let reset = |email: &str| {
        http.post(format!("{base}/password-reset"))
            .header("user-agent", "Firefox on Linux")
            .json(&json!({ "email": email }))
            .send()
    };
    let answer = reset("jane@example.com").await.unwrap();
    assert_eq!(answer.status(), 202);
    let sends = emulator.record().sends;
    assert_eq!(sends.len(), 1);
    assert_eq!(sends[0].identifiers["id"], "u/1 ü");
    let email = sends[0].rendered.clone().unwrap().unwrap();
    assert_eq!(email.subject.as_deref(), Some("Reset your password, Jane"));
    let url = sends[0].message_data["reset_url"].as_str().unwrap();
    assert!(url.starts_with("https://example.com/reset/"), "{url}");
    assert_eq!(
        email.body,
        format!("Hi Jane,\n\nOpen {url} within 30 minutes to choose a new password.\nThe request came from Firefox on Linux.\n")
    );

    // The same answer for an address nobody signed up with, and nothing sent.
    let unknown = reset("nobody@example.com").await.unwrap();
    assert_eq!(unknown.status(), 202);
    assert_eq!(emulator.record().sends.len(), 1);

    // Customer.io took the send but the answer was a 500: it is not sent again.
    emulator.script([Fault::StatusAfterApply(500)]);
    let unsure = reset("jane@example.com").await.unwrap();
    assert_eq!(unsure.status(), 202);
    assert_eq!(emulator.record().sends.len(), 2);
    assert_eq!(emulator.record().requests_to("/v1/send/email").count(), 2);

    // A send refused outright was not sent: the person is asked to try again.
    emulator.script([Fault::Status(400)]);
    let refused = reset("jane@example.com").await.unwrap();
    assert_eq!(refused.status(), 503);
    let body: Value = refused.json().await.unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .starts_with("the reset email was not sent"),
        "{body}"
    );
    assert_eq!(emulator.record().sends.len(), 2);
}

/// What the app recorded of the user's messages (`GET /users/{id}/messages`).
async fn messages_of(http: &reqwest::Client, base: &str, user: &str) -> Vec<Value> {
    let mut url = reqwest::Url::parse(base).unwrap();
    url.path_segments_mut()
        .unwrap()
        .extend(["users", user, "messages"]);
    let body: Value = http.get(url).send().await.unwrap().json().await.unwrap();
    body["messages"].as_array().unwrap().clone()
}

/// The welcome email, 5 minutes after the signup on the journeys' clock: its `sent`
/// and `delivered` webhooks reach the app, verified, and the app joins them to the
/// outbox row of the `signed_up` the signup wrote; a bounce reported later is its
/// fate; a webhook sent again is handled once; one signed with another key is refused.
async fn welcome_email_fate(
    emulator: &Emulator,
    outbox: &Outbox,
    http: &reqwest::Client,
    base: &str,
    signup_event: &str,
) {
    assert!(emulator.deliveries().is_empty());
    emulator.advance(Duration::from_secs(300));
    let welcome = &emulator.deliveries()[0];
    assert_eq!(
        (welcome.message, welcome.person.as_str()),
        ("welcome", "u/1 ü")
    );
    outbox_support::until(|| async move {
        messages_of(http, base, "u/1 ü")
            .await
            .first()
            .is_some_and(|m| m["fate"] == "delivered")
    })
    .await;
    let messages = messages_of(http, base, "u/1 ü").await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    let fate = &messages[0];
    assert_eq!(fate["channel"], "email");
    assert_eq!(fate["subject"], "Welcome, Jane!");
    assert_eq!(fate["trigger_event_id"], signup_event);
    assert_eq!(fate["trigger_event"], "signed_up");

    // The emulator's side: both accepted at the first attempt, about the same
    // delivery, and started by the signup's event.
    let sent = emulator.webhooks();
    let metrics: Vec<String> = sent.iter().map(|w| w.event.metric.to_string()).collect();
    assert_eq!(metrics, ["email sent", "email delivered"]);
    for webhook in &sent {
        assert!(webhook.accepted(), "{webhook:?}");
        assert_eq!(webhook.attempts, [WebhookAttempt::Status(200)]);
        assert_eq!(webhook.event.trigger_event_id(), Some(signup_event));
        assert_eq!(webhook.event.delivery_id(), fate["delivery_id"].as_str());
    }

    // The join the app made, made directly: the signup's row, delivered before the
    // journey that sent the email could start.
    let signup: EventId = signup_event.parse().unwrap();
    let row = outbox.find(signup).await.unwrap().unwrap();
    assert_eq!(row.kind, "event");
    assert_eq!(row.json().unwrap()["name"], "signed_up");
    assert!(
        matches!(row.status, RowStatus::Delivered { at } if at >= row.created_at),
        "{row:?}"
    );

    // A bounce reported by the test becomes the email's fate.
    let bounce = emulator
        .report(0, Metric::Email(EmailMetric::Bounced))
        .unwrap();
    outbox_support::until(|| async move {
        messages_of(http, base, "u/1 ü").await[0]["fate"] == "bounced"
    })
    .await;

    // Customer.io sending the bounce again: answered 2xx, handled once.
    let again = emulator
        .webhooks()
        .into_iter()
        .find(|w| w.event.event_id == bounce)
        .unwrap();
    let body = serde_json::to_vec(&again.event).unwrap();
    let post = |key: &str| {
        let now = Timestamp::now();
        http.post(format!("{base}/webhooks/customerio"))
            .header(TIMESTAMP_HEADER, now.to_string())
            .header(SIGNATURE_HEADER, sign_reporting(key.as_bytes(), now, &body))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
    };
    let duplicate = post(SIGNING_KEY).await.unwrap();
    assert_eq!(duplicate.status(), 200);
    let answer: Value = duplicate.json().await.unwrap();
    assert_eq!(answer["duplicate"], bounce.as_str());
    // Signed with another key: refused before the handler runs.
    assert_eq!(post("another key").await.unwrap().status(), 401);
}
