//! cio's `Pipeline` on the Data Pipelines API against Customer.io's own
//! `@customerio/cdp-analytics-node`, side by side in one run: each sends the same
//! track calls (one per person, `signed_up` with two properties) with its default
//! batching to the same local emulator, as a process of its own, and reports its
//! wall time, CPU time (user + system) and peak memory (resident set). Between
//! runs the emulator's record is cleared; after each, the events never stored and
//! those that arrived more than once are counted: cio must lose none and send none
//! twice (the bench fails otherwise); the table shows the other side's.
//!
//! ```sh
//! (cd benches/pipelines-node && npm ci)
//! cargo bench --bench pipelines_vs_node
//! ```
//!
//! `CIO_BENCH_EVENTS` (default 200,000) and `CIO_BENCH_RUNS` (default 3) change the
//! size; the senders alternate run by run: Node, cio with its default queue (100,000
//! operations), cio with a queue of 10,000 (its memory is mostly what it queues).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use cio_core::client::{Customer, PipelinesClient};
use cio_core::pipeline::{Pipeline, PipelineConfig};
use cio_core::Event;
use cio_emulator::Emulator;

/// The event both senders send.
#[derive(serde::Serialize)]
struct SignedUp {
    plan: &'static str,
    n: u32,
}

impl Event for SignedUp {
    const NAME: &'static str = "signed_up";
}

/// What a sender reports of itself, and what the emulator saw of it.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
struct Report {
    events: u64,
    failed: u64,
    secs: f64,
    cpu_secs: f64,
    max_rss_kb: u64,
    /// Arrivals beyond the first of each event (filled in by the parent).
    #[serde(default)]
    sent_twice: u64,
    /// Events never stored (filled in by the parent).
    #[serde(default)]
    lost: u64,
}

impl Report {
    fn events_per_second(&self) -> f64 {
        self.events as f64 / self.secs
    }

    fn events_per_cpu_second(&self) -> f64 {
        self.events as f64 / self.cpu_secs
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    if let (Ok(base_url), Ok(write_key)) = (
        std::env::var("CIO_BENCH_SENDER_URL"),
        std::env::var("CIO_BENCH_SENDER_KEY"),
    ) {
        let events = env_number("CIO_BENCH_EVENTS", 200_000);
        let queue = std::env::var("CIO_BENCH_QUEUE")
            .ok()
            .and_then(|v| v.parse().ok());
        let report = tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(send_with_cio(&base_url, &write_key, events, queue));
        println!("{}", serde_json::to_string(&report).unwrap());
        return;
    }
    // `cargo bench` passes `--bench`; any other argument is a filter this bench ignores.
    let node_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/pipelines-node");
    if !node_dir
        .join("node_modules/@customerio/cdp-analytics-node")
        .is_dir()
    {
        eprintln!(
            "pipelines_vs_node: run `npm ci` in {} first (it installs @customerio/cdp-analytics-node)",
            node_dir.display()
        );
        std::process::exit(1);
    }
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(compare(&node_dir));
}

/// The cio side, in the child process: a pipeline on a `PipelinesClient` (with the
/// default queue of 100,000 operations, or `queue`), every event queued, then a
/// shutdown that delivers them all.
async fn send_with_cio(
    base_url: &str,
    write_key: &str,
    events: u64,
    queue: Option<usize>,
) -> Report {
    let client = PipelinesClient::builder(write_key)
        .base_url(base_url)
        .build()
        .unwrap();
    let started = Instant::now();
    let mut config = PipelineConfig::default();
    if let Some(queue) = queue {
        config = config.capacity(queue, 64 * 1024 * 1024);
    }
    let pipeline = Pipeline::start(client, config);
    for n in 0..events {
        let n = u32::try_from(n).unwrap();
        pipeline
            .track(
                &Customer::id(format!("user-{n}")),
                SignedUp { plan: "pro", n },
            )
            .await
            .unwrap();
    }
    let report = pipeline.shutdown(Duration::from_secs(600)).await;
    let secs = started.elapsed().as_secs_f64();
    let (cpu_secs, max_rss_kb) = own_usage();
    Report {
        events,
        failed: (report.undelivered.len() + report.failures.len()) as u64,
        secs,
        cpu_secs,
        max_rss_kb,
        sent_twice: 0,
        lost: 0,
    }
}

/// This process's CPU time (user + system, from `/proc/self/stat`, in clock ticks of
/// 1/100 s) and peak resident set (`VmHWM`, kB).
fn own_usage() -> (f64, u64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let hwm = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kb| kb.parse().ok())
        .unwrap_or(0);
    (ticks as f64 / 100.0, hwm)
}

/// Runs both senders in turn, checks the emulator after each, prints the table.
async fn compare(node_dir: &Path) {
    let events = env_number("CIO_BENCH_EVENTS", 200_000);
    let runs = env_number("CIO_BENCH_RUNS", 3);
    let emulator = Emulator::builder()
        .log_requests(false)
        .start()
        .await
        .unwrap();
    let mut cio = Vec::new();
    let mut cio_small = Vec::new();
    let mut node = Vec::new();
    for run in 0..runs {
        for side in ["node", "cio", "cio-10k"] {
            emulator.clear();
            let mut command = if side == "node" {
                let mut command = Command::new("node");
                command
                    .current_dir(node_dir)
                    .arg("send.mjs")
                    .arg(emulator.base_url())
                    .arg(emulator.write_key())
                    .arg(events.to_string());
                command
            } else {
                let mut command = Command::new(std::env::current_exe().unwrap());
                command
                    .env("CIO_BENCH_SENDER_URL", emulator.base_url())
                    .env("CIO_BENCH_SENDER_KEY", emulator.write_key())
                    .env("CIO_BENCH_EVENTS", events.to_string());
                if side == "cio-10k" {
                    command.env("CIO_BENCH_QUEUE", "10000");
                }
                command
            };
            let output = tokio::task::spawn_blocking(move || command.output())
                .await
                .unwrap()
                .unwrap();
            assert!(
                output.status.success(),
                "{side} failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            let text = String::from_utf8_lossy(&output.stdout);
            let line = text.lines().last().unwrap_or_default();
            let mut report: Report = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{side} printed {text:?}: {e}"));
            let (stored, arrivals, duplicates) = emulator.with_record(|record| {
                (
                    record.event_count() as u64,
                    record.arrivals_total,
                    record.duplicates_ignored,
                )
            });
            report.sent_twice = arrivals.saturating_sub(stored);
            report.lost = events - stored.min(events);
            if side != "node" {
                assert_eq!(report.failed, 0, "cio reported failures: {report:?}");
                assert_eq!(report.lost, 0, "cio lost events");
                assert_eq!(report.sent_twice, 0, "cio sent events twice");
                assert_eq!(duplicates, 0, "cio sent events twice");
            }
            eprintln!(
                "run {run} {side:<7}: {:>9.0} events/s, {:>9.0} events per CPU second, {:>7} kB peak, {:.1} s, {} lost, {} arrivals beyond the first",
                report.events_per_second(),
                report.events_per_cpu_second(),
                report.max_rss_kb,
                report.secs,
                report.lost,
                report.sent_twice
            );
            match side {
                "node" => node.push(report),
                "cio" => cio.push(report),
                _ => cio_small.push(report),
            }
        }
    }
    let median = |reports: &[Report], f: &dyn Fn(&Report) -> f64| {
        let mut values: Vec<f64> = reports.iter().map(f).collect();
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    println!("\n{events} track calls, median of {runs} runs");
    println!("| sender | events/s | events per CPU second | peak memory | lost | sent twice |");
    println!("|---|---|---|---|---|---|");
    for (name, reports) in [
        ("cio Pipeline (default queue: 100,000)", &cio),
        ("cio Pipeline (queue of 10,000)", &cio_small),
        ("cdp-analytics-node 0.5.9", &node),
    ] {
        println!(
            "| {name} | {:.0} | {:.0} | {:.1} MB | {:.0} | {:.0} |",
            median(reports, &Report::events_per_second),
            median(reports, &Report::events_per_cpu_second),
            median(reports, &|r: &Report| r.max_rss_kb as f64) / 1024.0,
            median(reports, &|r: &Report| r.lost as f64),
            median(reports, &|r: &Report| r.sent_twice as f64)
        );
    }
    println!();
    for (name, reports) in [("default queue", &cio), ("queue of 10,000", &cio_small)] {
        println!(
            "cio ({name}) / node: {:.1}x events per CPU second, {:.2}x the peak memory",
            median(reports, &Report::events_per_cpu_second)
                / median(&node, &Report::events_per_cpu_second),
            median(reports, &|r: &Report| r.max_rss_kb as f64)
                / median(&node, &|r: &Report| r.max_rss_kb as f64)
        );
    }
}
