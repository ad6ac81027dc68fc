//! `cio-cli`: checks, documents, exports and diffs an `events.toml`, simulates its
//! journeys on a scenario, runs the Customer.io emulator, and reports what the tests
//! never exercised. Every check is `cio-schema`'s, the same the macros run.
//!
//! Exit codes: 0 success, 1 findings (errors in the file, a breaking change, a
//! declared event or message the tests never exercised), 2 a usage problem (unknown
//! flag, missing or unreadable file).

/// `println!` that never panics: a closed standard output (`cio-cli docs | head`) only
/// ends the output.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::output::emit(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` that never panics (see [`say!`]).
macro_rules! say_raw {
    ($($arg:tt)*) => {
        $crate::output::emit(&format!($($arg)*))
    };
}

/// `eprint!` that never panics.
macro_rules! say_err {
    ($($arg:tt)*) => {
        $crate::output::emit_err(&format!($($arg)*))
    };
}

mod check;
mod coverage;
mod diff;
mod docs;
mod emulator;
mod input;
mod journeys;
mod output;
mod pii;
mod printable;
mod schema;
mod simulate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Compile-time checked Customer.io messaging, from the command line.
#[derive(Debug, Parser)]
#[command(
    name = "cio-cli",
    version,
    about,
    after_help = "Examples:\n  cio-cli check\n  cio-cli docs --out TRACKING_PLAN.md\n  cio-cli diff main:events.toml events.toml\n  cio-cli simulate onboarding.scenario.toml\n  CIO_COVERAGE_DIR=target/cio-coverage cargo test && cio-cli coverage target/cio-coverage\n\nExit codes: 0 success, 1 findings (errors in the file, a breaking change, something\nnever exercised), 2 a usage problem (unknown flag, missing or unreadable file).\n\nRun `cio-cli help <command>` for each command's options and examples."
)]
struct Cli {
    /// What to do.
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Checks events.toml as `taxonomy!()` does, reporting every error at once.
    #[command(
        after_help = "Examples:\n  cio-cli check\n  cio-cli check app/events.toml --format github"
    )]
    Check {
        /// The events.toml to check.
        #[arg(default_value = "events.toml")]
        path: PathBuf,
        /// How to print the errors.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Writes the tracking plan as one Markdown page (with Mermaid journeys).
    #[command(after_help = "Example:\n  cio-cli docs events.toml --out TRACKING_PLAN.md")]
    Docs {
        /// The events.toml to document.
        #[arg(default_value = "events.toml")]
        path: PathBuf,
        /// Where to write the page (standard output when not given).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Writes JSON Schemas (draft 2020-12) of the events, profile, object types and topics.
    #[command(
        after_help = "Without --out, prints one schema whose $defs hold them all.\n\nExample:\n  cio-cli schema events.toml --out schemas/"
    )]
    Schema {
        /// The events.toml to export.
        #[arg(default_value = "events.toml")]
        path: PathBuf,
        /// A folder to write one `<name>.schema.json` file per schema into.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Classifies every change between two versions of events.toml.
    #[command(
        after_help = "Each side is a path or REV:PATH, read with `git show`.\nExits with 1 on a breaking change unless --allow-breaking.\n\nExamples:\n  cio-cli diff old/events.toml events.toml\n  cio-cli diff main:events.toml events.toml"
    )]
    Diff {
        /// The version deployed apps were built with.
        old: String,
        /// The new version.
        new: String,
        /// Exit with 0 even when a change is breaking.
        #[arg(long)]
        allow_breaking: bool,
    },
    /// Runs a scenario through the journeys, printing each delivery and its subject.
    #[command(
        after_help = "A scenario is TOML: people with their profile, then [[steps]] that identify,\ntrack (each at an optional time) or advance the clock. docs/simulate.md\ndescribes it. Exits with 1 on an error in the scenario or in events.toml.\n\nExample scenario:\n  [people.jane]\n  email = \"jane@example.com\"\n  first_name = \"Jane\"\n\n  [[steps]]\n  track = \"signed_up\"\n  person = \"jane\"\n  data = { method = \"google\" }\n\n  [[steps]]\n  advance = \"1d\"\n\nExamples:\n  cio-cli simulate onboarding.scenario.toml\n  cio-cli simulate onboarding.scenario.toml --taxonomy app/events.toml --format json"
    )]
    Simulate {
        /// The scenario file.
        scenario: PathBuf,
        /// The events.toml whose campaigns and messages run.
        #[arg(long, default_value = "events.toml")]
        taxonomy: PathBuf,
        /// How to print the deliveries.
        #[arg(long, value_enum, default_value_t = simulate::SimulateFormat::Text)]
        format: simulate::SimulateFormat,
    },
    /// Runs the Track API emulator on 127.0.0.1, printing what it receives and the
    /// journeys' deliveries.
    #[command(
        after_help = "The journeys of events.toml run on what the emulator receives (without\n--taxonomy, ./events.toml when there is one); their clock moves only from the\nweb inbox at the printed address or with POST /__clock. Its [segments] exist\n(segment calls to any other answer 404). Point a client at the printed address\nwith the printed credentials; Ctrl-C stops. The cio-emulator binary takes the\nsame flags.\n\nWith --webhook-url and --webhook-key, the journeys' deliveries are reported to\nthat URL with signed reporting webhooks (sent, then delivered), as Customer.io\nsends them; one not answered 2xx is retried 3 times, then given up.\n\nEnvironment:\n  CIO_COVERAGE_DIR          the folder --coverage-dir names when not given\n  CIO_EMULATOR_WRITE_KEY    the key --write-key names when not given\n  CIO_EMULATOR_WEBHOOK_URL  the URL --webhook-url names when not given\n  CIO_EMULATOR_WEBHOOK_KEY  the key --webhook-key names when not given\n\nExamples:\n  cio-cli emulator --port 4010\n  cio-cli emulator --taxonomy app/events.toml --coverage-dir target/coverage\n  cio-cli emulator --webhook-url http://127.0.0.1:3000/webhooks/customerio --webhook-key dev-key"
    )]
    Emulator {
        /// The emulator's flags (the same as the `cio-emulator` binary's).
        #[command(flatten)]
        args: cio_emulator::cli::EmulatorArgs,
    },
    /// Lists the declared events and messages the tests never exercised (CIO_COVERAGE_DIR).
    #[command(
        after_help = "Every emulator started while CIO_COVERAGE_DIR is set (cio::emulator in tests,\ncio-emulator, cio-cli emulator) writes what it saw into a file of its own in\nthat folder. Exits with 1, listing each declaration never exercised with its\nplace in events.toml, unless every event was sent and every message rendered\n(journey messages, transactional messages, broadcasts). Branches never taken are\nnotes, or findings with --branches.\n\nExample (CI):\n  rm -rf target/cio-coverage\n  CIO_COVERAGE_DIR=$PWD/target/cio-coverage cargo test\n  cio-cli coverage --taxonomy events.toml target/cio-coverage"
    )]
    Coverage {
        /// The folder the emulators wrote their files into (CIO_COVERAGE_DIR).
        dir: PathBuf,
        /// The events.toml whose declarations must be exercised.
        #[arg(long, default_value = "events.toml")]
        taxonomy: PathBuf,
        /// How to print the findings.
        #[arg(long, value_enum, default_value_t = coverage::CoverageFormat::Text)]
        format: coverage::CoverageFormat,
        /// A branch of a campaign never taken is a finding too (else a note).
        #[arg(long)]
        branches: bool,
    },
}

/// How `cio-cli check` prints its errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// rustc-style excerpts, as the macros print them.
    Text,
    /// One JSON object per line per error, for editors.
    Json,
    /// GitHub Actions workflow commands (`::error file=...`).
    Github,
}

/// Why a command could not do its job.
#[derive(Debug)]
enum Failure {
    /// The request itself is wrong (a file to read or write): exit 2.
    Usage(String),
    /// The command ran and found problems, already printed: exit 1.
    Findings,
}

impl From<input::InputError> for Failure {
    fn from(e: input::InputError) -> Self {
        Failure::Usage(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version are not errors; clap chooses the stream and code.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let outcome = match cli.command {
        Command::Check { path, format } => check::run(&path, format),
        Command::Docs { path, out } => docs::run(&path, out.as_deref()),
        Command::Schema { path, out } => schema::run(&path, out.as_deref()),
        Command::Diff {
            old,
            new,
            allow_breaking,
        } => diff::run(&old, &new, allow_breaking),
        Command::Simulate {
            scenario,
            taxonomy,
            format,
        } => simulate::run(&scenario, &taxonomy, format),
        Command::Emulator { args } => emulator::run(&args),
        Command::Coverage {
            dir,
            taxonomy,
            format,
            branches,
        } => coverage::run(&dir, &taxonomy, format, branches),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Findings) => ExitCode::FAILURE,
        Err(Failure::Usage(message)) => {
            say_err!("error: {message}\n");
            ExitCode::from(2)
        }
    }
}
