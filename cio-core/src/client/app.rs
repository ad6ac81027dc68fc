//! [`AppClient`]: transactional messages and API-triggered broadcasts through the
//! App API (`Authorization: Bearer`), on the Track client's sender, errors and
//! redaction, with the no-double-send retry rule and client-side rate limits.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use reqwest::Method;
use serde_json::Value;

use super::app_request::{send_body, trigger_body, Audience, SendOptions};
use super::config::{ApiKey, Connection, Paths};
use super::rate::{RateLimits, Spacing};
use super::transport::{Answer, Request};
use super::{Customer, Error, Inner, Region, RetryPolicy};
use crate::{Broadcast, TransactionalId, TransactionalMessage};

/// What Customer.io answers a transactional send with.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[non_exhaustive]
pub struct Delivery {
    /// The delivery's id (the `CIO-Delivery-ID` of metrics and unsubscribes).
    pub delivery_id: String,
    /// When it was queued (Unix seconds).
    pub queued_at: i64,
}

/// What Customer.io answers a broadcast trigger with.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[non_exhaustive]
pub struct BroadcastTrigger {
    /// The trigger's id.
    pub id: u64,
}

/// A client of the Customer.io App API for what `events.toml` declares under
/// `[transactional]` and `[broadcasts]`.
///
/// # No double sends
///
/// The App API has no idempotency key: a request that reached Customer.io and got no
/// answer may have sent the message. So a send is retried only when it provably did
/// not reach Customer.io (the connection failed) or was refused unprocessed (`429`).
/// A timeout or a reset after the connection was made, a `5xx` or a `408` is
/// returned at once as [`Error::OutcomeUnknown`], never retried, and so is a
/// success answer that cannot be read (the message was accepted); any other error
/// means that nothing was sent.
///
/// Requests are spaced on the client side to Customer.io's documented rates
/// ([`RateLimits`]): 100 transactional sends per second, 1 broadcast trigger per 10
/// seconds.
///
/// ```no_run
/// # async fn demo() -> Result<(), cio_core::client::Error> {
/// use cio_core::client::{AppClient, Region};
/// let app = AppClient::new("app-api-key", Region::Us)?;
/// # let _ = app;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct AppClient {
    inner: Arc<Inner>,
    limits: Arc<Limiters>,
}

#[derive(Debug)]
struct Limiters {
    transactional: Spacing,
    broadcast: Spacing,
}

impl fmt::Debug for AppClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppClient")
            .field("base_url", &self.inner.origin)
            .field("api_key", &"<redacted>")
            .field("retry", &self.inner.retry)
            .finish()
    }
}

impl AppClient {
    /// A client with the App API key `api_key` in `region`, with the default settings.
    pub fn new(api_key: impl Into<ApiKey>, region: Region) -> Result<Self, Error> {
        AppClient::builder(api_key).region(region).build()
    }

    /// A client configured from `CUSTOMERIO_APP_API_KEY` and `CUSTOMERIO_REGION`
    /// (`us` or `eu`, default `us`).
    pub fn from_env() -> Result<Self, Error> {
        let key = std::env::var("CUSTOMERIO_APP_API_KEY")
            .map_err(|_| Error::Config("CUSTOMERIO_APP_API_KEY is not set".to_owned()))?;
        let region = match std::env::var("CUSTOMERIO_REGION") {
            Ok(text) if !text.trim().is_empty() => text.parse()?,
            _ => Region::Us,
        };
        AppClient::builder(key).region(region).build()
    }

    /// A builder for a client with the App API key `api_key`.
    pub fn builder(api_key: impl Into<ApiKey>) -> AppClientBuilder {
        AppClientBuilder {
            api_key: api_key.into(),
            connection: Connection::default(),
            rate_limits: RateLimits::default(),
        }
    }

    /// The origin requests go to (`https://api.customer.io`, or the base URL set).
    pub fn base_url(&self) -> &str {
        &self.inner.origin
    }

    /// Sends the transactional message `message` to `recipient` (`identifiers`)
    /// with Customer.io's defaults. See [`AppClient::send_with`].
    pub async fn send<M: TransactionalMessage>(
        &self,
        recipient: &Customer,
        message: &M,
    ) -> Result<Delivery, Error> {
        self.send_with(recipient, message, &SendOptions::new())
            .await
    }

    /// Sends the transactional message `message` to `recipient`
    /// (`POST /v1/send/{channel}`), its data as `message_data`. Everything is checked
    /// before any byte is sent (the data's constraints, the identifiers, `send_at` in
    /// seconds, the attachments' size). See the type's docs for when it is retried.
    pub async fn send_with<M: TransactionalMessage>(
        &self,
        recipient: &Customer,
        message: &M,
        options: &SendOptions,
    ) -> Result<Delivery, Error> {
        let id = match M::ID {
            TransactionalId::Number(n) => Value::from(n),
            TransactionalId::Name(name) => Value::from(name),
        };
        let body = send_body(id, recipient, message, options)?;
        let (url, endpoint) = match M::CHANNEL {
            crate::MessageChannel::Email => ("send/email", "POST /v1/send/email"),
            crate::MessageChannel::Push => ("send/push", "POST /v1/send/push"),
            crate::MessageChannel::Sms => ("send/sms", "POST /v1/send/sms"),
            crate::MessageChannel::InApp => ("send/in_app", "POST /v1/send/in_app"),
            crate::MessageChannel::Inbox => ("send/inbox_message", "POST /v1/send/inbox_message"),
        };
        self.limits.transactional.wait().await;
        let answer = self
            .inner
            .send_unsent_only(Request {
                method: Method::POST,
                url: format!("{}/{url}", self.inner.v1),
                endpoint,
                body: Some(body.into()),
                auth: true,
            })
            .await?;
        read_answer(&answer, "send")
    }

    /// Triggers the API-triggered broadcast `message` for exactly one `audience`
    /// (`POST /v1/campaigns/{id}/triggers`), its data as `data`; retried like a send.
    pub async fn trigger_broadcast<B: Broadcast>(
        &self,
        message: &B,
        audience: &Audience,
    ) -> Result<BroadcastTrigger, Error> {
        let body = trigger_body(message, audience)?;
        self.limits.broadcast.wait().await;
        let answer = self
            .inner
            .send_unsent_only(Request {
                method: Method::POST,
                url: format!("{}/campaigns/{}/triggers", self.inner.v1, B::ID),
                endpoint: "POST /v1/campaigns/{id}/triggers",
                body: Some(body.into()),
                auth: true,
            })
            .await?;
        read_answer(&answer, "trigger")
    }
}

/// The success answer to a `what` (a send, a trigger). One that cannot be read is
/// [`Error::OutcomeUnknown`], never an error that means "nothing was sent": the
/// message was accepted, and sending it again would send it twice.
fn read_answer<T: serde::de::DeserializeOwned>(answer: &Answer, what: &str) -> Result<T, Error> {
    serde_json::from_slice(&answer.body).map_err(|e| Error::OutcomeUnknown {
        status: Some(answer.status),
        cause: format!("the answer to the {what} cannot be read: {e}"),
        attempts: answer.attempts,
    })
}

/// Configures an [`AppClient`]; made by [`AppClient::builder`].
#[derive(Debug)]
pub struct AppClientBuilder {
    api_key: ApiKey,
    connection: Connection,
    rate_limits: RateLimits,
}

impl AppClientBuilder {
    /// The account's region (US by default); ignored when a base URL is set.
    #[must_use]
    pub fn region(mut self, region: Region) -> Self {
        self.connection.region = region;
        self
    }

    /// Sends to this origin (`https://host[:port]`, or `http://` for a loopback host
    /// such as the emulator) instead of the region's; `/v1` is appended.
    #[must_use]
    pub fn base_url(mut self, origin: impl Into<String>) -> Self {
        self.connection.base_url = Some(origin.into());
        self
    }

    /// The time limit of one attempt (10 s by default).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.connection.timeout = timeout;
        self
    }

    /// How many times, and how long apart, a request that provably did not reach
    /// Customer.io is sent again.
    #[must_use]
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.connection.retry = policy;
        self
    }

    /// The `User-Agent` header.
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.connection.user_agent = user_agent.into();
        self
    }

    /// Sends through this client (it should not follow redirects).
    #[must_use]
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.connection.http_client = Some(client);
        self
    }

    /// The client-side rate limits ([`RateLimits::default`]: Customer.io's).
    #[must_use]
    pub fn rate_limits(mut self, limits: RateLimits) -> Self {
        self.rate_limits = limits;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<AppClient, Error> {
        if self.api_key.expose().trim().is_empty() {
            return Err(Error::Config("the App API key is empty".to_owned()));
        }
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", self.api_key.expose()))
            .map_err(|_| Error::Config("the App API key holds invalid characters".to_owned()))?;
        auth.set_sensitive(true);
        let paths = Paths {
            origin: Region::app_origin,
            v1: "/v1",
            v2: "/v1",
        };
        let inner = self.connection.into_inner(
            &paths,
            String::new(),
            auth,
            reqwest::header::HeaderMap::new(),
        )?;
        let limits = Limiters {
            transactional: Spacing::new(self.rate_limits.transactional),
            broadcast: Spacing::new(self.rate_limits.broadcast),
        };
        Ok(AppClient {
            inner: Arc::new(inner),
            limits: Arc::new(limits),
        })
    }
}
