//! The [`ReportingEvent`]s of the journeys' deliveries, in the campaign shape of
//! Customer.io's reporting webhooks.

use cio_core::journey::{Channel, Delivery};
use cio_core::webhook::{EventData, Identifiers, Metric, Origin, ReportingEvent};
use cio_core::{EventId, Timestamp};

/// What started the journey that sent a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Source {
    /// The journey's number, in the order journeys started.
    pub(crate) journey: usize,
    /// The `id` of the event that started it (its ULID), if it had one.
    pub(crate) trigger_event_id: Option<String>,
}

/// Everything a delivery's webhooks say about it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct About<'a> {
    /// Its number among the journeys' deliveries, from 0.
    pub(crate) index: usize,
    pub(crate) delivery: &'a Delivery,
    pub(crate) source: &'a Source,
    /// The campaign's place in `events.toml`, from 1 (`campaign_id`).
    pub(crate) campaign_id: Option<u64>,
    /// The message's place in `events.toml`, from 1 (`action_id`).
    pub(crate) action_id: Option<u64>,
    /// The person's `email` attribute, if any.
    pub(crate) email: Option<&'a str>,
}

/// The `delivery_id` of the journeys' delivery number `index`.
pub(crate) fn delivery_id(index: usize) -> String {
    format!("emu_msg_{index}")
}

/// What a delivery reports as it goes out: `sent`, then `delivered` (email, push,
/// SMS: the channels that report deliveries), or `failed` when its Liquid did not
/// render (Customer.io sends no such message).
pub(crate) fn on_delivery(about: About<'_>) -> Vec<ReportingEvent> {
    let channel = about.delivery.channel;
    let names: &[&str] = match (&about.delivery.error, channel) {
        (Some(_), _) => &["failed"],
        (None, Channel::Email | Channel::Push | Channel::Sms) => &["sent", "delivered"],
        (None, _) => &["sent"],
    };
    names
        .iter()
        .map(|name| {
            let metric = Metric::from_names(channel.as_str(), name);
            reported(about, metric, about.delivery.time)
        })
        .collect()
}

/// The event reporting `metric` for the delivery, at `at` (the journeys' clock).
pub(crate) fn reported(about: About<'_>, metric: Metric, at: Timestamp) -> ReportingEvent {
    let delivery = about.delivery;
    let mut data = EventData::default();
    data.origin = Some(Origin::Campaign {
        campaign_id: about.campaign_id,
        action_id: about.action_id,
        journey_id: Some(format!("emu_journey_{}", about.source.journey)),
        parent_action_id: None,
        trigger_event_id: about.source.trigger_event_id.clone(),
    });
    data.delivery_id = Some(delivery_id(about.index));
    let mut who = Identifiers::default();
    who.id = Some(delivery.person.clone());
    who.email = about.email.map(str::to_owned);
    data.identifiers = Some(who);
    data.customer_id = Some(delivery.person.clone());
    if delivery.channel == Channel::Email {
        data.recipient = about.email.map(str::to_owned);
        data.subject.clone_from(&delivery.subject);
    }
    match metric.name() {
        "clicked" => {
            data.href = Some(
                first_link(&delivery.body)
                    .unwrap_or("https://example.com/")
                    .to_owned(),
            );
            data.link_id = Some(1);
            data.machine = Some(false);
        }
        "failed" => {
            data.failure_message = Some(match &delivery.error {
                Some(error) => error.to_string(),
                None => "the message could not be sent (emulated)".to_owned(),
            });
        }
        "bounced" | "dropped" | "undeliverable" => {
            data.failure_message = Some(format!("the message was {} (emulated)", metric.name()));
        }
        _ => {}
    }
    ReportingEvent::new(EventId::new().to_text(), at, metric, data)
}

/// The first `http://` or `https://` link of a body, as far as a character that
/// cannot be part of it.
fn first_link(body: &str) -> Option<&str> {
    let start = match (body.find("https://"), body.find("http://")) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b)?,
    };
    let rest = &body[start..];
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | ')'))
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use cio_core::webhook::EmailMetric;

    fn welcome(error: bool) -> Delivery {
        Delivery {
            time: Timestamp::from_unix(1_700_000_300),
            person: "user-1".into(),
            campaign: "onboarding",
            message: "welcome",
            channel: Channel::Email,
            subject: Some("Welcome, Jane!".into()),
            body: "<a href=\"https://example.com/start?x=1\">Start</a>".into(),
            error: error.then(|| cio_core::journey::RenderError {
                message: "welcome".into(),
                part: "body",
                reason: "no such variable".into(),
            }),
        }
    }

    #[test]
    fn a_delivery_reports_sent_then_delivered_in_the_campaign_shape() {
        let delivery = welcome(false);
        let source = Source {
            journey: 0,
            trigger_event_id: Some("01HGW2N7EHJMS3Q6ZV0B5Y4X8K".into()),
        };
        let about = About {
            index: 3,
            delivery: &delivery,
            source: &source,
            campaign_id: Some(1),
            action_id: Some(2),
            email: Some("jane@example.com"),
        };
        let events = on_delivery(about);
        let metrics: Vec<String> = events.iter().map(|e| e.metric.to_string()).collect();
        assert_eq!(metrics, ["email sent", "email delivered"]);
        let sent = &events[0];
        assert_eq!(sent.timestamp, delivery.time);
        assert_eq!(sent.delivery_id(), Some("emu_msg_3"));
        assert_eq!(sent.trigger_event_id(), Some("01HGW2N7EHJMS3Q6ZV0B5Y4X8K"));
        assert_eq!(sent.data.subject.as_deref(), Some("Welcome, Jane!"));
        assert_eq!(sent.data.recipient.as_deref(), Some("jane@example.com"));
        assert_ne!(events[0].event_id, events[1].event_id);
        // The JSON reads back as the same event.
        let json = serde_json::to_vec(sent).unwrap();
        assert_eq!(
            &serde_json::from_slice::<ReportingEvent>(&json).unwrap(),
            sent
        );

        let clicked = reported(
            about,
            Metric::Email(EmailMetric::Clicked),
            Timestamp::from_unix(1),
        );
        assert_eq!(
            clicked.data.href.as_deref(),
            Some("https://example.com/start?x=1")
        );
    }

    #[test]
    fn a_message_that_does_not_render_reports_failed() {
        let delivery = welcome(true);
        let source = Source {
            journey: 2,
            trigger_event_id: None,
        };
        let about = About {
            index: 0,
            delivery: &delivery,
            source: &source,
            campaign_id: None,
            action_id: None,
            email: None,
        };
        let events = on_delivery(about);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].metric, Metric::Email(EmailMetric::Failed));
        assert!(events[0]
            .data
            .failure_message
            .as_deref()
            .unwrap()
            .contains("no such variable"));
    }

    #[test]
    fn links() {
        assert_eq!(first_link("go to http://a.b/c now"), Some("http://a.b/c"));
        assert_eq!(
            first_link("x https://a.b/c\" http://d"),
            Some("https://a.b/c")
        );
        assert_eq!(first_link("no link"), None);
    }
}
