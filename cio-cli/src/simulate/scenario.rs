//! A scenario file read into what the simulation runs: the people and the timed
//! steps, every name and value checked against the taxonomy, every error located at
//! its line and column (docs/simulate.md describes the format).

use cio_schema::{Diagnostic, Diagnostics, SourceFile, Span, Taxonomy};
use serde_json::{Map, Value};
use toml::de::{DeString, DeTable, DeValue};
use toml::Spanned;

use super::time;
use super::values::{self, hint, kind};

/// A spanned TOML value.
pub(crate) type Item<'i> = Spanned<DeValue<'i>>;
/// A spanned TOML key.
type Key<'i> = Spanned<DeString<'i>>;

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

/// The keys each kind of step may have.
const IDENTIFY_KEYS: [&str; 3] = ["identify", "attributes", "at"];
const TRACK_KEYS: [&str; 4] = ["track", "person", "data", "at"];
const ADVANCE_KEYS: [&str; 1] = ["advance"];
const KINDS: [&str; 3] = ["identify", "track", "advance"];

/// `an` before `identify`, `a` before `track` and `advance`.
fn article(kind: &str) -> &'static str {
    if kind.starts_with('i') {
        "an"
    } else {
        "a"
    }
}

/// Reads steps in order, keeping the time they happen at.
struct StepReader<'a> {
    taxonomy: &'a Taxonomy,
    people: &'a [&'a str],
    start: i64,
    /// Seconds since the start, after the steps read so far.
    clock: u64,
}

impl StepReader<'_> {
    /// The actions of one `[[steps]]` table (an `at` and what happens then).
    fn step(&mut self, errors: &mut Errors<'_>, item: &Item<'_>) -> Option<Vec<Action>> {
        let DeValue::Table(table) = item.get_ref() else {
            errors.error(
                span(item),
                format!(
                    "a step must be a table (`[[steps]]`), found {}",
                    kind(item.get_ref())
                ),
            );
            return None;
        };
        let fields = entries(table);
        let kinds: Vec<_> = fields
            .iter()
            .filter(|(k, _)| KINDS.contains(&k.get_ref().as_ref()))
            .collect();
        let (kind_key, kind_value) = match kinds.as_slice() {
            [one] => **one,
            [] => {
                let at = fields.first().map_or(span(item), |(k, _)| span(k));
                errors.error(
                    at,
                    "a step needs one of `identify = \"PERSON\"`, `track = \"EVENT\"` or `advance = \"DURATION\"`",
                );
                return None;
            }
            [_, second, ..] => {
                errors.error(
                    errors.key_span(second.0),
                    format!(
                        "a step does one thing: `{}` and `{}` go in separate `[[steps]]`",
                        kinds[0].0.get_ref(),
                        second.0.get_ref()
                    ),
                );
                return None;
            }
        };
        let kind = kind_key.get_ref().as_ref();
        let allowed: &[&str] = match kind {
            "identify" => &IDENTIFY_KEYS,
            "track" => &TRACK_KEYS,
            _ => &ADVANCE_KEYS,
        };
        let mut ok = true;
        let get = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k.get_ref() == name)
                .map(|e| e.1)
        };
        for (key, _) in &fields {
            let name = key.get_ref().as_ref();
            if !allowed.contains(&name) {
                let hint = hint(name, allowed.iter().copied());
                errors.error(
                    errors.key_span(key),
                    format!(
                        "unknown key `{name}` in {} `{kind}` step{hint}",
                        article(kind)
                    ),
                );
                ok = false;
            }
        }
        let mut actions = Vec::new();
        if let Some(at) = get("at").filter(|_| kind != "advance") {
            match self.at(errors, at) {
                Some(until) => actions.push(Action::Until(until)),
                None => ok = false,
            }
        }
        let action = match kind {
            "identify" => {
                let person = self.person(errors, kind_value);
                let attributes = match get("attributes") {
                    Some(value) => {
                        let table = self.table(errors, value, "`attributes`")?;
                        let owner = "the profile".to_owned();
                        values::fields(
                            errors,
                            self.taxonomy,
                            Some(table),
                            span(value),
                            &self.taxonomy.profile,
                            (&owner, "attribute"),
                            false,
                        )
                    }
                    None => Map::new(),
                };
                Action::Identify {
                    person: person?,
                    attributes,
                }
            }
            "track" => {
                let event = self.event(errors, kind_value);
                let person = match get("person") {
                    Some(value) => self.person(errors, value),
                    None => {
                        errors.error(
                            errors.key_span(kind_key),
                            "a `track` step needs `person = \"ID\"`: who performs the event",
                        );
                        None
                    }
                };
                let data_value = get("data");
                let table = match data_value {
                    Some(value) => Some(self.table(errors, value, "`data`")?),
                    None => None,
                };
                let event = event?;
                let declared = self.taxonomy.event(&event).map_or(&[][..], |e| &e.data);
                let at = data_value.map_or_else(|| errors.content_span(kind_value), span);
                let owner = format!("event `{event}`");
                let data = values::fields(
                    errors,
                    self.taxonomy,
                    table,
                    at,
                    declared,
                    (&owner, "field"),
                    true,
                );
                Action::Track {
                    person: person?,
                    event,
                    data,
                }
            }
            _ => {
                let seconds = self.duration(errors, kind_value, "`advance`")?;
                self.clock = self.clock.saturating_add(seconds);
                Action::Advance(seconds)
            }
        };
        actions.push(action);
        ok.then_some(actions)
    }

    /// `at = "1h"`: Unix seconds of that time, never before the previous steps.
    fn at(&mut self, errors: &mut Errors<'_>, value: &Item<'_>) -> Option<i64> {
        let seconds = self.duration(errors, value, "`at`")?;
        if seconds < self.clock {
            errors.error(
                errors.content_span(value),
                format!(
                    "`at` is {}, before the time the previous steps reach ({}); steps run in order",
                    time::offset(i64::try_from(seconds).unwrap_or(i64::MAX)),
                    time::offset(i64::try_from(self.clock).unwrap_or(i64::MAX))
                ),
            );
            return None;
        }
        self.clock = seconds;
        Some(
            self.start
                .saturating_add(i64::try_from(seconds).unwrap_or(i64::MAX)),
        )
    }

    /// A duration string, in seconds.
    fn duration(&self, errors: &mut Errors<'_>, value: &Item<'_>, what: &str) -> Option<u64> {
        let DeValue::String(text) = value.get_ref() else {
            errors.error(
                span(value),
                format!(
                    "{what} must be a duration such as \"5m\", found {}",
                    kind(value.get_ref())
                ),
            );
            return None;
        };
        match time::parse_duration(text) {
            Ok(seconds) => Some(seconds),
            Err(why) => {
                errors.error(
                    errors.content_span(value),
                    format!("invalid duration `{text}` in {what}: {why}"),
                );
                None
            }
        }
    }

    /// A person named in a step: one of `[people]`.
    fn person(&self, errors: &mut Errors<'_>, value: &Item<'_>) -> Option<String> {
        let id = self.string(errors, value, "a person")?;
        if self.people.contains(&id.as_str()) {
            return Some(id);
        }
        let hint = hint(&id, self.people.iter().copied());
        let advice = if hint.is_empty() {
            format!("; declare it as `[people.{id}]`")
        } else {
            hint
        };
        errors.error(
            errors.content_span(value),
            format!("unknown person `{id}`{advice}"),
        );
        None
    }

    /// An event named by `track`: one the taxonomy declares.
    fn event(&self, errors: &mut Errors<'_>, value: &Item<'_>) -> Option<String> {
        let name = self.string(errors, value, "`track`")?;
        if self.taxonomy.event(&name).is_some() {
            return Some(name);
        }
        let names = self.taxonomy.events.iter().map(|e| e.name.value.as_str());
        let hint = hint(&name, names);
        errors.error(
            errors.content_span(value),
            format!("unknown event `{name}`{hint}"),
        );
        None
    }

    fn string(&self, errors: &mut Errors<'_>, value: &Item<'_>, what: &str) -> Option<String> {
        match value.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            other => {
                errors.error(
                    span(value),
                    format!("{what} must be a string, found {}", kind(other)),
                );
                None
            }
        }
    }

    fn table<'a, 'i>(
        &self,
        errors: &mut Errors<'_>,
        value: &'a Item<'i>,
        what: &str,
    ) -> Option<&'a DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(t) => Some(t),
            other => {
                errors.error(
                    span(value),
                    format!("{what} must be a table, found {}", kind(other)),
                );
                None
            }
        }
    }
}
