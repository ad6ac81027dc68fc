//! `cio-cli diff OLD NEW`: every change between two versions of `events.toml`,
//! classified as breaking (deployed apps or messages stop working) or compatible.

use std::collections::{BTreeMap, BTreeSet};

use cio_schema::liquid;
use cio_schema::{EventDef, Field, FieldType, Taxonomy};

use crate::{check, input, Failure};

/// Whether a change breaks what is already deployed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    /// Apps built with the old file, or messages, stop working.
    Breaking,
    /// Nothing deployed notices.
    Compatible,
}

/// One change: where, what, and why it is (or is not) breaking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Change {
    /// Breaking or compatible.
    pub(crate) kind: Kind,
    /// `event `signed_up``, `profile`, `enum `plan``.
    pub(crate) place: String,
    /// What changed and why it matters.
    pub(crate) what: String,
}

/// Compares `old` and `new` (paths or `REV:PATH`), prints every change and fails on a
/// breaking one unless `allow_breaking`.
pub(crate) fn run(old: &str, new: &str, allow_breaking: bool) -> Result<(), Failure> {
    let old_source = input::read_spec(old)?;
    let new_source = input::read_spec(new)?;
    // Both files are checked, so that the errors of both are printed.
    let (before, after) = (check::valid(&old_source), check::valid(&new_source));
    let (before, after) = (before?, after?);
    let changes = diff(&before, &after);
    let breaking = changes.iter().filter(|c| c.kind == Kind::Breaking).count();
    for c in &changes {
        let kind = match c.kind {
            Kind::Breaking => "breaking",
            Kind::Compatible => "compatible",
        };
        say!("{kind}: {}: {}", c.place, c.what);
    }
    say!(
        "{} change{}: {breaking} breaking, {} compatible",
        changes.len(),
        if changes.len() == 1 { "" } else { "s" },
        changes.len() - breaking
    );
    if breaking > 0 && !allow_breaking {
        say_err!("error: breaking changes (pass --allow-breaking to accept them)\n");
        return Err(Failure::Findings);
    }
    Ok(())
}

/// Every change from `old` to `new`: breaking ones first, then in file order.
pub(crate) fn diff(old: &Taxonomy, new: &Taxonomy) -> Vec<Change> {
    let mut out = Vec::new();
    enums(old, new, &mut out);
    fields(
        &old.profile,
        &new.profile,
        "profile",
        "required at creation",
        &mut out,
    );
    events(old, new, &mut out);
    objects(old, new, &mut out);
    topics(old, new, &mut out);
    liquid_reads(old, new, &mut out);
    named(
        old.campaigns.iter().map(|c| c.name.value.as_str()),
        new.campaigns.iter().map(|c| c.name.value.as_str()),
        "campaign",
        &mut out,
    );
    named(
        old.messages.iter().map(|m| m.name.value.as_str()),
        new.messages.iter().map(|m| m.name.value.as_str()),
        "message",
        &mut out,
    );
    out.sort_by_key(|c| c.kind);
    out
}

fn push(out: &mut Vec<Change>, kind: Kind, place: &str, what: String) {
    out.push(Change {
        kind,
        place: place.to_string(),
        what,
    });
}

fn enums(old: &Taxonomy, new: &Taxonomy, out: &mut Vec<Change>) {
    for e in &old.enums {
        let place = format!("enum `{}`", e.name.value);
        match new.named_enum(&e.name.value) {
            None => push(
                out,
                Kind::Breaking,
                &place,
                "removed: the fields typed with it no longer compile".into(),
            ),
            Some(n) => values(
                e.values.iter().map(|v| v.value.as_str()),
                n.values.iter().map(|v| v.value.as_str()),
                &place,
                out,
            ),
        }
    }
    for e in &new.enums {
        if old.named_enum(&e.name.value).is_none() {
            push(
                out,
                Kind::Compatible,
                &format!("enum `{}`", e.name.value),
                "added".into(),
            );
        }
    }
}

/// Values removed (breaking: old apps still send them) and added (compatible).
fn values<'a>(
    old: impl Iterator<Item = &'a str>,
    new: impl Iterator<Item = &'a str> + Clone,
    place: &str,
    out: &mut Vec<Change>,
) {
    let old: Vec<&str> = old.collect();
    for v in &old {
        if !new.clone().any(|n| n == *v) {
            push(
                out,
                Kind::Breaking,
                place,
                format!("value `{v}` removed: old app versions still send it"),
            );
        }
    }
    for v in new {
        if !old.contains(&v) {
            push(out, Kind::Compatible, place, format!("value `{v}` added"));
        }
    }
}

fn events(old: &Taxonomy, new: &Taxonomy, out: &mut Vec<Change>) {
    for e in &old.events {
        let place = format!("event `{}`", e.name.value);
        match new.event(&e.name.value) {
            None => {
                let renamed = new
                    .events
                    .iter()
                    .filter(|n| old.event(&n.name.value).is_none())
                    .find(|n| same_fields(e, n));
                let what = match renamed {
                    Some(n) => format!(
                        "removed, or renamed to `{}` (same fields): old app versions still send `{}`",
                        n.name.value, e.name.value
                    ),
                    None => "removed: old app versions still send it, and code using its type no longer compiles".into(),
                };
                push(out, Kind::Breaking, &place, what);
            }
            Some(n) => {
                fields(&e.data, &n.data, &place, "required", out);
                if e.deprecated.is_none() && n.deprecated.is_some() {
                    push(out, Kind::Compatible, &place, "deprecated".into());
                }
            }
        }
    }
    for e in &new.events {
        if old.event(&e.name.value).is_none() {
            push(
                out,
                Kind::Compatible,
                &format!("event `{}`", e.name.value),
                "added".into(),
            );
        }
    }
}

/// Object types removed (breaking), added (compatible) or renumbered (breaking), and
/// the changes of their attributes and of their relationships' (as the fields of an
/// event).
fn objects(old: &Taxonomy, new: &Taxonomy, out: &mut Vec<Change>) {
    for o in &old.objects {
        let place = format!("object type `{}`", o.name.value);
        let Some(n) = new.object(&o.name.value) else {
            push(
                out,
                Kind::Breaking,
                &place,
                "removed: old app versions still send its objects, and code using its types no longer compiles".into(),
            );
            continue;
        };
        if o.type_id != n.type_id {
            push(
                out,
                Kind::Breaking,
                &place,
                format!(
                    "type_id changed from {} to {}: old app versions send its objects and relationships as another type",
                    o.type_id, n.type_id
                ),
            );
        }
        fields(&o.attributes, &n.attributes, &place, "required", out);
        fields(
            &o.relationship,
            &n.relationship,
            &format!("{place}, relationship"),
            "required",
            out,
        );
    }
    for n in &new.objects {
        if old.object(&n.name.value).is_none() {
            push(
                out,
                Kind::Compatible,
                &format!("object type `{}`", n.name.value),
                "added".into(),
            );
        }
    }
}

/// Topics removed (breaking: old app versions still set preferences for them, code
/// naming them no longer compiles), added (compatible) or renumbered (breaking).
fn topics(old: &Taxonomy, new: &Taxonomy, out: &mut Vec<Change>) {
    for t in &old.topics {
        let place = format!("topic `{}`", t.name.value);
        match new.topics.iter().find(|n| n.name.value == t.name.value) {
            None => push(
                out,
                Kind::Breaking,
                &place,
                "removed: old app versions still set preferences for it, and code naming it no longer compiles".into(),
            ),
            Some(n) if n.id != t.id => push(
                out,
                Kind::Breaking,
                &place,
                format!(
                    "id changed from {} to {}: old app versions set preferences for another topic",
                    t.id, n.id
                ),
            ),
            Some(_) => {}
        }
    }
    for n in &new.topics {
        if !old.topics.iter().any(|t| t.name.value == n.name.value) {
            push(
                out,
                Kind::Compatible,
                &format!("topic `{}`", n.name.value),
                "added".into(),
            );
        }
    }
}

/// Same field names and types: the shape of a renamed event.
fn same_fields(a: &EventDef, b: &EventDef) -> bool {
    a.data.len() == b.data.len()
        && a.data.iter().all(|f| {
            b.field(&f.name.value)
                .is_some_and(|g| g.ty == f.ty && g.optional == f.optional)
        })
}

/// The changes of one list of fields (an event's data or the profile).
fn fields(old: &[Field], new: &[Field], place: &str, required: &str, out: &mut Vec<Change>) {
    for f in old {
        let name = &f.name.value;
        let Some(n) = new.iter().find(|n| n.name.value == *name) else {
            push(
                out,
                Kind::Breaking,
                place,
                format!("field `{name}` removed: old app versions still send it"),
            );
            continue;
        };
        if f.ty.describe() != n.ty.describe() {
            let inline_values = match (&f.ty, &n.ty) {
                (FieldType::InlineEnum(a), FieldType::InlineEnum(b)) => Some((a, b)),
                _ => None,
            };
            match inline_values {
                Some((a, b)) => values(
                    a.iter().map(|v| v.value.as_str()),
                    b.iter().map(|v| v.value.as_str()),
                    &format!("{place}, field `{name}`"),
                    out,
                ),
                None => push(
                    out,
                    Kind::Breaking,
                    place,
                    format!(
                        "field `{name}`: type changed from `{}` to `{}`",
                        f.ty.describe(),
                        n.ty.describe()
                    ),
                ),
            }
        }
        if f.optional && !n.optional {
            push(
                out,
                Kind::Breaking,
                place,
                format!(
                    "field `{name}`: optional made {required}: old app versions may not send it"
                ),
            );
        } else if !f.optional && n.optional {
            push(
                out,
                Kind::Compatible,
                place,
                format!("field `{name}`: made optional"),
            );
        }
        bounds(f, n, place, out);
        if f.deprecated.is_none() && n.deprecated.is_some() {
            push(
                out,
                Kind::Compatible,
                place,
                format!("field `{name}`: deprecated"),
            );
        }
    }
    for n in new {
        if old.iter().any(|f| f.name.value == n.name.value) {
            continue;
        }
        let name = &n.name.value;
        if n.optional {
            push(
                out,
                Kind::Compatible,
                place,
                format!("field `{name}` added (optional)"),
            );
        } else {
            push(
                out,
                Kind::Breaking,
                place,
                format!("field `{name}` added as {required}: old app versions do not send it"),
            );
        }
    }
}

/// Constraints tightened (breaking: values old apps send may now be refused) or
/// loosened (compatible).
fn bounds(f: &Field, n: &Field, place: &str, out: &mut Vec<Change>) {
    let name = &f.name.value;
    let mut check =
        |what: &str, old: Option<f64>, new: Option<f64>, tighter: fn(f64, f64) -> bool| {
            let show = |v: Option<f64>| v.map_or("none".to_string(), |v| v.to_string());
            let kind = match (old, new) {
                (None, None) => return,
                (Some(a), Some(b)) if a == b => return,
                (None, Some(_)) => Kind::Breaking,
                (Some(_), None) => Kind::Compatible,
                (Some(a), Some(b)) if tighter(a, b) => Kind::Breaking,
                _ => Kind::Compatible,
            };
            let verb = if kind == Kind::Breaking {
                "tightened"
            } else {
                "loosened"
            };
            let why = if kind == Kind::Breaking {
                ": values old app versions send may be refused"
            } else {
                ""
            };
            push(
                out,
                kind,
                place,
                format!(
                    "field `{name}`: {what} {verb} from {} to {}{why}",
                    show(old),
                    show(new)
                ),
            );
        };
    check("min", f.min, n.min, |a, b| b > a);
    check("max", f.max, n.max, |a, b| b < a);
    check(
        "max_length",
        f.max_length.map(|v| v as f64),
        n.max_length.map(|v| v as f64),
        |a, b| b < a,
    );
}

/// A message that now reads, unguarded, a data field that old app versions may not
/// send (absent or optional in the old file): its render fails for their events.
fn liquid_reads(old: &Taxonomy, new: &Taxonomy, out: &mut Vec<Change>) {
    let before: BTreeMap<String, BTreeSet<String>> = liquid::liquid_fields(old);
    for (event, fields) in liquid::liquid_fields(new) {
        let Some(old_event) = old.event(&event) else {
            continue;
        };
        for field in fields {
            if before.get(&event).is_some_and(|f| f.contains(&field)) {
                continue;
            }
            let new_optional = new
                .event(&event)
                .and_then(|e| e.field(&field))
                .is_some_and(|f| f.optional);
            let why = match old_event.field(&field) {
                // A new required field is already reported as such.
                None if !new_optional => continue,
                None => "old app versions do not send it",
                Some(f) if f.optional => "it was optional, so old app versions may not send it",
                Some(_) => continue,
            };
            push(
                out,
                Kind::Breaking,
                &format!("event `{event}`"),
                format!("a message now reads `event.{field}`: {why}"),
            );
        }
    }
}

/// Added and removed campaigns or messages: the dashboard's side, compatible for apps.
fn named<'a>(
    old: impl Iterator<Item = &'a str> + Clone,
    new: impl Iterator<Item = &'a str> + Clone,
    what: &str,
    out: &mut Vec<Change>,
) {
    for name in old.clone() {
        if !new.clone().any(|n| n == name) {
            push(
                out,
                Kind::Compatible,
                &format!("{what} `{name}`"),
                "removed".into(),
            );
        }
    }
    for name in new {
        if !old.clone().any(|n| n == name) {
            push(
                out,
                Kind::Compatible,
                &format!("{what} `{name}`"),
                "added".into(),
            );
        }
    }
}
