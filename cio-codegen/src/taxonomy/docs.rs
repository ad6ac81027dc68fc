//! Doc attributes of generated items, written straight into the source.

use std::fmt::{self, Write as _};

use crate::render::lit;

/// Writes into the contents of a Rust string literal, escaping what must be.
struct Escaping<'a>(&'a mut String);

impl fmt::Write for Escaping<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        for c in text.chars() {
            match c {
                '"' => self.0.push_str("\\\""),
                '\\' => self.0.push_str("\\\\"),
                '\n' => self.0.push_str("\\n"),
                c if c.is_control() => {
                    let _ = write!(self.0, "\\u{{{:x}}}", u32::from(c));
                }
                c => self.0.push(c),
            }
        }
        Ok(())
    }
}

/// One doc attribute from an optional doc text plus extra paragraphs (nothing when
/// both are empty).
pub(super) fn docs(out: &mut String, doc: Option<&str>, extra: &[fmt::Arguments<'_>]) {
    let lines = doc.map(str::lines).into_iter().flatten();
    let mut empty = true;
    let mut start = |out: &mut String, separator: &str| {
        out.push_str(if empty { "#[doc = \"" } else { separator });
        empty = false;
        out.push(' ');
    };
    for line in lines {
        start(out, "\\n");
        let _ = Escaping(out).write_str(line);
    }
    for paragraph in extra {
        start(out, "\\n\\n");
        let _ = Escaping(out).write_fmt(*paragraph);
    }
    if !empty {
        out.push_str("\"] ");
    }
}

pub(super) fn deprecated(out: &mut String, note: Option<&str>) {
    if let Some(note) = note {
        let _ = write!(out, "#[deprecated(note = {})] ", lit(note));
    }
}
