//! The Customer.io Data Pipelines API client: [`PipelinesClient`].
//!
//! The same typed calls as the Track API's [`TrackClient`](super::TrackClient), sent
//! as Pipelines calls (`identify`, `track`, `page`, `screen`, `group`, `alias`, and
//! the semantic events: `User Deleted`, `Device Created or Updated`, ...):
//!
//! - always in strict mode (`X-Strict-Mode: 1`), so that an invalid or oversize call
//!   is refused with a 400 rather than accepted with a 200 and dropped;
//! - each call's `messageId` is its ULID ([`Operation::message_id`]), the same on
//!   every retry and, through the outbox, after a crash;
//! - times in ISO 8601 with milliseconds, converted from cio's Unix seconds;
//! - `context.library` names cio and its version; `integrations` routes a call to
//!   some of the source's destinations only ([`Integrations`]);
//! - the 32 KB per call and 500 KB per batch limits are checked before a byte is
//!   sent, and requests are spaced to stay within 3,000 per 3 seconds.
//!
//! The [`Pipeline`](crate::Pipeline) and the outbox relay deliver through it too
//! (`/v1/batch`), given a [`Destination::Pipelines`](super::Destination).

mod builder;
pub(crate) mod call;
mod integrations;

use std::fmt;
use std::sync::Arc;

use reqwest::Method;

pub use builder::{PipelinesClientBuilder, PIPELINES_SPACING};
pub use integrations::Integrations;

use super::body::write_json;
use super::config::ApiKey;
use super::error::Error;
use super::rate::Spacing;
use super::transport::{Answer, Request};
use super::{
    Customer, DeliveryMetric, Device, Inner, ObjectRef, Operation, Region, RetryPolicy, View,
};
use crate::{Attributes, Event, EventId, Tracked};
use call::{finish, write_head, write_raw, write_timestamp};

/// What closes every call: `context.library` and the routing.
#[derive(Debug)]
pub(crate) struct Envelope {
    /// `"library":{"name":"cio","version":"…"}`.
    library: Vec<u8>,
    /// `,"integrations":{…}`, or nothing for every destination.
    integrations: Vec<u8>,
    /// `,"context":{<library>}<integrations>}`: the end of a call without its own
    /// context.
    suffix: Vec<u8>,
}

impl Envelope {
    fn new(integrations: &Integrations) -> Result<Self, Error> {
        let mut library = b"\"library\":".to_vec();
        write_json(
            &mut library,
            &serde_json::json!({"name": "cio", "version": env!("CARGO_PKG_VERSION")}),
        )?;
        let integrations = integrations.to_field()?;
        let mut envelope = Envelope {
            library,
            integrations,
            suffix: Vec::new(),
        };
        envelope.suffix = envelope.close(&[]);
        Ok(envelope)
    }

    /// `,"context":{<context>,<library>}<integrations>}`.
    fn close(&self, context: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(context.len() + self.library.len() + 48);
        out.extend_from_slice(b",\"context\":{");
        if !context.is_empty() {
            out.extend_from_slice(context);
            out.push(b',');
        }
        out.extend_from_slice(&self.library);
        out.push(b'}');
        out.extend_from_slice(&self.integrations);
        out.push(b'}');
        out
    }
}

/// A client of the Customer.io Data Pipelines API (`https://cdp.customer.io/v1`),
/// authenticated with a source's write key.
///
/// Cheap to clone: clones share one connection pool and one request spacing.
///
/// ```no_run
/// # async fn demo() -> Result<(), cio_core::client::Error> {
/// use cio_core::client::{Customer, PipelinesClient, Region};
/// let client = PipelinesClient::new("write-key", Region::Us)?;
/// client.delete(&Customer::id("42")).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PipelinesClient {
    inner: Arc<Inner>,
    spacing: Arc<Spacing>,
    envelope: Arc<Envelope>,
}

impl fmt::Debug for PipelinesClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PipelinesClient")
            .field("base_url", &self.inner.origin)
            .field("write_key", &"<redacted>")
            .field("retry", &self.inner.retry)
            .finish()
    }
}

impl PipelinesClient {
    /// A client of the source whose write key is `write_key`, in `region`.
    pub fn new(write_key: impl Into<ApiKey>, region: Region) -> Result<Self, Error> {
        PipelinesClient::builder(write_key).region(region).build()
    }

    /// A client configured from `CUSTOMERIO_PIPELINES_WRITE_KEY` and
    /// `CUSTOMERIO_REGION` (`us` or `eu`, default `us`).
    pub fn from_env() -> Result<Self, Error> {
        PipelinesClient::builder_from_env()?.build()
    }

    /// A builder configured from the environment, like [`PipelinesClient::from_env`].
    pub fn builder_from_env() -> Result<PipelinesClientBuilder, Error> {
        let key = std::env::var("CUSTOMERIO_PIPELINES_WRITE_KEY")
            .map_err(|_| Error::Config("CUSTOMERIO_PIPELINES_WRITE_KEY is not set".to_owned()))?;
        let region = match std::env::var("CUSTOMERIO_REGION") {
            Ok(region) => region.parse()?,
            Err(_) => Region::Us,
        };
        Ok(PipelinesClient::builder(key).region(region))
    }

    /// A builder, to set the region, a base URL, timeouts, retries, routing.
    pub fn builder(write_key: impl Into<ApiKey>) -> PipelinesClientBuilder {
        PipelinesClientBuilder::new(write_key)
    }

    /// The origin requests go to (`https://cdp.customer.io`, or the base URL set).
    pub fn base_url(&self) -> &str {
        &self.inner.origin
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// A clone whose calls are routed to `integrations` instead (the connection pool
    /// and the request spacing are shared).
    pub fn with_integrations(&self, integrations: &Integrations) -> Result<Self, Error> {
        Ok(PipelinesClient {
            inner: Arc::clone(&self.inner),
            spacing: Arc::clone(&self.spacing),
            envelope: Arc::new(Envelope::new(integrations)?),
        })
    }

    /// The end of every call converted from an operation.
    pub(crate) fn suffix(&self) -> &[u8] {
        &self.envelope.suffix
    }

    /// The most bytes a call can be longer than the operation it comes from.
    pub(crate) fn call_growth(&self) -> usize {
        call::GROWTH + self.suffix().len()
    }

    /// The Pipelines call of `operation` (for a batch, or sent alone).
    pub(crate) fn call_of(&self, operation: &Operation) -> Result<Vec<u8>, Error> {
        call::from_operation(operation, self.suffix())
    }

    /// Creates or updates `customer` with `attributes` (`identify`; `traits` checked
    /// against the taxonomy), stamped with the time it is sent.
    pub async fn identify<A: Attributes + ?Sized>(
        &self,
        customer: &Customer,
        attributes: &A,
    ) -> Result<(), Error> {
        self.entity(&Operation::identify(customer, attributes)?)
            .await
    }

    /// Tracks an event of `customer` (`track`; its data as `properties`); returns the
    /// event's ULID, sent as `messageId`.
    pub async fn track<E: Event>(
        &self,
        customer: &Customer,
        event: impl Into<Tracked<E>>,
    ) -> Result<EventId, Error> {
        let tracked = event.into();
        self.entity(&Operation::event(customer, &tracked)?).await?;
        Ok(tracked.id())
    }

    /// Tracks an event of a person not identified yet (`anonymousId`).
    pub async fn track_anonymous<E: Event>(
        &self,
        anonymous_id: &str,
        event: impl Into<Tracked<E>>,
    ) -> Result<EventId, Error> {
        let tracked = event.into();
        // The checks and bytes of an identified event, its person named anonymous.
        let holder = Customer::id(anonymous_id);
        holder.validate()?;
        let op = Operation::event(&holder, &tracked)?;
        let call = call::anonymous_event(&op, self.suffix())?;
        self.post("track", call).await?;
        Ok(tracked.id())
    }

    /// A page or screen view of `customer` (`page` or `screen`).
    pub async fn view(&self, customer: &Customer, view: &View) -> Result<EventId, Error> {
        self.entity(&Operation::view(customer, view)?).await?;
        Ok(view.id())
    }

    /// Deletes `customer` (the `User Deleted` semantic event).
    pub async fn delete(&self, customer: &Customer) -> Result<(), Error> {
        self.entity(&Operation::delete(customer)?).await
    }

    /// Deletes `customer` and blocks their identifiers (`User Suppressed`).
    pub async fn suppress(&self, customer: &Customer) -> Result<(), Error> {
        self.entity(&Operation::suppress(customer)?).await
    }

    /// Frees `customer`'s identifiers (`User Unsuppressed`).
    pub async fn unsuppress(&self, customer: &Customer) -> Result<(), Error> {
        self.entity(&Operation::unsuppress(customer)?).await
    }

    /// Merges `previous` into `primary` (`alias`: `userId` and `previousId`).
    pub async fn alias(&self, primary: &Customer, previous: &Customer) -> Result<(), Error> {
        self.entity(&Operation::merge(primary, previous)?).await
    }

    /// Creates or updates `object` with `attributes` and relates `customer` to it
    /// (`group`; `object_type_id` sent as the string Customer.io expects).
    pub async fn group<A: Attributes + ?Sized>(
        &self,
        customer: &Customer,
        object: &ObjectRef,
        attributes: &A,
    ) -> Result<(), Error> {
        object.check()?;
        let mut traits = Vec::with_capacity(128);
        super::payload::write_attributes(&mut traits, attributes)?;
        let call = self.person_call("group", customer, |out| {
            out.extend_from_slice(b",\"groupId\":");
            write_json(out, object.id())?;
            out.extend_from_slice(b",\"traits\":{\"object_type_id\":");
            write_json(out, &object.type_id().to_string())?;
            match traits.as_slice() {
                b"{}" | b"null" => out.push(b'}'),
                [b'{', rest @ ..] => {
                    out.push(b',');
                    out.extend_from_slice(rest);
                }
                _ => {
                    return Err(Error::Serialize(
                        "an object's attributes must be a JSON object".to_owned(),
                    ))
                }
            }
            Ok(())
        })?;
        self.post("group", call).await
    }

    /// Removes `customer`'s relationship to `object` (`Relationship Deleted`).
    pub async fn delete_relationship(
        &self,
        customer: &Customer,
        object: &ObjectRef,
    ) -> Result<(), Error> {
        object.check()?;
        let call = self.person_call("track", customer, |out| {
            out.extend_from_slice(b",\"event\":\"Relationship Deleted\"");
            object_properties(out, object)
        })?;
        self.post("track", call).await
    }

    /// Deletes `object` (`Object Deleted`; the call's `anonymousId` is its ULID, as
    /// the schema asks for one).
    pub async fn delete_object(&self, object: &ObjectRef) -> Result<(), Error> {
        object.check()?;
        let id = EventId::new();
        let mut out = Vec::with_capacity(256);
        write_head(&mut out, "track", "anonymousId", &id.to_string(), id)?;
        out.extend_from_slice(b",\"event\":\"Object Deleted\"");
        object_properties(&mut out, object)?;
        let call = finish(out, self.suffix())?;
        self.post("track", call).await
    }

    /// Adds or updates a push device of `customer` (`Device Created or Updated`, the
    /// token and platform in `context.device`, its attributes as `properties`).
    pub async fn add_device(&self, customer: &Customer, device: &Device) -> Result<(), Error> {
        if device.token().is_empty() {
            return Err(Error::InvalidIdentifier(
                "the device token is empty".to_owned(),
            ));
        }
        self.device_call(
            customer,
            "Device Created or Updated",
            device.token(),
            Some(device),
        )
        .await
    }

    /// Deletes the push device `token` of `customer` (`Device Deleted`).
    pub async fn delete_device(&self, customer: &Customer, token: &str) -> Result<(), Error> {
        if token.is_empty() {
            return Err(Error::InvalidIdentifier(
                "the device token is empty".to_owned(),
            ));
        }
        self.device_call(customer, "Device Deleted", token, None)
            .await
    }

    /// Reports what became of a message (`Report Delivery Event`): the Pipelines API
    /// takes `delivered`, `opened`, `clicked` and `converted`.
    pub async fn report_delivery(&self, metric: &DeliveryMetric) -> Result<(), Error> {
        let name = metric.metric().name();
        if !matches!(name, "delivered" | "opened" | "clicked" | "converted") {
            return Err(Error::Unsupported(format!(
                "the Data Pipelines API reports delivered, opened, clicked and converted, not `{name}` (the Track API's metrics take it)"
            )));
        }
        let properties = metric.pipelines_properties()?;
        let id = EventId::new();
        let mut out = Vec::with_capacity(256);
        write_head(&mut out, "track", "anonymousId", &id.to_string(), id)?;
        out.extend_from_slice(b",\"event\":\"Report Delivery Event\"");
        if let Some(at) = metric.timestamp() {
            write_timestamp(&mut out, at)?;
        }
        write_raw(&mut out, "properties", &properties);
        let call = finish(out, self.suffix())?;
        self.post("track", call).await
    }

    /// Sends `operations` as one `/v1/batch` request, with retries.
    pub async fn batch(&self, operations: &[Operation]) -> Result<(), Error> {
        let body = self.batch_body(operations)?;
        self.spacing.wait().await;
        self.inner.send(self.request("batch", body)).await.map(drop)
    }

    /// [`PipelinesClient::batch`] without retries: the pipeline and the relay retry
    /// per operation.
    pub(crate) async fn batch_once(&self, calls: &[Vec<u8>]) -> Result<Answer, Error> {
        let body = call::batch_body(calls)?;
        self.spacing.wait().await;
        self.inner.send_once(self.request("batch", body)).await
    }

    fn batch_body(&self, operations: &[Operation]) -> Result<Vec<u8>, Error> {
        let calls = operations
            .iter()
            .map(|op| self.call_of(op))
            .collect::<Result<Vec<_>, _>>()?;
        call::batch_body(&calls)
    }

    /// Sends any operation (an object, a relationship, a topic preference, ...) as its
    /// own call, with retries: the Pipelines API's counterpart of
    /// [`TrackClient::entity`](super::TrackClient::entity).
    pub async fn entity(&self, operation: &Operation) -> Result<(), Error> {
        let call = self.call_of(operation)?;
        let path = call::path_of(operation.kind());
        self.post(path, call).await
    }

    /// A call about `customer`, with `fields` written after its head.
    fn person_call(
        &self,
        call: &str,
        customer: &Customer,
        fields: impl FnOnce(&mut Vec<u8>) -> Result<(), Error>,
    ) -> Result<Vec<u8>, Error> {
        customer.validate()?;
        let mut out = Vec::with_capacity(256);
        write_head(
            &mut out,
            call,
            "userId",
            &call::user_id(customer),
            EventId::new(),
        )?;
        fields(&mut out)?;
        finish(out, self.suffix())
    }

    async fn device_call(
        &self,
        customer: &Customer,
        event: &str,
        token: &str,
        device: Option<&Device>,
    ) -> Result<(), Error> {
        customer.validate()?;
        let mut out = Vec::with_capacity(256);
        write_head(
            &mut out,
            "track",
            "userId",
            &call::user_id(customer),
            EventId::new(),
        )?;
        out.extend_from_slice(b",\"event\":");
        write_json(&mut out, event)?;
        let mut context = b"\"device\":{\"token\":".to_vec();
        write_json(&mut context, token)?;
        if let Some(device) = device {
            context.extend_from_slice(b",\"type\":");
            write_json(&mut context, &device.platform())?;
            let properties = device.pipelines_properties()?;
            if properties.as_slice() != b"{}" {
                write_raw(&mut out, "properties", &properties);
            }
        }
        context.push(b'}');
        out.extend_from_slice(&self.envelope.close(&context));
        super::error::check_limit(super::Limit::PipelinesCall, out.len(), None)?;
        self.post("track", out).await
    }

    fn request(&self, path: &'static str, body: Vec<u8>) -> Request<'static> {
        Request {
            method: Method::POST,
            url: format!("{}/{path}", self.inner.v1),
            endpoint: endpoint_of(path),
            body: Some(body.into()),
            auth: true,
        }
    }

    async fn post(&self, path: &'static str, call: Vec<u8>) -> Result<(), Error> {
        self.spacing.wait().await;
        self.inner.send(self.request(path, call)).await.map(drop)
    }
}

/// `,"properties":{"objectId":..,"objectTypeId":..}`.
fn object_properties(out: &mut Vec<u8>, object: &ObjectRef) -> Result<(), Error> {
    out.extend_from_slice(b",\"properties\":{\"objectId\":");
    write_json(out, object.id())?;
    out.extend_from_slice(b",\"objectTypeId\":");
    write_json(out, &object.type_id())?;
    out.push(b'}');
    Ok(())
}

/// The endpoint of a path, for logs.
fn endpoint_of(path: &str) -> &'static str {
    match path {
        "identify" => "POST /v1/identify",
        "track" => "POST /v1/track",
        "page" => "POST /v1/page",
        "screen" => "POST /v1/screen",
        "group" => "POST /v1/group",
        "alias" => "POST /v1/alias",
        _ => "POST /v1/batch",
    }
}

impl DeliveryMetric {
    /// The `properties` of a `Report Delivery Event`.
    fn pipelines_properties(&self) -> Result<Vec<u8>, Error> {
        let (delivery_id, recipient, reason, href) = self.parts();
        let mut map = serde_json::Map::new();
        map.insert("deliveryId".into(), delivery_id.into());
        map.insert("metric".into(), self.metric().name().into());
        for (key, value) in [("recipient", recipient), ("reason", reason), ("href", href)] {
            if let Some(value) = value {
                map.insert(key.into(), value.into());
            }
        }
        let mut out = Vec::with_capacity(128);
        write_json(&mut out, &map)?;
        Ok(out)
    }
}

impl Device {
    /// The `properties` of a `Device Created or Updated`: its attributes, and
    /// `last_used` in ISO 8601.
    fn pipelines_properties(&self) -> Result<Vec<u8>, Error> {
        let mut map = self.attributes().clone();
        if let Some(at) = self.last_used_at() {
            map.insert("last_used".into(), call::iso_8601(at)?.into());
        }
        let mut out = Vec::with_capacity(64);
        write_json(&mut out, &map)?;
        Ok(out)
    }
}
