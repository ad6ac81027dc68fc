//! The axum app of the examples over real HTTP on 127.0.0.1, on a SQLite file (and on
//! PostgreSQL when it answers on 127.0.0.1:5432 or `CIO_TEST_POSTGRES_URL` is set): each handler writes the user and
//! its operations in one transaction; a signup that fails sends nothing; the relay
//! delivers the rest exactly once; a password reset sends the typed `PasswordReset`
//! through the App API, rendered by the emulator, and is never sent twice on an
//! unknown outcome. Bounded in time; waits poll a condition.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod outbox_support;

use std::future::IntoFuture;
use std::time::Duration;

use cio::client::{AppClient, TrackClient};
use cio::outbox::sqlx::{self, PgPool, SqlitePool};
use cio::outbox::{Outbox, Relay, RelayConfig};
use cio_emulator::{Emulator, Fault};
use serde_json::{json, Value};

#[path = "../examples/shared/routes.rs"]
mod routes;

async fn exercise(db: routes::Db, outbox: Outbox) {
    routes::create_tables(&db).await.unwrap();
    let emulator = Emulator::builder()
        .app_messages(routes::events::taxonomy::APP_MESSAGES)
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
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = routes::AppState {
        db: db.clone(),
        outbox: outbox.clone(),
        app: Some(app),
        reset_base_url: "https://example.com/reset".to_owned(),
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
