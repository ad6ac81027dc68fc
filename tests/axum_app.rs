//! The axum app of the examples over real HTTP on 127.0.0.1: handlers answer before
//! delivery, and the emulator receives the identify and the event of every call.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::future::IntoFuture;
use std::time::Duration;

use cio::client::TrackClient;
use cio::pipeline::{Pipeline, PipelineConfig};
use cio_emulator::Emulator;
use serde_json::{json, Value};

#[path = "../examples/shared/routes.rs"]
mod routes;

#[tokio::test]
async fn handlers_answer_at_once_and_every_call_is_delivered() {
    tokio::time::timeout(Duration::from_secs(60), async {
        let emulator = Emulator::start().await.unwrap();
        let client = TrackClient::builder(emulator.site_id(), emulator.api_key())
            .base_url(emulator.base_url())
            .build()
            .unwrap();
        // A flush interval far beyond the test: nothing is sent until `flush`, so
        // the handlers can only have answered before delivery.
        let pipeline = Pipeline::start(
            client,
            PipelineConfig::default().flush_interval(Duration::from_secs(3600)),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(axum::serve(listener, routes::app(pipeline.clone())).into_future());

        let http = reqwest::Client::new();
        let base = format!("http://{addr}");
        let signup = http
            .post(format!("{base}/signup"))
            .json(&json!({"id": "u/1 ü", "email": "jane@example.com", "first_name": "Jane", "signup_method": "github"}))
            .send()
            .await
            .unwrap();
        assert_eq!(signup.status(), 200);
        let body: Value = signup.json().await.unwrap();
        let event_id = body["event_id"].as_str().unwrap().to_string();
        let verify = http
            .post(format!("{base}/verify-email"))
            .json(&json!({"user_id": "u/1 ü"}))
            .send()
            .await
            .unwrap();
        assert_eq!(verify.status(), 200);
        assert_eq!(verify.json::<Value>().await.unwrap(), json!({"verified": true}));

        // Both handlers answered; Customer.io has received nothing yet.
        assert_eq!(emulator.request_count(), 0);
        let stats = pipeline.stats();
        assert_eq!((stats.queued, stats.delivered), (4, 0));

        // A bad signup method is refused by the app, before anything is queued.
        let bad = http
            .post(format!("{base}/signup"))
            .json(&json!({"id": "u2", "email": "x@example.com", "first_name": "X", "signup_method": "myspace"}))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), 400);

        pipeline.flush().await;
        let record = emulator.record();
        let profile = record.profile("u/1 ü").unwrap();
        assert_eq!(profile["email"], "jane@example.com");
        assert_eq!(profile["first_name"], "Jane");
        assert_eq!(profile["email_verified"], true);
        assert_eq!(profile["onboarding_step"], "verified");
        let events = record.events_of("u/1 ü");
        let names: Vec<&str> = events.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["signed_up", "email_verified"]);
        assert_eq!(events[0].id.as_deref(), Some(event_id.as_str()));
        assert_eq!(events[0].data, json!({"method": "github", "plan": "free"}));
        assert_eq!(pipeline.stats().delivered, 4);

        let report = pipeline.shutdown(Duration::from_secs(5)).await;
        assert!(report.is_clean());
        server.abort();
        emulator.shutdown().await;
    })
    .await
    .expect("bounded");
}
