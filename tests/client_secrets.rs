//! The API key never appears in tracing output, `Debug`, `Display` or any error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod client_support;

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use cio_core::client::{Customer, Error, Operation, TrackClient};
use cio_core::Tracked;
use cio_emulator::{Emulator, Fault};
use client_support::*;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const KEY: &str = "SECRET-track-key-0123456789";

/// A subscriber that writes every span, field and event it sees into a string.
#[derive(Clone, Default)]
struct Capture {
    text: Arc<Mutex<String>>,
    next: Arc<Mutex<u64>>,
}

struct Writer<'a>(&'a mut String);

impl Visit for Writer<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut text = self.text.lock().unwrap();
        let _ = write!(text, "\nspan {}", span.metadata().name());
        span.record(&mut Writer(&mut text));
        let mut next = self.next.lock().unwrap();
        *next += 1;
        Id::from_u64(*next)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut text = self.text.lock().unwrap();
        text.push_str("\nrecord");
        values.record(&mut Writer(&mut text));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut text = self.text.lock().unwrap();
        let _ = write!(text, "\nevent {}", event.metadata().target());
        event.record(&mut Writer(&mut text));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

fn assert_secret_free(text: &str) {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("site:{KEY}"));
    assert!(!text.contains(KEY), "the key leaked: {text}");
    assert!(!text.contains("SECRET"), "part of the key leaked: {text}");
    assert!(
        !text.contains(&basic),
        "the Authorization header leaked: {text}"
    );
}

#[tokio::test]
async fn no_output_or_error_holds_the_key() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    bounded(async {
        let emu = Emulator::builder()
            .credentials("site", KEY)
            .start()
            .await
            .unwrap();
        let client = TrackClient::builder("site", KEY)
            .base_url(emu.base_url())
            .timeout(Duration::from_millis(200))
            .retry(quick_retries(1))
            .build()
            .unwrap();
        let c = Customer::id("1");
        let mut texts = vec![
            format!("{client:?}"),
            format!("{:?}", TrackClient::builder("site", KEY)),
        ];

        client.identify(&c, &profile("a@b.co")).await.unwrap();
        client.track(&c, signed_up("pro")).await.unwrap();
        let mut errors: Vec<Error> = Vec::new();
        emu.script([Fault::Status(503), Fault::Status(503)]);
        errors.push(client.delete(&c).await.unwrap_err());
        emu.script([Fault::Reset, Fault::Reset]);
        errors.push(client.delete(&c).await.unwrap_err());
        emu.script([
            Fault::Delay(Duration::from_secs(2)),
            Fault::Delay(Duration::from_secs(2)),
        ]);
        errors.push(client.delete(&c).await.unwrap_err());
        emu.script([Fault::WrongRegion(301)]);
        errors.push(client.delete(&c).await.unwrap_err());
        emu.script([Fault::TooManyRequests {
            retry_after: "600".into(),
        }]);
        errors.push(client.delete(&c).await.unwrap_err());
        errors.push(client.track(&c, LongName {}).await.unwrap_err());
        errors.push(client.identify(&c, &profile("nope")).await.unwrap_err());
        errors.push(client.delete(&Customer::id("")).await.unwrap_err());
        errors.push(
            Operation::event(
                &c,
                &Tracked::new(Blob {
                    blob: "x".repeat(40_000),
                }),
            )
            .unwrap_err(),
        );
        let wrong = TrackClient::builder("site", "not-the-key")
            .base_url(emu.base_url())
            .build()
            .unwrap();
        errors.push(wrong.delete(&c).await.unwrap_err());
        errors.push(
            TrackClient::builder("site", KEY)
                .base_url("http://example.com")
                .build()
                .unwrap_err(),
        );
        errors.push(
            TrackClient::builder("site", KEY)
                .base_url(format!("https://user:{KEY}@example.com"))
                .build()
                .unwrap_err(),
        );
        errors.push(TrackClient::builder("site\n", KEY).build().unwrap_err());

        let kinds: Vec<&str> = errors
            .iter()
            .map(|e| match e {
                Error::Status { .. } => "status",
                Error::Transport { .. } => "transport",
                Error::Timeout { .. } => "timeout",
                Error::WrongRegion { .. } => "region",
                Error::Limit { .. } => "limit",
                Error::Violation(_) => "violation",
                Error::InvalidIdentifier(_) => "identifier",
                Error::Config(_) => "config",
                _ => "other",
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "status",
                "transport",
                "timeout",
                "region",
                "status",
                "limit",
                "violation",
                "identifier",
                "limit",
                "status",
                "config",
                "config",
                "config"
            ]
        );
        for e in &errors {
            texts.push(format!("{e} {e:?}"));
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                texts.push(s.to_string());
                source = s.source();
            }
        }
        emu.shutdown().await;
        for text in &texts {
            assert_secret_free(text);
        }
    })
    .await;
    let captured = capture.text.lock().unwrap().clone();
    assert!(captured.contains("span cio.request"), "{captured}");
    assert!(
        captured.contains("endpoint=\"DELETE /api/v1/customers/{id}\""),
        "{captured}"
    );
    assert!(captured.contains("retrying"), "{captured}");
    assert_secret_free(&captured);
}
