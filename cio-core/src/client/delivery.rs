//! Delivery metrics reported back to Customer.io: [`DeliveryMetric`]
//! (`POST /api/v1/metrics`, any channel) and [`PushEvent`] (`POST /api/v1/push/events`,
//! the older push-only call).

use serde::Serialize;

use super::error::Error;
use super::limits::check_timestamp;
use crate::Timestamp;

/// What happened to an email (the values the Track API reference lists for email).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmailMetric {
    /// The message bounced.
    Bounced,
    /// A link was clicked (give the link with [`DeliveryMetric::href`]).
    Clicked,
    /// The recipient converted.
    Converted,
    /// Delivery was deferred.
    Deferred,
    /// The message was delivered.
    Delivered,
    /// The message was dropped.
    Dropped,
    /// The message was opened.
    Opened,
    /// The message was marked as spam.
    Spammed,
}

/// What happened to a push notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PushMetric {
    /// The notification bounced (the device token is invalid).
    Bounced,
    /// The notification was tapped through to a link.
    Clicked,
    /// The recipient converted.
    Converted,
    /// The notification reached the device.
    Delivered,
    /// The notification was opened.
    Opened,
}

/// What happened to an SMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SmsMetric {
    /// The message bounced.
    Bounced,
    /// A link was clicked.
    Clicked,
    /// The recipient converted.
    Converted,
    /// The message was delivered.
    Delivered,
}

/// What happened to an in-app message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InAppMetric {
    /// A link or button was clicked.
    Clicked,
    /// The recipient converted.
    Converted,
    /// The message was shown.
    Opened,
}

/// A metric of one channel: only the values that channel has can be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    /// An email metric.
    Email(EmailMetric),
    /// A push metric.
    Push(PushMetric),
    /// An SMS metric.
    Sms(SmsMetric),
    /// An in-app metric.
    InApp(InAppMetric),
}

impl Metric {
    /// The `metric` value sent (`opened`, `clicked`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            Metric::Email(m) => match m {
                EmailMetric::Bounced => "bounced",
                EmailMetric::Clicked => "clicked",
                EmailMetric::Converted => "converted",
                EmailMetric::Deferred => "deferred",
                EmailMetric::Delivered => "delivered",
                EmailMetric::Dropped => "dropped",
                EmailMetric::Opened => "opened",
                EmailMetric::Spammed => "spammed",
            },
            Metric::Push(m) => match m {
                PushMetric::Bounced => "bounced",
                PushMetric::Clicked => "clicked",
                PushMetric::Converted => "converted",
                PushMetric::Delivered => "delivered",
                PushMetric::Opened => "opened",
            },
            Metric::Sms(m) => match m {
                SmsMetric::Bounced => "bounced",
                SmsMetric::Clicked => "clicked",
                SmsMetric::Converted => "converted",
                SmsMetric::Delivered => "delivered",
            },
            Metric::InApp(m) => match m {
                InAppMetric::Clicked => "clicked",
                InAppMetric::Converted => "converted",
                InAppMetric::Opened => "opened",
            },
        }
    }
}

impl From<EmailMetric> for Metric {
    fn from(m: EmailMetric) -> Self {
        Metric::Email(m)
    }
}

impl From<PushMetric> for Metric {
    fn from(m: PushMetric) -> Self {
        Metric::Push(m)
    }
}

impl From<SmsMetric> for Metric {
    fn from(m: SmsMetric) -> Self {
        Metric::Sms(m)
    }
}

impl From<InAppMetric> for Metric {
    fn from(m: InAppMetric) -> Self {
        Metric::InApp(m)
    }
}

/// A delivery metric for [`TrackClient::report_metric`](super::TrackClient::report_metric).
///
/// ```
/// use cio_core::client::{DeliveryMetric, EmailMetric};
/// let metric = DeliveryMetric::new("dlv_1", EmailMetric::Clicked).href("https://example.com");
/// assert_eq!(metric.metric().name(), "clicked");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryMetric {
    delivery_id: String,
    metric: Metric,
    timestamp: Option<Timestamp>,
    recipient: Option<String>,
    reason: Option<String>,
    href: Option<String>,
}

impl DeliveryMetric {
    /// `metric` for the delivery `delivery_id` (the `CIO-Delivery-ID` of the message).
    pub fn new(delivery_id: impl Into<String>, metric: impl Into<Metric>) -> Self {
        DeliveryMetric {
            delivery_id: delivery_id.into(),
            metric: metric.into(),
            timestamp: None,
            recipient: None,
            reason: None,
            href: None,
        }
    }

    /// When it happened (Unix seconds; now, by Customer.io's clock, if not given).
    #[must_use]
    pub fn at(mut self, timestamp: Timestamp) -> Self {
        self.timestamp = Some(timestamp);
        self
    }

    /// Who received the message (an email address, a phone number).
    #[must_use]
    pub fn recipient(mut self, recipient: impl Into<String>) -> Self {
        self.recipient = Some(recipient.into());
        self
    }

    /// Why it failed (for `bounced`, `dropped`, ...).
    #[must_use]
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    /// The link clicked (for `clicked`).
    #[must_use]
    pub fn href(mut self, href: impl Into<String>) -> Self {
        self.href = Some(href.into());
        self
    }

    /// The metric.
    pub fn metric(&self) -> Metric {
        self.metric
    }

    /// When it happened, if given.
    pub(crate) fn timestamp(&self) -> Option<Timestamp> {
        self.timestamp
    }

    /// The delivery id, recipient, reason and link.
    pub(crate) fn parts(&self) -> (&str, Option<&str>, Option<&str>, Option<&str>) {
        (
            &self.delivery_id,
            self.recipient.as_deref(),
            self.reason.as_deref(),
            self.href.as_deref(),
        )
    }

    /// The JSON body, checked: a delivery id, a timestamp in seconds.
    pub(crate) fn body(&self) -> Result<Vec<u8>, Error> {
        check_delivery_id(&self.delivery_id)?;
        if let Some(t) = self.timestamp {
            check_timestamp("timestamp", t)?;
        }
        #[derive(Serialize)]
        struct Wire<'a> {
            delivery_id: &'a str,
            metric: &'static str,
            #[serde(skip_serializing_if = "Option::is_none")]
            timestamp: Option<Timestamp>,
            #[serde(skip_serializing_if = "Option::is_none")]
            recipient: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            reason: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            href: Option<&'a str>,
        }
        let mut out = Vec::with_capacity(128);
        super::body::write_json(
            &mut out,
            &Wire {
                delivery_id: &self.delivery_id,
                metric: self.metric.name(),
                timestamp: self.timestamp,
                recipient: self.recipient.as_deref(),
                reason: self.reason.as_deref(),
                href: self.href.as_deref(),
            },
        )?;
        Ok(out)
    }
}

/// The device-side push events of [`PushEvent`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PushEventKind {
    /// The notification was opened.
    Opened,
    /// The recipient converted.
    Converted,
    /// The notification reached the device.
    Delivered,
}

impl PushEventKind {
    /// The `event` value sent.
    pub const fn name(self) -> &'static str {
        match self {
            PushEventKind::Opened => "opened",
            PushEventKind::Converted => "converted",
            PushEventKind::Delivered => "delivered",
        }
    }
}

/// A push event for [`TrackClient::track_push`](super::TrackClient::track_push): the
/// `CIO-Delivery-ID` and `CIO-Delivery-Token` of the notification, what happened and when.
#[derive(Debug, Clone, PartialEq)]
pub struct PushEvent {
    delivery_id: String,
    device_id: String,
    event: PushEventKind,
    timestamp: Timestamp,
}

impl PushEvent {
    /// `event` on the device `device_id` for the delivery `delivery_id`, at `timestamp`.
    pub fn new(
        delivery_id: impl Into<String>,
        device_id: impl Into<String>,
        event: PushEventKind,
        timestamp: Timestamp,
    ) -> Self {
        PushEvent {
            delivery_id: delivery_id.into(),
            device_id: device_id.into(),
            event,
            timestamp,
        }
    }

    pub(crate) fn body(&self) -> Result<Vec<u8>, Error> {
        check_delivery_id(&self.delivery_id)?;
        if self.device_id.is_empty() {
            return Err(Error::InvalidIdentifier(
                "the push event's device_id is empty".to_owned(),
            ));
        }
        check_timestamp("timestamp", self.timestamp)?;
        let mut out = Vec::with_capacity(128);
        super::body::write_json(
            &mut out,
            &serde_json::json!({
                "delivery_id": self.delivery_id,
                "device_id": self.device_id,
                "event": self.event.name(),
                "timestamp": self.timestamp,
            }),
        )?;
        Ok(out)
    }
}

/// A delivery id: not empty, no control character.
pub(crate) fn check_delivery_id(id: &str) -> Result<(), Error> {
    if id.is_empty() || id.chars().any(char::is_control) {
        return Err(Error::InvalidIdentifier(format!(
            "{id:?} is not a delivery id"
        )));
    }
    Ok(())
}
