//! The campaigns run on what the emulator receives: a [`Simulation`] fed by every
//! accepted identify and event, on a clock that only tests (or the inbox) move.

use std::time::Duration;

use cio_core::journey::{Journeys, Simulation};
use cio_core::Timestamp;
use serde_json::{Map, Value};

/// The journeys the emulator runs and the simulation running them.
#[derive(Debug)]
pub(crate) struct Engine {
    journeys: &'static Journeys,
    start: Timestamp,
    pub(crate) simulation: Simulation,
}

impl Engine {
    /// A simulation of `journeys` whose clock starts at `start`.
    pub(crate) fn new(journeys: &'static Journeys, start: Timestamp) -> Self {
        Engine {
            journeys,
            start,
            simulation: Simulation::new(journeys, start),
        }
    }

    /// The same journeys with nobody in them, the clock back at its start.
    pub(crate) fn fresh(&self) -> Self {
        Engine::new(self.journeys, self.start)
    }

    /// An accepted identify of `customer`.
    pub(crate) fn identify(&mut self, customer: &str, attributes: &Map<String, Value>) {
        self.simulation.identify_json(customer, attributes.clone());
    }

    /// An accepted event of `customer` (page and screen views start nothing).
    pub(crate) fn event(&mut self, customer: &str, kind: &str, name: &str, data: &Value) {
        if kind != "event" {
            return;
        }
        let data = match data {
            Value::Object(map) => map.clone(),
            _ => Map::new(),
        };
        self.simulation.track_json(customer, name, data);
    }

    /// Moves the clock forward.
    pub(crate) fn advance(&mut self, by: Duration) {
        self.simulation.advance(by);
    }

    /// Moves the clock to `time` (never backwards).
    pub(crate) fn advance_until(&mut self, time: Timestamp) {
        self.simulation.advance_until(time);
    }
}
