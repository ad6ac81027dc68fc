//! Delivery pipeline benchmark (a bench binary, not criterion: one figure is a whole
//! run of the pipeline, the other a memory measurement).
//!
//! - Throughput: events/s handed to `Pipeline::track` and delivered (`flush` returned)
//!   into the in-process emulator over loopback, default `PipelineConfig` (500 KB
//!   batches, 4 in flight, 1,000 requests/s limit). Five runs of 200,000 events; the
//!   median and the range are printed.
//! - Memory: heap bytes per queued event, from a counting global allocator, with
//!   100,000 events held by a pipeline whose server never answers (a listener that
//!   never accepts), next to the serialized payload bytes per event.
//!
//! Run: `cargo bench -p cio-core --bench pipeline`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use cio_core::client::{Customer, TrackClient};
use cio_core::pipeline::{Pipeline, PipelineConfig};
use cio_core::Event;
use cio_emulator::Emulator;

/// Counts live heap bytes.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[derive(serde::Serialize)]
struct SignedUp {
    plan: &'static str,
    method: &'static str,
    seats: u32,
    trial: bool,
}

impl Event for SignedUp {
    const NAME: &'static str = "signed_up";
}

const EVENTS: u32 = 200_000;
const RUNS: usize = 5;
const HELD: u32 = 100_000;

fn event(n: u32) -> SignedUp {
    SignedUp {
        plan: "pro",
        method: "google",
        seats: n % 50 + 1,
        trial: n.is_multiple_of(2),
    }
}

fn customer(n: u32) -> Customer {
    Customer::id(format!("user-{}", 100_000 + n % 10_000))
}

async fn throughput() {
    let emulator = Emulator::builder()
        .log_requests(false)
        .start()
        .await
        .unwrap();
    let client = TrackClient::builder(emulator.site_id(), emulator.api_key())
        .base_url(emulator.base_url())
        .build()
        .unwrap();
    let mut rates = Vec::new();
    let mut enqueue_rates = Vec::new();
    for run in 0..RUNS {
        emulator.clear();
        let pipeline = Pipeline::start(client.clone(), PipelineConfig::default());
        let start = Instant::now();
        for n in 0..EVENTS {
            pipeline.track(&customer(n), event(n)).await.unwrap();
        }
        let handed_over = start.elapsed();
        pipeline.flush().await;
        let elapsed = start.elapsed();
        let stats = pipeline.stats();
        assert_eq!(stats.delivered, u64::from(EVENTS));
        assert_eq!(emulator.with_record(|r| r.event_count()), EVENTS as usize);
        let rate = f64::from(EVENTS) / elapsed.as_secs_f64();
        let enqueue_rate = f64::from(EVENTS) / handed_over.as_secs_f64();
        println!(
            "run {run}: {EVENTS} events delivered in {:.3} s = {:.0} events/s \
             ({} requests, {:.0} events/request; hand-over {:.0} events/s)",
            elapsed.as_secs_f64(),
            rate,
            stats.requests,
            f64::from(EVENTS) / stats.requests as f64,
            enqueue_rate,
        );
        rates.push(rate);
        enqueue_rates.push(enqueue_rate);
        let _ = pipeline.shutdown(Duration::from_secs(5)).await;
    }
    rates.sort_by(f64::total_cmp);
    println!(
        "pipeline throughput: median {:.0} events/s (min {:.0}, max {:.0}) over {RUNS} runs of {EVENTS}",
        rates[RUNS / 2],
        rates[0],
        rates[RUNS - 1]
    );
    emulator.shutdown().await;
}

async fn memory_per_queued_event() {
    // A server that never answers: connections wait in the listen backlog.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", silent.local_addr().unwrap());
    let client = TrackClient::builder("site", "key")
        .base_url(base_url)
        .build()
        .unwrap();
    let config = PipelineConfig::default().capacity(HELD as usize * 2, 512 * 1024 * 1024);
    let pipeline = Pipeline::start(client, config);
    let customers: Vec<Customer> = (0..HELD).map(customer).collect();
    tokio::task::yield_now().await;
    let before = LIVE.load(Ordering::Relaxed);
    let mut halfway = before;
    for (n, who) in customers.iter().enumerate() {
        if n == HELD as usize / 2 {
            tokio::task::yield_now().await;
            halfway = LIVE.load(Ordering::Relaxed);
        }
        pipeline.track(who, event(n as u32)).await.unwrap();
    }
    tokio::task::yield_now().await;
    let after = LIVE.load(Ordering::Relaxed);
    let stats = pipeline.stats();
    assert_eq!(stats.pending_events, u64::from(HELD));
    println!(
        "memory: {HELD} events held: {:.0} heap bytes per queued event overall \
         ({} batch requests in flight included), {:.0} bytes per event for the second \
         half (marginal cost); serialized payload {:.0} bytes per event",
        (after - before) as f64 / f64::from(HELD),
        stats.requests,
        (after - halfway) as f64 / f64::from(HELD - HELD / 2),
        stats.pending_bytes as f64 / stats.pending_events as f64,
    );
    // Baseline: the same operations kept in a plain Vec, without any pipeline.
    let start = LIVE.load(Ordering::Relaxed);
    let mut plain = Vec::with_capacity(HELD as usize);
    for (n, who) in customers.iter().enumerate() {
        let tracked = cio_core::Tracked::new(event(n as u32));
        plain.push(cio_core::client::Operation::event(who, &tracked).unwrap());
    }
    println!(
        "memory baseline: one Operation in a Vec: {:.0} heap bytes",
        (LIVE.load(Ordering::Relaxed) - start) as f64 / f64::from(HELD)
    );
    drop(plain);
    let report = pipeline.shutdown(Duration::ZERO).await;
    assert_eq!(report.undelivered.len(), HELD as usize);
}

fn main() {
    // `cargo test --benches` runs bench binaries with `--bench` absent: skip the work.
    if !std::env::args().any(|arg| arg == "--bench") {
        println!("pipeline bench: run with `cargo bench -p cio-core --bench pipeline`");
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        // Memory first: nothing else allocates or frees while it is measured.
        memory_per_queued_event().await;
        throughput().await;
    });
}
