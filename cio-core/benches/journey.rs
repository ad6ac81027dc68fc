//! 100,000 people through the seed's onboarding journey on the virtual clock, every
//! message rendered (`cargo bench -p cio-core --bench journey`).

#![allow(missing_docs)]

use std::time::Duration;

use cio_core::journey::{Campaign, Channel, Condition, Journeys, Message, Path, Simulation, Step};
use cio_core::Timestamp;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::{json, Map, Value};

const PEOPLE: usize = 100_000;

static VERIFIED: Condition = Condition::Truthy(Path::Customer("email_verified"));
static PROJECT: Condition = Condition::Performed("first_project_created");

/// The seed's onboarding campaign and its four messages (events.toml).
static ONBOARDING: Journeys = Journeys {
    campaigns: &[Campaign {
        name: "onboarding",
        trigger: "signed_up",
        steps: &[
            Step::Wait(300),
            Step::Send("welcome"),
            Step::Wait(86_400),
            Step::Branch(&VERIFIED, &[], &[Step::Send("verify_reminder")]),
            Step::Wait(3 * 86_400),
            Step::Send("feature_tips"),
            Step::Wait(7 * 86_400),
            Step::Branch(&PROJECT, &[], &[Step::Send("activation_nudge")]),
        ],
    }],
    messages: &[
        Message {
            name: "welcome",
            channel: Channel::Email,
            subject: Some("Welcome, {{ customer.first_name }}!"),
            body: "Hi {{ customer.first_name }},\n\nThanks for signing up with {{ event.method }}. Your {{ customer.plan }} account is ready.\n",
        },
        Message {
            name: "verify_reminder",
            channel: Channel::Email,
            subject: Some("Please verify your email address"),
            body: "Hi {{ customer.first_name }},\n\nPlease confirm that {{ customer.email }} is your address.\n",
        },
        Message {
            name: "feature_tips",
            channel: Channel::Email,
            subject: Some("{{ customer.first_name }}, three tips to get more out of your account"),
            body: "Hi {{ customer.first_name }},\n\n{% if customer.company %}Here is how teams at {{ customer.company }} get started:{% else %}Here is how to get started:{% endif %}\n1. Create your first project.\n",
        },
        Message {
            name: "activation_nudge",
            channel: Channel::Email,
            subject: Some("Your first project is one click away"),
            body: "Hi {{ customer.first_name | default: \"there\" }},\n\nYou signed up with {{ event.method }} a while ago.\n",
        },
    ],
};

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn run() -> usize {
    let mut sim = Simulation::new(&ONBOARDING, Timestamp::from_unix(1_700_000_000));
    for i in 0..PEOPLE {
        let id = format!("user-{i}");
        sim.identify_json(
            &id,
            object(json!({
                "email": format!("{id}@example.com"),
                "first_name": "Jane",
                "plan": "free",
                "company": "Acme",
                "created_at": 1_700_000_000,
                "email_verified": i % 2 == 0,
            })),
        );
        sim.track_json(
            &id,
            "signed_up",
            object(json!({"method": "google", "plan": "free"})),
        );
    }
    sim.advance(Duration::from_secs(12 * 86_400));
    sim.deliveries().len()
}

fn bench(c: &mut Criterion) {
    let messages = run();
    let mut group = c.benchmark_group("journey");
    group.sample_size(10);
    group.throughput(Throughput::Elements(messages as u64));
    group.bench_function("onboarding_100k_people_rendered", |b| b.iter(run));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
