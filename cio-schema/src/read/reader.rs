//! Helpers for walking the spanned TOML tree: sorted entries, value kinds, string and
//! number extraction.

use toml::de::{DeString, DeTable, DeValue};
use toml::Spanned;

use crate::diagnostic::Sink;
use crate::model::{Name, Span};

/// A spanned TOML value.
pub(crate) type Value<'i> = Spanned<DeValue<'i>>;
/// A spanned TOML key.
pub(crate) type Key<'i> = Spanned<DeString<'i>>;

/// The span of a spanned item.
pub(crate) fn span<T>(item: &Spanned<T>) -> Span {
    let r = item.span();
    Span::new(r.start, r.end)
}

/// The entries of `table` in source order.
pub(crate) fn entries<'a, 'i>(table: &'a DeTable<'i>) -> Vec<(&'a Key<'i>, &'a Value<'i>)> {
    let mut out: Vec<_> = table.iter().collect();
    out.sort_by_key(|(k, _)| k.span().start);
    out
}

/// The entries of section `[section]` (given as its value) that are tables, in source
/// order, as (name, "{kind} `name`", table). A section or entry that is not a table
/// is reported.
pub(crate) fn named_tables<'a, 'i>(
    sink: &mut Sink<'_>,
    section_value: &'a Value<'i>,
    section: &str,
    kind: &str,
) -> Vec<(Name, String, &'a DeTable<'i>)> {
    let Some(section) = table(sink, section_value, &format!("`{section}`")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in entries(section) {
        let name = key_name(key);
        let what = format!("{kind} `{}`", name.value);
        if let Some(t) = table(sink, value, &what) {
            out.push((name, what, t));
        }
    }
    out
}

/// A key as a [`Name`].
pub(crate) fn key_name(key: &Key<'_>) -> Name {
    Name {
        value: key.get_ref().to_string(),
        span: span(key),
    }
}

/// "a string", "an integer", ... for messages.
pub(crate) fn kind(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a datetime",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// Byte offset of the first content character of the string value spanning `at`
/// (after `"`, `'`, `"""` or `'''`, and after the newline that directly follows a
/// triple quote).
pub(crate) fn content_start(source: &str, at: Span) -> usize {
    let raw = source.get(at.start..at.end).unwrap_or("");
    if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        let rest = &raw[3..];
        if rest.starts_with("\r\n") {
            at.start + 5
        } else if rest.starts_with('\n') {
            at.start + 4
        } else {
            at.start + 3
        }
    } else if raw.starts_with('"') || raw.starts_with('\'') {
        at.start + 1
    } else {
        at.start
    }
}

/// A string value: its text, the span of the whole value and the span of the content
/// (where names written in it are located).
pub(crate) struct Str {
    pub(crate) text: String,
    pub(crate) value_span: Span,
    pub(crate) content_start: usize,
}

impl Str {
    /// The content as a [`Name`], located at its first character.
    pub(crate) fn name(&self) -> Name {
        Name {
            value: self.text.clone(),
            span: self.span_of(0, self.text.len()),
        }
    }

    /// The span of bytes `from..to` of the content (exact when the string has no
    /// escapes).
    pub(crate) fn span_of(&self, from: usize, to: usize) -> Span {
        let start = (self.content_start + from).min(self.value_span.end);
        let end = (self.content_start + to).min(self.value_span.end);
        Span::new(start, end)
    }

    /// The span of the content (or of the quotes, when empty).
    pub(crate) fn content_span(&self) -> Span {
        if self.text.is_empty() {
            self.value_span
        } else {
            self.span_of(0, self.text.len())
        }
    }
}

/// The string in `value`, or an error "{what} must be a string, found ...".
pub(crate) fn string(sink: &mut Sink<'_>, value: &Value<'_>, what: &str) -> Option<Str> {
    match value.get_ref() {
        DeValue::String(s) => {
            let value_span = span(value);
            Some(Str {
                text: s.to_string(),
                value_span,
                content_start: content_start(&sink.file.text, value_span),
            })
        }
        other => {
            sink.error(
                span(value),
                format!("{what} must be a string, found {}", kind(other)),
            );
            None
        }
    }
}

/// The table in `value`, or an error "{what} must be a table, found ...".
pub(crate) fn table<'a, 'i>(
    sink: &mut Sink<'_>,
    value: &'a Value<'i>,
    what: &str,
) -> Option<&'a DeTable<'i>> {
    match value.get_ref() {
        DeValue::Table(t) => Some(t),
        other => {
            sink.error(
                span(value),
                format!("{what} must be a table, found {}", kind(other)),
            );
            None
        }
    }
}

/// The array in `value`, or an error "{what} must be an array, found ...".
pub(crate) fn array<'a, 'i>(
    sink: &mut Sink<'_>,
    value: &'a Value<'i>,
    what: &str,
) -> Option<&'a [Value<'i>]> {
    match value.get_ref() {
        DeValue::Array(a) => Some(a),
        other => {
            sink.error(
                span(value),
                format!("{what} must be an array, found {}", kind(other)),
            );
            None
        }
    }
}

/// A number (integer or float) from `value`, or `None` when it is not one.
pub(crate) fn number(value: &DeValue<'_>) -> Option<f64> {
    match value {
        DeValue::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            match i64::from_str_radix(&digits, i.radix()) {
                Ok(n) => Some(n as f64),
                Err(_) => u64::from_str_radix(&digits, i.radix())
                    .ok()
                    .map(|n| n as f64),
            }
        }
        DeValue::Float(f) => f
            .as_str()
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite()),
        _ => None,
    }
}

/// A non-negative integer from `value`, or `None`.
pub(crate) fn unsigned(value: &DeValue<'_>) -> Option<u64> {
    match value {
        DeValue::Integer(i) => u64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok(),
        _ => None,
    }
}
