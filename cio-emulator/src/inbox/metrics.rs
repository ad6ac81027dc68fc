//! The reporting webhooks of a journey delivery (`sent`, `delivered`, `opened`, ...)
//! as the inbox shows them under each message.

use std::fmt::Write as _;

use cio_core::Timestamp;

use super::markup::escape;
use super::time::utc;
use crate::record::State;
use crate::webhooks::{self, SentWebhook, WebhookAttempt, WebhookOutcome};

/// One reporting webhook about a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Metric {
    /// `sent`, `delivered`, `opened`, `clicked`, `bounced`, ...
    pub(super) name: String,
    /// When it happened, on the journeys' clock.
    pub(super) time: Timestamp,
    /// How sending the webhook went (`200`, `sending`, `gave up after 4 attempts:
    /// 500`), if it was sent.
    pub(super) outcome: Option<String>,
    /// Where sending it stands (the class of its line).
    pub(super) stands: Stands,
}

/// Where sending a webhook stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stands {
    /// Queued, being sent or waiting to be sent again.
    Pending,
    /// The app answered `2xx`.
    Accepted,
    /// Every attempt failed.
    GaveUp,
}

impl Stands {
    fn class(self) -> &'static str {
        match self {
            Stands::Pending => "pending",
            Stands::Accepted => "accepted",
            Stands::GaveUp => "gave-up",
        }
    }
}

/// The reporting webhooks of the `n`th journey delivery (an index into
/// `Simulation::deliveries`), in the order they were queued.
pub(super) fn of(state: &State, n: usize) -> Vec<Metric> {
    reported(state, n).iter().map(metric).collect()
}

/// The hook the emulator's reporting webhooks feed: the `n`th delivery's webhooks
/// from the emulator's webhook log (none when it sends no webhooks).
fn reported(state: &State, n: usize) -> Vec<SentWebhook> {
    webhooks::of_delivery(state, n)
}

/// A sent webhook as the inbox lists it.
fn metric(sent: &SentWebhook) -> Metric {
    let answer = |attempt: &WebhookAttempt| match attempt {
        WebhookAttempt::Status(status) => status.to_string(),
        WebhookAttempt::Failed(why) => why.clone(),
    };
    let last = sent.attempts.last().map(answer);
    let tries = sent.attempts.len();
    let plural = if tries == 1 { "" } else { "s" };
    let (stands, outcome) = match sent.outcome {
        WebhookOutcome::Accepted => (Stands::Accepted, last),
        WebhookOutcome::GaveUp => (
            Stands::GaveUp,
            Some(match last {
                Some(last) => format!("gave up after {tries} attempt{plural}: {last}"),
                None => "gave up".to_owned(),
            }),
        ),
        WebhookOutcome::Pending => (
            Stands::Pending,
            Some(match last {
                Some(last) => format!("retrying after {tries} attempt{plural}: {last}"),
                None => "sending".to_owned(),
            }),
        ),
    };
    Metric {
        name: sent.event.metric.name().to_owned(),
        time: sent.event.timestamp,
        outcome,
        stands,
    }
}

/// The metrics as HTML (a line saying there are none, when there are none).
pub(super) fn html(metrics: &[Metric]) -> String {
    if metrics.is_empty() {
        return "<span class=\"muted\">no webhook reported yet</span>".to_owned();
    }
    let mut html = String::from("<ol class=\"metrics\">");
    for m in metrics {
        let _ = write!(
            html,
            "<li class=\"metric {}\"><span class=\"chip\">{}</span> {}",
            m.stands.class(),
            escape(&m.name),
            escape(&utc(m.time))
        );
        if let Some(outcome) = &m.outcome {
            let _ = write!(html, " <span class=\"muted\">→ {}</span>", escape(outcome));
        }
        html.push_str("</li>");
    }
    html.push_str("</ol>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_are_listed_escaped() {
        assert!(html(&[]).contains("no webhook reported yet"));
        let listed = html(&[
            Metric {
                name: "opened".to_owned(),
                time: Timestamp::from_unix(0),
                outcome: Some("200".to_owned()),
                stands: Stands::Accepted,
            },
            Metric {
                name: "<img src=x>".to_owned(),
                time: Timestamp::from_unix(60),
                outcome: Some("gave up after 4 attempts: <b>".to_owned()),
                stands: Stands::GaveUp,
            },
        ]);
        assert!(listed.contains(
            "<li class=\"metric accepted\"><span class=\"chip\">opened</span> 1970-01-01 00:00:00 UTC"
        ));
        assert!(listed.contains("→ 200"));
        assert!(listed.contains("&lt;img src=x&gt;") && !listed.contains("<img"));
        assert!(listed.contains("<li class=\"metric gave-up\">"), "{listed}");
        assert!(listed.contains("attempts: &lt;b&gt;") && !listed.contains("<b>"));
        assert!(of(&State::default(), 0).is_empty());
    }
}
