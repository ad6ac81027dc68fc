//! `cio-cli check`: the diagnostics of `taxonomy!()`, as text, JSON lines or GitHub
//! workflow commands.

use std::path::Path;

use cio_schema::report::Report;
use cio_schema::{Diagnostic, Diagnostics, Taxonomy};
use serde_json::json;

use crate::{input, Failure, Format};

/// Checks the file at `path`, printing every error in `format`.
pub(crate) fn run(path: &Path, format: Format) -> Result<(), Failure> {
    let source = input::read_path(path)?;
    match source.taxonomy() {
        Ok(taxonomy) => {
            if format == Format::Text {
                say!(
                    "{}: ok ({} events, {} profile attributes, {} campaigns, {} messages)",
                    source.name,
                    taxonomy.events.len(),
                    taxonomy.profile.len(),
                    taxonomy.campaigns.len(),
                    taxonomy.messages.len()
                );
            }
            Ok(())
        }
        Err(errors) => {
            let text = render(&errors, &source.name, format);
            // Text goes where rustc writes its errors; JSON and workflow commands are
            // the command's output, for a tool to read.
            if format == Format::Text {
                say_err!("{text}");
            } else {
                say_raw!("{text}");
            }
            Err(Failure::Findings)
        }
    }
}

/// The taxonomy of `source`; on errors, they are printed as the macros print them.
pub(crate) fn valid(source: &input::Source) -> Result<Taxonomy, Failure> {
    source.taxonomy().map_err(|errors| {
        say_err!("{}", render(&errors, &source.name, Format::Text));
        Failure::Findings
    })
}

/// The errors in `format`, each ending with a newline.
pub(crate) fn render(errors: &Diagnostics, file: &str, format: Format) -> String {
    let mut out = String::new();
    match format {
        Format::Text => {
            out.push_str(&errors.to_string());
            let n = errors.len();
            out.push_str(&format!(
                "\n\nerror: {file}: {n} error{}\n",
                if n == 1 { "" } else { "s" }
            ));
        }
        Format::Json => {
            for d in errors {
                out.push_str(&json_report(d, file).to_string());
                out.push('\n');
            }
        }
        Format::Github => {
            for d in errors {
                let r = Report::new(d, file);
                let mut props = format!("file={}", property(&r.file));
                if let (Some(line), Some(col), Some(end)) = (r.line, r.column, r.end_column) {
                    props.push_str(&format!(",line={line},col={col},endColumn={end}"));
                }
                out.push_str(&format!("::error {props}::{}\n", data(&r.message)));
            }
        }
    }
    out
}

/// One error as the JSON object `--format json` prints: where it is, and what.
pub(crate) fn json_report(diagnostic: &Diagnostic, file: &str) -> serde_json::Value {
    let r = Report::new(diagnostic, file);
    json!({
        "file": r.file,
        "line": r.line,
        "column": r.column,
        "end_column": r.end_column,
        "severity": r.severity.as_str(),
        "message": r.message,
        "suggestion": r.suggestion,
    })
}

/// A workflow command's message, escaped as GitHub documents it.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value, escaped.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
