//! What a reporting webhook reports: an object type (`email`, `push`, ...) and one of
//! the metrics Customer.io's published schema lists for it.

use std::fmt;

/// Declares the metrics of one object type: an enum with a variant per metric of the
/// published schema, plus `Other` for a name this version does not know.
macro_rules! object_metrics {
    (
        $(#[$doc:meta])*
        $name:ident {
            $( $(#[$variant_doc:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$variant_doc])* $variant, )+
            /// A metric the published schema does not list for this object type, as
            /// Customer.io named it (never one of the names above when parsed).
            Other(String),
        }

        impl $name {
            /// The metric from its wire name; an unknown name is kept as `Other`.
            pub fn from_name(name: &str) -> Self {
                match name {
                    $( $wire => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }

            /// The wire name (`metric` in the payload).
            pub fn name(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Other(name) => name,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

object_metrics! {
    /// What happened to an email.
    EmailMetric {
        /// A draft was created (the campaign holds messages for review).
        Drafted = "drafted",
        /// Sending failed and will be retried (`failure_message` says why).
        Attempted = "attempted",
        /// Handed to the delivery provider (`content`, `headers` with *Body Content*).
        Sent = "sent",
        /// The recipient's server accepted it.
        Delivered = "delivered",
        /// Opened (`proxied`, `prefetched`, `synthetic` qualify it).
        Opened = "opened",
        /// A tracked link was clicked (`href`, `link_id`, `machine`).
        Clicked = "clicked",
        /// The person met the conversion goal attributed to this email.
        Converted = "converted",
        /// The recipient unsubscribed from this email.
        Unsubscribed = "unsubscribed",
        /// The provider could not deliver it (`failure_message`).
        Bounced = "bounced",
        /// Not sent: the person is suppressed (Customer.io's "suppressed").
        Dropped = "dropped",
        /// The recipient marked it as spam.
        Spammed = "spammed",
        /// Could not be handed to the provider (`failure_message`).
        Failed = "failed",
        /// Not sent: a message limit, a cancelled newsletter, or delivery disabled.
        Undeliverable = "undeliverable",
    }
}

object_metrics! {
    /// What happened to a push notification (the devices are in `recipients`).
    PushMetric {
        /// A draft was created.
        Drafted = "drafted",
        /// Sending failed and will be retried (`failure_message`).
        Attempted = "attempted",
        /// Sent to the person's devices (`content` with *Body Content*).
        Sent = "sent",
        /// Reached a device.
        Delivered = "delivered",
        /// Opened on a device.
        Opened = "opened",
        /// A link in it was tapped (`href`, `link_id`).
        Clicked = "clicked",
        /// The person met the conversion goal attributed to it.
        Converted = "converted",
        /// The provider reported an invalid device token (per device in `recipients`).
        Bounced = "bounced",
        /// Not sent: a device token bounced before.
        Dropped = "dropped",
        /// Could not be handed to the provider (`failure_message`).
        Failed = "failed",
        /// Not sent: a message limit, a cancelled newsletter, or delivery disabled.
        Undeliverable = "undeliverable",
    }
}

object_metrics! {
    /// What happened to an SMS (WhatsApp through Twilio reports here too).
    SmsMetric {
        /// A draft was created.
        Drafted = "drafted",
        /// Sending failed and will be retried (`failure_message`).
        Attempted = "attempted",
        /// Sent (`recipient` is the phone number; `content` with *Body Content*).
        Sent = "sent",
        /// Delivered to the phone.
        Delivered = "delivered",
        /// A link in it was tapped (`href`, `link_id`).
        Clicked = "clicked",
        /// The person met the conversion goal attributed to it.
        Converted = "converted",
        /// The provider could not deliver it (`failure_message`).
        Bounced = "bounced",
        /// Could not be handed to the provider (`failure_message`).
        Failed = "failed",
        /// Not sent: a message limit, a cancelled newsletter, or delivery disabled.
        Undeliverable = "undeliverable",
        /// The person replied within 72 hours (`inbound_event_id`, `to`).
        Replied = "replied",
    }
}

object_metrics! {
    /// What happened to a native WhatsApp message.
    WhatsAppMetric {
        /// A draft was created.
        Drafted = "drafted",
        /// Sending failed and will be retried (`failure_message`).
        Attempted = "attempted",
        /// Sent (`recipient` is the phone number; `content` with *Body Content*).
        Sent = "sent",
        /// Delivered to the phone.
        Delivered = "delivered",
        /// Read (only when the recipient has read receipts on).
        Opened = "opened",
        /// A link in it was tapped (`href`, `link_id`).
        Clicked = "clicked",
        /// The person met the conversion goal attributed to it.
        Converted = "converted",
        /// The provider could not deliver it (`failure_message`).
        Bounced = "bounced",
        /// Not sent: the recipient is suppressed (`failure_message`).
        Dropped = "dropped",
        /// Could not be handed to the provider (`failure_message`).
        Failed = "failed",
        /// Not sent: a message limit, a cancelled newsletter, or delivery disabled.
        Undeliverable = "undeliverable",
        /// The person replied within 72 hours (`inbound_event_id`, `to`).
        Replied = "replied",
    }
}

object_metrics! {
    /// What happened to a Slack message.
    SlackMetric {
        /// A draft was created.
        Drafted = "drafted",
        /// Sending failed and will be retried (`failure_message`).
        Attempted = "attempted",
        /// Sent (`recipient` is the channel or person, e.g. `#general`).
        Sent = "sent",
        /// A tracked link in it was clicked (`href`, `link_id`).
        Clicked = "clicked",
        /// Sending failed (`failure_message`).
        Failed = "failed",
        /// Not sent: a message limit, a cancelled newsletter, or delivery disabled.
        Undeliverable = "undeliverable",
    }
}

object_metrics! {
    /// What happened to a webhook a campaign sent ("Send and receive data").
    WebhookMetric {
        /// A draft was created.
        Drafted = "drafted",
        /// Sending failed and will be retried (`failure_message`).
        Attempted = "attempted",
        /// Sent (`recipient` is the URL; `content` with *Body Content*).
        Sent = "sent",
        /// A tracked link in the payload was opened (`href`, `link_id`).
        Clicked = "clicked",
        /// Sending failed (`failure_message`).
        Failed = "failed",
        /// Not sent: a message limit, a cancelled newsletter, or delivery disabled.
        Undeliverable = "undeliverable",
    }
}

object_metrics! {
    /// What happened to an in-app message.
    InAppMetric {
        /// A draft was created.
        Drafted = "drafted",
        /// Sending failed and will be retried (`failure_message`).
        Attempted = "attempted",
        /// Sent; shown only when the app next opens (`content` with *Body Content*).
        Sent = "sent",
        /// Shown to the person (an impression).
        Opened = "opened",
        /// A tracked component was tapped (`tracked_response`, `href`, `link_id`).
        Clicked = "clicked",
        /// The person met the conversion goal attributed to it.
        Converted = "converted",
        /// Sending failed (`failure_message`).
        Failed = "failed",
        /// Not sent: a message limit, a cancelled newsletter, or delivery disabled.
        Undeliverable = "undeliverable",
    }
}

object_metrics! {
    /// A change to a person's subscription not tied to a message.
    CustomerMetric {
        /// The person's `unsubscribed` attribute became `false`.
        Subscribed = "subscribed",
        /// The person's `unsubscribed` attribute became `true`.
        Unsubscribed = "unsubscribed",
        /// The person's `cio_subscription_preferences` changed (subscription center
        /// or API; the new topics are in `content` with *Body Content*).
        SubscriptionPreferencesChanged = "cio_subscription_preferences_changed",
    }
}

/// The `object_type` and `metric` of a reporting webhook, as one value: each object
/// type carries only the metrics Customer.io's schema gives it, so an email metric
/// cannot be mistaken for a push one.
///
/// ```
/// use cio_core::webhook::{EmailMetric, Metric};
/// let metric = Metric::from_names("email", "bounced");
/// assert_eq!(metric, Metric::Email(EmailMetric::Bounced));
/// assert_eq!((metric.object_type(), metric.name()), ("email", "bounced"));
///
/// // Names this version does not know are kept, never an error.
/// let new_metric = Metric::from_names("email", "deferred");
/// assert_eq!(new_metric, Metric::Email(EmailMetric::Other("deferred".into())));
/// let new_channel = Metric::from_names("inbox", "opened");
/// assert_eq!(new_channel.object_type(), "inbox");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Metric {
    /// `object_type: "email"`.
    Email(EmailMetric),
    /// `object_type: "push"`.
    Push(PushMetric),
    /// `object_type: "sms"`.
    Sms(SmsMetric),
    /// `object_type: "whatsapp"`.
    WhatsApp(WhatsAppMetric),
    /// `object_type: "slack"`.
    Slack(SlackMetric),
    /// `object_type: "webhook"`.
    Webhook(WebhookMetric),
    /// `object_type: "in_app"`.
    InApp(InAppMetric),
    /// `object_type: "customer"`.
    Customer(CustomerMetric),
    /// An object type this version does not know, with its metric, as sent.
    Other {
        /// The `object_type`.
        object_type: String,
        /// The `metric`.
        metric: String,
    },
}

impl Metric {
    /// The metric from the payload's `object_type` and `metric`; unknown names are
    /// kept as `Other`.
    pub fn from_names(object_type: &str, metric: &str) -> Self {
        match object_type {
            "email" => Metric::Email(EmailMetric::from_name(metric)),
            "push" => Metric::Push(PushMetric::from_name(metric)),
            "sms" => Metric::Sms(SmsMetric::from_name(metric)),
            "whatsapp" => Metric::WhatsApp(WhatsAppMetric::from_name(metric)),
            "slack" => Metric::Slack(SlackMetric::from_name(metric)),
            "webhook" => Metric::Webhook(WebhookMetric::from_name(metric)),
            "in_app" => Metric::InApp(InAppMetric::from_name(metric)),
            "customer" => Metric::Customer(CustomerMetric::from_name(metric)),
            _ => Metric::Other {
                object_type: object_type.to_owned(),
                metric: metric.to_owned(),
            },
        }
    }

    /// The `object_type` as sent.
    pub fn object_type(&self) -> &str {
        match self {
            Metric::Email(_) => "email",
            Metric::Push(_) => "push",
            Metric::Sms(_) => "sms",
            Metric::WhatsApp(_) => "whatsapp",
            Metric::Slack(_) => "slack",
            Metric::Webhook(_) => "webhook",
            Metric::InApp(_) => "in_app",
            Metric::Customer(_) => "customer",
            Metric::Other { object_type, .. } => object_type,
        }
    }

    /// The `metric` as sent.
    pub fn name(&self) -> &str {
        match self {
            Metric::Email(metric) => metric.name(),
            Metric::Push(metric) => metric.name(),
            Metric::Sms(metric) => metric.name(),
            Metric::WhatsApp(metric) => metric.name(),
            Metric::Slack(metric) => metric.name(),
            Metric::Webhook(metric) => metric.name(),
            Metric::InApp(metric) => metric.name(),
            Metric::Customer(metric) => metric.name(),
            Metric::Other { metric, .. } => metric,
        }
    }

    /// The subscription change this event reports, whatever its object type.
    ///
    /// Customer.io reports a change triggered from a message under that message's
    /// object type (an email's unsubscribe link: `email` / `unsubscribed`; its
    /// subscription center: `email` / `cio_subscription_preferences_changed`, which
    /// the email metrics do not list, so it parses as `EmailMetric::Other`), and one
    /// it cannot tie to a message under `customer`. This looks at the metric's name
    /// only, so it finds all of them.
    pub fn subscription_change(&self) -> Option<SubscriptionChange> {
        match self.name() {
            "subscribed" => Some(SubscriptionChange::Subscribed),
            "unsubscribed" => Some(SubscriptionChange::Unsubscribed),
            "cio_subscription_preferences_changed" => Some(SubscriptionChange::PreferencesChanged),
            _ => None,
        }
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.object_type(), self.name())
    }
}

/// A change to what a person agreed to receive: see [`Metric::subscription_change`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubscriptionChange {
    /// Subscribed (again) to messages.
    Subscribed,
    /// Unsubscribed from messages.
    Unsubscribed,
    /// Changed subscription preferences (topics).
    PreferencesChanged,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        let pairs = [
            ("email", "spammed"),
            ("push", "dropped"),
            ("sms", "replied"),
            ("whatsapp", "opened"),
            ("slack", "clicked"),
            ("webhook", "undeliverable"),
            ("in_app", "converted"),
            ("customer", "cio_subscription_preferences_changed"),
            ("email", "deferred"),
            ("inbox", "opened"),
        ];
        for (object_type, name) in pairs {
            let metric = Metric::from_names(object_type, name);
            assert_eq!((metric.object_type(), metric.name()), (object_type, name));
        }
    }

    #[test]
    fn a_metric_another_object_type_has_is_other() {
        // SMS has no `opened` and Slack no `delivered` in the published schema.
        assert_eq!(
            Metric::from_names("sms", "opened"),
            Metric::Sms(SmsMetric::Other("opened".into()))
        );
        assert_eq!(
            Metric::from_names("slack", "delivered"),
            Metric::Slack(SlackMetric::Other("delivered".into()))
        );
        assert_eq!(
            Metric::from_names("customer", "opened"),
            Metric::Customer(CustomerMetric::Other("opened".into()))
        );
    }

    #[test]
    fn names_are_case_sensitive() {
        assert_eq!(
            Metric::from_names("Email", "sent"),
            Metric::Other {
                object_type: "Email".into(),
                metric: "sent".into()
            }
        );
        assert_eq!(
            Metric::from_names("email", "Sent"),
            Metric::Email(EmailMetric::Other("Sent".into()))
        );
    }

    #[test]
    fn subscription_changes_are_found_under_any_object_type() {
        let change =
            |object_type, name| Metric::from_names(object_type, name).subscription_change();
        assert_eq!(
            change("customer", "subscribed"),
            Some(SubscriptionChange::Subscribed)
        );
        assert_eq!(
            change("customer", "unsubscribed"),
            Some(SubscriptionChange::Unsubscribed)
        );
        assert_eq!(
            change("email", "unsubscribed"),
            Some(SubscriptionChange::Unsubscribed)
        );
        assert_eq!(
            change("email", "cio_subscription_preferences_changed"),
            Some(SubscriptionChange::PreferencesChanged)
        );
        assert_eq!(change("email", "opened"), None);
    }

    #[test]
    fn display_names_both_parts() {
        assert_eq!(
            Metric::from_names("in_app", "clicked").to_string(),
            "in_app clicked"
        );
        assert_eq!(EmailMetric::Bounced.to_string(), "bounced");
    }
}
