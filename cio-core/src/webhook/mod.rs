//! What Customer.io sends back: reporting webhooks (a message was delivered, opened,
//! bounced; a person unsubscribed) typed as [`ReportingEvent`], and the signature
//! checks that prove a request came from Customer.io.
//!
//! Two signing schemes:
//!
//! | sender | headers | signed | checker |
//! |---|---|---|---|
//! | reporting webhook | `X-CIO-Timestamp`, `X-CIO-Signature` | hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` | [`ReportingVerifier`] (replay window, 5 minutes by default) |
//! | Data Pipelines webhook destination | `X-Signature` | hex HMAC-SHA1 of the raw body | [`PipelinesVerifier`] (no timestamp) |
//!
//! Both take several keys, so a key can be rotated without refusing requests, and
//! compare in constant time. With the `axum` feature, the extractors
//! `CustomerIoWebhook` and `PipelinesWebhook` verify and parse before the
//! handler runs (`401` unverified, `400` unparsable, `413` too large). Elsewhere,
//! call [`ReportingVerifier::verify`] with the two header values and the raw body,
//! then parse the same bytes:
//!
//! ```
//! use cio_core::webhook::{ReportingEvent, ReportingVerifier, VerifyError};
//!
//! fn receive(
//!     verifier: &ReportingVerifier,
//!     timestamp: &str, // X-CIO-Timestamp
//!     signature: &str, // X-CIO-Signature
//!     body: &[u8],     // the raw body, not re-serialized JSON
//! ) -> Result<ReportingEvent, String> {
//!     verifier.verify(timestamp, signature, body).map_err(|e| e.to_string())?; // 401
//!     serde_json::from_slice(body).map_err(|e| e.to_string()) // 400
//! }
//! ```
//!
//! # Deduplicate on `event_id`
//!
//! Customer.io retries a webhook that did not get a `2xx` within 4 seconds, for up
//! to 7 days, and may deliver one twice; after a `400`, `401`, `429`, `500` or `502`
//! (among others) it waits an hour, and it holds back every later webhook until that
//! one succeeds. So store each event under its `event_id`, answer `2xx` for one
//! already stored, and do the slow work after answering.
//!
//! ```
//! use std::collections::HashSet;
//! use std::sync::Mutex;
//! use cio_core::webhook::ReportingEvent;
//!
//! /// In production: a table with a unique `event_id`, written with
//! /// `INSERT ... ON CONFLICT (event_id) DO NOTHING`.
//! struct Seen(Mutex<HashSet<String>>);
//!
//! impl Seen {
//!     /// `true` the first time an event arrives.
//!     fn first_time(&self, event: &ReportingEvent) -> bool {
//!         self.0.lock().map_or(false, |mut seen| seen.insert(event.event_id.clone()))
//!     }
//! }
//! ```
//!
//! # Back to the event cio sent
//!
//! For a campaign's message, [`ReportingEvent::triggered_by`] reads `trigger_event_id`
//! as an [`EventId`](crate::EventId): if Customer.io echoes the id cio sent with the
//! triggering event (undocumented: check once in your workspace), a bounce or an
//! unsubscribe can be joined to that event and its outbox row.

mod data;
mod event;
#[cfg(feature = "axum")]
mod extractor;
mod hex;
mod metric;
mod verify;

pub use data::{EventData, Identifiers, Origin, PushRecipient, TransactionalMessageId};
pub use event::ReportingEvent;
#[cfg(feature = "axum")]
pub use extractor::{CustomerIoWebhook, PipelinesWebhook, WebhookRejection};
pub use metric::{
    CustomerMetric, EmailMetric, InAppMetric, Metric, PushMetric, SlackMetric, SmsMetric,
    SubscriptionChange, WebhookMetric, WhatsAppMetric,
};
pub use verify::{
    sign_pipelines, sign_reporting, PipelinesVerifier, ReportingVerifier, SigningKeyError,
    VerifyError, DEFAULT_REPLAY_WINDOW, PIPELINES_SIGNATURE_HEADER, SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
};
