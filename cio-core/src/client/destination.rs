//! [`Destination`]: which Customer.io API the pipeline and the outbox relay deliver
//! to.

use super::{Customer, Error, PipelinesClient, TrackClient, View};
use crate::{Attributes, Event, EventId, Tracked};

/// The API operations are delivered to: the Track API (`/api/v2/batch`) or the Data
/// Pipelines API (`/v1/batch`). The [`Pipeline`](crate::Pipeline) and the outbox relay
/// take either, and give every guarantee on both: the same batching, retries, dead
/// letters and order per person. Switching is this one value; outbox rows written
/// for one API are delivered by the other as they are.
///
/// It also sends the calls both APIs have (`identify`, `track`, views, `delete`,
/// `suppress`, `unsuppress`, `merge`) one request at a time, so that code written
/// against it runs on either.
///
/// ```
/// use cio_core::client::{Destination, PipelinesClient, Region, TrackClient};
/// let track: Destination = TrackClient::new("site", "key", Region::Us).unwrap().into();
/// let pipelines: Destination = PipelinesClient::new("write-key", Region::Us).unwrap().into();
/// assert_eq!((track.api(), pipelines.api()), ("track", "pipelines"));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Destination {
    /// The Track API.
    Track(TrackClient),
    /// The Data Pipelines API.
    Pipelines(PipelinesClient),
}

impl Destination {
    /// The API named by `CUSTOMERIO_API` (`track` or `pipelines`), configured from
    /// the environment as [`TrackClient::from_env`] or [`PipelinesClient::from_env`]
    /// do. Without `CUSTOMERIO_API`: the Data Pipelines API when
    /// `CUSTOMERIO_PIPELINES_WRITE_KEY` is set, the Track API otherwise.
    pub fn from_env() -> Result<Self, Error> {
        let api = match std::env::var("CUSTOMERIO_API") {
            Ok(api) => api.trim().to_ascii_lowercase(),
            Err(_) if std::env::var_os("CUSTOMERIO_PIPELINES_WRITE_KEY").is_some() => {
                "pipelines".to_owned()
            }
            Err(_) => "track".to_owned(),
        };
        match api.as_str() {
            "track" => Ok(TrackClient::from_env()?.into()),
            "pipelines" => Ok(PipelinesClient::from_env()?.into()),
            other => Err(Error::Config(format!(
                "CUSTOMERIO_API is `{other}`: expected `track` or `pipelines`"
            ))),
        }
    }

    /// `track` or `pipelines`.
    pub fn api(&self) -> &'static str {
        match self {
            Destination::Track(_) => "track",
            Destination::Pipelines(_) => "pipelines",
        }
    }

    /// The origin requests go to.
    pub fn base_url(&self) -> &str {
        match self {
            Destination::Track(client) => client.base_url(),
            Destination::Pipelines(client) => client.base_url(),
        }
    }
}

/// Calls both APIs have, sent by the one chosen.
impl Destination {
    /// Creates or updates `customer` with `attributes`.
    pub async fn identify<A: Attributes + ?Sized>(
        &self,
        customer: &Customer,
        attributes: &A,
    ) -> Result<(), Error> {
        match self {
            Destination::Track(client) => client.identify(customer, attributes).await,
            Destination::Pipelines(client) => client.identify(customer, attributes).await,
        }
    }

    /// Tracks an event of `customer`; returns its ULID.
    pub async fn track<E: Event>(
        &self,
        customer: &Customer,
        event: impl Into<Tracked<E>>,
    ) -> Result<EventId, Error> {
        match self {
            Destination::Track(client) => client.track(customer, event).await,
            Destination::Pipelines(client) => client.track(customer, event).await,
        }
    }

    /// Tracks an event of a person not identified yet.
    pub async fn track_anonymous<E: Event>(
        &self,
        anonymous_id: &str,
        event: impl Into<Tracked<E>>,
    ) -> Result<EventId, Error> {
        match self {
            Destination::Track(client) => client.track_anonymous(anonymous_id, event).await,
            Destination::Pipelines(client) => client.track_anonymous(anonymous_id, event).await,
        }
    }

    /// A page or screen view of `customer`; returns its ULID.
    pub async fn view(&self, customer: &Customer, view: &View) -> Result<EventId, Error> {
        match self {
            Destination::Track(client) => client.view(customer, view).await,
            Destination::Pipelines(client) => client.view(customer, view).await,
        }
    }

    /// Deletes `customer`.
    pub async fn delete(&self, customer: &Customer) -> Result<(), Error> {
        match self {
            Destination::Track(client) => client.delete(customer).await,
            Destination::Pipelines(client) => client.delete(customer).await,
        }
    }

    /// Deletes `customer` and blocks their identifiers.
    pub async fn suppress(&self, customer: &Customer) -> Result<(), Error> {
        match self {
            Destination::Track(client) => client.suppress(customer).await,
            Destination::Pipelines(client) => client.suppress(customer).await,
        }
    }

    /// Frees `customer`'s identifiers.
    pub async fn unsuppress(&self, customer: &Customer) -> Result<(), Error> {
        match self {
            Destination::Track(client) => client.unsuppress(customer).await,
            Destination::Pipelines(client) => client.unsuppress(customer).await,
        }
    }

    /// Sends any operation (an object, a relationship, a topic preference, ...) alone.
    pub async fn entity(&self, operation: &super::Operation) -> Result<(), Error> {
        match self {
            Destination::Track(client) => client.entity(operation).await,
            Destination::Pipelines(client) => client.entity(operation).await,
        }
    }

    /// Merges `secondary` into `primary` (the Pipelines API's `alias`).
    pub async fn merge(&self, primary: &Customer, secondary: &Customer) -> Result<(), Error> {
        match self {
            Destination::Track(client) => client.merge(primary, secondary).await,
            Destination::Pipelines(client) => client.alias(primary, secondary).await,
        }
    }
}

impl From<TrackClient> for Destination {
    fn from(client: TrackClient) -> Self {
        Destination::Track(client)
    }
}

impl From<PipelinesClient> for Destination {
    fn from(client: PipelinesClient) -> Self {
        Destination::Pipelines(client)
    }
}
