//! A scenario file read into what the simulation runs: the people and the timed
//! steps, every name and value checked against the taxonomy, every error located at
//! its line and column (docs/simulate.md describes the format).

use cio_schema::{Diagnostic, Diagnostics, SourceFile, Span, Taxonomy};
use serde_json::{Map, Value};
use toml::de::{DeString, DeTable, DeValue};
use toml::Spanned;

use super::steps::StepReader;
use super::time;
use super::values::{self, hint, kind};

/// A spanned TOML value.
pub(crate) type Item<'i> = Spanned<DeValue<'i>>;
/// A spanned TOML key.
pub(crate) type Key<'i> = Spanned<DeString<'i>>;

/// Where the clock starts when the scenario does not say: 2026-01-01T00:00:00Z.
pub(crate) const DEFAULT_START: i64 = 1_767_225_600;

/// A checked scenario.
#[derive(Debug)]
pub(crate) struct Scenario {
    /// Where the clock starts (Unix seconds).
    pub(crate) start: i64,
    /// The people and their profile at the start, in file order.
    pub(crate) people: Vec<(String, Map<String, Value>)>,
    /// What happens, in order.
    pub(crate) steps: Vec<Action>,
}

/// One step of a scenario.
#[derive(Debug)]
pub(crate) enum Action {
    /// `at = "1h"`: the clock moves to this time (Unix seconds) before the step.
    Until(i64),
    /// `identify = "jane"`: profile attributes set.
    Identify {
        /// The person.
        person: String,
        /// The attributes given.
        attributes: Map<String, Value>,
    },
    /// `track = "signed_up"`: an event tracked.
    Track {
        /// The person.
        person: String,
        /// The event.
        event: String,
        /// Its data.
        data: Map<String, Value>,
    },
    /// `advance = "1d"`: the clock moves forward this many seconds.
    Advance(u64),
    /// `object = "company"`: an object created or updated.
    Object {
        /// The object type.
        object_type: String,
        /// The object's id.
        id: String,
        /// Its attributes.
        attributes: Map<String, Value>,
    },
    /// `relate = "jane"`: a person related to an object (a `relationship_added`
    /// campaign of its type starts).
    Relate {
        /// The person.
        person: String,
        /// The object type.
        object_type: String,
        /// The object's id.
        id: String,
        /// The relationship's attributes.
        relationship: Map<String, Value>,
    },
}

/// The errors of one scenario file, with the positions they are sorted by.
pub(crate) struct Errors<'f> {
    file: &'f SourceFile,
    found: Vec<(usize, Diagnostic)>,
}

impl<'f> Errors<'f> {
    /// Records an error at `at`.
    pub(crate) fn error(&mut self, at: Span, message: impl Into<String>) {
        self.found.push((at.start, self.file.error(at, message)));
    }

    /// The span of a string value's content (without its quotes), or of the whole
    /// value for anything else.
    pub(crate) fn content_span(&self, item: &Item<'_>) -> Span {
        let at = span(item);
        if !matches!(item.get_ref(), DeValue::String(_)) {
            return at;
        }
        let raw = self.file.text.get(at.start..at.end).unwrap_or("");
        let quoted = raw.len() >= 2
            && !raw.starts_with("\"\"\"")
            && !raw.starts_with("'''")
            && (raw.starts_with('"') || raw.starts_with('\''));
        if quoted {
            Span::new(at.start + 1, at.end - 1)
        } else {
            at
        }
    }

    /// The span of a key, without quotes.
    pub(crate) fn key_span(&self, key: &Key<'_>) -> Span {
        let r = key.span();
        let raw = self.file.text.get(r.clone()).unwrap_or("");
        if raw.len() >= 2 && (raw.starts_with('"') || raw.starts_with('\'')) {
            Span::new(r.start + 1, r.end - 1)
        } else {
            Span::new(r.start, r.end)
        }
    }

    fn into_diagnostics(mut self) -> Diagnostics {
        self.found.sort_by_key(|(at, _)| *at);
        Diagnostics(self.found.into_iter().map(|(_, d)| d).collect())
    }
}

/// The span of a spanned item.
pub(crate) fn span<T>(item: &Spanned<T>) -> Span {
    let r = item.span();
    Span::new(r.start, r.end)
}

/// The entries of `table` in file order.
pub(crate) fn entries<'a, 'i>(table: &'a DeTable<'i>) -> Vec<(&'a Key<'i>, &'a Item<'i>)> {
    let mut out: Vec<_> = table.iter().collect();
    out.sort_by_key(|(k, _)| k.span().start);
    out
}

/// The keys a scenario has at its top.
const TOP: [&str; 3] = ["start", "people", "steps"];

/// Reads `file` as a scenario of `taxonomy`, or every error in it.
pub(crate) fn read(file: &SourceFile, taxonomy: &Taxonomy) -> Result<Scenario, Diagnostics> {
    let mut errors = Errors {
        file,
        found: Vec::new(),
    };
    let (root, toml_errors) = DeTable::parse_recoverable(&file.text);
    if !toml_errors.is_empty() {
        for e in toml_errors {
            let r = e.span().unwrap_or(0..0);
            errors.error(Span::new(r.start, r.end), e.message().trim().to_owned());
        }
        return Err(errors.into_diagnostics());
    }
    let mut scenario = Scenario {
        start: DEFAULT_START,
        people: Vec::new(),
        steps: Vec::new(),
    };
    let mut people_value = None;
    let mut steps_value = None;
    for (key, value) in entries(root.get_ref()) {
        match key.get_ref().as_ref() {
            "start" => {
                if let Some(start) = start(&mut errors, value) {
                    scenario.start = start;
                }
            }
            "people" => people_value = Some(value),
            "steps" => steps_value = Some(value),
            other => {
                let hint = hint(other, TOP);
                errors.error(
                    errors.key_span(key),
                    format!("unknown key `{other}` in a scenario{hint}"),
                );
            }
        }
    }
    if let Some(value) = people_value {
        scenario.people = people(&mut errors, taxonomy, value);
    }
    let known: Vec<&str> = scenario.people.iter().map(|(id, _)| id.as_str()).collect();
    let mut reader = StepReader {
        taxonomy,
        people: &known,
        start: scenario.start,
        clock: 0,
    };
    if let Some(value) = steps_value {
        match value.get_ref() {
            DeValue::Array(items) => {
                for item in items.iter() {
                    if let Some(action) = reader.step(&mut errors, item) {
                        scenario.steps.extend(action);
                    }
                }
            }
            other => errors.error(
                span(value),
                format!(
                    "`steps` must be an array of tables (`[[steps]]`), found {}",
                    kind(other)
                ),
            ),
        }
    }
    if errors.found.is_empty() {
        Ok(scenario)
    } else {
        Err(errors.into_diagnostics())
    }
}

/// `start = 2026-01-05T09:00:00Z` or Unix seconds.
fn start(errors: &mut Errors<'_>, value: &Item<'_>) -> Option<i64> {
    let found = match value.get_ref() {
        DeValue::Integer(_) => values::integer(value.get_ref()),
        DeValue::Datetime(d) => time::unix(d),
        _ => None,
    };
    if found.is_none() {
        errors.error(
            span(value),
            format!(
                "`start` must be Unix seconds or a date-time with an offset, such as 2026-01-05T09:00:00Z; found {}",
                kind(value.get_ref())
            ),
        );
    }
    found
}

/// `[people.ID]`: each person's profile at creation.
fn people(
    errors: &mut Errors<'_>,
    taxonomy: &Taxonomy,
    value: &Item<'_>,
) -> Vec<(String, Map<String, Value>)> {
    let DeValue::Table(table) = value.get_ref() else {
        errors.error(
            span(value),
            format!(
                "`people` must be a table of people (`[people.ID]`), found {}",
                kind(value.get_ref())
            ),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, person) in entries(table) {
        let id = key.get_ref().to_string();
        let at = errors.key_span(key);
        let DeValue::Table(attributes) = person.get_ref() else {
            errors.error(
                span(person),
                format!(
                    "person `{id}` must be a table of profile attributes, found {}",
                    kind(person.get_ref())
                ),
            );
            continue;
        };
        let owner = format!("the profile of `{id}`");
        let profile = values::fields(
            errors,
            taxonomy,
            Some(attributes),
            at,
            &taxonomy.profile,
            (&owner, "attribute"),
            true,
        );
        out.push((id, profile));
    }
    out
}
