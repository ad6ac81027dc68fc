//! The background task that sends the webhooks: signs each attempt, retries what is
//! not answered `2xx`, and records every answer in the log.

use std::time::Duration;

use cio_core::webhook::{sign_reporting, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use cio_core::Timestamp;
use reqwest::header::CONTENT_TYPE;
use tokio::sync::{mpsc, watch};

use super::{lock, Job, Log, Target, WebhookAttempt, WebhookOutcome};

/// How long an attempt may take before it counts as unanswered: Customer.io waits
/// 4 seconds.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(4);

/// How often a webhook is sent again, and the wait before the first retry (doubled
/// before each next one). Customer.io waits an hour and keeps trying for days; a
/// local tool tries a few times within a second, then gives up and says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Retries {
    pub(crate) retries: u32,
    pub(crate) backoff: Duration,
}

impl Default for Retries {
    /// 3 retries, after 100, 200 and 400 ms.
    fn default() -> Self {
        Retries {
            retries: 3,
            backoff: Duration::from_millis(100),
        }
    }
}

impl Retries {
    /// The wait before retry number `retry` (from 1).
    fn wait(self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.backoff.saturating_mul(factor)
    }
}

/// Makes rustls use *ring* unless the process chose a provider (reqwest is built
/// without one), as cio's clients do.
fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        #[allow(deprecated)]
        let provider = rustls::crypto::ring::default_provider();
        // Another thread may win the race: its provider is as good.
        let _ = provider.install_default();
    }
}

/// Starts the sender of the jobs `queue` receives, until `stop` changes or every
/// notifier is gone. Fails only when the HTTP client cannot be built.
pub(crate) fn spawn(
    target: Target,
    retries: Retries,
    queue: mpsc::UnboundedReceiver<Job>,
    log: Log,
    stop: watch::Receiver<bool>,
) -> Result<(), String> {
    install_crypto_provider();
    let mut client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(ATTEMPT_TIMEOUT)
        .tcp_nodelay(true);
    if target.is_loopback() {
        // A proxy from the environment cannot reach the app on this machine.
        client = client.no_proxy();
    }
    let client = client
        .build()
        .map_err(|e| format!("cannot build the webhooks' HTTP client: {e}"))?;
    let sender = Sender {
        client,
        target,
        retries,
        log,
    };
    tokio::spawn(sender.run(queue, stop));
    Ok(())
}

struct Sender {
    client: reqwest::Client,
    target: Target,
    retries: Retries,
    log: Log,
}

impl Sender {
    /// Sends the jobs one at a time, in order: a webhook being retried holds back
    /// the next ones, as Customer.io's do.
    async fn run(self, mut queue: mpsc::UnboundedReceiver<Job>, mut stop: watch::Receiver<bool>) {
        loop {
            let job = tokio::select! {
                job = queue.recv() => job,
                _ = stop.changed() => None,
            };
            let Some(job) = job else {
                return;
            };
            tokio::select! {
                () = self.deliver(&job) => {}
                _ = stop.changed() => return,
            }
        }
    }

    /// Sends `job` until it is answered `2xx` or the retries are spent.
    async fn deliver(&self, job: &Job) {
        for attempt in 0..=self.retries.retries {
            if attempt > 0 {
                tokio::time::sleep(self.retries.wait(attempt)).await;
            }
            let answer = self.attempt(&job.body).await;
            let accepted =
                matches!(answer, WebhookAttempt::Status(status) if (200..300).contains(&status));
            let last = attempt == self.retries.retries;
            if !accepted {
                tracing::debug!(url = %self.target.url, ?answer, "a reporting webhook was not accepted");
            }
            let outcome = match (accepted, last) {
                (true, _) => WebhookOutcome::Accepted,
                (false, true) => {
                    tracing::warn!(url = %self.target.url, ?answer, attempts = attempt + 1, "gave up a reporting webhook");
                    WebhookOutcome::GaveUp
                }
                (false, false) => WebhookOutcome::Pending,
            };
            self.record(job.seq, answer, outcome);
            if outcome != WebhookOutcome::Pending {
                return;
            }
        }
    }

    /// One signed `POST`, signed now (a retry is signed again, with its own time).
    async fn attempt(&self, body: &[u8]) -> WebhookAttempt {
        let now = Timestamp::now();
        let signature = sign_reporting(&self.target.key, now, body);
        let sent = self
            .client
            .post(self.target.url.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(TIMESTAMP_HEADER, now.to_string())
            .header(SIGNATURE_HEADER, signature)
            .body(body.to_vec())
            .send()
            .await;
        match sent {
            Ok(response) => WebhookAttempt::Status(response.status().as_u16()),
            Err(error) => WebhookAttempt::Failed(without_url(&error)),
        }
    }

    fn record(&self, seq: u64, answer: WebhookAttempt, outcome: WebhookOutcome) {
        let mut log = lock(&self.log);
        // Gone after `Emulator::clear`: nothing to update.
        if let Some(sent) = log.iter_mut().rev().find(|sent| sent.seq == seq) {
            sent.attempts.push(answer);
            sent.outcome = outcome;
        }
    }
}

/// reqwest's error and its causes, without the URL (which the log shows once).
fn without_url(error: &reqwest::Error) -> String {
    let mut text = if error.is_timeout() {
        "timed out".to_owned()
    } else if error.is_connect() {
        "cannot connect".to_owned()
    } else {
        "request failed".to_owned()
    };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles() {
        let retries = Retries::default();
        let waits: Vec<u128> = (1..=3).map(|n| retries.wait(n).as_millis()).collect();
        assert_eq!(waits, [100, 200, 400]);
        let long = Retries {
            retries: 100,
            backoff: Duration::from_secs(1),
        };
        assert!(long.wait(100) >= long.wait(40));
    }
}
