//! The emulator's reporting webhooks, end to end into an axum app on 127.0.0.1 that
//! checks them with `cio::webhook::CustomerIoWebhook`: a journey's email reports
//! `sent` then `delivered` with the id of the event that started the journey as
//! `trigger_event_id`, a test reports `opened`, `clicked` and `bounced`; a `500` is
//! retried until the app accepts, a wrong key is refused by the app and given up by
//! the emulator, an app that does not answer never holds up the emulator's API.
//! Bounded in time; waits poll a condition.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod outbox_support;

use std::future::IntoFuture;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use cio::client::{Customer, TrackClient};
use cio::journey::{Campaign, Channel, Journeys, Message, Step};
use cio::webhook::{
    CustomerIoWebhook, EmailMetric, Metric, Origin, ReportingEvent, ReportingVerifier, SmsMetric,
};
use cio::{Attributes, Event, Timestamp};
use cio_emulator::{Emulator, ReportError, SentWebhook, WebhookAttempt, WebhookOutcome};
use outbox_support::{bounded, until};
use tokio::sync::Notify;

const KEY: &str = "the app's signing key";

static JOURNEYS: Journeys = Journeys {
    campaigns: &[Campaign {
        name: "onboarding",
        trigger: "signed_up",
        steps: &[Step::Wait(300), Step::Send("welcome")],
    }],
    messages: &[Message {
        name: "welcome",
        channel: Channel::Email,
        subject: Some("Welcome, {{ customer.first_name }}!"),
        body: "Start at https://example.com/start?via={{ event.method }} now.",
    }],
};

#[derive(serde::Serialize)]
struct SignedUp {
    method: &'static str,
}

impl Event for SignedUp {
    const NAME: &'static str = "signed_up";
}

#[derive(serde::Serialize)]
struct Profile {
    email: &'static str,
    first_name: &'static str,
}

impl Attributes for Profile {}

/// How the test app answers: `500` to the first `fail_first` webhooks, then `204`;
/// or it waits for `release` before answering.
#[derive(Clone)]
struct App {
    verifier: ReportingVerifier,
    received: Arc<Mutex<Vec<ReportingEvent>>>,
    fail_first: usize,
    answered: Arc<AtomicUsize>,
    hold: Option<Arc<Hold>>,
}

/// An app that does not answer until released.
struct Hold {
    entered: Notify,
    release: Notify,
}

impl FromRef<App> for ReportingVerifier {
    fn from_ref(app: &App) -> Self {
        app.verifier.clone()
    }
}

async fn reporting(
    State(app): State<App>,
    CustomerIoWebhook(event): CustomerIoWebhook<ReportingEvent>,
) -> StatusCode {
    if let Some(hold) = &app.hold {
        hold.entered.notify_one();
        hold.release.notified().await;
    }
    app.received.lock().unwrap().push(event);
    if app.answered.fetch_add(1, Ordering::SeqCst) < app.fail_first {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::NO_CONTENT
    }
}

impl App {
    fn new(key: &str) -> App {
        App {
            verifier: ReportingVerifier::new(key).unwrap(),
            received: Arc::default(),
            fail_first: 0,
            answered: Arc::default(),
            hold: None,
        }
    }

    /// Serves the app on 127.0.0.1; returns its webhook URL.
    async fn serve(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = Router::new()
            .route("/webhooks/customerio", post(reporting))
            .with_state(self.clone());
        tokio::spawn(axum::serve(listener, router).into_future());
        format!("http://{addr}/webhooks/customerio")
    }

    fn received(&self) -> Vec<ReportingEvent> {
        self.received.lock().unwrap().clone()
    }
}

/// An emulator running [`JOURNEYS`] that reports to `url` with `key`.
async fn start(url: &str, key: &str, retries: u32) -> Emulator {
    Emulator::builder()
        .journeys(&JOURNEYS)
        .webhook(url, key)
        .webhook_retries(retries, Duration::from_millis(20))
        .start()
        .await
        .unwrap()
}

/// Jane signs up through the Track API; returns the id of her `signed_up`.
async fn sign_up(emulator: &Emulator) -> cio::EventId {
    let client = TrackClient::builder(emulator.site_id(), emulator.api_key())
        .base_url(emulator.base_url())
        .build()
        .unwrap();
    let jane = Customer::id("user-1");
    client
        .identify(
            &jane,
            &Profile {
                email: "jane@example.com",
                first_name: "Jane",
            },
        )
        .await
        .unwrap();
    client
        .track(&jane, SignedUp { method: "github" })
        .await
        .unwrap()
}

/// Waits until the emulator settled `n` webhooks (accepted or given up).
async fn settled(emulator: &Emulator, n: usize) -> Vec<SentWebhook> {
    until(|| async move {
        let sent = emulator.webhooks();
        sent.len() >= n && sent.iter().all(|w| w.outcome != WebhookOutcome::Pending)
    })
    .await;
    emulator.webhooks()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journeys_email_is_reported_signed_with_the_event_that_started_it() {
    bounded(60, async {
        let app = App::new(KEY);
        let url = app.serve().await;
        let emulator = start(&url, KEY, 0).await;
        assert_eq!(emulator.webhook_url(), Some(url.as_str()));
        let signed_up = sign_up(&emulator).await;
        assert!(emulator.webhooks().is_empty(), "nothing delivered yet");

        emulator.advance(Duration::from_secs(300));
        let sent = settled(&emulator, 2).await;
        let received = app.received();
        let metrics: Vec<String> = received.iter().map(|e| e.metric.to_string()).collect();
        assert_eq!(metrics, ["email sent", "email delivered"]);
        for (event, webhook) in received.iter().zip(&sent) {
            // What the app verified and parsed is what the emulator sent.
            assert_eq!(event, &webhook.event);
            assert_eq!(webhook.attempts, [WebhookAttempt::Status(204)]);
            assert_eq!(webhook.delivery, 0);
            assert_eq!(event.triggered_by(), Some(signed_up));
            assert_eq!(event.delivery_id(), Some("emu_msg_0"));
            assert_eq!(event.timestamp, emulator.deliveries()[0].time);
            assert_eq!(event.data.subject.as_deref(), Some("Welcome, Jane!"));
            assert_eq!(event.data.recipient.as_deref(), Some("jane@example.com"));
            let who = event.data.identifiers.as_ref().unwrap();
            assert_eq!(who.id.as_deref(), Some("user-1"));
            assert!(matches!(
                event.data.origin,
                Some(Origin::Campaign {
                    campaign_id: Some(1),
                    action_id: Some(1),
                    ..
                })
            ));
        }
        assert_ne!(received[0].event_id, received[1].event_id);
        assert_eq!(emulator.webhooks_of(0), sent);
        assert!(emulator.webhooks_of(1).is_empty());

        // The test reports more of the same email, at the journeys' clock.
        let later: Timestamp = emulator.now().unwrap();
        for metric in [
            EmailMetric::Opened,
            EmailMetric::Clicked,
            EmailMetric::Bounced,
        ] {
            emulator.report(0, Metric::Email(metric)).unwrap();
        }
        settled(&emulator, 5).await;
        let received = app.received();
        let metrics: Vec<String> = received[2..].iter().map(|e| e.metric.to_string()).collect();
        assert_eq!(metrics, ["email opened", "email clicked", "email bounced"]);
        assert!(received[2..].iter().all(|e| e.timestamp == later
            && e.delivery_id() == Some("emu_msg_0")
            && e.triggered_by() == Some(signed_up)));
        assert_eq!(
            received[3].data.href.as_deref(),
            Some("https://example.com/start?via=github")
        );
        assert!(received[4].data.failure_message.is_some());

        // What cannot be reported.
        assert_eq!(
            emulator.report(0, Metric::Sms(SmsMetric::Delivered)),
            Err(ReportError::WrongChannel {
                delivery: 0,
                channel: "email",
                metric: "sms delivered".into()
            })
        );
        assert_eq!(
            emulator.report(7, Metric::Email(EmailMetric::Opened)),
            Err(ReportError::NoSuchDelivery {
                delivery: 7,
                delivered: 1
            })
        );
        emulator.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_500_is_retried_until_the_app_accepts_it() {
    bounded(60, async {
        let app = App {
            fail_first: 2,
            ..App::new(KEY)
        };
        let url = app.serve().await;
        let emulator = start(&url, KEY, 3).await;
        let signed_up = sign_up(&emulator).await;
        emulator.advance(Duration::from_secs(300));
        let sent = settled(&emulator, 2).await;
        assert_eq!(
            sent[0].attempts,
            [
                WebhookAttempt::Status(500),
                WebhookAttempt::Status(500),
                WebhookAttempt::Status(204)
            ]
        );
        assert!(sent[0].accepted() && sent[1].accepted());
        // The same event each time (its `event_id` too), each attempt signed anew and
        // verified; the next webhook waited for it.
        let received = app.received();
        let ids: Vec<&str> = received.iter().map(|e| e.event_id.as_str()).collect();
        let first = sent[0].event.event_id.as_str();
        let second = sent[1].event.event_id.as_str();
        assert_eq!(ids, [first, first, first, second]);
        assert!(received.iter().all(|e| e.triggered_by() == Some(signed_up)));
        emulator.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_key_is_refused_by_the_app_and_given_up_by_the_emulator() {
    bounded(60, async {
        let app = App::new(KEY);
        let url = app.serve().await;
        let emulator = start(&url, "not the app's key", 2).await;
        sign_up(&emulator).await;
        emulator.advance(Duration::from_secs(300));
        let sent = settled(&emulator, 2).await;
        for webhook in &sent {
            assert_eq!(webhook.outcome, WebhookOutcome::GaveUp);
            assert_eq!(webhook.attempts, vec![WebhookAttempt::Status(401); 3]);
        }
        // The extractor refused them before the handler ran.
        assert!(app.received().is_empty());
        assert_eq!(app.answered.load(Ordering::SeqCst), 0);

        // Nobody listening: each attempt fails to connect, then it is given up too.
        let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        let nowhere = start(&format!("http://127.0.0.1:{port}/hook"), KEY, 1).await;
        sign_up(&nowhere).await;
        nowhere.advance(Duration::from_secs(300));
        let sent = settled(&nowhere, 2).await;
        assert!(sent.iter().all(|w| w.outcome == WebhookOutcome::GaveUp
            && w.attempts.len() == 2
            && w.attempts
                .iter()
                .all(|a| matches!(a, WebhookAttempt::Failed(why) if why.contains("connect")))));
        emulator.shutdown().await;
        nowhere.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_that_does_not_answer_never_holds_up_the_emulator() {
    bounded(60, async {
        let hold = Arc::new(Hold {
            entered: Notify::new(),
            release: Notify::new(),
        });
        let app = App {
            hold: Some(hold.clone()),
            ..App::new(KEY)
        };
        let url = app.serve().await;
        let emulator = start(&url, KEY, 0).await;
        sign_up(&emulator).await;
        emulator.advance(Duration::from_secs(300));
        // The app holds the first webhook; meanwhile the emulator's API answers.
        hold.entered.notified().await;
        let before = emulator.request_count();
        sign_up(&emulator).await;
        assert_eq!(emulator.request_count(), before + 2);
        assert_eq!(emulator.webhooks()[0].outcome, WebhookOutcome::Pending);
        hold.release.notify_one();
        hold.release.notify_one();
        let emulator_ref = &emulator;
        until(|| async move { !emulator_ref.webhooks()[0].attempts.is_empty() }).await;
        assert!(emulator.webhooks()[0].accepted());
        emulator.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn webhooks_go_only_to_loopback_or_https() {
    for (url, key) in [
        ("http://example.com/hook", KEY),
        ("http://10.1.2.3/hook", KEY),
        ("file:///tmp/hook", KEY),
        ("http://127.0.0.1:9/hook", ""),
    ] {
        let error = Emulator::builder()
            .webhook(url, key)
            .start()
            .await
            .unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput, "{url}");
    }
    let builder = Emulator::builder().webhook("https://app.example.com/webhooks/customerio", KEY);
    assert!(!format!("{builder:?}").contains(KEY), "the key never shows");
    let emulator = builder.start().await.unwrap();
    // Without journeys nothing is delivered, so nothing is reported.
    assert_eq!(
        emulator.report(0, Metric::Email(EmailMetric::Opened)),
        Err(ReportError::NoSuchDelivery {
            delivery: 0,
            delivered: 0
        })
    );
    let quiet = Emulator::builder()
        .journeys(&JOURNEYS)
        .start()
        .await
        .unwrap();
    assert_eq!(
        quiet.report(0, Metric::Email(EmailMetric::Opened)),
        Err(ReportError::NoWebhook)
    );
}
