//! `cio-relay`: runs an outbox relay as a process of its own (see `--help`).
//!
//! A crate of its own rather than a binary of `cio-core`: the library keeps no
//! command-line or logging dependencies, and the crash tests reach this binary from
//! their own integration tests.

mod args;
mod tls;

use std::process::ExitCode;
use std::time::Duration;

use cio_core::client::{TrackClient, DEFAULT_TIMEOUT};
use cio_core::outbox::{Outbox, Relay, RelayConfig};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .init();
    let args = match args::parse(std::env::args().skip(1), std::env::var("DATABASE_URL").ok()) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("cio-relay: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: args::Args) -> Result<(), String> {
    if let Some(warning) = tls::plaintext_warning(&args.database_url) {
        tracing::warn!("{warning}");
    }
    let outbox = Outbox::connect(&args.database_url, &args.namespace)
        .await
        .map_err(|e| e.to_string())?;
    let mut builder = TrackClient::builder_from_env().map_err(|e| e.to_string())?;
    if let Some(base_url) = &args.base_url {
        builder = builder.base_url(base_url.clone());
    }
    // A request must end well within the lease, or another relay sends it too.
    let client = builder
        .timeout((args.lease / 2).clamp(Duration::from_millis(50), DEFAULT_TIMEOUT))
        .build()
        .map_err(|e| e.to_string())?;
    let mut config = RelayConfig::default()
        .lease(args.lease)
        .poll_interval(args.poll);
    config = match args.requests_per_second {
        Some(rate) => config.requests_per_second(rate),
        None => config.unlimited_rate(),
    };
    if let Some(burst) = args.burst {
        config = config.burst(burst);
    }
    if let Some(bytes) = args.max_batch_bytes {
        config = config.max_batch_bytes(bytes);
    }
    let relay = Relay::start(outbox.clone(), client, config);
    if args.drain {
        wait_until_drained(&outbox, args.poll).await?;
    } else {
        wait_for_signal().await;
    }
    let stats = relay.shutdown().await;
    println!(
        "delivered {} retried {} dead-lettered {} requests {}",
        stats.delivered, stats.retried, stats.dead_lettered, stats.requests
    );
    Ok(())
}

/// Returns once the outbox has no pending row (or on a signal).
async fn wait_until_drained(outbox: &Outbox, poll: Duration) -> Result<(), String> {
    loop {
        let pending = match outbox.stats().await {
            Ok(stats) => stats.pending,
            Err(error) => {
                tracing::warn!(%error, "cannot count pending rows");
                u64::MAX
            }
        };
        if pending == 0 {
            return Ok(());
        }
        tokio::select! {
            () = tokio::time::sleep(poll) => {}
            () = wait_for_signal() => return Err("stopped before the outbox was drained".to_owned()),
        }
    }
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
