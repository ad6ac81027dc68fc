//! `cio-cli coverage`: compares what `events.toml` declares with what the emulators
//! saw while the tests ran (the files they write into `CIO_COVERAGE_DIR`), listing
//! each event never sent and each message never rendered at its declaration.

mod files;
mod gaps;

use std::path::Path;

use cio_emulator::Coverage;
use cio_schema::SourceFile;
use serde_json::json;

use crate::{check, input, journeys, Failure};
use gaps::{Comparison, Gap, Kind, Tally};

/// How `cio-cli coverage` prints its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum CoverageFormat {
    /// One line per gap (`events.toml:LINE:COL: ...`), then a summary.
    Text,
    /// One JSON document: the counts and every gap.
    Json,
}

/// Compares the `events.toml` at `taxonomy` with the coverage files in `dir`; with
/// `branches`, a branch never taken is a finding too (else a note).
pub(crate) fn run(
    dir: &Path,
    taxonomy: &Path,
    format: CoverageFormat,
    branches: bool,
) -> Result<(), Failure> {
    let source = input::read_path(taxonomy)?;
    let plan = check::valid(&source)?;
    let (seen, files) = files::read_dir(dir)?;
    let id = Coverage::journeys_id(journeys::leak(&plan));
    let comparison = Comparison::new(&plan, &seen, &id);
    // Journeys ran, none of them these: the messages' gaps deserve a word why.
    let other_journeys = !seen.journeys.is_empty() && !seen.journeys.contains_key(&id);
    let file = SourceFile::new(source.name.clone(), source.text.clone());
    let complete = comparison.complete(branches);
    match format {
        CoverageFormat::Text => {
            let other = (other_journeys
                && comparison.messages.exercised < comparison.messages.declared)
                .then_some(source.name.as_str());
            text(&comparison, &file, branches, files, dir, other);
        }
        CoverageFormat::Json => json(&comparison, &file, branches, files, complete),
    }
    if complete {
        Ok(())
    } else {
        Err(Failure::Findings)
    }
}

/// Whether `gap` fails the command.
fn required(gap: &Gap, branches: bool) -> bool {
    gap.kind != Kind::Branch || branches
}

/// Prints the gaps and the summary; `other_journeys` names the taxonomy when the
/// emulators ran journeys, none of them its own.
fn text(
    c: &Comparison,
    file: &SourceFile,
    branches: bool,
    files: usize,
    dir: &Path,
    other_journeys: Option<&str>,
) {
    for gap in &c.gaps {
        let place = file.locate(gap.span.start);
        let note = if required(gap, branches) {
            ""
        } else {
            "note: "
        };
        say!("{place}: {note}{}", gap.message);
    }
    if let Some(name) = other_journeys {
        say!("note: the emulators ran journeys, none of them those of {name} (another events.toml, or another version of it)");
    }
    let from = format!(
        "{files} emulator file{} in {}",
        if files == 1 { "" } else { "s" },
        dir.display()
    );
    let missing: Vec<String> = [
        (c.events, "event", "events"),
        (c.messages, "message", "messages"),
        (
            c.transactional,
            "transactional message",
            "transactional messages",
        ),
        (c.broadcasts, "broadcast", "broadcasts"),
    ]
    .into_iter()
    .chain(branches.then_some((c.branches, "branch", "branches")))
    .filter(|(tally, ..)| tally.exercised < tally.declared)
    .map(|(tally, one, many)| {
        let unseen = tally.declared - tally.exercised;
        format!(
            "{unseen} of {} {}",
            tally.declared,
            if tally.declared == 1 { one } else { many }
        )
    })
    .collect();
    if missing.is_empty() {
        say!(
            "coverage: every declared event ({}) and message ({} in journeys, {} transactional, {} broadcast) was exercised; {} of {} branches taken ({from})",
            c.events.declared,
            c.messages.declared,
            c.transactional.declared,
            c.broadcasts.declared,
            c.branches.exercised,
            c.branches.declared,
        );
    } else {
        say!("error: never exercised: {} ({from})", missing.join(", "));
    }
}

fn json(c: &Comparison, file: &SourceFile, branches: bool, files: usize, complete: bool) {
    let tally = |t: Tally| json!({ "declared": t.declared, "exercised": t.exercised });
    let gaps: Vec<_> = c
        .gaps
        .iter()
        .map(|gap| {
            let place = file.locate(gap.span.start);
            json!({
                "kind": gap.kind.as_str(),
                "name": gap.name,
                "file": place.file,
                "line": place.line,
                "column": place.column,
                "message": gap.message,
                "required": required(gap, branches),
            })
        })
        .collect();
    say!(
        "{}",
        json!({
            "complete": complete,
            "files": files,
            "events": tally(c.events),
            "messages": tally(c.messages),
            "transactional": tally(c.transactional),
            "broadcasts": tally(c.broadcasts),
            "branches": tally(c.branches),
            "gaps": gaps,
        })
    );
}
