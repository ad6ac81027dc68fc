//! `cio-cli simulate`: a scenario (people, timed `identify`/`track`/`object`/`relate`,
//! `advance`) run
//! through the journeys of a taxonomy, printing every delivery with its rendered
//! subject, as text or JSON.

mod report;
mod scenario;
mod steps;
mod time;
mod values;

use std::path::Path;
use std::time::Duration;

use cio_core::journey::Simulation;
use cio_core::Timestamp;
use cio_schema::{Diagnostics, SourceFile};

use crate::{check, input, journeys, Failure, Format};
use scenario::Action;

pub(crate) use report::shown;
pub(crate) use time::utc;

/// How `cio-cli simulate` prints the deliveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum SimulateFormat {
    /// One line per delivery, then the journeys still waiting.
    Text,
    /// One JSON document: the deliveries and every journey.
    Json,
}

/// Prints the errors of `file` (the taxonomy or the scenario), which run nothing:
/// as `cio-cli check` prints them for text, and as the one JSON document
/// `{"errors": [...]}` on standard output for `--format json`.
fn refuse(errors: &Diagnostics, file: &str, format: SimulateFormat) -> Failure {
    match format {
        SimulateFormat::Text => say_err!("{}", check::render(errors, file, Format::Text)),
        SimulateFormat::Json => {
            let errors: Vec<_> = errors.iter().map(|d| check::json_report(d, file)).collect();
            say!("{}", serde_json::json!({ "errors": errors }));
        }
    }
    Failure::Findings
}

/// Runs the scenario at `path` on the journeys of the `events.toml` at `taxonomy`.
pub(crate) fn run(path: &Path, taxonomy: &Path, format: SimulateFormat) -> Result<(), Failure> {
    if path.is_dir() {
        return Err(Failure::Usage(format!(
            "{} is a directory; give the path of a scenario file",
            path.display()
        )));
    }
    let plan = input::read_path(taxonomy)?;
    let scenario_source = input::read_path(path)?;
    let taxonomy = plan
        .taxonomy()
        .map_err(|errors| refuse(&errors, &plan.name, format))?;
    let file = SourceFile::new(scenario_source.name.clone(), scenario_source.text);
    let scenario =
        scenario::read(&file, &taxonomy).map_err(|errors| refuse(&errors, &file.name, format))?;
    let mut simulation = Simulation::new(
        journeys::leak(&taxonomy),
        Timestamp::from_unix(scenario.start),
    );
    for (person, profile) in &scenario.people {
        simulation.identify_json(person, profile.clone());
    }
    for step in scenario.steps {
        match step {
            Action::Until(time) => simulation.advance_until(Timestamp::from_unix(time)),
            Action::Identify { person, attributes } => {
                simulation.identify_json(&person, attributes);
            }
            Action::Track {
                person,
                event,
                data,
            } => simulation.track_json(&person, &event, data),
            Action::Advance(seconds) => simulation.advance(Duration::from_secs(seconds)),
            Action::Object {
                object_type,
                id,
                attributes,
            } => simulation.object_json(&object_type, &id, attributes),
            Action::Relate {
                person,
                object_type,
                id,
                relationship,
            } => simulation.relate_json(&person, &object_type, &id, relationship),
        }
    }
    let failed = match format {
        SimulateFormat::Text => report::text(&simulation, scenario.start),
        SimulateFormat::Json => report::json(&simulation, scenario.start),
    };
    if failed > 0 {
        let s = if failed == 1 { "" } else { "s" };
        say_err!("error: {failed} message{s} failed to render (Customer.io would not send them)\n");
        return Err(Failure::Findings);
    }
    Ok(())
}
