//! The runtime of [cio](https://docs.rs/cio): the traits generated code implements,
//! value types, the Customer.io Track API client and the delivery pipeline.
//!
//! Users depend on `cio`, which re-exports everything here.

pub mod client;
pub mod constraint;
mod event;
pub mod journey;
mod message;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub mod outbox;
pub mod pipeline;
mod timestamp;

#[doc(hidden)]
pub mod __private;

pub use client::{Customer, Region, TrackClient};
pub use constraint::{Problem, Violation};
pub use event::{Attributes, Enum, Event, EventId, InvalidEventId, Tracked};
pub use message::{
    AppTarget, AppTemplate, Broadcast, MessageChannel, MessageData, TransactionalId,
    TransactionalMessage,
};
pub use pipeline::{FullQueue, Pipeline, PipelineConfig, PipelineStats, ShutdownReport};
pub use timestamp::Timestamp;
