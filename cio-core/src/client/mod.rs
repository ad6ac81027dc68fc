//! The Customer.io Track API client: [`TrackClient`].
//!
//! Every call checks its input against the taxonomy and the Track API limits before
//! any byte is sent, sends one body (serialized once) with retries on transient
//! failures, and gives every event a ULID that every attempt carries.
//!
//! # Inputs at their edges
//!
//! Each limit is inclusive and counted in bytes of UTF-8 (not characters); the first
//! value past it is an [`Error::Limit`] and nothing is sent (see [`Limit`] for how each
//! is measured; `tests/client_edges.rs` pins both sides of each over HTTP).
//!
//! | input | passes | fails |
//! | --- | --- | --- |
//! | identifier (id, email, `cio_id`, `anonymous_id`) | 150 bytes | 151 bytes |
//! | identifier characters | `/ ? # % ..`, spaces, non-ASCII: percent-encoded in paths, reach the customer named | empty, `.`, `..`, a control character (NUL, tab, newline, DEL): [`Error::InvalidIdentifier`] |
//! | attribute name | 150 bytes | 151 bytes |
//! | attribute value (serialized JSON) | 1,000 bytes | 1,001 bytes |
//! | attributes per identify | 300 | 301 |
//! | event name, page URL, screen name | 100 bytes | 101 bytes |
//! | v1 event data (serialized JSON) | 100,000 bytes | 100,001 bytes |
//! | one v2 operation (`/batch` item, `/entity`) | 32,768 bytes | 32,769 bytes |

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::HeaderValue;
use reqwest::Method;

mod app;
mod app_request;
mod attributes;
pub(crate) mod body;
mod calls;
mod config;
mod customer;
mod delivery;
mod destination;
mod device;
mod error;
mod limits;
mod object_ref;
mod operation;
mod payload;
mod pipelines;
mod rate;
mod region;
mod retry;
mod segment;
mod transport;
mod view;

pub use app::{AppClient, AppClientBuilder, BroadcastTrigger, Delivery};
pub use app_request::{Audience, SendOptions, ATTACHMENTS_MAX};
pub use calls::AccountRegion;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) use config::install_crypto_provider;
pub use config::{ApiKey, TrackClientBuilder, DEFAULT_TIMEOUT, DEFAULT_USER_AGENT};
pub use customer::{Customer, IdentifierKind};
pub use delivery::{
    DeliveryMetric, EmailMetric, InAppMetric, Metric, PushEvent, PushEventKind, PushMetric,
    SmsMetric,
};
pub use destination::Destination;
pub use device::{Device, Platform};
pub use error::{Error, Limit};
pub use object_ref::ObjectRef;
pub(crate) use operation::People;
pub use operation::{
    batch_body_len, BatchFailure, BatchOutcome, Operation, OperationKind, BATCH_OVERHEAD,
};
pub use pipelines::{Integrations, PipelinesClient, PipelinesClientBuilder, PIPELINES_SPACING};
pub use rate::RateLimits;
pub use region::Region;
pub use retry::{FailureClass, RetryPolicy};
pub use segment::{Segment, SEGMENT_BATCH};
pub use view::{View, ViewKind};

use crate::{Attributes, Event, EventId, Tracked};
use error::check_limit;
use transport::{Answer, Request};

/// A client of the Customer.io Track API (v1 calls and v2 `/batch`), with every call
/// shape of the official Node client's `TrackClient`: people, events, views, devices,
/// merges, push and delivery metrics, forms, unsubscribes, manual segments and the
/// account's region.
///
/// Cheap to clone: clones share one connection pool (keep-alive, rustls). Redirects are
/// never followed; a redirect is reported as [`Error::WrongRegion`].
///
/// ```no_run
/// # async fn demo() -> Result<(), cio_core::client::Error> {
/// use cio_core::client::{Customer, Region, TrackClient};
/// let client = TrackClient::new("site-id", "api-key", Region::Us)?;
/// client.delete(&Customer::id("42")).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct TrackClient {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    http: reqwest::Client,
    origin: String,
    v1: String,
    v2: String,
    site_id: String,
    auth: HeaderValue,
    user_agent: HeaderValue,
    /// Headers every request carries besides those above (`X-Strict-Mode`).
    extra_headers: reqwest::header::HeaderMap,
    retry: RetryPolicy,
}

impl fmt::Debug for TrackClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrackClient")
            .field("site_id", &self.inner.site_id)
            .field("base_url", &self.inner.origin)
            .field("api_key", &"<redacted>")
            .field("retry", &self.inner.retry)
            .finish()
    }
}

impl TrackClient {
    /// A client of the account `site_id` in `region`, with the default settings.
    pub fn new(
        site_id: impl Into<String>,
        api_key: impl Into<ApiKey>,
        region: Region,
    ) -> Result<Self, Error> {
        TrackClient::builder(site_id, api_key)
            .region(region)
            .build()
    }

    /// A client configured from `CUSTOMERIO_SITE_ID`, `CUSTOMERIO_TRACK_API_KEY` and
    /// `CUSTOMERIO_REGION` (`us` or `eu`, default `us`).
    pub fn from_env() -> Result<Self, Error> {
        TrackClient::builder_from_env()?.build()
    }

    /// A builder configured from the environment, like [`TrackClient::from_env`], to
    /// adjust before building.
    pub fn builder_from_env() -> Result<TrackClientBuilder, Error> {
        let var = |name: &str| {
            std::env::var(name).map_err(|_| Error::Config(format!("{name} is not set")))
        };
        let site_id = var("CUSTOMERIO_SITE_ID")?;
        let api_key = var("CUSTOMERIO_TRACK_API_KEY")?;
        let region = match std::env::var("CUSTOMERIO_REGION") {
            Ok(text) if !text.trim().is_empty() => text.parse()?,
            _ => Region::Us,
        };
        Ok(TrackClient::builder(site_id, api_key).region(region))
    }

    /// A builder for a client of the account `site_id`.
    pub fn builder(site_id: impl Into<String>, api_key: impl Into<ApiKey>) -> TrackClientBuilder {
        TrackClientBuilder::new(site_id, api_key)
    }

    pub(crate) fn from_parts(inner: Inner) -> Self {
        TrackClient {
            inner: Arc::new(inner),
        }
    }

    /// The origin requests go to (`https://track.customer.io`, or the base URL set).
    pub fn base_url(&self) -> &str {
        &self.inner.origin
    }

    /// The account's site id.
    pub fn site_id(&self) -> &str {
        &self.inner.site_id
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    fn customer_url(&self, customer: &Customer, suffix: &str) -> Result<String, Error> {
        customer.validate()?;
        Ok(format!(
            "{}/customers/{}{suffix}",
            self.inner.v1,
            customer.path_segment()
        ))
    }

    async fn send(
        &self,
        method: Method,
        url: String,
        endpoint: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Answer, Error> {
        self.send_bytes(method, url, endpoint, body.map(Bytes::from))
            .await
    }

    /// [`TrackClient::send`] for a call that has no idempotency key (a form, a
    /// metric): sent again only when it provably did not arrive; after a failure
    /// that leaves the outcome unknown, [`Error::OutcomeUnknown`].
    async fn send_unsent_only(
        &self,
        method: Method,
        url: String,
        endpoint: &str,
        body: Vec<u8>,
    ) -> Result<Answer, Error> {
        self.inner
            .send_unsent_only(Request {
                method,
                url,
                endpoint,
                body: Some(Bytes::from(body)),
                auth: true,
            })
            .await
    }

    async fn send_bytes(
        &self,
        method: Method,
        url: String,
        endpoint: &str,
        body: Option<Bytes>,
    ) -> Result<Answer, Error> {
        self.inner
            .send(Request {
                method,
                url,
                endpoint,
                body,
                auth: true,
            })
            .await
    }

    /// Creates or updates `customer` with `attributes` (`PUT /customers/{id}`).
    pub async fn identify<A: Attributes + ?Sized>(
        &self,
        customer: &Customer,
        attributes: &A,
    ) -> Result<(), Error> {
        let url = self.customer_url(customer, "")?;
        let mut body = Vec::with_capacity(256);
        payload::write_attributes(&mut body, attributes)?;
        self.send(Method::PUT, url, "PUT /api/v1/customers/{id}", Some(body))
            .await?;
        Ok(())
    }

    /// Tracks an event of `customer` (`POST /customers/{id}/events`). Returns the
    /// event's id, sent with every attempt so that Customer.io keeps it once.
    pub async fn track<E: Event>(
        &self,
        customer: &Customer,
        event: impl Into<Tracked<E>>,
    ) -> Result<EventId, Error> {
        let tracked = event.into();
        let url = self.customer_url(customer, "/events")?;
        let body = payload::v1_event(&tracked, None)?;
        self.send(
            Method::POST,
            url,
            "POST /api/v1/customers/{id}/events",
            Some(body),
        )
        .await?;
        Ok(tracked.id())
    }

    /// Tracks an event of someone not identified yet (`POST /events`). It is merged
    /// into the person later identified with the same `anonymous_id` attribute. An
    /// empty `anonymous_id` sends none (an "invite" event, addressed by
    /// `data.recipient`). Like a customer's identifier, it holds at most 150 bytes and
    /// no control character ([`Error::InvalidIdentifier`]): it must match, byte for
    /// byte, the attribute of the person identified later.
    pub async fn track_anonymous<E: Event>(
        &self,
        anonymous_id: &str,
        event: impl Into<Tracked<E>>,
    ) -> Result<EventId, Error> {
        let tracked = event.into();
        check_limit(Limit::Identifier, anonymous_id.len(), Some("anonymous_id"))?;
        if let Some(control) = anonymous_id.chars().find(char::is_ascii_control) {
            return Err(Error::InvalidIdentifier(format!(
                "the anonymous_id contains the control character {control:?}"
            )));
        }
        let anonymous_id = (!anonymous_id.is_empty()).then_some(anonymous_id);
        let body = payload::v1_event(&tracked, anonymous_id)?;
        let url = format!("{}/events", self.inner.v1);
        self.send(Method::POST, url, "POST /api/v1/events", Some(body))
            .await?;
        Ok(tracked.id())
    }

    /// Sends a page or screen view of `customer`. Returns the view's id.
    pub async fn view(&self, customer: &Customer, view: &View) -> Result<EventId, Error> {
        let url = self.customer_url(customer, "/events")?;
        let body = payload::v1_view(view)?;
        self.send(
            Method::POST,
            url,
            "POST /api/v1/customers/{id}/events",
            Some(body),
        )
        .await?;
        Ok(view.id())
    }

    /// Sends a view of the page `url` by `customer` (no data; see [`TrackClient::view`]).
    pub async fn page(&self, customer: &Customer, url: &str) -> Result<EventId, Error> {
        self.view(customer, &View::page(url)).await
    }

    /// Sends a view of the screen `name` by `customer` (no data; see [`TrackClient::view`]).
    pub async fn screen(&self, customer: &Customer, name: &str) -> Result<EventId, Error> {
        self.view(customer, &View::screen(name)).await
    }

    /// Deletes `customer` (`DELETE /customers/{id}`).
    pub async fn delete(&self, customer: &Customer) -> Result<(), Error> {
        let url = self.customer_url(customer, "")?;
        self.send(Method::DELETE, url, "DELETE /api/v1/customers/{id}", None)
            .await?;
        Ok(())
    }

    /// Deletes `customer` and blocks the identifier from coming back
    /// (`POST /customers/{id}/suppress`).
    pub async fn suppress(&self, customer: &Customer) -> Result<(), Error> {
        let url = self.customer_url(customer, "/suppress")?;
        self.send(
            Method::POST,
            url,
            "POST /api/v1/customers/{id}/suppress",
            None,
        )
        .await?;
        Ok(())
    }

    /// Lets a suppressed identifier be used again (the old profile is not restored).
    pub async fn unsuppress(&self, customer: &Customer) -> Result<(), Error> {
        let url = self.customer_url(customer, "/unsuppress")?;
        self.send(
            Method::POST,
            url,
            "POST /api/v1/customers/{id}/unsuppress",
            None,
        )
        .await?;
        Ok(())
    }

    /// Merges `secondary` into `primary` (which must exist); `secondary` is deleted.
    pub async fn merge(&self, primary: &Customer, secondary: &Customer) -> Result<(), Error> {
        let body = payload::v1_merge(primary, secondary)?;
        let url = format!("{}/merge_customers", self.inner.v1);
        self.send(
            Method::POST,
            url,
            "POST /api/v1/merge_customers",
            Some(body),
        )
        .await?;
        Ok(())
    }

    /// Adds or updates a push device of `customer` (`PUT /customers/{id}/devices`).
    pub async fn add_device(&self, customer: &Customer, device: &Device) -> Result<(), Error> {
        let url = self.customer_url(customer, "/devices")?;
        if device.token().is_empty() {
            return Err(Error::InvalidIdentifier(
                "the device token is empty".to_owned(),
            ));
        }
        let mut body = Vec::with_capacity(128);
        body.extend_from_slice(b"{\"device\":");
        body::write_json(&mut body, device)?;
        body.push(b'}');
        self.send(
            Method::PUT,
            url,
            "PUT /api/v1/customers/{id}/devices",
            Some(body),
        )
        .await?;
        Ok(())
    }

    /// Removes the push device `token` of `customer`.
    pub async fn delete_device(&self, customer: &Customer, token: &str) -> Result<(), Error> {
        if token.is_empty() || token == "." || token == ".." {
            return Err(Error::InvalidIdentifier(format!(
                "`{token}` is not a device token"
            )));
        }
        let device = Customer::id(token).path_segment();
        let url = self.customer_url(customer, &format!("/devices/{device}"))?;
        self.send(
            Method::DELETE,
            url,
            "DELETE /api/v1/customers/{id}/devices/{token}",
            None,
        )
        .await?;
        Ok(())
    }

    /// Sends `operations` in one v2 `/batch` request (at most 500 KB), with retries.
    /// `200` gives a complete outcome; `207` lists the operations refused while the
    /// others were applied, or, when its body does not say exactly which were refused,
    /// sets [`BatchOutcome::ambiguity`]: then only a new attempt can confirm the others.
    pub async fn batch(&self, operations: &[Operation]) -> Result<BatchOutcome, Error> {
        let body = operation::batch_body(operations)?;
        let answer = self
            .send(
                Method::POST,
                format!("{}/batch", self.inner.v2),
                "POST /api/v2/batch",
                Some(body),
            )
            .await?;
        Ok(outcome(&answer, operations.len()))
    }

    /// Like [`TrackClient::batch`], but makes exactly one attempt, for callers that
    /// schedule their own retries (the pipeline). A transient failure is returned as
    /// is: see [`Error::is_transient`] and [`Error::retry_after`].
    pub async fn batch_once(&self, operations: &[Operation]) -> Result<BatchOutcome, Error> {
        let body = operation::batch_body(operations)?;
        let answer = self
            .inner
            .send_once(Request {
                method: Method::POST,
                url: format!("{}/batch", self.inner.v2),
                endpoint: "POST /api/v2/batch",
                body: Some(Bytes::from(body)),
                auth: true,
            })
            .await?;
        Ok(outcome(&answer, operations.len()))
    }

    /// Sends one operation to v2 `/entity` (at most 32 KB), with retries.
    pub async fn entity(&self, operation: &Operation) -> Result<(), Error> {
        check_limit(Limit::EntityRequest, operation.len(), None)?;
        self.send_bytes(
            Method::POST,
            format!("{}/entity", self.inner.v2),
            "POST /api/v2/entity",
            Some(operation.to_bytes()),
        )
        .await?;
        Ok(())
    }
}

/// The outcome of a batch of `count` operations that got a success status.
fn outcome(answer: &Answer, count: usize) -> BatchOutcome {
    if answer.status == 207 {
        operation::parse_partial(&answer.body, count)
    } else {
        BatchOutcome::default()
    }
}
