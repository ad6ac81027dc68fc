//! The campaigns run on what the emulator receives: a [`Simulation`] fed by every
//! accepted identify and event, on a clock that only tests (or the inbox) move.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use cio_core::journey::{BranchTaken, Journeys, Simulation};
use cio_core::webhook::Metric;
use cio_core::Timestamp;
use serde_json::{Map, Value};

use crate::objects::ObjectKey;
use crate::webhooks::{self, About, Notifier, ReportError, Source};

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
    /// Per person and campaign, what started their latest journey (the one a
    /// delivery of that person and campaign comes from: a person is in one journey
    /// of a campaign at a time, and journeys start only when an event is tracked).
    latest: HashMap<(String, &'static str), Source>,
    /// How many of the simulation's journeys were looked at.
    journeys_seen: usize,
    /// What started the journey of each delivery, in delivery order.
    sources: Vec<Source>,
    /// Where the deliveries are reported, when the emulator sends webhooks.
    webhooks: Option<Notifier>,
    /// The object types' names by type id, for `relationship_added` campaigns.
    object_types: &'static [(&'static str, u64)],
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
            latest: HashMap::new(),
            journeys_seen: 0,
            sources: Vec::new(),
            webhooks: None,
            object_types: &[],
        }
    }

    /// Knows the object types by these names and type ids (a taxonomy's
    /// `taxonomy::OBJECT_TYPES`): relationships to objects of other types start
    /// nothing.
    pub(crate) fn with_object_types(mut self, types: &'static [(&'static str, u64)]) -> Self {
        self.object_types = types;
        self
    }

    /// The name of the object type `type_id`, if known.
    pub(crate) fn type_name(&self, type_id: &str) -> Option<&'static str> {
        let type_id: u64 = type_id.parse().ok()?;
        self.object_types
            .iter()
            .find(|(_, id)| *id == type_id)
            .map(|(name, _)| *name)
    }

    /// The log of the webhooks sent, when the emulator sends them.
    pub(crate) fn webhook_log(&self) -> Option<&webhooks::Log> {
        self.webhooks.as_ref().map(Notifier::log)
    }

    /// Reports every delivery from now on through `notifier`.
    pub(crate) fn with_webhooks(mut self, notifier: Option<Notifier>) -> Self {
        self.webhooks = notifier;
        self
    }

    /// The same journeys with nobody in them, the clock back at its start; what was
    /// exercised so far is kept.
    pub(crate) fn fresh(&self) -> Self {
        let mut engine = Engine::new(self.journeys, self.start)
            .with_webhooks(self.webhooks.clone())
            .with_object_types(self.object_types);
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

    /// An accepted event of `customer` (page and screen views start nothing), with
    /// its `id`: the `trigger_event_id` of the journeys it starts.
    pub(crate) fn event(
        &mut self,
        customer: &str,
        kind: &str,
        name: &str,
        data: &Value,
        id: Option<&str>,
    ) {
        if kind != "event" {
            return;
        }
        let data = match data {
            Value::Object(map) => map.clone(),
            _ => Map::new(),
        };
        self.simulation.track_json(customer, name, data);
        self.note_started(id);
        self.collect();
    }

    /// An object created or updated: its attributes are what the messages of the
    /// campaigns a relationship to it starts read as `trigger.<type>.*`.
    pub(crate) fn object(&mut self, object: &ObjectKey, attributes: &Map<String, Value>) {
        if let Some(name) = self.type_name(&object.type_id) {
            self.simulation
                .object_json(name, &object.id, attributes.clone());
        }
    }

    /// A relationship added: starts the `relationship_added` campaigns of the
    /// object's type (when the type is known).
    pub(crate) fn relate(
        &mut self,
        customer: &str,
        object: &ObjectKey,
        relationship: Map<String, Value>,
    ) {
        let Some(name) = self.type_name(&object.type_id) else {
            return;
        };
        self.simulation
            .relate_json(customer, name, &object.id, relationship);
        self.note_started(None);
        self.collect();
    }

    /// Notes what started the journeys begun since the last look: the event `id`.
    fn note_started(&mut self, id: Option<&str>) {
        let started: Vec<(String, &'static str)> = self
            .simulation
            .journeys_all()
            .skip(self.journeys_seen)
            .map(|journey| (journey.person.to_owned(), journey.campaign))
            .collect();
        for key in started {
            let source = Source {
                journey: self.journeys_seen,
                trigger_event_id: id.map(str::to_owned),
            };
            self.latest.insert(key, source);
            self.journeys_seen += 1;
        }
    }

    /// Reports `metric` for delivery number `delivery` (see [`webhooks::report`]).
    pub(crate) fn report(&self, delivery: usize, metric: Metric) -> Result<String, ReportError> {
        let notifier = self.webhooks.as_ref().ok_or(ReportError::NoWebhook)?;
        let about = self.about(delivery).ok_or(ReportError::NoSuchDelivery {
            delivery,
            delivered: self.sources.len(),
        })?;
        let channel = about.delivery.channel.as_str();
        if metric.object_type() != channel {
            return Err(ReportError::WrongChannel {
                delivery,
                channel,
                metric: metric.to_string(),
            });
        }
        let event = webhooks::reported(about, metric, self.simulation.now());
        let id = event.event_id.clone();
        notifier.send(delivery, event);
        Ok(id)
    }

    /// What delivery number `index`'s webhooks say about it.
    fn about(&self, index: usize) -> Option<About<'_>> {
        let delivery = self.simulation.deliveries().get(index)?;
        let source = self.sources.get(index)?;
        let place = |position: Option<usize>| position.and_then(|p| u64::try_from(p + 1).ok());
        let journeys = self.journeys;
        Some(About {
            index,
            delivery,
            source,
            campaign_id: place(
                journeys
                    .campaigns
                    .iter()
                    .position(|c| c.name == delivery.campaign),
            ),
            action_id: place(
                journeys
                    .messages
                    .iter()
                    .position(|m| m.name == delivery.message),
            ),
            email: self
                .simulation
                .profile(&delivery.person)
                .and_then(|profile| profile.get("email"))
                .and_then(Value::as_str),
        })
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
        self.report_deliveries();
    }

    /// Notes what started the journey of each new delivery, and reports the
    /// delivery with webhooks when the emulator sends them.
    fn report_deliveries(&mut self) {
        let deliveries = self.simulation.deliveries();
        let seen = self.sources.len();
        for (index, delivery) in deliveries.iter().enumerate().skip(seen) {
            let key = (delivery.person.clone(), delivery.campaign);
            let source = self.latest.get(&key).cloned().unwrap_or(Source {
                journey: self.journeys_seen,
                trigger_event_id: None,
            });
            self.sources.push(source);
            if let (Some(notifier), Some(about)) = (&self.webhooks, self.about(index)) {
                for event in webhooks::on_delivery(about) {
                    notifier.send(index, event);
                }
            }
        }
    }
}
