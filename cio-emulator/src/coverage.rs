//! [`Coverage`]: which names of `events.toml` an emulator saw exercised, and the file
//! every emulator writes it to when `CIO_COVERAGE_DIR` is set, for `cio-cli coverage`.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use cio_core::journey::Journeys;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::record::{State, StoredEvent, StoredSend, StoredTrigger};
use crate::server::Shared;

/// The environment variable naming the folder every emulator writes its coverage to.
pub const COVERAGE_DIR_ENV: &str = "CIO_COVERAGE_DIR";

/// The version of the file format [`Coverage::to_json`] writes.
const FORMAT_VERSION: u32 = 1;

/// What an emulator saw exercised since it started ([`clear`](crate::Emulator::clear)
/// forgets the record, not this).
///
/// # The coverage file
///
/// With a coverage folder (`CIO_COVERAGE_DIR`, or
/// [`EmulatorBuilder::coverage_dir`](crate::EmulatorBuilder::coverage_dir)), each
/// emulator writes one file of its own, `cio-emulator-<pid>-<n>.json`, in the folder.
/// Tests often end without dropping their emulator (one kept in a `static`, a process
/// that exits after its last test, a panic that aborts), so the file is not left to
/// `Drop`: it is rewritten as soon as the emulator sees a name it had not seen (at the
/// end of the request that brought it, or of the clock move that delivered a message),
/// and once more on [`shutdown`](crate::Emulator::shutdown) and on drop. What it holds
/// only grows, so there are at most as many writes as there are names, and each
/// replaces the file whole (written to `.tmp` and renamed), so a reader never sees
/// half a file.
///
/// Events, transactional messages and broadcasts are matched by name (or id) alone.
/// The journeys' messages and branches are kept under the [id](Coverage::journeys_id)
/// of the journeys that ran them, so that a test running other journeys (another
/// `events.toml`, or a hand-written one with a message of the same name) does not
/// count for this one.
///
/// ```
/// let mut all = cio_emulator::Coverage::default();
/// let seen = cio_emulator::Coverage::from_json(
///     r#"{"version":1,"events":["signed_up"],"transactional":[],"broadcasts":[42],"journeys":{}}"#,
/// )
/// .unwrap();
/// all.merge(seen);
/// assert!(all.events.contains("signed_up") && all.broadcasts.contains(&42));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// The names of the events received, anonymous ones included (page and screen
    /// views are not events).
    pub events: BTreeSet<String>,
    /// The transactional messages sent and not failing to render: each
    /// `transactional_message_id` as sent (a number as its digits), and the name in
    /// `events.toml` when the emulator knows the app messages.
    pub transactional: BTreeSet<String>,
    /// The broadcasts triggered and not failing to render for everyone, by id.
    pub broadcasts: BTreeSet<u64>,
    /// Per [journeys id](Coverage::journeys_id), what those journeys exercised.
    pub journeys: BTreeMap<String, JourneysCoverage>,
}

/// What one set of journeys exercised.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JourneysCoverage {
    /// The messages delivered and rendered without error.
    pub messages: BTreeSet<String>,
    /// The branches taken.
    pub branches: BTreeSet<Branch>,
}

/// One way an `if` of a campaign went.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Branch {
    /// The campaign's name.
    pub campaign: String,
    /// Where the `if` stands in the workflow
    /// ([`step_path`](cio_core::journey::step_path): `3`, `7.else.0`).
    pub step: String,
    /// Whether the condition held (`then`) or not (`else`).
    pub held: bool,
}

/// The file format: the version, then the coverage.
#[derive(Serialize, Deserialize)]
struct OnDisk {
    version: u32,
    #[serde(flatten)]
    coverage: Coverage,
}

impl Coverage {
    /// Adds everything `other` saw.
    pub fn merge(&mut self, other: Coverage) {
        self.events.extend(other.events);
        self.transactional.extend(other.transactional);
        self.broadcasts.extend(other.broadcasts);
        for (id, theirs) in other.journeys {
            let ours = self.journeys.entry(id).or_default();
            ours.messages.extend(theirs.messages);
            ours.branches.extend(theirs.branches);
        }
    }

    /// What the journeys of id `id` exercised (nothing if none ran).
    pub fn of_journeys(&self, id: &str) -> JourneysCoverage {
        self.journeys.get(id).cloned().unwrap_or_default()
    }

    /// The id of `journeys` in coverage files: a hash (64-bit FNV-1a, in hex) of their
    /// `Debug` text, which holds every campaign, step, condition and template. The
    /// same `events.toml` gives the same id whether `taxonomy!()` or `cio-cli` built
    /// the journeys (they are equal: `cio-cli` tests it).
    pub fn journeys_id(journeys: &Journeys) -> String {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in format!("{journeys:?}").bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{hash:016x}")
    }

    /// The coverage as the emulator's file holds it (JSON, with a format version).
    pub fn to_json(&self) -> String {
        let on_disk = OnDisk {
            version: FORMAT_VERSION,
            coverage: self.clone(),
        };
        serde_json::to_string_pretty(&on_disk).unwrap_or_default()
    }

    /// Reads a coverage file's text; `Err` says what is wrong with it.
    pub fn from_json(text: &str) -> Result<Coverage, String> {
        let version: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        match version.get("version").and_then(Value::as_u64) {
            Some(v) if v == u64::from(FORMAT_VERSION) => {}
            Some(v) => {
                return Err(format!(
                    "format version {v}; this cio reads version {FORMAT_VERSION}"
                ))
            }
            None => return Err("no `version` field".to_owned()),
        }
        serde_json::from_value::<OnDisk>(version)
            .map(|on_disk| on_disk.coverage)
            .map_err(|e| e.to_string())
    }

    /// How many names it holds: it only grows, so a larger size means news.
    fn size(&self) -> usize {
        self.events.len()
            + self.transactional.len()
            + self.broadcasts.len()
            + self
                .journeys
                .values()
                .map(|j| j.messages.len() + j.branches.len())
                .sum::<usize>()
    }

    /// Notes an accepted event, page or screen view.
    pub(crate) fn saw_event(&mut self, event: &StoredEvent) {
        if event.kind == "event" && !self.events.contains(&event.name) {
            self.events.insert(event.name.clone());
        }
    }

    /// Notes an accepted transactional send.
    pub(crate) fn saw_send(&mut self, send: &StoredSend) {
        if matches!(send.rendered, Some(Err(_))) {
            return;
        }
        let id = match &send.message_id {
            Value::String(id) => id.clone(),
            other => other.to_string(),
        };
        self.transactional.insert(id);
        if let Some(name) = &send.template {
            self.transactional.insert(name.clone());
        }
    }

    /// Notes an accepted broadcast trigger.
    pub(crate) fn saw_trigger(&mut self, trigger: &StoredTrigger) {
        let all_failed =
            !trigger.rendered.is_empty() && trigger.rendered.iter().all(|(_, r)| r.is_err());
        if !all_failed {
            self.broadcasts.insert(trigger.broadcast);
        }
    }
}

impl State {
    /// Everything seen so far: the record's part and the journeys' part.
    pub(crate) fn coverage(&self) -> Coverage {
        let mut coverage = self.coverage.clone();
        if let Some(engine) = &self.journeys {
            let exercised = &engine.exercised;
            let ours = JourneysCoverage {
                messages: exercised.messages.iter().map(|m| (*m).to_owned()).collect(),
                branches: exercised
                    .branches
                    .iter()
                    .map(|b| Branch {
                        campaign: b.campaign.to_owned(),
                        step: b.step.clone(),
                        held: b.held,
                    })
                    .collect(),
            };
            coverage.journeys.insert(engine.id().to_owned(), ours);
        }
        coverage
    }

    /// The size of [`State::coverage`], without building it.
    fn coverage_size(&self) -> usize {
        self.coverage.size()
            + self.journeys.as_ref().map_or(0, |engine| {
                engine.exercised.messages.len() + engine.exercised.branches.len()
            })
    }
}

/// The file one emulator writes its coverage to.
#[derive(Debug)]
pub(crate) struct CoverageFile {
    path: PathBuf,
    /// The size last written (`None`: nothing written yet). Held while writing, so
    /// that writes happen one at a time, each with a snapshot no older than the last.
    written: Mutex<Option<usize>>,
}

impl CoverageFile {
    /// A file of its own in `dir` (created if needed) for a new emulator.
    pub(crate) fn create_in(dir: &Path) -> io::Result<CoverageFile> {
        static INSTANCES: AtomicU64 = AtomicU64::new(0);
        std::fs::create_dir_all(dir).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot create the coverage folder {}: {e}", dir.display()),
            )
        })?;
        let n = INSTANCES.fetch_add(1, Ordering::Relaxed);
        let name = format!("cio-emulator-{}-{n}.json", std::process::id());
        Ok(CoverageFile {
            path: dir.join(name),
            written: Mutex::new(None),
        })
    }

    /// The file's path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

/// Writes the emulator's coverage file if it saw something new since the last write;
/// with `last`, also when nothing was written yet (an emulator that saw nothing still
/// leaves its file).
pub(crate) fn flush(shared: &Shared, last: bool) {
    let Some(file) = &shared.coverage_file else {
        return;
    };
    let mut written = match file.written.lock() {
        Ok(written) => written,
        Err(poisoned) => poisoned.into_inner(),
    };
    let snapshot = {
        let state = match shared.state.lock() {
            Ok(state) => state,
            Err(poisoned) => poisoned.into_inner(),
        };
        let size = state.coverage_size();
        let news = match *written {
            Some(done) => size > done,
            None => size > 0 || last,
        };
        news.then(|| (size, state.coverage()))
    };
    let Some((size, coverage)) = snapshot else {
        return;
    };
    let tmp = file.path.with_extension("json.tmp");
    let result =
        std::fs::write(&tmp, coverage.to_json()).and_then(|()| std::fs::rename(&tmp, &file.path));
    match result {
        Ok(()) => *written = Some(size),
        // Said on standard error as well: a test run rarely shows tracing output, and a
        // lost file would make `cio-cli coverage` report names as never exercised.
        Err(e) => {
            eprintln!(
                "cio-emulator: cannot write the coverage file {}: {e}",
                file.path.display()
            );
            tracing::error!(path = %file.path.display(), error = %e, "cannot write the coverage file");
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn journeys_ids_tell_journeys_apart() {
        let empty = Coverage::journeys_id(&Journeys::EMPTY);
        assert_eq!(empty.len(), 16);
        assert_eq!(empty, Coverage::journeys_id(&Journeys::EMPTY));
        static ONE: Journeys = Journeys {
            campaigns: &[],
            messages: &[cio_core::journey::Message {
                name: "welcome",
                channel: cio_core::journey::Channel::Email,
                subject: None,
                body: "Hi",
            }],
        };
        assert_ne!(empty, Coverage::journeys_id(&ONE));
    }

    #[test]
    fn merging_keeps_journeys_apart() {
        let mut all = Coverage::default();
        for (id, message) in [("a", "welcome"), ("b", "welcome"), ("a", "nudge")] {
            let mut one = Coverage::default();
            let journeys = one.journeys.entry(id.to_owned()).or_default();
            journeys.messages.insert(message.to_owned());
            all.merge(one);
        }
        assert_eq!(all.of_journeys("a").messages.len(), 2);
        assert_eq!(all.of_journeys("b").messages.len(), 1);
        assert!(all.of_journeys("c").messages.is_empty());
    }

    #[test]
    fn the_file_format_round_trips_and_is_versioned() {
        let mut coverage = Coverage::default();
        coverage.events.insert("signed_up".to_owned());
        let journeys = coverage.journeys.entry("0123".to_owned()).or_default();
        journeys.branches.insert(Branch {
            campaign: "onboarding".to_owned(),
            step: "3".to_owned(),
            held: false,
        });
        let text = coverage.to_json();
        assert!(text.contains("\"version\": 1"), "{text}");
        assert_eq!(Coverage::from_json(&text).unwrap(), coverage);
        let future = text.replace("\"version\": 1", "\"version\": 2");
        assert!(Coverage::from_json(&future)
            .unwrap_err()
            .contains("version 2"));
        assert!(Coverage::from_json("{}")
            .unwrap_err()
            .contains("no `version`"));
        assert!(Coverage::from_json("{").is_err());
    }
}
