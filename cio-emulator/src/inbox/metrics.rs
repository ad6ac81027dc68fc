//! The reporting webhooks of a journey delivery (`sent`, `delivered`, `opened`, ...)
//! as the inbox shows them under each message.

use std::fmt::Write as _;

use cio_core::Timestamp;

use super::markup::escape;
use super::time::utc;
use crate::record::State;

/// One reporting webhook about a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Metric {
    /// `sent`, `delivered`, `opened`, `clicked`, `bounced`, ...
    pub(super) name: String,
    /// When it happened, on the journeys' clock.
    pub(super) time: Timestamp,
    /// How sending the webhook went (`200`, `refused`), if it was sent.
    pub(super) outcome: Option<String>,
}

/// The reporting webhooks of the `n`th journey delivery (an index into
/// `Simulation::deliveries`), in the order they happened.
pub(super) fn of(state: &State, n: usize) -> Vec<Metric> {
    reported(state, n)
        .map(|(name, time, outcome)| Metric {
            name: name.to_owned(),
            time,
            outcome: outcome.map(str::to_owned),
        })
        .collect()
}

/// The hook the emulator's reporting webhooks feed: for the `n`th delivery, each
/// webhook as (metric, time, outcome), from the [`Record`](crate::Record). The
/// emulator sends none yet, so there are none.
fn reported(
    _state: &State,
    _n: usize,
) -> impl Iterator<Item = (&str, Timestamp, Option<&str>)> + '_ {
    std::iter::empty()
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
            "<li class=\"metric\"><span class=\"chip\">{}</span> {}",
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
            },
            Metric {
                name: "<img src=x>".to_owned(),
                time: Timestamp::from_unix(60),
                outcome: None,
            },
        ]);
        assert!(listed.contains("<span class=\"chip\">opened</span> 1970-01-01 00:00:00 UTC"));
        assert!(listed.contains("→ 200"));
        assert!(listed.contains("&lt;img src=x&gt;") && !listed.contains("<img"));
        assert!(of(&State::default(), 0).is_empty());
    }
}
