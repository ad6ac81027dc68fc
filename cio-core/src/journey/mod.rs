//! Journeys you can test: the campaigns of `events.toml` run on a virtual clock, and
//! their messages rendered with Customer.io's Liquid.
//!
//! `cio::taxonomy!()` writes the campaigns and messages as static data
//! (`taxonomy::JOURNEYS`, a [`Journeys`]); a [`Simulation`] runs them for simulated
//! people: [`identify`](Simulation::identify), [`track`](Simulation::track),
//! [`advance`](Simulation::advance), then [`deliveries`](Simulation::deliveries),
//! each rendered by a [`Renderer`]. docs/journeys.md describes the semantics.

mod branch;
mod condition;
mod data;
mod render;
mod simulation;

pub use branch::{step_path, BranchTaken, Decision, StepTaken};
pub use data::{
    Campaign, Channel, CompareOp, Condition, Journeys, Literal, Message, Path, Step,
    RELATIONSHIP_ADDED,
};
pub use render::{
    json_value, parse, parser, render_bounded, render_source, Context, Limits, RenderError,
    Rendered, Renderer, FILTERS,
};
pub use simulation::{Delivery, JourneyStatus, JourneyView, Simulation, TrackedEvent};
