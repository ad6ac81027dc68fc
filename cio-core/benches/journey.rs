//! 100,000 people through the seed's onboarding journey on the virtual clock, every
//! message rendered (`cargo bench -p cio-core --bench journey`), and the memory a
//! person in a journey takes, counted by a global allocator (printed before the
//! benchmark runs).

#![allow(missing_docs)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cio_core::journey::{Campaign, Channel, Condition, Journeys, Message, Path, Simulation, Step};
use cio_core::Timestamp;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::{json, Map, Value};

const PEOPLE: usize = 100_000;

/// The system allocator, counting the bytes live and at most live.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call goes to `System` unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            let live = LIVE.fetch_add(new_size, Ordering::Relaxed) + new_size;
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

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

fn profile(i: usize) -> (String, Map<String, Value>) {
    let id = format!("user-{i}");
    let attributes = object(json!({
        "email": format!("{id}@example.com"),
        "first_name": "Jane",
        "plan": "free",
        "company": "Acme",
        "created_at": 1_700_000_000,
        "email_verified": i.is_multiple_of(2),
    }));
    (id, attributes)
}

fn signed_up() -> Map<String, Value> {
    object(json!({"method": "google", "plan": "free"}))
}

/// Live bytes per person, from `before` to now.
fn per_person(before: usize) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let bytes = LIVE.load(Ordering::Relaxed).saturating_sub(before) as f64;
    bytes / PEOPLE as f64
}

/// The heap a simulation holds per person: once identified, once in the journey
/// (waiting for its first step), and at the end with its deliveries kept.
fn memory() {
    let base = LIVE.load(Ordering::Relaxed);
    let mut sim = Simulation::new(&ONBOARDING, Timestamp::from_unix(1_700_000_000));
    let built = LIVE.load(Ordering::Relaxed);
    for i in 0..PEOPLE {
        let (id, attributes) = profile(i);
        sim.identify_json(&id, attributes);
    }
    let identified = per_person(built);
    let after_identify = LIVE.load(Ordering::Relaxed);
    for i in 0..PEOPLE {
        sim.track_json(&format!("user-{i}"), "signed_up", signed_up());
    }
    let in_journey = per_person(after_identify);
    let total_in_journey = per_person(built);
    let after_track = LIVE.load(Ordering::Relaxed);
    sim.advance(Duration::from_secs(12 * 86_400));
    let deliveries = sim.deliveries().len();
    let delivered = per_person(after_track);
    let total = per_person(built);
    #[allow(clippy::cast_precision_loss)]
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base) as f64 / PEOPLE as f64;
    println!("memory per person ({PEOPLE} people, heap bytes live):");
    println!("  renderer and simulation: {} bytes in all", built - base);
    println!("  profile (identify):              {identified:>8.0}");
    println!("  + trigger event and journey:     {in_journey:>8.0}");
    println!("  = in a journey:                  {total_in_journey:>8.0}");
    println!("  + {deliveries} deliveries kept: {delivered:>8.0}");
    println!("  = at the end:                    {total:>8.0}");
    println!("  peak:                            {peak:>8.0}");
    drop(sim);
}

fn run() -> usize {
    let mut sim = Simulation::new(&ONBOARDING, Timestamp::from_unix(1_700_000_000));
    for i in 0..PEOPLE {
        let (id, attributes) = profile(i);
        sim.identify_json(&id, attributes);
        sim.track_json(&id, "signed_up", signed_up());
    }
    sim.advance(Duration::from_secs(12 * 86_400));
    sim.deliveries().len()
}

fn bench(c: &mut Criterion) {
    memory();
    let messages = run();
    let mut group = c.benchmark_group("journey");
    group.sample_size(10);
    group.throughput(Throughput::Elements(messages as u64));
    group.bench_function("onboarding_100k_people_rendered", |b| b.iter(run));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
