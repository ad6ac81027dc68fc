//! `cio-emulator`: runs a local Customer.io (Track, App and Data Pipelines APIs, the
//! journeys of an `events.toml`, the web inbox) on 127.0.0.1 until Ctrl-C. It takes the same flags
//! as `cio-cli emulator` (see `--help`).
//!
//! Exit codes, as `cio-cli emulator`'s: 0 stopped by Ctrl-C, 1 errors in the
//! events.toml or a failure at run time (the port cannot be bound, the coverage folder
//! cannot be created), 2 a usage problem (unknown flag, bad value, an events.toml that
//! does not exist).

use std::process::ExitCode;

use cio_emulator::cli::{journeys, EmulatorArgs};
use cio_emulator::Emulator;
use clap::Parser;

/// The help's closing part: the environment, the exit codes and examples.
const AFTER_HELP: &str = "\
The journeys of events.toml run on what the emulator receives; their clock moves
only from the web inbox at the printed address or with POST /__clock.

Data Pipelines clients (POST /v1/identify, /v1/track, ..., /v1/batch) authenticate
with the write key as the Basic auth user name and an empty password; with
X-Strict-Mode: 1 an invalid call is answered 400, without it 200 and dropped.

With --webhook-url and --webhook-key, each message the journeys deliver is
reported to that URL with signed reporting webhooks (sent, then delivered), as
Customer.io sends them; one not answered 2xx is retried 3 times, then given up.

Environment:
  CIO_COVERAGE_DIR          the folder --coverage-dir names when not given
  CIO_EMULATOR_WRITE_KEY    the key --write-key names when not given
  CIO_EMULATOR_WEBHOOK_URL  the URL --webhook-url names when not given
  CIO_EMULATOR_WEBHOOK_KEY  the key --webhook-key names when not given

Exit codes: 0 stopped by Ctrl-C, 1 errors in the events.toml or a failure at run
time (the port cannot be bound), 2 a usage problem (unknown flag, bad value, an
events.toml that does not exist).

Examples:
  cio-emulator --port 4010
  cio-emulator --port 4010 --write-key my-test-key
  cio-emulator --taxonomy app/events.toml --coverage-dir target/coverage
  cio-emulator --webhook-url http://127.0.0.1:3000/webhooks/customerio --webhook-key dev-key";

/// A local Customer.io for tests and demos, on 127.0.0.1.
#[derive(Debug, Parser)]
#[command(name = "cio-emulator", version, about, after_help = AFTER_HELP)]
struct Cli {
    #[command(flatten)]
    args: EmulatorArgs,
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version are not errors; clap chooses the stream and the code.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let args = cli.args;
    let mut builder = args.configure(Emulator::builder()).log_requests(false);
    let mut plan = None;
    if let Some(path) = args.taxonomy_path() {
        let shown = path.display().to_string();
        if !path.is_file() {
            eprintln!("error: {shown}: no such file");
            return ExitCode::from(2);
        }
        let loaded = cio_schema::load(path, &shown);
        match loaded.result {
            Ok(taxonomy) => {
                let journeys = journeys::leak(&taxonomy);
                builder = builder
                    .journeys(journeys)
                    .timestamps(journeys::timestamps(&taxonomy))
                    .object_types(journeys::object_types(&taxonomy))
                    .topics(journeys::topics(&taxonomy));
                plan = Some((shown, journeys));
            }
            Err(errors) => {
                eprintln!("{errors}\n\nerror: {shown}: {} error(s)", errors.len());
                return ExitCode::FAILURE;
            }
        }
    }
    let emulator = match builder.start().await {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("cio-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", emulator.base_url());
    println!(
        "site id: {}  api key: {}  write key: {}  (Ctrl-C stops)",
        emulator.site_id(),
        emulator.api_key(),
        emulator.write_key()
    );
    if let Some((name, journeys)) = plan {
        println!(
            "journeys of {name}: {} campaigns, {} messages; inbox: {}",
            journeys.campaigns.len(),
            journeys.messages.len(),
            emulator.inbox_url()
        );
    }
    if let Some(file) = emulator.coverage_file() {
        println!("coverage: {}", file.display());
    }
    if let Some(url) = emulator.webhook_url() {
        println!("reporting webhooks: {url}");
    }
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("cio-emulator: cannot wait for Ctrl-C: {e}");
    }
    let record = emulator.record();
    println!(
        "received {} requests; {} profiles, {} events",
        emulator.request_count(),
        record.profiles.len(),
        record.event_count()
    );
    emulator.shutdown().await;
    ExitCode::SUCCESS
}
