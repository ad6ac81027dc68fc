//! Track API client benchmarks.
//!
//! - `client_http/{identify,track}/C`: calls per second against the emulator
//!   (loopback HTTP/1.1, keep-alive) with C calls in flight; the client runs on a
//!   single-threaded Tokio runtime, the emulator on another thread's.
//! - `client_serialize/{typed,value}/{event,identify}`: building one v2 operation
//!   from a typed event or profile (with every check), against building the same
//!   payload as a `serde_json::Value` and serializing it.
//!
//! Run: `cargo bench -p cio-core --bench client`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cio_core::client::{Customer, Operation, RetryPolicy, TrackClient};
use cio_core::constraint::{check_email, check_min};
use cio_core::{Attributes, Event, EventId, Timestamp, Tracked, Violation};
use cio_emulator::Emulator;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use serde_json::json;

#[derive(Debug, Clone, Copy, serde::Serialize)]
#[serde(rename_all = "snake_case")]
enum Method {
    Google,
}

#[derive(Debug, Clone, serde::Serialize)]
struct SignedUp {
    plan: String,
    method: Method,
    referrer: Option<String>,
    seats: i64,
    mrr: f64,
    trial: bool,
    landing_page: String,
}

impl Event for SignedUp {
    const NAME: &'static str = "signed_up";
    fn validate(&self) -> Result<(), Violation> {
        check_min("seats", self.seats as f64, 1.0)?;
        check_min("mrr", self.mrr, 0.0)
    }
}

#[derive(Debug, Clone, serde::Serialize)]
struct Profile {
    email: String,
    first_name: String,
    plan: String,
    company: String,
    seats: i64,
    created_at: Timestamp,
    newsletter: bool,
}

impl Attributes for Profile {
    fn validate(&self) -> Result<(), Violation> {
        check_email("email", &self.email)?;
        check_min("seats", self.seats as f64, 1.0)
    }
}

fn event() -> SignedUp {
    SignedUp {
        plan: "pro".to_owned(),
        method: Method::Google,
        referrer: Some("newsletter-2026-11".to_owned()),
        seats: 5,
        mrr: 49.0,
        trial: true,
        landing_page: "https://example.com/pricing?utm_source=ads".to_owned(),
    }
}

fn profile() -> Profile {
    Profile {
        email: "jane.doe@example.com".to_owned(),
        first_name: "Jane".to_owned(),
        plan: "pro".to_owned(),
        company: "Acme Ltd".to_owned(),
        seats: 5,
        created_at: Timestamp::from_unix(1_700_000_000),
        newsletter: true,
    }
}

#[derive(Clone, Copy)]
enum Call {
    Identify,
    Track,
}

/// Runs `total` calls with `concurrency` tasks in flight; returns the wall time.
async fn run(client: &TrackClient, call: Call, concurrency: usize, total: u64) -> Duration {
    let next = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let client = client.clone();
        let next = next.clone();
        tasks.push(tokio::spawn(async move {
            let profile = profile();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= total {
                    break;
                }
                let customer = Customer::id(format!("user-{}", n % 1000));
                match call {
                    Call::Identify => client.identify(&customer, &profile).await.unwrap(),
                    Call::Track => {
                        client.track(&customer, event()).await.unwrap();
                    }
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    start.elapsed()
}

/// Starts the emulator on its own thread with a single-threaded runtime (as a
/// separate server process would run), so client and server each have a core.
fn emulator_thread() -> (
    Emulator,
    tokio::sync::oneshot::Sender<()>,
    std::thread::JoinHandle<()>,
) {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let emulator = Emulator::builder()
                .log_requests(false)
                .start()
                .await
                .unwrap();
            ready_tx.send(emulator).unwrap();
            let _ = stop_rx.await;
        });
    });
    (ready_rx.recv().unwrap(), stop_tx, thread)
}

fn http(c: &mut Criterion) {
    let (emulator, stop, server) = emulator_thread();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = TrackClient::builder(emulator.site_id(), emulator.api_key())
        .base_url(emulator.base_url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let mut group = c.benchmark_group("client_http");
    group.throughput(Throughput::Elements(1));
    group.measurement_time(Duration::from_secs(5));
    group.warm_up_time(Duration::from_secs(1));
    for (name, call) in [("identify", Call::Identify), ("track", Call::Track)] {
        for concurrency in [1usize, 16, 64] {
            group.bench_with_input(
                BenchmarkId::new(name, concurrency),
                &concurrency,
                |b, &concurrency| {
                    b.iter_custom(|iters| {
                        emulator.clear();
                        rt.block_on(run(&client, call, concurrency, iters))
                    });
                },
            );
        }
    }
    group.finish();
    drop(emulator);
    let _ = stop.send(());
    server.join().unwrap();
}

fn event_as_value(customer: &str, tracked: &Tracked<SignedUp>) -> Vec<u8> {
    let e = tracked.event();
    let value = json!({
        "type": "person",
        "action": "event",
        "identifiers": {"id": customer},
        "name": SignedUp::NAME,
        "id": tracked.id().to_text(),
        "timestamp": tracked.timestamp().map(Timestamp::as_unix),
        "attributes": {
            "plan": e.plan,
            "method": "google",
            "referrer": e.referrer,
            "seats": e.seats,
            "mrr": e.mrr,
            "trial": e.trial,
            "landing_page": e.landing_page,
        }
    });
    serde_json::to_vec(&value).unwrap()
}

fn profile_as_value(customer: &str, p: &Profile) -> Vec<u8> {
    let value = json!({
        "type": "person",
        "action": "identify",
        "identifiers": {"id": customer},
        "attributes": {
            "email": p.email,
            "first_name": p.first_name,
            "plan": p.plan,
            "company": p.company,
            "seats": p.seats,
            "created_at": p.created_at.as_unix(),
            "newsletter": p.newsletter,
        }
    });
    serde_json::to_vec(&value).unwrap()
}

fn serialize(c: &mut Criterion) {
    let customer = Customer::id("user-42");
    let tracked = Tracked::with_id(event(), EventId::new()).at(Timestamp::from_unix(1_700_000_000));
    let profile = profile();

    // Same bytes either way (key order aside): check once.
    let typed: serde_json::Value =
        serde_json::from_slice(Operation::event(&customer, &tracked).unwrap().as_bytes()).unwrap();
    let untyped: serde_json::Value =
        serde_json::from_slice(&event_as_value("user-42", &tracked)).unwrap();
    assert_eq!(typed, untyped);
    let typed: serde_json::Value =
        serde_json::from_slice(Operation::identify(&customer, &profile).unwrap().as_bytes())
            .unwrap();
    let untyped: serde_json::Value =
        serde_json::from_slice(&profile_as_value("user-42", &profile)).unwrap();
    assert_eq!(typed, untyped);

    let mut group = c.benchmark_group("client_serialize");
    group.throughput(Throughput::Elements(1));
    group.bench_function("typed/event", |b| {
        b.iter(|| Operation::event(black_box(&customer), black_box(&tracked)).unwrap())
    });
    group.bench_function("value/event", |b| {
        b.iter(|| event_as_value(black_box("user-42"), black_box(&tracked)))
    });
    group.bench_function("typed/identify", |b| {
        b.iter(|| Operation::identify(black_box(&customer), black_box(&profile)).unwrap())
    });
    group.bench_function("value/identify", |b| {
        b.iter(|| profile_as_value(black_box("user-42"), black_box(&profile)))
    });
    group.finish();
}

criterion_group!(benches, serialize, http);
criterion_main!(benches);
