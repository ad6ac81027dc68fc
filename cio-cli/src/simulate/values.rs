//! A scenario's values checked against the taxonomy's declared types and
//! constraints, as the typed API would check them, and turned into the JSON the
//! simulation receives.

use cio_core::constraint::{self, Violation};
use cio_schema::suggest::did_you_mean;
use cio_schema::{Field, FieldType, Taxonomy};
use serde_json::{Map, Number, Value};
use toml::de::{DeTable, DeValue};

use super::scenario::{entries, span, Errors, Item};
use super::time;

/// Reads the table `table` as values of the `declared` fields of `owner`
/// (`event `signed_up``, `the profile`), each called a `noun` (`field`,
/// `attribute`) in messages: every key must be declared and every value
/// of its type; with `complete`, every required field must be present (reported at
/// `at`).
pub(crate) fn fields(
    errors: &mut Errors<'_>,
    taxonomy: &Taxonomy,
    table: Option<&DeTable<'_>>,
    at: cio_schema::Span,
    declared: &[Field],
    (owner, noun): (&str, &str),
    complete: bool,
) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, value) in table.map(entries).unwrap_or_default() {
        let name = key.get_ref().as_ref();
        let Some(field) = declared.iter().find(|f| f.name.value == name) else {
            let names = declared.iter().map(|f| f.name.value.as_str());
            let hint = hint(name, names);
            errors.error(
                errors.key_span(key),
                format!("{owner} has no {noun} `{name}`{hint}"),
            );
            continue;
        };
        let what = format!("{noun} `{name}` of {owner}");
        if let Some(v) = typed(errors, taxonomy, value, &field.ty, field, &what) {
            out.insert(name.to_owned(), v);
        }
    }
    if complete {
        let missing: Vec<String> = declared
            .iter()
            .filter(|f| !f.optional && table.is_none_or(|t| !has_key(t, &f.name.value)))
            .map(|f| format!("`{}`", f.name.value))
            .collect();
        if !missing.is_empty() {
            let s = if missing.len() == 1 { "" } else { "s" };
            errors.error(
                at,
                format!(
                    "{owner} lacks the required {noun}{s} {}",
                    missing.join(", ")
                ),
            );
        }
    }
    out
}

fn has_key(table: &DeTable<'_>, name: &str) -> bool {
    table.iter().any(|(k, _)| k.get_ref().as_ref() == name)
}

/// `value` as JSON if it is a `ty` that keeps `field`'s constraints; else an error
/// naming it `what`.
fn typed(
    errors: &mut Errors<'_>,
    taxonomy: &Taxonomy,
    value: &Item<'_>,
    ty: &FieldType,
    field: &Field,
    what: &str,
) -> Option<Value> {
    let at = errors.content_span(value);
    let wrong = |errors: &mut Errors<'_>| {
        errors.error(
            span(value),
            format!(
                "{what} must be `{}`, found {}",
                ty.describe(),
                kind(value.get_ref())
            ),
        );
        None
    };
    let checked = |errors: &mut Errors<'_>, result: Result<(), Violation>| match result {
        Ok(()) => true,
        Err(v) => {
            errors.error(at, format!("{what} {}", v.problem));
            false
        }
    };
    match (ty, value.get_ref()) {
        (FieldType::String | FieldType::Email | FieldType::Url, DeValue::String(s)) => {
            let mut ok = true;
            if let Some(max) = field.max_length {
                ok &= checked(errors, constraint::check_max_length(what, s, max));
            }
            if *ty == FieldType::Email {
                ok &= checked(errors, constraint::check_email(what, s));
            }
            if *ty == FieldType::Url {
                ok &= checked(errors, constraint::check_url(what, s));
            }
            ok.then(|| Value::String(s.to_string()))
        }
        (FieldType::Int, DeValue::Integer(_)) => {
            let Some(n) = integer(value.get_ref()) else {
                errors.error(at, format!("{what} does not fit in a 64-bit integer"));
                return None;
            };
            bounded(errors, field, what, at, n as f64).then(|| Value::from(n))
        }
        (FieldType::Float, DeValue::Integer(_) | DeValue::Float(_)) => {
            let n = float(value.get_ref())?;
            if !checked(errors, constraint::check_finite(what, n)) {
                return None;
            }
            if !bounded(errors, field, what, at, n) {
                return None;
            }
            Number::from_f64(n).map(Value::Number)
        }
        (FieldType::Bool, DeValue::Boolean(b)) => Some(Value::Bool(*b)),
        (FieldType::Timestamp, DeValue::Integer(_)) => {
            let Some(n) = integer(value.get_ref()) else {
                errors.error(at, format!("{what} does not fit in a 64-bit integer"));
                return None;
            };
            let ok = checked(
                errors,
                constraint::check_timestamp(what, cio_core::Timestamp::from_unix(n)),
            );
            ok.then(|| Value::from(n))
        }
        (FieldType::Timestamp, DeValue::Datetime(d)) => match time::unix(d) {
            Some(n) => Some(Value::from(n)),
            None => {
                errors.error(
                    at,
                    format!(
                        "{what} must be an instant: Unix seconds or a date-time with an offset, such as 2026-01-05T09:00:00Z"
                    ),
                );
                None
            }
        },
        (FieldType::Object, DeValue::Table(_)) => Some(json(value.get_ref())),
        (FieldType::List(inner), DeValue::Array(items)) => {
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let what = format!("item {} of {what}", i + 1);
                out.push(typed(errors, taxonomy, item, inner, field, &what)?);
            }
            Some(Value::Array(out))
        }
        (FieldType::Enum(name), DeValue::String(s)) => {
            let values: Vec<&str> = taxonomy
                .named_enum(name)
                .map(|e| e.values.iter().map(|v| v.value.as_str()).collect())
                .unwrap_or_default();
            one_of(errors, what, at, s, &values)
        }
        (FieldType::InlineEnum(values), DeValue::String(s)) => {
            let values: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
            one_of(errors, what, at, s, &values)
        }
        _ => wrong(errors),
    }
}

/// `s` when it is one of `values`; else an error with a did-you-mean.
fn one_of(
    errors: &mut Errors<'_>,
    what: &str,
    at: cio_schema::Span,
    s: &str,
    values: &[&str],
) -> Option<Value> {
    if values.contains(&s) {
        return Some(Value::String(s.to_owned()));
    }
    let listed: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    let hint = hint(s, values.iter().copied());
    errors.error(
        at,
        format!(
            "{what} must be one of {}, found `{s}`{hint}",
            listed.join(", ")
        ),
    );
    None
}

/// Checks `field`'s `min` and `max` on `n`.
fn bounded(
    errors: &mut Errors<'_>,
    field: &Field,
    what: &str,
    at: cio_schema::Span,
    n: f64,
) -> bool {
    let mut result = Ok(());
    if let Some(min) = field.min {
        result = result.and(constraint::check_min(what, n, min));
    }
    if let Some(max) = field.max {
        result = result.and(constraint::check_max(what, n, max));
    }
    match result {
        Ok(()) => true,
        Err(v) => {
            errors.error(at, format!("{what} {}", v.problem));
            false
        }
    }
}

/// `"; did you mean `x`?"`, or nothing when no candidate is close.
pub(crate) fn hint<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(name, candidates).map_or_else(String::new, |c| format!("; did you mean `{c}`?"))
}

/// The integer in `value`, if it is one that fits in an `i64`.
pub(crate) fn integer(value: &DeValue<'_>) -> Option<i64> {
    match value {
        DeValue::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            i64::from_str_radix(&digits, i.radix()).ok()
        }
        _ => None,
    }
}

/// The number in `value` (an integer or a float) as an `f64`.
fn float(value: &DeValue<'_>) -> Option<f64> {
    match value {
        DeValue::Integer(_) => integer(value).map(|n| n as f64),
        DeValue::Float(f) => match f.as_str().replace('_', "").as_str() {
            "inf" | "+inf" => Some(f64::INFINITY),
            "-inf" => Some(f64::NEG_INFINITY),
            "nan" | "+nan" | "-nan" => Some(f64::NAN),
            other => other.parse().ok(),
        },
        _ => None,
    }
}

/// Any TOML value as JSON (date-times as their text), for `object` fields.
fn json(value: &DeValue<'_>) -> Value {
    match value {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(_) => integer(value).map_or(Value::Null, Value::from),
        DeValue::Float(_) => float(value)
            .and_then(Number::from_f64)
            .map_or(Value::Null, Value::Number),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::String(d.to_string()),
        DeValue::Array(items) => Value::Array(items.iter().map(|i| json(i.get_ref())).collect()),
        DeValue::Table(t) => Value::Object(
            entries(t)
                .into_iter()
                .map(|(k, v)| (k.get_ref().to_string(), json(v.get_ref())))
                .collect(),
        ),
    }
}

/// "a string", "an integer", ... for messages.
pub(crate) fn kind(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}
