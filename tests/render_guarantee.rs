//! The guarantee of issue 14, point 4: a template that compiles renders. For every
//! campaign message of the seed taxonomy (events.toml) and of a generated large one,
//! 10,000 payloads drawn at random from the declared types (optional fields absent or
//! present, strings up to and at their `max_length`, numbers at `min`/`max`, integers
//! without bounds over all of `i64`) render without error, and no required variable
//! renders empty.
//!
//! "Renders empty" is checked per output: every `{{ ... }}` that reads a required
//! scalar field unguarded is also rendered alone, and must not be blank.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use cio::journey::{Channel, Context, Journeys, Message, Renderer};
use cio_schema::liquid::{analyze, Root, UseKind};
use cio_schema::{EventDef, Field, FieldType, ObjectType, Taxonomy};
use serde_json::{Map, Value};

const PAYLOADS: usize = 10_000;

/// Floats without bounds.
const FLOAT_LIMIT: f64 = 1e15;
/// Strings without `max_length`.
const DEFAULT_MAX_LENGTH: u64 = 64;

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

fn channel(c: cio_schema::Channel) -> Channel {
    match c {
        cio_schema::Channel::Email => Channel::Email,
        cio_schema::Channel::Sms => Channel::Sms,
        cio_schema::Channel::Push => Channel::Push,
        cio_schema::Channel::InApp => Channel::InApp,
        cio_schema::Channel::Webhook => Channel::Webhook,
        cio_schema::Channel::Slack => Channel::Slack,
    }
}

/// What starts a campaign: an event, or a relationship to an object of a type
/// (whose messages read `trigger.<type>.*` and `trigger.relationship.*`).
#[derive(Clone)]
enum Trigger {
    Event(EventDef),
    Relationship(ObjectType),
}

impl Trigger {
    /// The trigger of `campaign`.
    fn of(taxonomy: &Taxonomy, campaign: &cio_schema::Campaign) -> Option<Trigger> {
        match campaign.trigger_event() {
            Some(event) => taxonomy.event(event).cloned().map(Trigger::Event),
            None => taxonomy
                .object(campaign.trigger.as_str())
                .cloned()
                .map(Trigger::Relationship),
        }
    }

    /// The event name the simulation tracks for it.
    fn name(&self) -> String {
        match self {
            Trigger::Event(event) => event.name.as_str().to_owned(),
            Trigger::Relationship(object) => {
                format!(
                    "{}{}",
                    cio::journey::RELATIONSHIP_ADDED,
                    object.name.as_str()
                )
            }
        }
    }

    /// The declared field a `trigger.*`/`event.*` path reads first.
    fn field(&self, path: &[String]) -> Option<&Field> {
        match (self, path) {
            (Trigger::Event(event), [name, ..]) => event.field(name),
            (Trigger::Relationship(object), [root, name, ..]) => {
                let fields = if root == "relationship" {
                    &object.relationship
                } else if *root == object.name.value {
                    &object.attributes
                } else {
                    return None;
                };
                fields.iter().find(|f| f.name.value == *name)
            }
            _ => None,
        }
    }

    /// Random data of the trigger: the event's, or `{ "<type>": {attributes, id},
    /// "relationship": {..} }` as the simulation tracks a relationship.
    fn payload(&self, rng: &mut fastrand::Rng, taxonomy: &Taxonomy) -> Map<String, Value> {
        match self {
            Trigger::Event(event) => payload(rng, taxonomy, &event.data),
            Trigger::Relationship(object) => {
                let mut attributes = payload(rng, taxonomy, &object.attributes);
                attributes.insert("id".to_owned(), Value::from(string(rng, 20)));
                let relationship = payload(rng, taxonomy, &object.relationship);
                let mut data = Map::new();
                data.insert(object.name.value.clone(), Value::Object(attributes));
                data.insert("relationship".to_owned(), Value::Object(relationship));
                data
            }
        }
    }
}

/// One `{{ ... }}` of a template that reads a required scalar field unguarded.
fn required_outputs(source: &str, taxonomy: &Taxonomy, trigger: &Trigger) -> Vec<String> {
    let analysis = analyze(source).unwrap_or_else(|e| panic!("{e}: {source}"));
    let mut out = Vec::new();
    for variable in &analysis.uses {
        if variable.kind != UseKind::Render || variable.guarded {
            continue;
        }
        let Some(name) = variable.field() else {
            continue;
        };
        let field = match variable.root {
            Root::Customer => taxonomy.attribute(name),
            Root::Event | Root::Trigger => trigger.field(&variable.path),
        };
        let Some(field) = field else { continue };
        if field.optional || matches!(field.ty, FieldType::List(_) | FieldType::Object) {
            continue;
        }
        let before = &source[..variable.offset];
        let Some(open) = before.rfind("{{") else {
            continue;
        };
        if before.rfind("{%").is_some_and(|tag| tag > open) || before[open..].contains("}}") {
            continue; // inside a tag, not an output
        }
        let Some(close) = source[variable.offset..].find("}}") else {
            continue;
        };
        let output = source[open..variable.offset + close + 2].to_owned();
        if !out.contains(&output) {
            out.push(output);
        }
    }
    out
}

/// A message under test: its name in the renderer, the events that can trigger it,
/// and its required outputs, rendered alone as one more message (joined by
/// [`SEPARATOR`], which random strings never contain).
struct Case {
    message: &'static str,
    triggers: Vec<Trigger>,
    alone: &'static str,
    outputs: Vec<String>,
}

const SEPARATOR: &str = "\u{1}";

/// The renderer over every campaign message of `taxonomy`, plus one message per
/// required output.
fn cases(taxonomy: &Taxonomy) -> (Renderer, Vec<Case>) {
    let mut messages = Vec::new();
    let mut cases = Vec::new();
    for message in &taxonomy.messages {
        let name = message.name.as_str();
        let triggers: Vec<Trigger> = taxonomy
            .campaigns
            .iter()
            .filter(|c| c.sends().iter().any(|m| m.as_str() == name))
            .filter_map(|c| Trigger::of(taxonomy, c))
            .collect();
        if triggers.is_empty() {
            continue;
        }
        let name = leak(name);
        messages.push(Message {
            name,
            channel: channel(message.channel),
            subject: message.subject.as_ref().map(|t| leak(&t.source)),
            body: leak(&message.body.source),
        });
        let mut outputs: Vec<String> = Vec::new();
        let sources = message.subject.iter().chain([&message.body]);
        for source in sources {
            for trigger in &triggers {
                for output in required_outputs(&source.source, taxonomy, trigger) {
                    if !outputs.contains(&output) {
                        outputs.push(output);
                    }
                }
            }
        }
        let alone = leak(&format!("{name}#outputs"));
        messages.push(Message {
            name: alone,
            channel: Channel::Email,
            subject: None,
            body: leak(&outputs.join(SEPARATOR)),
        });
        cases.push(Case {
            message: name,
            triggers,
            alone,
            outputs,
        });
    }
    let journeys: &'static Journeys = Box::leak(Box::new(Journeys {
        campaigns: &[],
        messages: Box::leak(messages.into_boxed_slice()),
    }));
    (Renderer::new(journeys), cases)
}

/// Characters strings are drawn from: Liquid and HTML markup, quotes, and text that
/// is more than one byte per character.
const ALPHABET: &[char] = &[
    'a', 'b', 'z', 'A', 'Z', '0', '9', ' ', '{', '}', '%', '<', '>', '&', '"', '\'', '|', '\\',
    '\n', 'é', 'ß', '日', '😀',
];

fn string(rng: &mut fastrand::Rng, max_length: u64) -> String {
    let max = usize::try_from(max_length).unwrap().max(1);
    let len = if rng.u8(..5) == 0 {
        max
    } else {
        rng.usize(1..=max)
    };
    (0..len)
        .map(|_| ALPHABET[rng.usize(..ALPHABET.len())])
        .collect()
}

fn value(rng: &mut fastrand::Rng, taxonomy: &Taxonomy, field: &Field, ty: &FieldType) -> Value {
    match ty {
        FieldType::String => {
            Value::from(string(rng, field.max_length.unwrap_or(DEFAULT_MAX_LENGTH)))
        }
        FieldType::Email => Value::from(format!("user{}@example.com", rng.u32(..))),
        FieldType::Url => Value::from(format!("https://example.com/p/{}?q=a&b", rng.u32(..))),
        FieldType::Int => {
            // Event data are i64: without bounds, the whole range, extremes included.
            #[allow(clippy::cast_possible_truncation)]
            let lo = field.min.map_or(i64::MIN, |m| m.ceil() as i64);
            #[allow(clippy::cast_possible_truncation)]
            let hi = field.max.map_or(i64::MAX, |m| m.floor() as i64);
            Value::from(match rng.u8(..4) {
                0 => lo,
                1 => hi,
                _ => rng.i64(lo..=hi),
            })
        }
        FieldType::Float => {
            let lo = field.min.unwrap_or(-FLOAT_LIMIT);
            let hi = field.max.unwrap_or(FLOAT_LIMIT);
            let f = match rng.u8(..4) {
                0 => lo,
                1 => hi,
                _ => lo + rng.f64() * (hi - lo),
            };
            Value::from(f)
        }
        FieldType::Bool => Value::from(rng.bool()),
        FieldType::Timestamp => Value::from(rng.i64(0..=4_102_444_800)),
        FieldType::Object => {
            let mut map = Map::new();
            for i in 0..rng.usize(..3) {
                map.insert(format!("k{i}"), Value::from(string(rng, 8)));
            }
            Value::Object(map)
        }
        FieldType::List(inner) => Value::Array(
            (0..rng.usize(..4))
                .map(|_| value(rng, taxonomy, field, inner))
                .collect(),
        ),
        FieldType::Enum(name) => {
            let values = &taxonomy.named_enum(name).unwrap().values;
            Value::from(values[rng.usize(..values.len())].as_str())
        }
        FieldType::InlineEnum(values) => Value::from(values[rng.usize(..values.len())].as_str()),
    }
}

/// Required fields always, optional ones half of the time.
fn payload(rng: &mut fastrand::Rng, taxonomy: &Taxonomy, fields: &[Field]) -> Map<String, Value> {
    let mut map = Map::new();
    for f in fields {
        if !f.optional || rng.bool() {
            map.insert(f.name.value.clone(), value(rng, taxonomy, f, &f.ty));
        }
    }
    map
}

/// Renders every case `PAYLOADS` times; returns the number of renders.
fn check(taxonomy: &Taxonomy, seed: u64) -> usize {
    let (renderer, cases) = cases(taxonomy);
    assert!(!cases.is_empty(), "no campaign message to render");
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut renders = 0;
    for case in &cases {
        for i in 0..PAYLOADS {
            let trigger = &case.triggers[i % case.triggers.len()];
            let customer = payload(&mut rng, taxonomy, &taxonomy.profile);
            let event = trigger.payload(&mut rng, taxonomy);
            let event_name = trigger.name();
            let context = Context {
                person: "person-1",
                customer: &customer,
                event_name: &event_name,
                event: &event,
                event_timestamp: 1_700_000_000,
                campaign: "campaign",
                delivery_id: "delivery-1",
            };
            let explain = || {
                format!(
                    "payload {i} (seed {seed}): customer {} event {}",
                    Value::Object(customer.clone()),
                    Value::Object(event.clone())
                )
            };
            if let Err(e) = renderer.render(case.message, &context) {
                panic!("{e}\n{}", explain());
            }
            let alone = renderer
                .render(case.alone, &context)
                .unwrap_or_else(|e| panic!("{e}\n{}", explain()));
            let parts: Vec<&str> = alone.body.split(SEPARATOR).collect();
            assert_eq!(parts.len(), case.outputs.len().max(1));
            for (output, part) in case.outputs.iter().zip(parts) {
                assert!(
                    !part.is_empty(),
                    "`{output}` of message `{}` renders empty\n{}",
                    case.message,
                    explain()
                );
            }
            renders += 1;
        }
    }
    renders
}

#[test]
fn every_seed_message_renders_for_random_payloads() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("events.toml");
    let taxonomy = cio_schema::load(&path, "events.toml").result.unwrap();
    let renders = check(&taxonomy, 14);
    // welcome, verify_reminder, feature_tips, activation_nudge, win_back, discount_offer,
    // and team_welcome (a relationship to a company starts its campaign)
    assert!(renders >= 7 * PAYLOADS, "{renders}");
}

/// A field of each declared type, with bounds, and how a message reads it.
struct Kind {
    decl: &'static str,
    reads: &'static [&'static str],
}

const KINDS: &[Kind] = &[
    Kind {
        decl: r#"{ type = "string", max_length = 40 }"#,
        reads: &[
            "{{ VAR }}",
            "{{ VAR | upcase }}",
            "{{ VAR | truncate: 10 }}",
            "{{ VAR | escape }}",
            "{{ VAR | url_encode }}",
            "{{ VAR | size }}",
            "{{ VAR | append: '!' | prepend: '>' }}",
        ],
    },
    Kind {
        decl: r#"{ type = "string", max_length = 3 }"#,
        reads: &["{{ VAR | downcase }}", "{{ VAR | capitalize }}"],
    },
    Kind {
        decl: r#""string?""#,
        reads: &[
            "{{ VAR | default: 'none' }}",
            "{% if VAR %}[{{ VAR | strip }}]{% endif %}",
        ],
    },
    Kind {
        decl: r#""email""#,
        reads: &["{{ VAR }}", "{{ VAR | split: '@' | first }}"],
    },
    Kind {
        decl: r#""url""#,
        reads: &["{{ VAR }}", "{{ VAR | url_encode }}"],
    },
    Kind {
        decl: r#"{ type = "int", min = 0, max = 1000 }"#,
        reads: &[
            "{{ VAR | plus: 1 }}",
            "{{ VAR | minus: 1 }}",
            "{{ VAR | times: 3 }}",
            "{{ VAR | divided_by: 7 }}",
            "{{ VAR | pluralize: 'item' }}",
        ],
    },
    Kind {
        decl: r#""int""#,
        reads: &[
            "{{ VAR }}",
            "{{ VAR | format_number }}",
            "{{ VAR | divided_by: 7 }}",
            "{{ VAR | modulo: 10 }}",
            "{{ VAR | at_least: 0 }}",
        ],
    },
    Kind {
        decl: r#"{ type = "int?", min = 1 }"#,
        reads: &["{{ VAR | default: 0 | plus: 0 }}"],
    },
    Kind {
        decl: r#"{ type = "float", min = 0 }"#,
        reads: &[
            "{{ VAR | round: 2 }}",
            "{{ VAR | currency }}",
            "{{ VAR | format_number: 1 }}",
        ],
    },
    Kind {
        decl: r#""float?""#,
        reads: &["{{ VAR | default: 0 | round }}"],
    },
    Kind {
        decl: r#""bool""#,
        reads: &["{{ VAR }}", "{% if VAR %}yes{% else %}no{% endif %}"],
    },
    Kind {
        decl: r#""bool?""#,
        reads: &["{% if VAR %}on{% endif %}"],
    },
    Kind {
        decl: r#""timestamp""#,
        reads: &[
            "{{ VAR }}",
            "{{ VAR | date: '%Y-%m-%d %H:%M' }}",
            "{{ VAR | add_day: 1 | date: '%b %d' }}",
            "{{ VAR | subtract_day: 2 }}",
        ],
    },
    Kind {
        decl: r#""timestamp?""#,
        reads: &["{% if VAR %}{{ VAR | date: '%F' }}{% endif %}"],
    },
    Kind {
        decl: r#""tier""#,
        reads: &["{{ VAR }}", "{{ VAR | capitalize }}"],
    },
    Kind {
        decl: r#"{ enum = ["red", "green"] }"#,
        reads: &["{{ VAR | upcase }}"],
    },
    Kind {
        decl: r#""[string]""#,
        reads: &["{{ VAR | join: ', ' }}", "{{ VAR | size }}"],
    },
    Kind {
        decl: r#""object?""#,
        reads: &["{% if VAR %}{{ VAR | json }}{% endif %}"],
    },
];

/// A taxonomy of `events` events, each with a field of every kind and a campaign of
/// `messages_per_event` messages reading every field of its event and of the profile.
fn large_taxonomy(events: usize, messages_per_event: usize) -> String {
    let mut toml = String::from("[enums]\ntier = { values = [\"bronze\", \"silver\", \"gold\"] }\n\n[profile]\nemail = \"email\"\n");
    for (k, kind) in KINDS.iter().enumerate() {
        writeln!(toml, "p{k} = {}", kind.decl).unwrap();
    }
    for e in 0..events {
        writeln!(toml, "\n[events.e{e}]").unwrap();
        let fields: Vec<String> = KINDS
            .iter()
            .enumerate()
            .map(|(k, kind)| format!("f{k} = {}", kind.decl))
            .collect();
        writeln!(toml, "data = {{ {} }}", fields.join(", ")).unwrap();
        let sends: Vec<String> = (0..messages_per_event)
            .map(|m| format!("{{ wait = \"1h\" }}, {{ send = \"m{e}_{m}\" }}"))
            .collect();
        writeln!(
            toml,
            "\n[campaigns.c{e}]\ntrigger = \"e{e}\"\nsteps = [{}]",
            sends.join(", ")
        )
        .unwrap();
        for m in 0..messages_per_event {
            let mut body = String::new();
            for (k, kind) in KINDS.iter().enumerate() {
                let reads = kind.reads;
                // Each message reads every field, in one of its ways, both roots.
                let read = reads[(k + m) % reads.len()];
                writeln!(body, "{}", read.replace("VAR", &format!("event.f{k}"))).unwrap();
                let read = reads[(k + m + 1) % reads.len()];
                writeln!(body, "{}", read.replace("VAR", &format!("customer.p{k}"))).unwrap();
            }
            let subject = KINDS[(e + m) % KINDS.len()].reads[0]
                .replace("VAR", &format!("event.f{}", (e + m) % KINDS.len()));
            writeln!(
                toml,
                "\n[messages.m{e}_{m}]\nchannel = \"email\"\nsubject = {subject:?}\nbody = \"\"\"\n{body}\"\"\""
            )
            .unwrap();
        }
    }
    toml
}

#[test]
fn every_message_of_a_large_generated_taxonomy_renders_for_random_payloads() {
    let (events, messages_per_event) = (4, 2);
    let source = large_taxonomy(events, messages_per_event);
    let taxonomy = match cio_schema::parse_str(&source, "large.toml", None) {
        Ok(t) => t,
        Err(e) => panic!("{e:?}\n{source}"),
    };
    assert_eq!(taxonomy.events.len(), events);
    let by_name: BTreeMap<_, _> = taxonomy
        .messages
        .iter()
        .map(|m| (m.name.as_str(), m))
        .collect();
    assert_eq!(by_name.len(), events * messages_per_event);
    let renders = check(&taxonomy, 4);
    assert!(
        renders >= events * messages_per_event * PAYLOADS,
        "{renders}"
    );
}
