//! [`Simulation`]: the campaigns of a taxonomy run on a virtual clock.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap};
use std::time::Duration;

use serde_json::{Map, Value};

use super::branch::{step_path, BranchTaken, Decision, StepTaken};
use super::condition::{holds, reads, Facts};
use super::data::{Campaign, Channel, Journeys, Step};
use super::render::{Context, RenderError, Renderer};
use crate::{Attributes, Event, Object, Relationship, Timestamp};

/// A message a journey delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// When it was sent, on the simulation's clock.
    pub time: Timestamp,
    /// The person it was sent to.
    pub person: String,
    /// The campaign that sent it.
    pub campaign: &'static str,
    /// The message's name.
    pub message: &'static str,
    /// The channel it went out on.
    pub channel: Channel,
    /// The rendered subject, for messages that have one.
    pub subject: Option<String>,
    /// The rendered body (empty when rendering failed).
    pub body: String,
    /// Why rendering failed, if it did (Customer.io does not send such a message;
    /// the simulation keeps it, so that a test sees the failure).
    pub error: Option<RenderError>,
}

/// An event a person performed, as the simulation recorded it.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackedEvent {
    /// The event's name.
    pub name: String,
    /// Its data.
    pub data: Map<String, Value>,
    /// When it was tracked.
    pub time: Timestamp,
}

/// Where a journey stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JourneyStatus {
    /// Paused in a `wait` step until the given time.
    Waiting {
        /// When the journey continues.
        until: Timestamp,
    },
    /// Past its last step.
    Finished {
        /// When it ended.
        at: Timestamp,
    },
}

/// One person's journey through one campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JourneyView<'a> {
    /// The person.
    pub person: &'a str,
    /// The campaign.
    pub campaign: &'static str,
    /// When the trigger event started it.
    pub started: Timestamp,
    /// Where it stands.
    pub status: JourneyStatus,
    /// Every step it ran so far, in order: the path it took through the campaign,
    /// how each `if` was decided, and (when waiting) the `wait` it waits in last.
    pub trail: &'a [StepTaken],
}

struct Person {
    id: String,
    attributes: Map<String, Value>,
    events: Vec<TrackedEvent>,
    /// Sequence number of each of `events` (to tell "since the trigger").
    event_seqs: Vec<u64>,
    /// Journeys in progress.
    active: Vec<usize>,
}

struct Journey {
    person: usize,
    campaign: &'static Campaign,
    trigger: usize,
    trigger_seq: u64,
    started: i64,
    /// The steps still to run: each frame is a list of steps and the next index.
    frames: Vec<(&'static [Step], usize)>,
    status: JourneyStatus,
    /// The steps run so far.
    trail: Vec<StepTaken>,
}

/// The campaigns of a taxonomy, run for simulated people on a virtual clock.
///
/// Semantics (docs/journeys.md says more):
///
/// - tracking a campaign's trigger event starts a journey for that person, unless
///   the person is already in a journey through that campaign: a second trigger
///   during a journey starts nothing (the event is still recorded, and counts for
///   `performed`); once the journey ends, the next trigger starts a new one;
/// - the steps run in order, at once, until a `wait`, which pauses the journey for
///   its duration on the virtual clock;
/// - an `if` is evaluated when the step is reached, against the profile at that
///   moment and the trigger event's data; `performed EVENT` holds when the person
///   tracked EVENT after the trigger;
/// - a `send` renders the message (Liquid, Customer.io's filters) with the profile
///   at that moment and the trigger's data, and records a [`Delivery`];
/// - the clock only moves with [`advance`](Self::advance) or
///   [`advance_until`](Self::advance_until), which run every step due up to and
///   including the new time, in time order; an event tracked afterwards, even at
///   the same second, is seen only by the steps that come later.
///
/// ```
/// use std::time::Duration;
/// use cio_core::journey::{Campaign, Channel, Journeys, Message, Simulation, Step};
/// use cio_core::Timestamp;
///
/// static JOURNEYS: Journeys = Journeys {
///     campaigns: &[Campaign {
///         name: "onboarding",
///         trigger: "signed_up",
///         steps: &[Step::Wait(300), Step::Send("welcome")],
///     }],
///     messages: &[Message {
///         name: "welcome",
///         channel: Channel::Email,
///         subject: Some("Welcome, {{ customer.first_name }}!"),
///         body: "Thanks for signing up with {{ event.method }}.",
///     }],
/// };
/// let mut sim = Simulation::new(&JOURNEYS, Timestamp::from_unix(1_700_000_000));
/// let profile = serde_json::json!({ "first_name": "Jane" });
/// sim.identify_json("user-1", profile.as_object().cloned().unwrap_or_default());
/// let data = serde_json::json!({ "method": "google" });
/// sim.track_json("user-1", "signed_up", data.as_object().cloned().unwrap_or_default());
/// assert!(sim.deliveries().is_empty());
/// sim.advance(Duration::from_secs(300));
/// let welcome = &sim.deliveries()[0];
/// assert_eq!(welcome.subject.as_deref(), Some("Welcome, Jane!"));
/// assert_eq!(welcome.time, Timestamp::from_unix(1_700_000_300));
/// ```
pub struct Simulation {
    journeys: &'static Journeys,
    renderer: Renderer,
    now: i64,
    seq: u64,
    people: Vec<Person>,
    index: HashMap<String, usize>,
    /// Objects' attributes, by object type name and id.
    objects: HashMap<(String, String), Map<String, Value>>,
    runs: Vec<Journey>,
    due: BinaryHeap<Reverse<(i64, u64, usize)>>,
    deliveries: Vec<Delivery>,
    branches: BTreeSet<BranchTaken>,
}

impl std::fmt::Debug for Simulation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulation")
            .field("now", &self.now)
            .field("people", &self.people.len())
            .field("journeys", &self.runs.len())
            .field("deliveries", &self.deliveries.len())
            .finish()
    }
}

impl Simulation {
    /// A simulation of `journeys` (a taxonomy's `taxonomy::JOURNEYS`) whose clock
    /// starts at `start`, with nobody in it.
    pub fn new(journeys: &'static Journeys, start: Timestamp) -> Self {
        Simulation {
            journeys,
            renderer: Renderer::new(journeys),
            now: start.as_unix(),
            seq: 0,
            people: Vec::new(),
            index: HashMap::new(),
            objects: HashMap::new(),
            runs: Vec::new(),
            due: BinaryHeap::new(),
            deliveries: Vec::new(),
            branches: BTreeSet::new(),
        }
    }

    /// The campaigns and messages simulated.
    pub fn journeys(&self) -> &'static Journeys {
        self.journeys
    }

    /// The virtual clock.
    pub fn now(&self) -> Timestamp {
        Timestamp::from_unix(self.now)
    }

    /// Sets profile attributes (as Customer.io's identify does: given attributes
    /// replace the old values, others stay), creating the person if needed.
    pub fn identify<A: Attributes>(&mut self, person: &str, attributes: &A) {
        self.identify_json(person, to_map(attributes));
    }

    /// [`identify`](Self::identify) with attributes as JSON (what the emulator
    /// receives). A `null` value removes the attribute.
    pub fn identify_json(&mut self, person: &str, attributes: Map<String, Value>) {
        let index = self.person(person);
        let profile = &mut self.people[index].attributes;
        for (name, value) in attributes {
            if value.is_null() {
                profile.remove(&name);
            } else {
                profile.insert(name, value);
            }
        }
    }

    /// Tracks an event for `person` now: records it and starts the journeys it
    /// triggers.
    pub fn track<E: Event>(&mut self, person: &str, event: &E) {
        self.track_json(person, E::NAME, to_map(event));
    }

    /// [`track`](Self::track) by name, with the data as JSON.
    pub fn track_json(&mut self, person: &str, name: &str, data: Map<String, Value>) {
        let index = self.person(person);
        self.seq += 1;
        let seq = self.seq;
        let who = &mut self.people[index];
        who.events.push(TrackedEvent {
            name: name.to_string(),
            data,
            time: Timestamp::from_unix(self.now),
        });
        who.event_seqs.push(seq);
        let trigger = who.events.len() - 1;
        for campaign in self.journeys.triggered_by(name) {
            let busy = self.people[index]
                .active
                .iter()
                .any(|&run| std::ptr::eq(self.runs[run].campaign, campaign));
            if busy {
                continue;
            }
            let run = self.runs.len();
            self.runs.push(Journey {
                person: index,
                campaign,
                trigger,
                trigger_seq: seq,
                started: self.now,
                frames: vec![(campaign.steps, 0)],
                status: JourneyStatus::Waiting {
                    until: Timestamp::from_unix(self.now),
                },
                trail: Vec::new(),
            });
            self.people[index].active.push(run);
            self.step(run);
        }
    }

    /// Creates or updates the object `id` of the object type `O` (as Customer.io's
    /// object identify does: given attributes replace the old values).
    pub fn object<O: Object>(&mut self, id: &str, attributes: &O) {
        self.object_json(O::NAME, id, to_map(attributes));
    }

    /// [`object`](Self::object) by object type name, with the attributes as JSON.
    pub fn object_json(&mut self, object_type: &str, id: &str, attributes: Map<String, Value>) {
        let object = self
            .objects
            .entry((object_type.to_owned(), id.to_owned()))
            .or_default();
        for (name, value) in attributes {
            if value.is_null() {
                object.remove(&name);
            } else {
                object.insert(name, value);
            }
        }
    }

    /// An object's attributes, if it exists.
    pub fn object_attributes(&self, object_type: &str, id: &str) -> Option<&Map<String, Value>> {
        self.objects.get(&(object_type.to_owned(), id.to_owned()))
    }

    /// Relates `person` to the object `id` of `R`'s object type now, with the
    /// relationship's attributes: starts the campaigns `relationship_added` of that
    /// type triggers, whose messages read `trigger.<type>.*` (the object's
    /// attributes and its `id`) and `trigger.relationship.*`.
    pub fn relate<R: Relationship>(&mut self, person: &str, id: &str, relationship: &R) {
        self.relate_json(person, R::OBJECT, id, to_map(relationship));
    }

    /// [`relate`](Self::relate) by object type name, with the relationship's
    /// attributes as JSON. It is tracked as an event named
    /// `relationship_added:<type>` ([`RELATIONSHIP_ADDED`](super::RELATIONSHIP_ADDED))
    /// whose data is `{ "<type>": {..}, "relationship": {..} }`.
    pub fn relate_json(
        &mut self,
        person: &str,
        object_type: &str,
        id: &str,
        relationship: Map<String, Value>,
    ) {
        let mut object = self
            .object_attributes(object_type, id)
            .cloned()
            .unwrap_or_default();
        object
            .entry("id")
            .or_insert_with(|| Value::String(id.to_owned()));
        let mut data = Map::new();
        data.insert(object_type.to_owned(), Value::Object(object));
        data.insert("relationship".to_owned(), Value::Object(relationship));
        let name = format!("{}{object_type}", super::RELATIONSHIP_ADDED);
        self.track_json(person, &name, data);
    }

    /// Moves the clock forward by `by` (whole seconds), running every step that
    /// falls due.
    pub fn advance(&mut self, by: Duration) {
        let secs = i64::try_from(by.as_secs()).unwrap_or(i64::MAX);
        self.advance_until(Timestamp::from_unix(self.now.saturating_add(secs)));
    }

    /// Moves the clock to `time` (never backwards), running every step due up to
    /// and including it, in time order.
    pub fn advance_until(&mut self, time: Timestamp) {
        let until = time.as_unix();
        while let Some(&Reverse((due, _, run))) = self.due.peek() {
            if due > until {
                break;
            }
            self.due.pop();
            self.now = self.now.max(due);
            self.step(run);
        }
        self.now = self.now.max(until);
    }

    /// When the next step falls due, if a journey is waiting.
    pub fn next_due(&self) -> Option<Timestamp> {
        self.due
            .peek()
            .map(|Reverse((due, ..))| Timestamp::from_unix(*due))
    }

    /// Every delivery so far, in the order they were sent.
    pub fn deliveries(&self) -> &[Delivery] {
        &self.deliveries
    }

    /// The deliveries to `person`, in order.
    pub fn deliveries_to<'a>(&'a self, person: &'a str) -> impl Iterator<Item = &'a Delivery> + 'a {
        self.deliveries.iter().filter(move |d| d.person == person)
    }

    /// Every branch a journey took so far (each `if` and outcome once), ordered by
    /// campaign and place.
    pub fn branches_taken(&self) -> impl Iterator<Item = &BranchTaken> + '_ {
        self.branches.iter()
    }

    /// Every person, in the order they first appeared.
    pub fn people(&self) -> impl Iterator<Item = &str> + '_ {
        self.people.iter().map(|p| p.id.as_str())
    }

    /// A person's attributes now, if the person exists.
    pub fn profile(&self, person: &str) -> Option<&Map<String, Value>> {
        self.index.get(person).map(|&i| &self.people[i].attributes)
    }

    /// The events a person performed, oldest first.
    pub fn events_of(&self, person: &str) -> &[TrackedEvent] {
        self.index
            .get(person)
            .map_or(&[], |&i| self.people[i].events.as_slice())
    }

    /// Every journey (in progress or finished), in the order they started.
    pub fn journeys_all(&self) -> impl Iterator<Item = JourneyView<'_>> + '_ {
        self.runs.iter().map(|run| self.view(run))
    }

    /// The journeys of `person`, in the order they started.
    pub fn journeys_of<'a>(
        &'a self,
        person: &'a str,
    ) -> impl Iterator<Item = JourneyView<'a>> + 'a {
        let index = self.index.get(person).copied();
        self.runs
            .iter()
            .filter(move |run| Some(run.person) == index)
            .map(|run| self.view(run))
    }

    fn view<'a>(&'a self, run: &'a Journey) -> JourneyView<'a> {
        JourneyView {
            person: &self.people[run.person].id,
            campaign: run.campaign.name,
            started: Timestamp::from_unix(run.started),
            status: run.status,
            trail: &run.trail,
        }
    }

    fn person(&mut self, id: &str) -> usize {
        if let Some(&index) = self.index.get(id) {
            return index;
        }
        let index = self.people.len();
        self.people.push(Person {
            id: id.to_string(),
            attributes: Map::new(),
            events: Vec::new(),
            event_seqs: Vec::new(),
            active: Vec::new(),
        });
        self.index.insert(id.to_string(), index);
        index
    }

    /// Runs journey `run` from where it stands until a wait or its end.
    fn step(&mut self, run: usize) {
        loop {
            let Some(frame) = self.runs[run].frames.last_mut() else {
                self.finish(run);
                return;
            };
            let (steps, next) = *frame;
            let Some(step) = steps.get(next) else {
                self.runs[run].frames.pop();
                continue;
            };
            frame.1 += 1;
            let journey = &mut self.runs[run];
            journey.trail.push(StepTaken {
                step: step_path(journey.campaign.steps, step).unwrap_or_default(),
                time: Timestamp::from_unix(self.now),
                decision: None,
            });
            match step {
                Step::Wait(secs) => {
                    let until = self
                        .now
                        .saturating_add(i64::try_from(*secs).unwrap_or(i64::MAX));
                    self.runs[run].status = JourneyStatus::Waiting {
                        until: Timestamp::from_unix(until),
                    };
                    self.seq += 1;
                    self.due.push(Reverse((until, self.seq, run)));
                    return;
                }
                Step::Send(message) => self.send(run, message),
                Step::Branch(condition, then, otherwise) => {
                    let journey = &self.runs[run];
                    let person = &self.people[journey.person];
                    let since = journey.trigger_seq;
                    let performed = |name: &str| {
                        person
                            .events
                            .iter()
                            .zip(&person.event_seqs)
                            .any(|(e, &seq)| seq > since && e.name == name)
                    };
                    let facts = Facts {
                        customer: &person.attributes,
                        event: &person.events[journey.trigger].data,
                        performed: &performed,
                    };
                    let held = holds(condition, &facts);
                    let read = reads(condition, &facts);
                    let campaign = journey.campaign;
                    let journey = &mut self.runs[run];
                    if let Some(taken) = journey.trail.last_mut() {
                        taken.decision = Some(Decision { held, read });
                        if !taken.step.is_empty() {
                            self.branches.insert(BranchTaken {
                                campaign: campaign.name,
                                step: taken.step.clone(),
                                held,
                            });
                        }
                    }
                    let branch = if held { then } else { otherwise };
                    journey.frames.push((branch, 0));
                }
            }
        }
    }

    fn finish(&mut self, run: usize) {
        let journey = &mut self.runs[run];
        journey.status = JourneyStatus::Finished {
            at: Timestamp::from_unix(self.now),
        };
        let person = journey.person;
        self.people[person].active.retain(|&r| r != run);
    }

    fn send(&mut self, run: usize, message: &'static str) {
        let journey = &self.runs[run];
        let person = &self.people[journey.person];
        let trigger = &person.events[journey.trigger];
        let delivery_id = format!("{}-{}", run, self.deliveries.len());
        let context = Context {
            person: &person.id,
            customer: &person.attributes,
            event_name: &trigger.name,
            event: &trigger.data,
            event_timestamp: trigger.time.as_unix(),
            campaign: journey.campaign.name,
            delivery_id: &delivery_id,
        };
        let channel = self
            .journeys
            .message(message)
            .map_or(Channel::Email, |m| m.channel);
        let (subject, body, error) = match self.renderer.render(message, &context) {
            Ok(rendered) => (rendered.subject, rendered.body, None),
            Err(error) => (None, String::new(), Some(error)),
        };
        self.deliveries.push(Delivery {
            time: Timestamp::from_unix(self.now),
            person: person.id.clone(),
            campaign: journey.campaign.name,
            message,
            channel,
            subject,
            body,
            error,
        });
    }
}

fn to_map<T: serde::Serialize>(value: &T) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::{Condition, Message, Path};
    use serde_json::json;

    static VERIFIED: Condition = Condition::Truthy(Path::Customer("verified"));
    static JOURNEYS: Journeys = Journeys {
        campaigns: &[Campaign {
            name: "onboarding",
            trigger: "signed_up",
            steps: &[
                Step::Send("hi"),
                Step::Branch(&VERIFIED, &[], &[Step::Send("hi")]),
                Step::Wait(60),
                Step::Send("hi"),
            ],
        }],
        messages: &[Message {
            name: "hi",
            channel: Channel::Sms,
            subject: None,
            body: "hi",
        }],
    };

    static TEAM: Journeys = Journeys {
        campaigns: &[Campaign {
            name: "team_welcome",
            trigger: "relationship_added:company",
            steps: &[Step::Send("team_welcome")],
        }],
        messages: &[Message {
            name: "team_welcome",
            channel: Channel::Email,
            subject: Some("Welcome to {{ trigger.company.name }}"),
            body: "You joined as {{ trigger.relationship.role | default: 'member' }} of {{ trigger.company.id }}.",
        }],
    };

    #[test]
    fn a_relationship_starts_its_campaigns_and_its_messages_read_trigger() {
        let mut sim = Simulation::new(&TEAM, Timestamp::from_unix(100));
        let mut acme = Map::new();
        acme.insert("name".to_owned(), json!("Acme"));
        sim.object_json("company", "acme", acme);
        // An event of the object type's name starts nothing.
        sim.track_json("jo", "company", Map::new());
        assert!(sim.deliveries().is_empty());
        let mut admin = Map::new();
        admin.insert("role".to_owned(), json!("admin"));
        sim.relate_json("jo", "company", "acme", admin);
        sim.relate_json("al", "company", "acme", Map::new());
        let rendered: Vec<(&str, Option<&str>, &str)> = sim
            .deliveries()
            .iter()
            .map(|d| (d.person.as_str(), d.subject.as_deref(), d.body.as_str()))
            .collect();
        assert_eq!(
            rendered,
            [
                (
                    "jo",
                    Some("Welcome to Acme"),
                    "You joined as admin of acme."
                ),
                (
                    "al",
                    Some("Welcome to Acme"),
                    "You joined as member of acme."
                ),
            ]
        );
    }

    #[test]
    fn a_journey_keeps_the_steps_it_ran_and_how_each_if_was_decided() {
        let mut sim = Simulation::new(&JOURNEYS, Timestamp::from_unix(100));
        sim.identify_json("jo", Map::new());
        sim.track_json("jo", "signed_up", Map::new());
        let journey = sim.journeys_of("jo").next().map(|j| j.trail.to_vec());
        let trail = journey.unwrap_or_default();
        let steps: Vec<&str> = trail.iter().map(|t| t.step.as_str()).collect();
        assert_eq!(steps, ["0", "1", "1.else.0", "2"]);
        assert_eq!(
            trail[1].decision,
            Some(Decision {
                held: false,
                read: vec![("customer.verified".to_owned(), Value::Null)],
            })
        );
        assert!(trail.iter().all(|t| t.time == Timestamp::from_unix(100)));
        let mut verified = Map::new();
        verified.insert("verified".to_owned(), json!(true));
        sim.identify_json("jo", verified);
        sim.advance(Duration::from_secs(60));
        let view = sim.journeys_of("jo").next();
        let trail = view.map_or(&[][..], |j| j.trail);
        assert_eq!(trail.len(), 5);
        assert_eq!(trail[4].step, "3");
        assert_eq!(trail[4].time, Timestamp::from_unix(160));
        assert_eq!(
            sim.branches_taken().collect::<Vec<_>>(),
            [&BranchTaken {
                campaign: "onboarding",
                step: "1".to_owned(),
                held: false
            }]
        );
    }
}
