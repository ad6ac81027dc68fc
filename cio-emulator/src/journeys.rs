//! The campaigns run on what the emulator receives: a [`Simulation`] fed by every
//! accepted identify and event, on a clock that only tests (or the inbox) move.

use std::collections::BTreeSet;
use std::time::Duration;

use cio_core::journey::{BranchTaken, Journeys, Simulation};
use cio_core::Timestamp;
use serde_json::{Map, Value};

/// The journeys the emulator runs and the simulation running them.
#[derive(Debug)]
pub(crate) struct Engine {
    journeys: &'static Journeys,
    /// Their id in coverage files.
    id: String,
    start: Timestamp,
    pub(crate) simulation: Simulation,
    /// What the journeys exercised, kept across [`Engine::fresh`] for coverage.
    pub(crate) exercised: Exercised,
}

/// The messages the journeys rendered and the branches they took, since the emulator
/// started (a [`clear`](crate::Emulator::clear) forgets the people, not these).
#[derive(Debug, Clone, Default)]
pub(crate) struct Exercised {
    /// Messages delivered and rendered without error.
    pub(crate) messages: BTreeSet<&'static str>,
    /// Every branch taken.
    pub(crate) branches: BTreeSet<BranchTaken>,
    /// How many of the simulation's deliveries were looked at.
    deliveries_seen: usize,
}

impl Engine {
    /// A simulation of `journeys` whose clock starts at `start`.
    pub(crate) fn new(journeys: &'static Journeys, start: Timestamp) -> Self {
        Engine {
            journeys,
            id: crate::Coverage::journeys_id(journeys),
            start,
            simulation: Simulation::new(journeys, start),
            exercised: Exercised::default(),
        }
    }

    /// The same journeys with nobody in them, the clock back at its start; what was
    /// exercised so far is kept.
    pub(crate) fn fresh(&self) -> Self {
        let mut engine = Engine::new(self.journeys, self.start);
        engine.exercised = Exercised {
            deliveries_seen: 0,
            ..self.exercised.clone()
        };
        engine
    }

    /// The id of the journeys in coverage files.
    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    /// An accepted identify of `customer`.
    pub(crate) fn identify(&mut self, customer: &str, attributes: &Map<String, Value>) {
        self.simulation.identify_json(customer, attributes.clone());
        self.collect();
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
        self.collect();
    }

    /// Moves the clock forward.
    pub(crate) fn advance(&mut self, by: Duration) {
        self.simulation.advance(by);
        self.collect();
    }

    /// Moves the clock to `time` (never backwards).
    pub(crate) fn advance_until(&mut self, time: Timestamp) {
        self.simulation.advance_until(time);
        self.collect();
    }

    /// Adds the deliveries and branches since the last look to [`Engine::exercised`].
    fn collect(&mut self) {
        let exercised = &mut self.exercised;
        let deliveries = self.simulation.deliveries();
        for delivery in deliveries.iter().skip(exercised.deliveries_seen) {
            if delivery.error.is_none() {
                exercised.messages.insert(delivery.message);
            }
        }
        exercised.deliveries_seen = deliveries.len();
        for branch in self.simulation.branches_taken() {
            if !exercised.branches.contains(branch) {
                exercised.branches.insert(branch.clone());
            }
        }
    }
}
