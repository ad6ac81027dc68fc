#![doc = include_str!("../docs/guide.md")]

// Generated code names this crate `::cio`; inside it (doctests, examples) too.
#[allow(unused_extern_crates)]
extern crate self as cio;

// The taxonomy: `events.toml` turned into types, and the derives that check the app's
// own structs against it.
pub use cio_core::{
    Attributes, Enum, Event, EventId, InvalidEventId, Problem, Timestamp, Tracked, Violation,
};
pub use cio_derive::{taxonomy, Attributes, Enum, Event};

// Object types and subscription topics, as `taxonomy!()` generates them.
pub use cio_core::{Object, Relationship, SubscriptionTopic};
pub use cio_derive::{Object, Relationship};

// The App API's typed messages, as `taxonomy!()` generates them.
pub use cio_core::{
    AppTarget, AppTemplate, Broadcast, MessageChannel, MessageData, TransactionalId,
    TransactionalMessage,
};

// The ways to deliver, from the most durable: the outbox (with the `sqlite` or
// `postgres` feature), the pipeline, the clients.
pub use cio_core::client::{
    AppClient, Customer, Destination, PipelinesClient, Region, TrackClient,
};
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub use cio_core::outbox::{Outbox, Relay, RelayConfig};
pub use cio_core::pipeline::{Pipeline, PipelineConfig};

pub mod client {
    //! The Track API, Data Pipelines API and App API clients, the identifiers and
    //! operations they send, and their errors.
    //!
    //! Most apps send through the [outbox](crate::outbox) or the
    //! [pipeline](crate::pipeline); a client on its own sends one request at a time
    //! and reports each outcome.

    pub use cio_core::client::{
        AccountRegion, ApiKey, AppClient, AppClientBuilder, Audience, BatchOutcome,
        BroadcastTrigger, Customer, Delivery, DeliveryMetric, Destination, Device, EmailMetric,
        Error, FailureClass, IdentifierKind, InAppMetric, Integrations, Limit, Metric, ObjectRef,
        Operation, OperationKind, PipelinesClient, PipelinesClientBuilder, Platform, PushEvent,
        PushEventKind, PushMetric, RateLimits, Region, RetryPolicy, Segment, SendOptions,
        SmsMetric, TrackClient, TrackClientBuilder, View, ViewKind, ATTACHMENTS_MAX,
        DEFAULT_TIMEOUT, DEFAULT_USER_AGENT, PIPELINES_SPACING,
    };
}

pub mod pipeline {
    //! The in-memory delivery pipeline: bounded, batched, retried, rate limited.
    //!
    //! [`Pipeline::start`] takes a [`TrackClient`](crate::TrackClient) or a
    //! [`PipelinesClient`](crate::PipelinesClient) and a [`PipelineConfig`]; `track`
    //! and `identify` queue, a background task sends `/api/v2/batch` (or `/v1/batch`)
    //! requests. What is queued is lost if the process dies: the
    //! [outbox](crate::outbox) keeps it in the app's database instead.

    pub use cio_core::pipeline::{
        EnqueueError, Failure, FailureReason, FullQueue, Pipeline, PipelineConfig, PipelineStats,
        ShutdownReport,
    };
}

/// The transactional outbox: events written in the app's own database transaction,
/// delivered by a relay (enable the `sqlite` or `postgres` feature).
pub use cio_core::outbox;

pub mod journey {
    //! The campaigns of `events.toml` run on a virtual clock: which messages each
    //! person would receive, when, rendered as Customer.io renders their Liquid.

    pub use cio_core::journey::{
        BranchTaken, Campaign, Channel, CompareOp, Condition, Context, Decision, Delivery,
        JourneyStatus, JourneyView, Journeys, Literal, Message, Path, RenderError, Rendered,
        Renderer, Simulation, Step, StepTaken, TrackedEvent, RELATIONSHIP_ADDED,
    };
}

/// What Customer.io sends back: reporting webhooks typed as
/// [`ReportingEvent`](webhook::ReportingEvent), the signature checks of reporting
/// webhooks and of the Data Pipelines webhook destination, and (the `axum` feature)
/// the extractors that run them before a handler.
pub use cio_core::webhook;

/// The Customer.io emulator for tests: a real HTTP server on 127.0.0.1 that speaks the
/// Track and App APIs, records what it accepted and runs the journeys (the `emulator`
/// feature, meant for `[dev-dependencies]`).
#[cfg(feature = "emulator")]
pub use cio_emulator as emulator;

#[doc(hidden)]
pub use cio_core::__private;

// The README's examples compile and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
