//! Crash and many-relay tests with real processes: a child that writes 20,000 events
//! in the app's transactions and relays them is killed with SIGKILL mid-batch; the
//! `cio-relay` command finishes; the emulator then holds exactly the 20,000 ids. On
//! SQLite, and on PostgreSQL when it answers on 127.0.0.1:5432 or
//! `CIO_TEST_POSTGRES_URL` is set (CI requires it).
//! Waits poll conditions under an overall timeout; none sleeps for timing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Duration;

use cio_emulator::{Emulator, Faults};
use support::*;

/// The body of the child processes (does nothing unless started by a test below).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the child process of the crash tests"]
async fn child_writer() {
    writer_main().await;
}

async fn slow_emulator() -> Emulator {
    let faults = Faults {
        latency: Duration::from_millis(40),
        ..Faults::NONE
    };
    Emulator::builder().faults(faults).start().await.unwrap()
}

/// Kills the writer mid-run, then lets `cio-relay --drain` finish, on `api`.
async fn crash_and_recover(url: &str, namespace: &str, api: Api) {
    let emulator = slow_emulator().await;
    let mut writer = spawn_writer(&emulator, url, namespace, true, api).await;
    // Mid-run: some delivered, most not, batches in flight.
    until(|| async { stored_count(&emulator) >= 2_000 }).await;
    writer.kill().await.unwrap();
    let at_kill = stored_count(&emulator);
    assert!(
        at_kill < EVENTS as usize,
        "the writer's relay had already finished"
    );

    let flags = ["--unlimited-rate", "--drain"];
    let mut relay = spawn_relay(&emulator, url, namespace, &flags, api);
    let status = relay.wait().await.unwrap();
    assert!(status.success(), "cio-relay failed: {status}");
    assert_exactly_all(&emulator, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_killed_process_loses_nothing_and_doubles_nothing() {
    bounded(
        180,
        crash_and_recover(&sqlite_url("crash"), "cio_outbox", Api::Track),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_killed_process_loses_nothing_on_the_pipelines_api() {
    let url = sqlite_url("crash_pipelines");
    bounded(180, crash_and_recover(&url, "cio_outbox", Api::Pipelines)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_killed_process_loses_nothing_and_doubles_nothing() {
    let Some(url) = postgres_url("postgres_a_killed_process_loses_nothing_and_doubles_nothing")
    else {
        return;
    };
    let namespace = fresh_schema(&url, "t_crash").await;
    bounded(180, crash_and_recover(&url, &namespace, Api::Track)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_three_relays_one_killed_share_the_rows_and_the_rate() {
    let Some(url) = postgres_url("postgres_three_relays_one_killed_share_the_rows_and_the_rate")
    else {
        return;
    };
    bounded(240, async {
        const RATE: usize = 20;
        const BURST: usize = 2;
        let namespace = fresh_schema(&url, "t_three").await;
        // The writer runs no relay: the three relays deliver everything.
        let emulator = Emulator::start().await.unwrap();
        let mut writer = spawn_writer(&emulator, &url, &namespace, false, Api::Track).await;
        writer.kill().await.unwrap();

        let rate = RATE.to_string();
        let burst = BURST.to_string();
        let flags = [
            "--requests-per-second",
            rate.as_str(),
            "--burst",
            burst.as_str(),
            "--max-batch-bytes",
            "33KB",
        ];
        let mut relays: Vec<_> = (0..3)
            .map(|_| spawn_relay(&emulator, &url, &namespace, &flags, Api::Track))
            .collect();
        until(|| async { stored_count(&emulator) >= 6_000 }).await;
        relays[0].kill().await.unwrap();
        until(|| async { stored_count(&emulator) >= EVENTS as usize }).await;
        for relay in &mut relays[1..] {
            relay.start_kill().unwrap();
            relay.wait().await.unwrap();
        }
        assert_exactly_all(&emulator, 1);

        // The request rate, over all relays, stays within the limit (three relays
        // pacing alone would reach three times it). Slots are reserved in the
        // database and a request leaves when its slot comes; on a loaded machine a
        // late task can still bunch a few arrivals, hence the margins.
        let arrivals: Vec<_> = emulator.with_record(|record| {
            record
                .requests_to("/api/v2/batch")
                .map(|request| request.arrived)
                .collect()
        });
        assert!(
            arrivals.len() > 2 * RATE,
            "too few requests to judge the rate: {}",
            arrivals.len()
        );
        let span = arrivals[arrivals.len() - 1]
            .duration_since(arrivals[0])
            .as_secs_f64();
        let average = (arrivals.len() - BURST) as f64 / span;
        assert!(
            average <= RATE as f64 * 1.15,
            "{average:.1} requests/s on average, limit {RATE}"
        );
        let mut busiest = 0;
        for (i, start) in arrivals.iter().enumerate() {
            let within = arrivals[i..]
                .iter()
                .take_while(|at| at.duration_since(*start) < Duration::from_secs(1))
                .count();
            busiest = busiest.max(within);
        }
        assert!(
            busiest <= RATE * 3 / 2,
            "{busiest} requests in one second, limit {RATE}"
        );
    })
    .await;
}
