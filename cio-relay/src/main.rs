//! `cio-relay`: runs an outbox relay as a process of its own (see `--help`).
//!
//! Every flag is named after the [`RelayConfig`] setting it sets (`--lease 30s`,
//! `--poll-interval 500ms`, `--max-batch-bytes 500KB`, ...); the database comes from
//! `--database-url` or `DATABASE_URL`; the API from `--api` (`track` or
//! `pipelines`), its credentials from `CUSTOMERIO_SITE_ID` and
//! `CUSTOMERIO_TRACK_API_KEY`, or `CUSTOMERIO_PIPELINES_WRITE_KEY`, and
//! `CUSTOMERIO_REGION`.
//!
//! Exit codes: 0 stopped by SIGTERM or Ctrl-C (with `--drain`: the outbox is empty),
//! 1 a failure at run time (the database or Customer.io cannot be reached), 2 a usage
//! problem (unknown flag, missing or out-of-range value).
//!
//! A crate of its own rather than a binary of `cio-core`: the library keeps no
//! command-line or logging dependencies, and the crash tests reach this binary from
//! their own integration tests.

mod args;
mod tls;
mod units;

use std::process::ExitCode;
use std::time::Duration;

use args::Credentials;
use cio_core::client::{Destination, PipelinesClient, TrackClient, DEFAULT_TIMEOUT};
#[cfg(doc)]
use cio_core::outbox::RelayConfig;
use cio_core::outbox::{Outbox, Relay};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .init();
    let args = match args::Args::parse_checked() {
        Ok(args) => args,
        Err(e) => {
            // Help and version are not errors; clap chooses the stream and the code.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
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
    let destination = destination(&args).map_err(|e| e.to_string())?;
    let config = args.relay_config();
    let relay = Relay::start(outbox.clone(), destination, config);
    if args.drain {
        wait_until_drained(&outbox, args.poll_interval).await?;
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

/// The client of the API `args` choose.
fn destination(args: &args::Args) -> Result<Destination, cio_core::client::Error> {
    // A request must end well within the lease, or another relay sends it too.
    let timeout = (args.lease / 2).clamp(Duration::from_millis(50), DEFAULT_TIMEOUT);
    let credentials = args
        .credentials()
        .map_err(|e| cio_core::client::Error::Config(e.to_string()))?;
    Ok(match credentials {
        Credentials::Track { site_id, api_key } => {
            let mut builder = TrackClient::builder(site_id, api_key)
                .region(args.region)
                .timeout(timeout);
            if let Some(base_url) = &args.base_url {
                builder = builder.base_url(base_url.clone());
            }
            builder.build()?.into()
        }
        Credentials::Pipelines { write_key } => {
            let mut builder = PipelinesClient::builder(write_key)
                .region(args.region)
                .timeout(timeout);
            if let Some(base_url) = &args.base_url {
                builder = builder.base_url(base_url.clone());
            }
            builder.build()?.into()
        }
    })
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
