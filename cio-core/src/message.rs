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
/// (`POST /v1/send/email`, `/v1/send/push`, `/v1/send/sms`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageChannel {
    /// Email.
    Email,
    /// Push notification.
    Push,
    /// SMS.
    Sms,
}

impl MessageChannel {
    /// The last segment of the send path (`email`, `push`, `sms`).
    pub const fn as_str(self) -> &'static str {
        match self {
            MessageChannel::Email => "email",
            MessageChannel::Push => "push",
            MessageChannel::Sms => "sms",
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
pub trait Broadcast: MessageData {
    /// Its name in `events.toml`.
    const NAME: &'static str;
    /// Its id in Customer.io.
    const ID: u64;
}
