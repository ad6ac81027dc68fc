//! The traits of what the App API sends with its own data: [`TransactionalMessage`]
//! and [`Broadcast`], implemented by the structs `cio::taxonomy!()` generates from
//! `[transactional.NAME]` and `[broadcasts.NAME]`, and [`MessageData`], the data
//! itself (`message_data`, read by the templates as `{{ trigger.* }}`).

use crate::constraint::Violation;

/// The data a transactional message or a broadcast is sent with: serializing it
/// yields the object its templates read as `{{ trigger.* }}`.
pub trait MessageData: serde::Serialize {
    /// Checks the constraints `events.toml` declares on the data.
    fn validate(&self) -> Result<(), Violation> {
        Ok(())
    }
}

/// The channel a transactional message is sent on, which picks its App API call
/// (`POST /v1/send/email`, `/v1/send/push`, `/v1/send/sms`, `/v1/send/in_app`,
/// `/v1/send/inbox_message`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageChannel {
    /// Email.
    Email,
    /// Push notification.
    Push,
    /// SMS.
    Sms,
    /// In-app message (`channel = "in_app"`).
    InApp,
    /// Inbox message (`channel = "inbox"`).
    Inbox,
}

impl MessageChannel {
    /// The last segment of the send path (`email`, `push`, `sms`, `in_app`,
    /// `inbox_message`).
    pub const fn as_str(self) -> &'static str {
        match self {
            MessageChannel::Email => "email",
            MessageChannel::Push => "push",
            MessageChannel::Sms => "sms",
            MessageChannel::InApp => "in_app",
            MessageChannel::Inbox => "inbox_message",
        }
    }
}

/// How Customer.io knows a transactional message: its number, or its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransactionalId {
    /// Its number (`id = 12`).
    Number(u64),
    /// Its name or string id (`id = "password_reset"`).
    Name(&'static str),
}

/// A transactional message of `events.toml` (`[transactional.NAME]`), sent with
/// `AppClient::send`.
///
/// ```
/// use cio_core::{MessageChannel, MessageData, TransactionalId, TransactionalMessage};
/// #[derive(serde::Serialize)]
/// struct LoginCode { code: String }
/// impl MessageData for LoginCode {}
/// impl TransactionalMessage for LoginCode {
///     const NAME: &'static str = "login_code";
///     const ID: TransactionalId = TransactionalId::Number(12);
///     const CHANNEL: MessageChannel = MessageChannel::Sms;
/// }
/// assert_eq!(LoginCode::CHANNEL.as_str(), "sms");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a transactional message of events.toml",
    label = "not declared under `[transactional]`",
    note = "`AppClient::send` sends the structs `taxonomy!()` generates from `[transactional.NAME]`; a broadcast is triggered with `AppClient::trigger_broadcast`"
)]
pub trait TransactionalMessage: MessageData {
    /// Its name in `events.toml`.
    const NAME: &'static str;
    /// Its id in Customer.io (`transactional_message_id`).
    const ID: TransactionalId;
    /// The channel it is sent on.
    const CHANNEL: MessageChannel;
}

/// An API-triggered broadcast of `events.toml` (`[broadcasts.NAME]`), triggered with
/// `AppClient::trigger_broadcast`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a broadcast of events.toml",
    label = "not declared under `[broadcasts]` with a numeric id",
    note = "`AppClient::trigger_broadcast` triggers the structs `taxonomy!()` generates from `[broadcasts.NAME]`; a transactional message is sent with `AppClient::send`"
)]
pub trait Broadcast: MessageData {
    /// Its name in `events.toml`.
    const NAME: &'static str;
    /// Its id in Customer.io.
    const ID: u64;
}

/// Which App API call sends an [`AppTemplate`], and to what id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppTarget {
    /// A transactional message: its id and channel (`POST /v1/send/{channel}`).
    Transactional(TransactionalId, MessageChannel),
    /// An API-triggered broadcast: its id (`POST /v1/campaigns/{id}/triggers`).
    Broadcast(u64),
}

/// The templates of a transactional message or broadcast of `events.toml`, as
/// `cio::taxonomy!()` writes them in `taxonomy::APP_MESSAGES`: what an emulator
/// renders a send with (`trigger.*` from its data, `customer.*` from the profile).
///
/// ```
/// use cio_core::{AppTarget, AppTemplate, MessageChannel, TransactionalId};
/// const RESET: AppTemplate = AppTemplate {
///     name: "password_reset",
///     target: AppTarget::Transactional(TransactionalId::Name("password_reset"), MessageChannel::Email),
///     subject: Some("Reset your password"),
///     body: Some("Open {{ trigger.reset_url }}."),
/// };
/// assert!(RESET.answers_to(&serde_json::json!("password_reset")));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AppTemplate {
    /// Its name in `events.toml`.
    pub name: &'static str,
    /// The call that sends it.
    pub target: AppTarget,
    /// The subject template, if declared.
    pub subject: Option<&'static str>,
    /// The body template, if declared.
    pub body: Option<&'static str>,
}

impl AppTemplate {
    /// `true` when a send's `transactional_message_id` (a number, or a string that
    /// is its name or its number) names this transactional message.
    pub fn answers_to(&self, transactional_message_id: &serde_json::Value) -> bool {
        let AppTarget::Transactional(id, _) = self.target else {
            return false;
        };
        match (id, transactional_message_id) {
            (TransactionalId::Number(n), serde_json::Value::Number(given)) => {
                given.as_u64() == Some(n)
            }
            (TransactionalId::Number(n), serde_json::Value::String(given)) => {
                given.parse::<u64>().ok() == Some(n)
            }
            (TransactionalId::Name(name), serde_json::Value::String(given)) => given == name,
            _ => false,
        }
    }
}
