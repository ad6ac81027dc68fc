//! Reporting webhooks, as Customer.io sends them: each message the journeys deliver
//! is reported to the app (`sent`, then `delivered` for email, push and SMS, or
//! `failed` when it does not render), and a test reports more (`opened`, `clicked`,
//! `bounced`, ...) with [`Emulator::report`](crate::Emulator::report).
//!
//! Each webhook is a [`ReportingEvent`] as JSON, signed as Customer.io signs
//! (`X-CIO-Timestamp`, `X-CIO-Signature`: [`sign_reporting`](cio_core::webhook::sign_reporting)),
//! `POST`ed by a background task, one at a time, in order. A webhook answered
//! anything but `2xx` (or not answered) is sent again, a few times with a short
//! backoff, then given up: [`Emulator::webhooks`](crate::Emulator::webhooks) keeps
//! every attempt.

mod events;
mod sender;
mod target;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use cio_core::webhook::{Metric, ReportingEvent};
use tokio::sync::mpsc;

use crate::record::State;

pub(crate) use events::Source;
pub(crate) use sender::{spawn, Retries};
#[cfg(feature = "cli")]
pub(crate) use target::check_url;
pub(crate) use target::{Given, Target};

/// A reporting webhook the emulator sent, or is sending.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SentWebhook {
    /// The delivery it is about: its number in
    /// [`Emulator::deliveries`](crate::Emulator::deliveries), from 0 (the inbox's
    /// `/messages/N`).
    pub delivery: usize,
    /// What was sent: the body is this event as JSON.
    pub event: ReportingEvent,
    /// Each attempt's answer, in order (empty until the first is answered).
    pub attempts: Vec<WebhookAttempt>,
    /// Where it stands.
    pub outcome: WebhookOutcome,
    /// Its number in the emulator's queue.
    seq: u64,
}

impl SentWebhook {
    /// Whether the app accepted it (answered `2xx`).
    pub fn accepted(&self) -> bool {
        self.outcome == WebhookOutcome::Accepted
    }
}

/// How the app answered one attempt of a webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookAttempt {
    /// It answered with this HTTP status.
    Status(u16),
    /// No answer: the connection failed or timed out (4 s, as Customer.io waits).
    Failed(String),
}

/// Where a webhook stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookOutcome {
    /// Queued, being sent, or waiting to be sent again.
    Pending,
    /// Answered `2xx`.
    Accepted,
    /// Every attempt failed: not sent again.
    GaveUp,
}

/// Why [`Emulator::report`](crate::Emulator::report) reported nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The emulator has no webhook URL ([`EmulatorBuilder::webhook`](crate::EmulatorBuilder::webhook)).
    #[error("this emulator sends no reporting webhooks: give it a URL and a signing key (EmulatorBuilder::webhook, --webhook-url)")]
    NoWebhook,
    /// No such delivery.
    #[error("no delivery number {delivery}: the journeys delivered {delivered} message(s)")]
    NoSuchDelivery {
        /// The number asked for.
        delivery: usize,
        /// How many messages the journeys delivered.
        delivered: usize,
    },
    /// The metric is not one of the delivery's channel (an email cannot report a
    /// push metric).
    #[error("delivery {delivery} is a {channel} message: it cannot report `{metric}`")]
    WrongChannel {
        /// The delivery.
        delivery: usize,
        /// Its channel (`email`, `sms`, ...).
        channel: &'static str,
        /// The metric asked for (`push opened`, ...).
        metric: String,
    },
}

/// Every webhook sent since the emulator started (or was cleared), in queue order.
pub(crate) type Log = Arc<Mutex<Vec<SentWebhook>>>;

/// Locks the log, whatever a panicking holder left.
pub(crate) fn lock(log: &Log) -> std::sync::MutexGuard<'_, Vec<SentWebhook>> {
    match log.lock() {
        Ok(log) => log,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// One webhook to send.
#[derive(Debug)]
pub(crate) struct Job {
    seq: u64,
    body: Vec<u8>,
}

/// Queues webhooks for the background sender: held by the journeys' engine, which
/// calls it under the emulator's lock (it never waits).
#[derive(Debug, Clone)]
pub(crate) struct Notifier {
    jobs: mpsc::UnboundedSender<Job>,
    log: Log,
    next: Arc<AtomicU64>,
}

impl Notifier {
    /// A notifier writing to `log`, and the queue the sender reads.
    pub(crate) fn new(log: Log) -> (Self, mpsc::UnboundedReceiver<Job>) {
        let (jobs, queue) = mpsc::unbounded_channel();
        let notifier = Notifier {
            jobs,
            log,
            next: Arc::default(),
        };
        (notifier, queue)
    }

    /// The log this notifier writes to.
    pub(crate) fn log(&self) -> &Log {
        &self.log
    }

    /// Logs `event` (about delivery `delivery`) as pending, then queues it (in this
    /// order: the sender records its answers in the log entry).
    pub(crate) fn send(&self, delivery: usize, event: ReportingEvent) {
        let seq = self.next.fetch_add(1, Ordering::Relaxed);
        let body = serde_json::to_vec(&event);
        let mut sent = SentWebhook {
            delivery,
            event,
            attempts: Vec::new(),
            outcome: WebhookOutcome::Pending,
            seq,
        };
        let body = match body {
            Ok(body) => body,
            Err(error) => {
                sent.attempts.push(WebhookAttempt::Failed(format!(
                    "cannot serialize the event: {error}"
                )));
                sent.outcome = WebhookOutcome::GaveUp;
                lock(&self.log).push(sent);
                return;
            }
        };
        lock(&self.log).push(sent);
        if self.jobs.send(Job { seq, body }).is_err() {
            // The sender stopped (the emulator is shutting down): nothing will go.
            let mut log = lock(&self.log);
            if let Some(sent) = log.iter_mut().rev().find(|sent| sent.seq == seq) {
                sent.outcome = WebhookOutcome::GaveUp;
            }
        }
    }
}

/// Reports `metric` for the journeys' delivery number `delivery` (from 0, as the
/// inbox's `/messages/N`): signs and queues a webhook, as a test does with
/// [`Emulator::report`](crate::Emulator::report). For the inbox's buttons: returns
/// the webhook's `event_id`.
pub(crate) fn report(
    state: &mut State,
    delivery: usize,
    metric: Metric,
) -> Result<String, ReportError> {
    match &state.journeys {
        Some(engine) => engine.report(delivery, metric),
        None => Err(ReportError::NoSuchDelivery {
            delivery,
            delivered: 0,
        }),
    }
}

/// The webhooks about the journeys' delivery number `delivery`, in the order they
/// were queued, each with its event (metric, `timestamp` on the journeys' clock),
/// attempts and outcome: for the inbox, under each message (empty when the emulator
/// sends no webhooks).
pub(crate) fn of_delivery(state: &State, delivery: usize) -> Vec<SentWebhook> {
    let Some(log) = state
        .journeys
        .as_ref()
        .and_then(|engine| engine.webhook_log())
    else {
        return Vec::new();
    };
    lock(log)
        .iter()
        .filter(|sent| sent.delivery == delivery)
        .cloned()
        .collect()
}

/// Builds the reporting events of the journeys' deliveries.
pub(crate) use events::{on_delivery, reported, About};
