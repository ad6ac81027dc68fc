//! `[enums]`, `[profile]`, `[events.*]`: named enums, fields and events.

use toml::de::{DeTable, DeValue};

use super::reader::{
    array, entries, key_name, kind, named_tables, number, span, string, table, unsigned, Key, Value,
};
use super::types::{builtin, parse_type, TypeError, BUILTIN_TYPES};
use crate::diagnostic::Sink;
use crate::model::{EventDef, Field, FieldType, Name, NamedEnum, Span};
use crate::suggest::hint;

/// Whose field is being read, for messages.
#[derive(Clone, Copy)]
pub(crate) enum Owner<'a> {
    /// `[profile]`.
    Profile,
    /// `[events.NAME]`.
    Event(&'a str),
    /// `[transactional.NAME]` or `[broadcasts.NAME]`, as described
    /// ("transactional message `x`").
    App(&'a str),
    /// The `attributes` of `[objects.NAME]`.
    Object(&'a str),
    /// The `relationship` attributes of `[objects.NAME]`.
    Relationship(&'a str),
}

impl Owner<'_> {
    /// "field `x` of event `y`" or "profile attribute `x`".
    pub(crate) fn field(&self, field: &str) -> String {
        match self {
            Owner::Profile => format!("profile attribute `{field}`"),
            Owner::Event(event) => format!("field `{field}` of event `{event}`"),
            Owner::App(what) => format!("field `{field}` of {what}"),
            Owner::Object(object) => format!("attribute `{field}` of object type `{object}`"),
            Owner::Relationship(object) => {
                format!("relationship attribute `{field}` of object type `{object}`")
            }
        }
    }
}

const ENUM_KEYS: [&str; 2] = ["values", "doc"];

/// Reads `[enums]`.
pub(crate) fn read_enums(sink: &mut Sink<'_>, value: &Value<'_>) -> Vec<NamedEnum> {
    let Some(t) = table(sink, value, "`enums`") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in entries(t) {
        let name = key_name(key);
        if builtin(&name.value).is_some() {
            sink.error(
                name.span,
                format!(
                    "enum `{}` has the name of a built-in type; choose another name",
                    name.value
                ),
            );
        }
        let what = format!("enum `{}`", name.value);
        let (values, doc) = match value.get_ref() {
            DeValue::Array(items) => (read_values(sink, items, &what, span(value)), None),
            DeValue::Table(t) => {
                let mut values = None;
                let mut doc = None;
                for (k, v) in entries(t) {
                    match k.get_ref().as_ref() {
                        "values" => {
                            if let Some(items) = array(sink, v, &format!("`values` of {what}")) {
                                values = Some(read_values(sink, items, &what, span(v)));
                            }
                        }
                        "doc" => doc = string(sink, v, &format!("`doc` of {what}")).map(|s| s.text),
                        _ => sink.unknown_key(&key_name(k), &what, &ENUM_KEYS),
                    }
                }
                let values = values.unwrap_or_else(|| {
                    if !t.contains_key("values") {
                        sink.error(name.span, format!("{what} has no `values`"));
                    }
                    Vec::new()
                });
                (values, doc)
            }
            other => {
                sink.error(
                    span(value),
                    format!(
                        "{what} must be a list of strings or a table `{{ values = [...], doc = \"...\" }}`, found {}",
                        kind(other)
                    ),
                );
                // Kept, without values: references to it are not reported again, and
                // a misspelt reference is suggested its name.
                (Vec::new(), None)
            }
        };
        out.push(NamedEnum { name, values, doc });
    }
    out
}

/// Reads enum values: strings, not empty, no duplicates. `at` locates "no values".
fn read_values(sink: &mut Sink<'_>, items: &[Value<'_>], what: &str, at: Span) -> Vec<Name> {
    if items.is_empty() {
        sink.error(at, format!("{what} has no values"));
        return Vec::new();
    }
    let mut values: Vec<Name> = Vec::new();
    for item in items {
        let Some(s) = string(sink, item, &format!("each value of {what}")) else {
            continue;
        };
        let name = s.name();
        if values.iter().any(|v| v.value == name.value) {
            sink.error(
                s.content_span(),
                format!("duplicate value `{}` in {what}", name.value),
            );
            continue;
        }
        values.push(name);
    }
    values
}

/// Reads a table of fields (`[profile]` or an event's `data`).
pub(crate) fn read_fields(
    sink: &mut Sink<'_>,
    t: &DeTable<'_>,
    owner: Owner<'_>,
    enums: &[&str],
) -> Vec<Field> {
    entries(t)
        .into_iter()
        .filter_map(|(key, value)| read_field(sink, key, value, owner, enums))
        .collect()
}

const FIELD_KEYS: [&str; 9] = [
    "type",
    "enum",
    "optional",
    "doc",
    "min",
    "max",
    "max_length",
    "deprecated",
    "pii",
];

fn read_field(
    sink: &mut Sink<'_>,
    key: &Key<'_>,
    value: &Value<'_>,
    owner: Owner<'_>,
    enums: &[&str],
) -> Option<Field> {
    let name = key_name(key);
    let what = owner.field(&name.value);
    let mut field = Field {
        name: name.clone(),
        ty: FieldType::Object,
        optional: false,
        ty_span: span(value),
        doc: None,
        min: None,
        max: None,
        max_length: None,
        deprecated: None,
        pii: false,
    };
    let t = match value.get_ref() {
        DeValue::String(_) => {
            let s = string(sink, value, "")?;
            let (ty, optional) = read_type(sink, &s.text, s.content_span(), &what, enums)?;
            field.ty = ty;
            field.optional = optional;
            field.ty_span = s.value_span;
            return Some(field);
        }
        DeValue::Table(t) => t,
        other => {
            sink.error(
                span(value),
                format!(
                    "the type of {what} must be a string such as \"string\" or a table {{ type = \"...\" }}, found {}",
                    kind(other)
                ),
            );
            return None;
        }
    };
    let mut ty: Option<(FieldType, bool)> = None;
    let mut ty_ok = true;
    let mut optional_key: Option<(bool, Span)> = None;
    let mut enum_span = None;
    let mut min = None;
    let mut max = None;
    let mut max_length = None;
    for (k, v) in entries(t) {
        let key_text = k.get_ref().as_ref();
        match key_text {
            "type" => match string(sink, v, &format!("`type` of {what}")) {
                Some(s) => {
                    field.ty_span = s.value_span;
                    match read_type(sink, &s.text, s.content_span(), &what, enums) {
                        Some(parsed) => ty = Some(parsed),
                        None => ty_ok = false,
                    }
                }
                None => ty_ok = false,
            },
            "enum" => {
                enum_span = Some(span(k));
                field.ty_span = span(v);
                match array(sink, v, &format!("`enum` of {what}")) {
                    Some(items) => {
                        let values =
                            read_values(sink, items, &format!("the enum of {what}"), span(v));
                        ty = Some((FieldType::InlineEnum(values), false));
                    }
                    None => ty_ok = false,
                }
            }
            "optional" => match v.get_ref() {
                DeValue::Boolean(b) => optional_key = Some((*b, span(k))),
                other => sink.error(
                    span(v),
                    format!(
                        "`optional` of {what} must be true or false, found {}",
                        kind(other)
                    ),
                ),
            },
            "doc" => field.doc = string(sink, v, &format!("`doc` of {what}")).map(|s| s.text),
            "deprecated" => {
                field.deprecated =
                    string(sink, v, &format!("`deprecated` of {what}")).map(|s| s.text)
            }
            "pii" => match v.get_ref() {
                DeValue::Boolean(b) => field.pii = *b,
                other => sink.error(
                    span(v),
                    format!(
                        "`pii` of {what} must be true or false, found {}",
                        kind(other)
                    ),
                ),
            },
            "min" | "max" => match number(v.get_ref()) {
                Some(n) => {
                    if key_text == "min" {
                        min = Some((n, span(k), span(v)));
                    } else {
                        max = Some((n, span(k), span(v)));
                    }
                }
                None => sink.error(
                    span(v),
                    format!(
                        "`{key_text}` of {what} must be a number, found {}",
                        kind(v.get_ref())
                    ),
                ),
            },
            "max_length" => match unsigned(v.get_ref()).filter(|n| *n > 0) {
                Some(n) => max_length = Some((n, span(k))),
                None => sink.error(
                    span(v),
                    format!("`max_length` of {what} must be a positive whole number"),
                ),
            },
            _ => sink.unknown_key(&key_name(k), &what, &FIELD_KEYS),
        }
    }
    if t.contains_key("type") && t.contains_key("enum") {
        if let Some(at) = enum_span {
            sink.error(at, format!("{what} has both `type` and `enum`; keep one"));
        }
        return None;
    }
    let Some((ty, mut optional)) = ty else {
        if ty_ok {
            sink.error(
                name.span,
                format!("{what} has no `type` (or `enum = [...]` for an inline enum)"),
            );
        }
        return None;
    };
    if let Some((opt, at)) = optional_key {
        if matches!(ty, FieldType::InlineEnum(_)) {
            optional = opt;
        } else {
            sink.error(
                at,
                format!(
                    "`optional` applies only to inline enums; write `?` after the type of {what}"
                ),
            );
        }
    }
    let numeric = matches!(ty, FieldType::Int | FieldType::Float);
    let textual = matches!(ty, FieldType::String | FieldType::Email | FieldType::Url);
    for (bound, key) in [(&min, "min"), (&max, "max")] {
        let Some((n, key_span, value_span)) = bound else {
            continue;
        };
        if !numeric {
            sink.error(
                *key_span,
                format!(
                    "`{key}` applies only to `int` and `float`, but {what} is `{}`",
                    ty.describe()
                ),
            );
        } else if ty == FieldType::Int && n.fract() != 0.0 {
            sink.error(
                *value_span,
                format!("`{key}` of {what} must be a whole number, as the field is `int`"),
            );
        }
    }
    if let (Some((lo, ..)), Some((hi, hi_key, _))) = (&min, &max) {
        if numeric && lo > hi {
            sink.error(
                *hi_key,
                format!("`min` ({lo}) is greater than `max` ({hi}) for {what}"),
            );
        }
    }
    if let Some((_, at)) = max_length {
        if !textual {
            sink.error(
                at,
                format!(
                    "`max_length` applies only to `string`, `email` and `url`, but {what} is `{}`",
                    ty.describe()
                ),
            );
        }
    }
    field.ty = ty;
    field.optional = optional;
    field.min = min.map(|(n, ..)| n);
    field.max = max.map(|(n, ..)| n);
    field.max_length = max_length.map(|(n, _)| n);
    Some(field)
}

/// Parses a type string, reporting malformed and unknown types at `at`.
fn read_type(
    sink: &mut Sink<'_>,
    text: &str,
    at: Span,
    what: &str,
    enums: &[&str],
) -> Option<(FieldType, bool)> {
    match parse_type(text, &|n| enums.contains(&n)) {
        Ok(parsed) => Some(parsed),
        Err(TypeError::Malformed(_)) if text.is_empty() => {
            sink.error(at, format!("the type of {what} is empty"));
            None
        }
        Err(TypeError::Malformed(reason)) => {
            sink.error(at, format!("malformed type `{text}` for {what}: {reason}"));
            None
        }
        Err(TypeError::Unknown(name)) => {
            let hint = hint(
                &name,
                BUILTIN_TYPES.iter().copied().chain(enums.iter().copied()),
            );
            sink.error(at, format!("unknown type `{name}` for {what}{hint}"));
            None
        }
    }
}

const EVENT_KEYS: [&str; 3] = ["doc", "deprecated", "data"];

/// Reads `[events]`.
pub(crate) fn read_events(sink: &mut Sink<'_>, value: &Value<'_>, enums: &[&str]) -> Vec<EventDef> {
    let mut out = Vec::new();
    for (name, what, t) in named_tables(sink, value, "events", "event") {
        let mut event = EventDef {
            name: name.clone(),
            doc: None,
            deprecated: None,
            data: Vec::new(),
        };
        for (k, v) in entries(t) {
            match k.get_ref().as_ref() {
                "doc" => event.doc = string(sink, v, &format!("`doc` of {what}")).map(|s| s.text),
                "deprecated" => {
                    event.deprecated =
                        string(sink, v, &format!("`deprecated` of {what}")).map(|s| s.text)
                }
                "data" => {
                    if let Some(data) = table(sink, v, &format!("`data` of {what}")) {
                        event.data = read_fields(sink, data, Owner::Event(&name.value), enums);
                    }
                }
                _ => sink.unknown_key(&key_name(k), &what, &EVENT_KEYS),
            }
        }
        out.push(event);
    }
    out
}
