//! Errors found in `events.toml` and its templates, located by file, line and column,
//! and the sink every stage records them in.

use std::fmt;

use crate::model::{Name, Span};
use crate::suggest::hint;

/// A source text with its display name, able to turn byte offsets into line:col.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name shown in messages (`events.toml`, `templates/win_back.liquid`).
    pub name: String,
    /// The full text.
    pub text: String,
}

impl SourceFile {
    /// A source named `name` holding `text`.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
        }
    }

    /// The location of byte `offset` (clamped to the text, snapped to a char boundary).
    pub fn locate(&self, offset: usize) -> Location {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &self.text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line = before.matches('\n').count() + 1;
        let column = self.text[line_start..offset].chars().count() + 1;
        let line_end = self.text[offset..]
            .find('\n')
            .map_or(self.text.len(), |i| offset + i);
        let line_text = self.text[line_start..line_end]
            .trim_end_matches('\r')
            .to_string();
        Location {
            file: self.name.clone(),
            line,
            column,
            line_text,
        }
    }

    /// A diagnostic at `span` of this file.
    pub fn error(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            location: Some(self.locate(span.start)),
            width: self.text.get(span.start..span.end).map_or(1, |s| {
                s.lines().next().map_or(1, |l| l.chars().count().max(1))
            }),
        }
    }
}

/// A place in a source file (1-based line and column, columns counted in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file's display name.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The text of that line, for the excerpt.
    pub line_text: String,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One error: a plain sentence and, when known, where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What is wrong, in plain words, with a did-you-mean when one is close.
    pub message: String,
    /// Where, when the error has a place.
    pub location: Option<Location>,
    /// How many characters the excerpt underlines.
    pub width: usize,
}

impl Diagnostic {
    /// A diagnostic without a place (an unreadable file, say).
    pub fn new(message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            location: None,
            width: 1,
        }
    }

    /// `file:line:col` of the error, when it has a place.
    pub fn position(&self) -> Option<String> {
        self.location.as_ref().map(Location::to_string)
    }
}

impl fmt::Display for Diagnostic {
    /// Renders as rustc does: the message, then `--> file:line:col` and the line
    /// with the offending text underlined.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(loc) = &self.location {
            let gutter = loc.line.to_string().len();
            let pad = " ".repeat(gutter);
            let excerpt: String = loc.line_text.chars().take(100).collect();
            let caret_pad = " ".repeat(loc.column.saturating_sub(1).min(100));
            let carets = "^".repeat(
                self.width
                    .clamp(1, 100usize.saturating_sub(loc.column - 1).max(1)),
            );
            write!(
                f,
                "\n{pad}--> {loc}\n{pad} |\n{} | {excerpt}\n{pad} | {caret_pad}{carets}",
                loc.line
            )?;
        }
        Ok(())
    }
}

/// Every error found in one file, in source order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// The errors.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// How many errors.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// `true` when there is no error.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            write!(f, "error: {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Every error found so far in one file, with the byte offset it is sorted by. Each
/// stage records into the same sink; the driver in the crate root reads it out.
pub(crate) struct Sink<'s> {
    /// The file being read.
    pub(crate) file: &'s SourceFile,
    /// Errors as (byte offset, diagnostic).
    errors: Vec<(usize, Diagnostic)>,
}

impl<'s> Sink<'s> {
    pub(crate) fn new(file: &'s SourceFile) -> Self {
        Sink {
            file,
            errors: Vec::new(),
        }
    }

    /// Records an error at `span`.
    pub(crate) fn error(&mut self, span: Span, message: impl Into<String>) {
        self.errors
            .push((span.start, self.file.error(span, message)));
    }

    /// Records `unknown key `k` in {place}` with a did-you-mean among `allowed`.
    pub(crate) fn unknown_key(&mut self, key: &Name, place: &str, allowed: &[&str]) {
        let hint = hint(&key.value, allowed.iter().copied());
        self.error(
            key.span,
            format!("unknown key `{}` in {place}{hint}", key.value),
        );
    }

    /// Records diagnostics made elsewhere (located in their own file), after every
    /// error recorded so far.
    pub(crate) fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        let last = self.errors.iter().map(|(at, _)| *at).max().unwrap_or(0);
        self.errors
            .extend(diagnostics.into_iter().map(|d| (last, d)));
    }

    /// `true` when at least one error was recorded.
    pub(crate) fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// The errors, sorted by position (stable: same position keeps report order).
    pub(crate) fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.errors.sort_by_key(|(at, _)| *at);
        self.errors.into_iter().map(|(_, d)| d).collect()
    }
}
