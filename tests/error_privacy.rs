//! No error of the public API carries a secret or a customer's personal data: each
//! error type is built where a planted database password, API key or email address
//! could get in (a database URL with a password, a request for customer
//! `jane@example.com` that fails, a redirect that names her, ...), and its `Display`,
//! `Debug` and source chain are searched for them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod client_support;

use std::time::Duration;

use cio_core::client::{AppClient, Customer, RateLimits, TrackClient};
use cio_core::outbox::Outbox;
use cio_core::{
    MessageChannel, MessageData, Pipeline, PipelineConfig, TransactionalId, TransactionalMessage,
};
use cio_emulator::{Emulator, Fault};
use client_support::{bounded, quick_retries};

const PASSWORD: &str = "s3cret";
const KEY: &str = "PLANTED-api-key-0123456789";
const EMAIL: &str = "jane@example.com";

/// Everything an error shows: `Display`, `Debug` and each source's `Display`.
fn texts(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = format!("{error}\n{error:?}");
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!("\n{cause}\n{cause:?}"));
        source = cause.source();
    }
    text
}

#[track_caller]
fn assert_clean(what: &str, error: &(dyn std::error::Error + 'static)) {
    let text = texts(error);
    for planted in [PASSWORD, "s3%2Fcret", KEY, "PLANTED", "jane", "example.com"] {
        assert!(
            !text
                .to_ascii_lowercase()
                .contains(&planted.to_ascii_lowercase()),
            "{what}: `{planted}` shows in\n{text}"
        );
    }
}

/// A port on 127.0.0.1 that nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[derive(serde::Serialize)]
struct Reset {
    code: String,
}

impl MessageData for Reset {}

impl TransactionalMessage for Reset {
    const NAME: &'static str = "reset";
    const ID: TransactionalId = TransactionalId::Number(3);
    const CHANNEL: MessageChannel = MessageChannel::Email;
}

#[tokio::test]
async fn outbox_errors_hide_the_database_password() {
    let port = closed_port();
    let urls = [
        format!("postgres://app:{PASSWORD}@127.0.0.1:{port}/prod"),
        format!("postgres://127.0.0.1:{port}/prod?user=app&password={PASSWORD}"),
        format!("postgres://127.0.0.1:{port}/prod?sslpassword={PASSWORD}&sslmode=disable"),
        format!("postgres://app:s3/cret@127.0.0.1:{port}/prod"),
        format!("postgres://app:s3%2Fcret@127.0.0.1:{port}/prod"),
        format!("mysql://app:{PASSWORD}@127.0.0.1:{port}/prod"),
        format!("postgres://app:{PASSWORD}@127.0.0.1:{port}/prod?sslmode=nonsense"),
        format!("sqlite:/nonexistent-dir/x.db?password={PASSWORD}&mode=ro"),
    ];
    // Side by side: a refused PostgreSQL connection is retried until the pool's
    // 5-second acquire timeout.
    let local = tokio::task::LocalSet::new();
    let tries: Vec<_> = urls
        .into_iter()
        .map(|url| {
            local.spawn_local(async move { (Outbox::connect(&url, "cio_outbox").await, url) })
        })
        .collect();
    bounded(local.run_until(async {
        for attempt in tries {
            let (result, url) = attempt.await.unwrap();
            let error = match result {
                Ok(_) => panic!("{url} connected"),
                Err(error) => error,
            };
            assert_clean(&url, &error);
        }
    }))
    .await;
}

#[tokio::test]
async fn client_errors_name_no_customer_and_no_key() {
    bounded(async {
        let jane = Customer::email(EMAIL);
        let offline = format!("http://127.0.0.1:{}", closed_port());
        let track = |origin: &str| {
            TrackClient::builder("site", KEY)
                .base_url(origin)
                .timeout(Duration::from_millis(500))
                .retry(quick_retries(0))
                .build()
                .unwrap()
        };

        // Nothing listens: the transport error of a request whose path names her.
        let error = track(&offline).delete(&jane).await.unwrap_err();
        assert_clean("transport error", &error);

        // A server that cuts the connection, and one that answers 400 and 503.
        let emulator = Emulator::builder()
            .credentials("site", KEY)
            .start()
            .await
            .unwrap();
        let client = track(&emulator.base_url());
        for fault in [Fault::Reset, Fault::Status(400), Fault::Status(503)] {
            emulator.script([fault.clone()]);
            let error = client.delete(&jane).await.unwrap_err();
            assert_clean(&format!("{fault:?}"), &error);
        }
        // A redirect to another region repeats her path.
        emulator.script([Fault::WrongRegion(301)]);
        let error = client.delete(&jane).await.unwrap_err();
        assert_clean("wrong region", &error);

        // Identifiers and base URLs that are refused before sending.
        let error = Customer::cio_id(EMAIL).validate().unwrap_err();
        assert_clean("a cio_id that is an email", &error);
        for origin in [
            format!("https://app:s3/cret@{EMAIL}"),
            format!("https://cio.test/?key={KEY}"),
            format!("https://cio.test/{EMAIL}"),
        ] {
            let error = TrackClient::builder("site", KEY)
                .base_url(origin.clone())
                .build()
                .unwrap_err();
            assert_clean(&origin, &error);
        }

        // The App API: a send to her, nothing listening, then a server error.
        let app = |origin: &str| {
            AppClient::builder(KEY)
                .base_url(origin)
                .timeout(Duration::from_millis(500))
                .retry(quick_retries(0))
                .rate_limits(RateLimits::none())
                .build()
                .unwrap()
        };
        let reset = Reset {
            code: "123456".into(),
        };
        let error = app(&offline).send(&jane, &reset).await.unwrap_err();
        assert_clean("app transport error", &error);
        emulator.script([Fault::Status(500)]);
        let error = app(&emulator.base_url())
            .send(&jane, &reset)
            .await
            .unwrap_err();
        assert_clean("app server error", &error);

        // The pipeline: an operation refused after shutdown.
        let pipeline = Pipeline::start(client.clone(), PipelineConfig::default());
        pipeline.shutdown(Duration::from_secs(5)).await;
        let op = cio_core::client::Operation::delete(&jane).unwrap();
        let error = pipeline.try_send(op).unwrap_err();
        assert_clean("enqueue after shutdown", &error);
        emulator.shutdown().await;
    })
    .await;
}
