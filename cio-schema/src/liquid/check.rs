//! The taxonomy checks: every message's templates parse, and every variable they
//! read exists where it is read (the trigger event of each campaign that sends the
//! message, or the profile) and is present or guarded.
//!
//! Rules beyond SPEC §4 item 3:
//! - a message that no campaign sends may read `customer.*` only: an `event.*` or
//!   `trigger.*` read there is an error (no event can provide it) unless `allow`ed;
//! - a path deeper than the field (`event.metadata.plan`) is checked on its first
//!   field; deeper segments pass on `object` fields, `size`/`first`/`last`/an index
//!   on lists, `size` on text; anything else deeper is an error;
//! - `allow = ["event.items", "customer.*"]` exempts the reads it matches (a prefix of
//!   the path; `*` matches the rest, computed keys included);
//! - a read with a computed key (`customer[name]`) is an error unless `allow`ed;
//! - one error per variable, problem and trigger event in each template (the first
//!   offending read), so a variable read ten times is reported once.
//!
//! Inline templates are located in `events.toml` by walking the TOML string from
//! its first content byte and decoding escapes, so positions are exact for basic and
//! literal strings, escapes and line-ending backslashes included; if the walk fails
//! (the text does not match), the offset is added to the string's start.

use std::collections::{BTreeMap, BTreeSet};

use super::{analyze, Analysis, Root, UseKind, VariableUse};
use crate::model::{
    Campaign, Field, FieldType, Message, Name, ObjectType, Span, Template, TemplateOrigin,
    TriggerKind,
};
use crate::suggest::did_you_mean;
use crate::{Diagnostic, SourceFile, Taxonomy};

/// What is wrong with one read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Problem {
    Unknown,
    Optional,
    Deeper,
    Dynamic,
    NoCampaign,
    /// An `event.*` read where a relationship, not an event, triggers the campaign.
    NoEvent,
}

/// What a reported problem was found against: the trigger event (empty for the
/// profile and for a message no campaign sends), or the object type a relationship
/// to which triggers the campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trigger<'a> {
    Event(&'a str),
    Relationship(&'a str),
}

pub(super) fn check_taxonomy(taxonomy: &Taxonomy, events_toml: &SourceFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for message in &taxonomy.messages {
        let campaigns = senders(taxonomy, &message.name);
        for (part, template) in parts(message) {
            let place = Place {
                template,
                events_toml,
            };
            match analyze(&template.source) {
                Err(e) => out.push(place.error(
                    e.offset,
                    1,
                    format!(
                        "message `{}`: the {part} is not valid Liquid: {}",
                        message.name.value, e.message
                    ),
                )),
                Ok(analysis) => {
                    check_uses(taxonomy, message, &campaigns, &analysis, &place, &mut out);
                }
            }
        }
    }
    out
}

pub(super) fn liquid_fields(taxonomy: &Taxonomy) -> BTreeMap<String, BTreeSet<String>> {
    let mut map: BTreeMap<String, BTreeSet<String>> = taxonomy
        .events
        .iter()
        .map(|e| (e.name.value.clone(), BTreeSet::new()))
        .collect();
    for message in &taxonomy.messages {
        let campaigns = senders(taxonomy, &message.name);
        if campaigns.is_empty() {
            continue;
        }
        for (_, template) in parts(message) {
            let Ok(analysis) = analyze(&template.source) else {
                continue;
            };
            for campaign in &campaigns {
                let Some(event) = campaign.trigger_event().and_then(|e| taxonomy.event(e)) else {
                    continue;
                };
                let Some(fields) = map.get_mut(&event.name.value) else {
                    continue;
                };
                for u in &analysis.uses {
                    if u.root != Root::Customer && u.kind == UseKind::Render && !u.guarded {
                        if let Some(field) = u.field().and_then(|f| event.field(f)) {
                            fields.insert(field.name.value.clone());
                        }
                    }
                }
            }
        }
    }
    map
}

/// The campaigns that send the message `name`.
fn senders<'t>(taxonomy: &'t Taxonomy, name: &Name) -> Vec<&'t Campaign> {
    taxonomy
        .campaigns
        .iter()
        .filter(|c| c.sends().iter().any(|n| n.value == name.value))
        .collect()
}

/// The message's templates, with what they are called in errors.
fn parts(message: &Message) -> impl Iterator<Item = (&'static str, &Template)> {
    message
        .subject
        .iter()
        .map(|t| ("subject", t))
        .chain(std::iter::once(("body", &message.body)))
}

fn check_uses(
    taxonomy: &Taxonomy,
    message: &Message,
    campaigns: &[&Campaign],
    analysis: &Analysis,
    place: &Place<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let name = &message.name.value;
    // (root, field, trigger, problem) already reported in this template; the field
    // of a read of an object's attributes is its first two segments.
    let mut reported: Vec<(Root, String, String, bool, Problem)> = Vec::new();
    let mut emit = |u: &VariableUse, trigger: Trigger<'_>, problem: Problem, text: String| {
        let key = match (trigger, &u.path[..]) {
            (Trigger::Relationship(object), [first, second, ..]) => (
                u.root,
                format!("{first}.{second}"),
                object.to_owned(),
                true,
                problem,
            ),
            (Trigger::Relationship(object), _) => {
                let field = u.field().unwrap_or("").to_owned();
                (u.root, field, object.to_owned(), true, problem)
            }
            (Trigger::Event(event), _) => {
                let field = u.field().unwrap_or("").to_owned();
                (u.root, field, event.to_owned(), false, problem)
            }
        };
        if !reported.contains(&key) {
            reported.push(key);
            out.push(place.error(u.offset, u.len, text));
        }
    };
    for u in &analysis.uses {
        if message.allow.iter().any(|a| allows(&a.value, u)) {
            continue;
        }
        let var = u.dotted();
        if u.kind == UseKind::Dynamic {
            let root = u.root.as_str();
            emit(
                u,
                Trigger::Event(""),
                Problem::Dynamic,
                format!(
                    "message `{name}` reads `{root}[…]` with a computed key, which cannot be checked; \
                     add `allow = [\"{root}.*\"]` to the message to accept it"
                ),
            );
            continue;
        }
        if u.root == Root::Customer {
            if let Some((problem, why)) = check_field(&taxonomy.profile, u) {
                let text = match problem {
                    Problem::Unknown => format!(
                        "message `{name}` reads `{var}`, which is not a profile attribute{}",
                        hint(u, taxonomy.profile.iter())
                    ),
                    Problem::Optional => format!(
                        "message `{name}` reads optional `{var}` without a `default` filter or an `if` guard"
                    ),
                    _ => format!("message `{name}` reads `{var}`, but {why}"),
                };
                emit(u, Trigger::Event(""), problem, text);
            }
            continue;
        }
        if campaigns.is_empty() {
            if u.field().is_some() {
                emit(
                    u,
                    Trigger::Event(""),
                    Problem::NoCampaign,
                    format!(
                        "message `{name}` reads `{var}` but no campaign sends it, so no event provides it; \
                         send it from a campaign or add `allow = [\"{}\"]` to the message",
                        u.root.as_str().to_owned() + "." + u.field().unwrap_or("")
                    ),
                );
            }
            continue;
        }
        for campaign in campaigns {
            if campaign.trigger_kind == TriggerKind::RelationshipAdded {
                let Some(object) = taxonomy.object(&campaign.trigger.value) else {
                    continue;
                };
                if let Some((problem, text)) = relationship_read(object, campaign, name, u) {
                    emit(u, Trigger::Relationship(&object.name.value), problem, text);
                }
                continue;
            }
            let Some(event) = campaign.trigger_event().and_then(|e| taxonomy.event(e)) else {
                continue;
            };
            let Some((problem, why)) = check_field(&event.data, u) else {
                continue;
            };
            let (c, e) = (&campaign.name.value, &event.name.value);
            let who = format!("message `{name}` (campaign `{c}`, triggered by `{e}`)");
            let text = match problem {
                Problem::Unknown if event.data.is_empty() => {
                    format!("{who} reads `{var}`, but `{e}` carries no data")
                }
                Problem::Unknown => format!(
                    "{who} reads `{var}`, which `{e}` does not carry{}",
                    hint(u, event.data.iter())
                ),
                Problem::Optional => format!(
                    "{who} reads optional `{var}` without a `default` filter or an `if` guard"
                ),
                _ => format!("{who} reads `{var}`, but {why}"),
            };
            emit(u, Trigger::Event(e), problem, text);
        }
    }
}

/// What is wrong with the read `u` (not of `customer.*`, nor computed) in message
/// `message` of `campaign`, which a relationship to an object of type `object`
/// triggers: it reads `trigger.TYPE.*` (the object's attributes) and
/// `trigger.relationship.*` (the relationship's), and has no `event`.
fn relationship_read(
    object: &ObjectType,
    campaign: &Campaign,
    message: &str,
    u: &VariableUse,
) -> Option<(Problem, String)> {
    let first = u.field()?;
    let o = &object.name.value;
    let var = u.dotted();
    let who = format!(
        "message `{message}` (campaign `{}`, triggered when a person is related to a `{o}`)",
        campaign.name.value
    );
    if u.root == Root::Event {
        return Some((
            Problem::NoEvent,
            format!(
                "{who} reads `{var}`, but a relationship triggers the campaign, not an event: read `trigger.{o}.*` (the {o}'s attributes) or `trigger.relationship.*` (the relationship's)"
            ),
        ));
    }
    let (fields, noun) = if first == o {
        (&object.attributes, "an attribute")
    } else if first == "relationship" {
        (&object.relationship, "a relationship attribute")
    } else {
        let hint = did_you_mean(first, [o.as_str(), "relationship"])
            .map(|s| format!("; did you mean `trigger.{s}`?"))
            .unwrap_or_default();
        return Some((
            Problem::Unknown,
            format!(
                "{who} reads `{var}`, but its trigger carries `trigger.{o}` (the {o}'s attributes) and `trigger.relationship` (the relationship's){hint}"
            ),
        ));
    };
    // `trigger.company` alone is the whole object: nothing to check.
    u.path.get(1)?;
    let inner = VariableUse {
        path: u.path[1..].to_vec(),
        guarded: u.guarded_nested,
        ..u.clone()
    };
    let (problem, why) = check_field(fields, &inner)?;
    let text = match problem {
        Problem::Unknown if fields.is_empty() => format!(
            "{who} reads `{var}`, but object type `{o}` declares no {}",
            if first == o {
                "attributes"
            } else {
                "relationship attributes"
            }
        ),
        Problem::Unknown => {
            let hint = inner
                .field()
                .and_then(|f| did_you_mean(f, fields.iter().map(|f| f.name.as_str())))
                .map(|s| format!("; did you mean `trigger.{first}.{s}`?"))
                .unwrap_or_default();
            format!("{who} reads `{var}`, which is not {noun} of object type `{o}`{hint}")
        }
        Problem::Optional => {
            format!("{who} reads optional `{var}` without a `default` filter or an `if` guard")
        }
        _ => format!("{who} reads `{var}`, but {why}"),
    };
    Some((problem, text))
}

/// `"; did you mean `root.x`?"` for the field of `u` closest to one of `fields`.
pub(super) fn hint<'a>(u: &VariableUse, fields: impl Iterator<Item = &'a Field>) -> String {
    let Some(field) = u.field() else {
        return String::new();
    };
    did_you_mean(field, fields.map(|f| f.name.as_str()))
        .map(|s| format!("; did you mean `{}.{s}`?", u.root.as_str()))
        .unwrap_or_default()
}

/// The problem with reading `u` from `fields`, with an explanation for deeper paths.
pub(super) fn check_field(fields: &[Field], u: &VariableUse) -> Option<(Problem, String)> {
    let first = u.field()?;
    let Some(field) = fields.iter().find(|f| f.name.value == first) else {
        return Some((Problem::Unknown, String::new()));
    };
    if let Some(bad) = deeper_error(&field.ty, &u.path[1..]) {
        return Some((
            Problem::Deeper,
            format!("`{first}` is {}, which has no `{bad}`", article(&field.ty)),
        ));
    }
    if field.optional && u.kind == UseKind::Render && !u.guarded {
        return Some((Problem::Optional, String::new()));
    }
    None
}

/// The first segment of `rest` that a value of type `ty` cannot have, if any.
fn deeper_error<'p>(ty: &FieldType, rest: &'p [String]) -> Option<&'p str> {
    let seg = rest.first()?;
    match ty {
        FieldType::Object => None,
        FieldType::List(inner) => match seg.as_str() {
            "size" if rest.len() == 1 => None,
            "first" | "last" => deeper_error(inner, &rest[1..]),
            s if s.bytes().all(|b| b.is_ascii_digit()) => deeper_error(inner, &rest[1..]),
            _ => Some(seg),
        },
        FieldType::String
        | FieldType::Email
        | FieldType::Url
        | FieldType::Enum(_)
        | FieldType::InlineEnum(_)
            if seg == "size" && rest.len() == 1 =>
        {
            None
        }
        _ => Some(seg),
    }
}

fn article(ty: &FieldType) -> String {
    let d = ty.describe();
    match ty {
        FieldType::List(_) => format!("a list `{d}`"),
        FieldType::Enum(_) | FieldType::InlineEnum(_) => format!("an enum value (`{d}`)"),
        FieldType::Int => "an `int`".into(),
        FieldType::Email => "an `email`".into(),
        _ => format!("a `{d}`"),
    }
}

/// `true` when the allow-list entry `pattern` (`event.items`, `customer.*`) covers `u`.
fn allows(pattern: &str, u: &VariableUse) -> bool {
    let mut parts = pattern.split('.');
    if parts.next() != Some(u.root.as_str()) {
        return false;
    }
    for (i, p) in parts.enumerate() {
        if p == "*" {
            return true;
        }
        if u.path.get(i).map(String::as_str) != Some(p) {
            return false;
        }
    }
    true
}

/// Where a template's text lives, for locating errors.
pub(super) struct Place<'a> {
    pub(super) template: &'a Template,
    pub(super) events_toml: &'a SourceFile,
}

impl Place<'_> {
    /// A diagnostic at `offset..offset + len` of the template.
    pub(super) fn error(&self, offset: usize, len: usize, message: String) -> Diagnostic {
        match &self.template.origin {
            TemplateOrigin::File { written, .. } => {
                SourceFile::new(written.value.clone(), self.template.source.clone())
                    .error(Span::new(offset, offset + len.max(1)), message)
            }
            TemplateOrigin::Inline {
                span,
                content_start,
            } => {
                let start = inline_offset(
                    &self.events_toml.text,
                    *span,
                    *content_start,
                    &self.template.source,
                    offset,
                );
                let end = inline_offset(
                    &self.events_toml.text,
                    *span,
                    *content_start,
                    &self.template.source,
                    offset + len.max(1),
                );
                self.events_toml.error(Span::new(start, end), message)
            }
        }
    }
}

/// The offset in `toml` of byte `offset` of the decoded string `decoded`, whose TOML
/// value spans `span` and whose first content byte is at `content_start`.
pub(super) fn inline_offset(
    toml: &str,
    span: Span,
    content_start: usize,
    decoded: &str,
    offset: usize,
) -> usize {
    let fallback = content_start.saturating_add(offset).min(toml.len());
    walk_string(
        toml.as_bytes(),
        span,
        content_start,
        decoded.as_bytes(),
        offset,
    )
    .unwrap_or(fallback)
}

fn walk_string(
    raw: &[u8],
    span: Span,
    content_start: usize,
    decoded: &[u8],
    offset: usize,
) -> Option<usize> {
    let literal = raw.get(span.start) == Some(&b'\'');
    let multiline = raw
        .get(span.start..span.start + 3)
        .is_some_and(|q| q == b"\"\"\"" || q == b"'''");
    let mut r = content_start;
    // A newline right after the opening quotes of a multi-line string is not content.
    if multiline && r == span.start + 3 {
        if raw.get(r) == Some(&b'\n') {
            r += 1;
        } else if raw.get(r..r + 2) == Some(b"\r\n") {
            r += 2;
        }
    }
    let mut t = 0;
    let offset = offset.min(decoded.len());
    while t < offset {
        let b = *raw.get(r)?;
        if !literal && b == b'\\' {
            match *raw.get(r + 1)? {
                b'u' | b'U' => {
                    let n = if raw[r + 1] == b'u' { 4 } else { 8 };
                    let hex = std::str::from_utf8(raw.get(r + 2..r + 2 + n)?).ok()?;
                    let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
                    r += 2 + n;
                    t += c.len_utf8();
                }
                b' ' | b'\t' | b'\n' | b'\r' if multiline => {
                    r += 1;
                    while raw.get(r).is_some_and(|c| c.is_ascii_whitespace()) {
                        r += 1;
                    }
                }
                _ => {
                    r += 2;
                    t += 1;
                }
            }
        } else if b == b'\r' && decoded.get(t) != Some(&b'\r') {
            r += 1;
        } else {
            if decoded.get(t) != Some(&b) {
                return None;
            }
            r += 1;
            t += 1;
        }
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(root: Root, path: &[&str], kind: UseKind) -> VariableUse {
        VariableUse {
            root,
            path: path.iter().map(|s| (*s).to_owned()).collect(),
            offset: 0,
            len: 1,
            guarded: false,
            guarded_nested: false,
            kind,
        }
    }

    #[test]
    fn allow_entries_match_prefixes_and_wildcards() {
        let items = read(Root::Event, &["items", "first"], UseKind::Render);
        let dynamic = read(Root::Customer, &[], UseKind::Dynamic);
        assert!(allows("event.items", &items));
        assert!(allows("event.*", &items));
        assert!(allows("event.items.first", &items));
        assert!(!allows("event.item", &items));
        assert!(!allows("trigger.items", &items));
        assert!(!allows("event.items.last", &items));
        assert!(allows("customer.*", &dynamic));
        assert!(!allows("customer.plan", &dynamic));
    }

    #[test]
    fn deeper_segments_by_type() {
        let path = |p: &[&str]| p.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let list = FieldType::List(Box::new(FieldType::Object));
        assert_eq!(deeper_error(&FieldType::Object, &path(&["a", "b"])), None);
        assert_eq!(deeper_error(&list, &path(&["first", "any"])), None);
        assert_eq!(deeper_error(&list, &path(&["3", "any"])), None);
        assert_eq!(deeper_error(&list, &path(&["size"])), None);
        assert_eq!(deeper_error(&list, &path(&["size", "x"])), Some("size"));
        assert_eq!(deeper_error(&list, &path(&["name"])), Some("name"));
        assert_eq!(deeper_error(&FieldType::String, &path(&["size"])), None);
        assert_eq!(deeper_error(&FieldType::String, &path(&["x"])), Some("x"));
        assert_eq!(
            deeper_error(&FieldType::Int, &path(&["size"])),
            Some("size")
        );
        let strings = FieldType::List(Box::new(FieldType::String));
        assert_eq!(deeper_error(&strings, &path(&["last", "x"])), Some("x"));
    }

    #[test]
    fn inline_offsets_follow_escapes() {
        // body = "a\"b\u00e9{{ x }}"
        let toml = r#"body = "a\"b\u00e9{{ x }}""#;
        let decoded = "a\"bé{{ x }}";
        let span = Span::new(7, toml.len());
        let at = |offset| inline_offset(toml, span, 8, decoded, offset);
        assert_eq!(&toml[at(0)..], &toml[8..]);
        assert_eq!(&toml[at(3)..at(3) + 6], "\\u00e9");
        assert_eq!(&toml[at(decoded.find('{').unwrap())..], "{{ x }}\"");
        // a literal string has no escapes
        let toml = r"body = 'a\b{{ x }}'";
        let at = inline_offset(toml, Span::new(7, toml.len()), 8, "a\\b{{ x }}", 3);
        assert_eq!(&toml[at..], "{{ x }}'");
        // a mismatch falls back to start + offset
        assert_eq!(
            inline_offset("body = \"abc\"", Span::new(7, 12), 8, "xyz", 2),
            10
        );
    }
}
