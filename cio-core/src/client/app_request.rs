//! What an App API send carries besides the message's data: [`SendOptions`] (with
//! attachments and their limit) and a broadcast's [`Audience`]; and the bodies,
//! serialized once and checked before any byte is sent.

use base64::Engine as _;
use serde_json::{Map, Value};

use super::customer::Customer;
use super::error::Error;
use super::limits::check_timestamp;
use crate::{MessageData, Timestamp};

/// The most base64 text all attachments of one message may hold together.
pub const ATTACHMENTS_MAX: usize = 2 * 1024 * 1024;

/// The options of a transactional send, as the App API documents them (`to`,
/// `send_at`, `queue_draft`, `disable_message_retention`, `send_to_unsubscribed`,
/// `from`, `reply_to`, `bcc`, `attachments`). `identifiers` is the recipient given to
/// [`AppClient::send`](super::AppClient::send).
///
/// ```
/// use cio_core::client::SendOptions;
/// use cio_core::Timestamp;
/// let options = SendOptions::new()
///     .to("jane@example.com")
///     .send_at(Timestamp::from_unix(1_900_000_000))
///     .attachment("receipt.txt", b"paid");
/// assert_eq!(options.attachments_size(), 8);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SendOptions {
    to: Option<String>,
    from: Option<String>,
    reply_to: Option<String>,
    bcc: Option<String>,
    send_at: Option<Timestamp>,
    queue_draft: Option<bool>,
    disable_message_retention: Option<bool>,
    send_to_unsubscribed: Option<bool>,
    attachments: Vec<(String, String)>,
}

impl SendOptions {
    /// No option: Customer.io's defaults.
    pub fn new() -> Self {
        SendOptions::default()
    }

    /// The address (or phone number, device token) to send to, instead of the
    /// person's own.
    #[must_use]
    pub fn to(mut self, to: impl Into<String>) -> Self {
        self.to = Some(to.into());
        self
    }

    /// The sender, instead of the template's (a verified sender address).
    #[must_use]
    pub fn from(mut self, from: impl Into<String>) -> Self {
        self.from = Some(from.into());
        self
    }

    /// The reply-to address.
    #[must_use]
    pub fn reply_to(mut self, reply_to: impl Into<String>) -> Self {
        self.reply_to = Some(reply_to.into());
        self
    }

    /// A blind copy address.
    #[must_use]
    pub fn bcc(mut self, bcc: impl Into<String>) -> Self {
        self.bcc = Some(bcc.into());
        self
    }

    /// Sends at this time (Unix seconds) instead of now.
    #[must_use]
    pub fn send_at(mut self, at: Timestamp) -> Self {
        self.send_at = Some(at);
        self
    }

    /// Keeps the message as a draft to send from the dashboard.
    #[must_use]
    pub fn queue_draft(mut self, on: bool) -> Self {
        self.queue_draft = Some(on);
        self
    }

    /// Does not keep the message's body in Customer.io (for secrets such as reset
    /// links).
    #[must_use]
    pub fn disable_message_retention(mut self, on: bool) -> Self {
        self.disable_message_retention = Some(on);
        self
    }

    /// Whether to send to a person who unsubscribed (Customer.io's default: yes, for
    /// transactional messages).
    #[must_use]
    pub fn send_to_unsubscribed(mut self, on: bool) -> Self {
        self.send_to_unsubscribed = Some(on);
        self
    }

    /// Attaches `content` as `filename` (base64-encoded here). All attachments
    /// together may hold at most [`ATTACHMENTS_MAX`] bytes of base64.
    #[must_use]
    pub fn attachment(mut self, filename: impl Into<String>, content: impl AsRef<[u8]>) -> Self {
        let encoded = base64::engine::general_purpose::STANDARD.encode(content);
        self.attachments.push((filename.into(), encoded));
        self
    }

    /// The base64 bytes of every attachment together.
    pub fn attachments_size(&self) -> usize {
        self.attachments.iter().map(|(_, a)| a.len()).sum()
    }

    fn check(&self) -> Result<(), Error> {
        if let Some(at) = self.send_at {
            check_timestamp("send_at", at)?;
        }
        let size = self.attachments_size();
        if size > ATTACHMENTS_MAX {
            return Err(Error::Serialize(format!(
                "the attachments hold {size} bytes of base64, over the App API limit of {ATTACHMENTS_MAX}"
            )));
        }
        for (i, (name, _)) in self.attachments.iter().enumerate() {
            if name.is_empty() {
                return Err(Error::Serialize("an attachment has no filename".to_owned()));
            }
            if self.attachments[..i].iter().any(|(n, _)| n == name) {
                return Err(Error::Serialize(format!(
                    "two attachments are named `{name}`"
                )));
            }
        }
        Ok(())
    }
}

/// The data of `message` as a JSON object, checked against its constraints.
fn data_of<M: MessageData>(message: &M) -> Result<Value, Error> {
    message.validate()?;
    let data = serde_json::to_value(message).map_err(|e| Error::Serialize(e.to_string()))?;
    if !data.is_object() {
        return Err(Error::Serialize(
            "message data must serialize to a JSON object".to_owned(),
        ));
    }
    Ok(data)
}

/// The body of `POST /v1/send/{channel}`.
pub(crate) fn send_body<M: MessageData>(
    id: Value,
    recipient: &Customer,
    message: &M,
    options: &SendOptions,
) -> Result<Vec<u8>, Error> {
    recipient.validate()?;
    options.check()?;
    let mut body = Map::new();
    body.insert("transactional_message_id".into(), id);
    let mut identifiers = Map::new();
    identifiers.insert(
        recipient.kind().key().into(),
        Value::String(recipient.value().to_owned()),
    );
    body.insert("identifiers".into(), Value::Object(identifiers));
    body.insert("message_data".into(), data_of(message)?);
    let text = [
        ("to", &options.to),
        ("from", &options.from),
        ("reply_to", &options.reply_to),
        ("bcc", &options.bcc),
    ];
    for (key, value) in text {
        if let Some(value) = value {
            body.insert(key.into(), Value::String(value.clone()));
        }
    }
    if let Some(at) = options.send_at {
        body.insert("send_at".into(), Value::from(at.as_unix()));
    }
    let flags = [
        ("queue_draft", options.queue_draft),
        (
            "disable_message_retention",
            options.disable_message_retention,
        ),
        ("send_to_unsubscribed", options.send_to_unsubscribed),
    ];
    for (key, value) in flags {
        if let Some(value) = value {
            body.insert(key.into(), Value::Bool(value));
        }
    }
    if !options.attachments.is_empty() {
        let attachments: Map<String, Value> = options
            .attachments
            .iter()
            .map(|(name, content)| (name.clone(), Value::String(content.clone())))
            .collect();
        body.insert("attachments".into(), Value::Object(attachments));
    }
    serde_json::to_vec(&body).map_err(|e| Error::Serialize(e.to_string()))
}

/// Who an API-triggered broadcast goes to: exactly one audience, as the App API
/// requires.
#[derive(Debug, Clone, PartialEq)]
pub enum Audience {
    /// People by id (`ids`).
    Ids(Vec<String>),
    /// People by email (`emails`).
    Emails(Vec<String>),
    /// Each person with data of their own (`per_user_data`): `{ "id": .., "data": {..} }`
    /// or `{ "email": .., "data": {..} }`.
    PerUserData(Vec<(Customer, Map<String, Value>)>),
    /// A segment or attribute filter (`recipients`), as the App API writes it
    /// (`{"segment": {"id": 7}}`, `{"and": [...]}`).
    Recipients(Value),
}

/// The body of `POST /v1/campaigns/{id}/triggers`.
pub(crate) fn trigger_body<M: MessageData>(
    message: &M,
    audience: &Audience,
) -> Result<Vec<u8>, Error> {
    let mut body = Map::new();
    body.insert("data".into(), data_of(message)?);
    let empty = |what: &str| Error::InvalidIdentifier(format!("the audience has no {what}"));
    match audience {
        Audience::Ids(ids) | Audience::Emails(ids) => {
            let (key, what) = match audience {
                Audience::Ids(_) => ("ids", "ids"),
                _ => ("emails", "emails"),
            };
            if ids.is_empty() {
                return Err(empty(what));
            }
            for id in ids {
                let customer = if key == "ids" {
                    Customer::id(id.as_str())
                } else {
                    Customer::email(id.as_str())
                };
                customer.validate()?;
            }
            body.insert(key.into(), Value::from(ids.clone()));
        }
        Audience::PerUserData(people) => {
            if people.is_empty() {
                return Err(empty("people"));
            }
            let mut items = Vec::with_capacity(people.len());
            for (person, data) in people {
                person.validate()?;
                let key = match person.kind() {
                    super::IdentifierKind::Email => "email",
                    super::IdentifierKind::Id => "id",
                    super::IdentifierKind::CioId => {
                        return Err(Error::InvalidIdentifier(
                            "per_user_data names people by id or email, not cio_id".to_owned(),
                        ))
                    }
                };
                let mut item = Map::new();
                item.insert(key.into(), Value::String(person.value().to_owned()));
                item.insert("data".into(), Value::Object(data.clone()));
                items.push(Value::Object(item));
            }
            body.insert("per_user_data".into(), Value::Array(items));
        }
        Audience::Recipients(filter) => {
            match filter {
                Value::Object(map) if !map.is_empty() => {}
                _ => return Err(empty("recipients filter (a non-empty object)")),
            }
            body.insert("recipients".into(), filter.clone());
        }
    }
    serde_json::to_vec(&body).map_err(|e| Error::Serialize(e.to_string()))
}
