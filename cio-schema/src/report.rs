//! Diagnostics as structured data, for editors and CI annotations (the `cio-cli check
//! --format json` output): file, line, column, end, severity, message, suggestion.

use crate::diagnostic::Diagnostic;

/// How serious a finding is. Every diagnostic of `events.toml` today is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The file cannot be used: the macros refuse it.
    Error,
}

impl Severity {
    /// The lowercase name (`error`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
        }
    }
}

/// One diagnostic, located by numbers rather than by an excerpt.
///
/// ```
/// let errors = cio_schema::parse_str("[events.a]\ndata = { n = \"strng\" }\n", "events.toml", None)
///     .unwrap_err();
/// let report = cio_schema::report::Report::new(&errors.0[0], "events.toml");
/// assert_eq!((report.line, report.column, report.end_column), (Some(2), Some(15), Some(20)));
/// assert_eq!(report.suggestion.as_deref(), Some("string"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The file the diagnostic is in (the given file when it has no place).
    pub file: String,
    /// 1-based line, when the diagnostic has a place.
    pub line: Option<usize>,
    /// 1-based column in characters, when the diagnostic has a place.
    pub column: Option<usize>,
    /// The column one past the underlined text, on the same line.
    pub end_column: Option<usize>,
    /// How serious it is.
    pub severity: Severity,
    /// The message, as the macros print it (without the excerpt).
    pub message: String,
    /// The name a did-you-mean proposes, if the message has one.
    pub suggestion: Option<String>,
}

impl Report {
    /// The report of `diagnostic`; `file` names the file when it has no place.
    pub fn new(diagnostic: &Diagnostic, file: &str) -> Self {
        let location = diagnostic.location.as_ref();
        Report {
            file: location.map_or_else(|| file.to_owned(), |l| l.file.clone()),
            line: location.map(|l| l.line),
            column: location.map(|l| l.column),
            end_column: location.map(|l| l.column + diagnostic.width),
            severity: Severity::Error,
            message: diagnostic.message.clone(),
            suggestion: suggestion(&diagnostic.message),
        }
    }
}

/// The name in the message's `did you mean `X`?`, if any.
fn suggestion(message: &str) -> Option<String> {
    let (_, rest) = message.rsplit_once("did you mean `")?;
    let (name, _) = rest.split_once("`?")?;
    Some(name.to_owned())
}
