//! `POST /messages/N/report`: the inbox's buttons that report `opened`, `clicked`
//! or `bounced` for a delivery with a signed reporting webhook, as
//! [`Emulator::report`](crate::Emulator::report) does for a test.
//!
//! A form (`metric=opened&back=/people/ID`, from the buttons without script) is
//! answered with a redirect to `back`; JSON (`{"metric": "opened"}`, from the
//! inbox's script or a test) with `{"event_id": ...}`.

use std::fmt::Write as _;

use cio_core::journey::Channel;
use cio_core::webhook::{
    CustomerMetric, EmailMetric, InAppMetric, Metric, PushMetric, SlackMetric, SmsMetric,
    WebhookMetric, WhatsAppMetric,
};
use serde_json::{json, Value};

use super::markup::{decode_query, escape};
use super::{page, Page};
use crate::record::State;
use crate::webhooks::{self, ReportError};

/// The metrics the buttons offer, where the message's channel has them.
const BUTTONS: [&str; 3] = ["opened", "clicked", "bounced"];

/// Whether the emulator sends reporting webhooks (was given a URL and a key).
pub(super) fn enabled(state: &State) -> bool {
    state
        .journeys
        .as_ref()
        .is_some_and(|e| e.webhook_log().is_some())
}

/// `metric` as a metric of `channel`, if the published schema lists it for it.
fn known(channel: Channel, metric: &str) -> Option<Metric> {
    let metric = Metric::from_names(channel.as_str(), metric);
    let unknown = matches!(
        &metric,
        Metric::Email(EmailMetric::Other(_))
            | Metric::Push(PushMetric::Other(_))
            | Metric::Sms(SmsMetric::Other(_))
            | Metric::WhatsApp(WhatsAppMetric::Other(_))
            | Metric::Slack(SlackMetric::Other(_))
            | Metric::Webhook(WebhookMetric::Other(_))
            | Metric::InApp(InAppMetric::Other(_))
            | Metric::Customer(CustomerMetric::Other(_))
            | Metric::Other { .. }
    );
    (!unknown).then_some(metric)
}

/// The report buttons of the `n`th delivery (of `channel`), whose forms send the
/// browser back to `back` (the page they are on); `None` when the emulator sends no
/// webhooks: then a note says how to start it so that it does.
pub(super) fn buttons(n: usize, channel: Channel, back: Option<&str>) -> String {
    let Some(back) = back else {
        return format!(
            "<p class=\"muted report-off\" id=\"message-{n}-report\">To report opened, clicked or \
             bounced from here, start the emulator with <code>--webhook-url</code> and \
             <code>--webhook-key</code> (<code>EmulatorBuilder::webhook</code>).</p>"
        );
    };
    let offered: Vec<&str> = BUTTONS
        .into_iter()
        .filter(|m| known(channel, m).is_some())
        .collect();
    if offered.is_empty() {
        return String::new();
    }
    let mut html = format!(
        "<div class=\"report\" id=\"message-{n}-report\"><span class=\"muted\">report:</span>"
    );
    for metric in offered {
        let _ = write!(
            html,
            " <form method=\"post\" action=\"/messages/{n}/report\">\
             <input type=\"hidden\" name=\"back\" value=\"{}\">\
             <button name=\"metric\" value=\"{metric}\" id=\"report-{n}-{metric}\">{metric}</button></form>",
            escape(back)
        );
    }
    html.push_str("</div>");
    html
}

/// What a report request asks for.
#[derive(Debug, PartialEq, Eq)]
struct Request {
    metric: String,
    /// Where a form sends the browser back to; `None` for JSON.
    back: Option<String>,
}

fn from_json(body: &[u8]) -> Option<Request> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let metric = value.get("metric")?.as_str()?.to_owned();
    Some(Request { metric, back: None })
}

fn from_form(body: &[u8], n: usize) -> Option<Request> {
    let body = std::str::from_utf8(body).ok()?;
    let field = |name: &str| {
        body.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            (key == name).then(|| decode_query(value)).flatten()
        })
    };
    let back = field("back")
        .filter(|b| local(b))
        .unwrap_or_else(|| format!("/messages/{n}"));
    Some(Request {
        metric: field("metric")?,
        back: Some(back),
    })
}

/// A path on this emulator (`/people/a%40b`), not elsewhere (`//evil.example`,
/// `/\evil.example`, `https://...`), with nothing a header cannot carry.
fn local(back: &str) -> bool {
    back.starts_with('/')
        && !back.starts_with("//")
        && back.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
}

/// Reports the metric the body names for the `n`th delivery.
pub(super) fn report(state: &mut State, n: usize, body: &[u8]) -> Page {
    let form = !body.starts_with(b"{");
    let request = if form {
        from_form(body, n)
    } else {
        from_json(body)
    };
    let Some(request) = request else {
        let error = "expected {\"metric\": \"opened\"} or the form metric=opened";
        return failed(state, form, 400, error);
    };
    let channel = state
        .journeys
        .as_ref()
        .and_then(|e| e.simulation.deliveries().get(n))
        .map(|d| d.channel);
    let result = match channel {
        None => Err(ReportError::NoSuchDelivery {
            delivery: n,
            delivered: state
                .journeys
                .as_ref()
                .map_or(0, |e| e.simulation.deliveries().len()),
        }),
        Some(channel) => match known(channel, &request.metric) {
            Some(metric) => webhooks::report(state, n, metric),
            None => {
                let error = format!(
                    "`{}` is not a metric of {} messages",
                    request.metric,
                    channel.as_str()
                );
                return failed(state, form, 400, &error);
            }
        },
    };
    match (result, request.back) {
        (Ok(_), Some(back)) => {
            let mut page = Page::new(303, "text/plain", format!("see {back}"));
            page.location = Some(back);
            page
        }
        (Ok(event_id), None) => Page::json(200, &json!({ "event_id": event_id })),
        (Err(error), _) => {
            let status = match error {
                ReportError::NoWebhook => 409,
                ReportError::NoSuchDelivery { .. } => 404,
                _ => 400,
            };
            failed(state, form, status, &error.to_string())
        }
    }
}

/// An error: a page for a form, JSON otherwise.
fn failed(state: &State, form: bool, status: u16, error: &str) -> Page {
    if form {
        Page::html(status, page::not_reported(state, error))
    } else {
        Page::json(status, &json!({ "error": error }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies() {
        assert_eq!(
            from_json(br#"{"metric": "opened"}"#),
            Some(Request {
                metric: "opened".to_owned(),
                back: None
            })
        );
        assert_eq!(from_json(br#"{"metric": 1}"#), None);
        assert_eq!(
            from_form(b"back=%2Fpeople%2Fa%2540b&metric=clicked", 2),
            Some(Request {
                metric: "clicked".to_owned(),
                back: Some("/people/a%40b".to_owned())
            })
        );
        for elsewhere in [
            "//evil.example",
            "/%5Cevil",
            "https://evil.example",
            "/a%0d%0ab",
        ] {
            let body = format!("metric=opened&back={elsewhere}");
            assert_eq!(
                from_form(body.as_bytes(), 2)
                    .and_then(|r| r.back)
                    .as_deref(),
                Some("/messages/2"),
                "{elsewhere}"
            );
        }
        assert_eq!(from_form(b"back=/", 0), None);
    }

    #[test]
    fn the_channels_metrics() {
        assert!(known(Channel::Email, "opened").is_some());
        assert!(known(Channel::Email, "bounced").is_some());
        assert!(known(Channel::Email, "<script>").is_none());
        assert!(known(Channel::Sms, "opened").is_none());
    }

    #[test]
    fn buttons_are_escaped_and_absent_without_webhooks() {
        let off = buttons(1, Channel::Email, None);
        assert!(
            off.contains("--webhook-url") && !off.contains("<form"),
            "{off}"
        );
        let on = buttons(1, Channel::Email, Some("/people/\"><script>"));
        assert!(!on.contains("<script"), "{on}");
        assert!(
            on.contains("value=\"/people/&quot;&gt;&lt;script&gt;\""),
            "{on}"
        );
        for metric in BUTTONS {
            assert!(on.contains(&format!(
                "<button name=\"metric\" value=\"{metric}\" id=\"report-1-{metric}\">"
            )));
        }
        assert!(on.contains("action=\"/messages/1/report\""), "{on}");
    }

    #[test]
    fn without_webhooks_nothing_is_reported() {
        let mut state = State::default();
        assert!(!enabled(&state));
        let page = report(&mut state, 0, br#"{"metric": "opened"}"#);
        assert_eq!(page.status, 404);
        let page = report(&mut state, 0, b"metric=opened");
        assert_eq!(page.status, 404);
        assert!(String::from_utf8_lossy(&page.body).contains("no delivery number 0"));
    }
}
