//! `cio`: checks, documents, exports and diffs an `events.toml`, simulates its
//! journeys on a scenario, and runs the Track API emulator. Every check is
//! `cio-schema`'s, the same the macros run.
//!
//! Exit codes: 0 success, 1 findings (errors in the file, a breaking change), 2 a
//! usage problem (unknown flag, missing or unreadable file).

/// `println!` that never panics: a closed standard output (`cio docs | head`) only
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
mod diff;
mod docs;
mod emulator;
mod input;
mod journeys;
mod output;
mod printable;
mod schema;
mod simulate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Compile-time checked Customer.io messaging, from the command line.
#[derive(Debug, Parser)]
#[command(
    name = "cio",
    version,
    about,
    after_help = "Examples:\n  cio check\n  cio docs --out TRACKING_PLAN.md\n  cio diff main:events.toml events.toml\n  cio simulate onboarding.scenario.toml\n\nRun `cio help <command>` for each command's options and examples."
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
    #[command(after_help = "Examples:\n  cio check\n  cio check app/events.toml --format github")]
    Check {
        /// The events.toml to check.
        #[arg(default_value = "events.toml")]
        path: PathBuf,
        /// How to print the errors.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Writes the tracking plan as one Markdown page (with Mermaid journeys).
    #[command(after_help = "Example:\n  cio docs events.toml --out TRACKING_PLAN.md")]
    Docs {
        /// The events.toml to document.
        #[arg(default_value = "events.toml")]
        path: PathBuf,
        /// Where to write the page (standard output when not given).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Writes JSON Schemas (draft 2020-12) of each event's data and of the profile.
    #[command(
        after_help = "Without --out, prints one schema whose $defs hold them all.\n\nExample:\n  cio schema events.toml --out schemas/"
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
        after_help = "Each side is a path or REV:PATH, read with `git show`.\nExits with 1 on a breaking change unless --allow-breaking.\n\nExamples:\n  cio diff old/events.toml events.toml\n  cio diff main:events.toml events.toml"
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
        after_help = "A scenario is TOML: people with their profile, then [[steps]] that identify,\ntrack (each at an optional time) or advance the clock. docs/simulate.md\ndescribes it. Exits with 1 on an error in the scenario or in events.toml.\n\nExample scenario:\n  [people.jane]\n  email = \"jane@example.com\"\n  first_name = \"Jane\"\n\n  [[steps]]\n  track = \"signed_up\"\n  person = \"jane\"\n  data = { method = \"google\" }\n\n  [[steps]]\n  advance = \"1d\"\n\nExamples:\n  cio simulate onboarding.scenario.toml\n  cio simulate onboarding.scenario.toml --taxonomy app/events.toml --format json"
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
        after_help = "The journeys of events.toml run on what the emulator receives (without\n--taxonomy, ./events.toml when there is one); their clock moves only from the\nweb inbox at the printed address or with POST /__clock. Its [segments] exist\n(segment calls to any other answer 404). Point a client at the printed address\nwith the printed credentials; Ctrl-C stops.\n\nExamples:\n  cio emulator --port 4010\n  cio emulator --taxonomy app/events.toml"
    )]
    Emulator {
        /// The port (an ephemeral one when not given).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// The events.toml whose journeys run (default: ./events.toml, if present).
        #[arg(long)]
        taxonomy: Option<PathBuf>,
        /// The site id clients must send.
        #[arg(long, default_value = cio_emulator::DEFAULT_SITE_ID)]
        site_id: String,
        /// The API key clients must send.
        #[arg(long, default_value = cio_emulator::DEFAULT_API_KEY)]
        api_key: String,
    },
}

/// How `cio check` prints its errors.
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
        Command::Emulator {
            port,
            taxonomy,
            site_id,
            api_key,
        } => emulator::run(port, taxonomy.as_deref(), site_id, api_key),
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
