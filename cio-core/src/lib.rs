//! The runtime of [customerio](https://docs.rs/customerio) (used as `cio`): the traits
//! generated code implements, value types, the Customer.io Track and App API clients,
//! the delivery pipeline, the transactional outbox and the journeys.
//!
//! Users depend on `customerio`, which re-exports what they need from here.

pub mod client;
pub mod constraint;
mod delivery;
mod event;
pub mod journey;
mod message;
mod object;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub mod outbox;
/// The transactional outbox: enable the `sqlite` or `postgres` feature.
#[cfg(not(any(feature = "sqlite", feature = "postgres")))]
pub mod outbox {}
pub mod pipeline;
mod timestamp;
pub mod webhook;

#[doc(hidden)]
pub mod __private;

pub use client::{Customer, Region, TrackClient};
pub use constraint::{Problem, Violation};
pub use event::{Attributes, Enum, Event, EventId, InvalidEventId, Tracked};
pub use message::{
    AppTarget, AppTemplate, Broadcast, MessageChannel, MessageData, TransactionalId,
    TransactionalMessage,
};
pub use object::{Object, Relationship, SubscriptionTopic};
pub use pipeline::{FullQueue, Pipeline, PipelineConfig, PipelineStats, ShutdownReport};
pub use timestamp::Timestamp;
