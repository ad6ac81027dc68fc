//! The syntax check: the `liquid` crate's parser, with Customer.io's dialect, decides
//! whether a template parses; the analyzer's own walk explains the error with an exact
//! offset when it can (unknown tag or filter, unbalanced block, unclosed delimiter);
//! otherwise the position the parser reported is used.

use std::sync::OnceLock;

use super::analyze::Walk;
use super::customerio;
use super::quiet;
use super::SyntaxError;

/// The parser, built once per process.
fn parser() -> Option<&'static liquid::Parser> {
    static PARSER: OnceLock<Option<liquid::Parser>> = OnceLock::new();
    PARSER.get_or_init(|| customerio::parser().ok()).as_ref()
}

/// Parses `source` with the `liquid` crate. `walk` is the analyzer's walk of the same
/// text, used to explain an error.
pub(crate) fn check(source: &str, walk: &Walk) -> Result<(), SyntaxError> {
    let Some(parser) = parser() else {
        return Err(SyntaxError {
            message: "the Liquid parser could not be built".into(),
            offset: 0,
        });
    };
    if let Some(too_deep) = &walk.too_deep {
        return Err(too_deep.clone());
    }
    // The `liquid` parser has internal assertions; a template must never panic us,
    // nor print a panic message next to cio's own error.
    // Comments are not Liquid the `liquid` crate must accept (it parses `comment`
    // bodies and has no inline comments): blank them, keeping every offset.
    let blanked;
    let text = if walk.comments.is_empty() {
        source
    } else {
        blanked = blank(source, &walk.comments);
        blanked.as_str()
    };
    let error = match quiet::catch(|| parser.parse(text).map(drop)) {
        Some(Ok(())) => return Ok(()),
        Some(Err(error)) => Some(error),
        None => None,
    };
    if let Some(problem) = &walk.problem {
        return Err(problem.clone());
    }
    Err(match error {
        Some(error) => explain(source, &error.to_string()),
        None => huge_integer(text).unwrap_or(SyntaxError {
            message: "this template cannot be parsed as Liquid".into(),
            offset: 0,
        }),
    })
}

/// The first integer literal inside markup that does not fit in 64 bits (the `liquid`
/// parser panics on one), as the error explaining a panic.
fn huge_integer(text: &str) -> Option<SyntaxError> {
    let bytes = text.as_bytes();
    let mut in_markup = false;
    let mut at = 0;
    while at < bytes.len() {
        match &bytes[at..] {
            [b'{', b'{' | b'%', ..] => {
                in_markup = true;
                at += 2;
            }
            [b'}' | b'%', b'}', ..] => {
                in_markup = false;
                at += 2;
            }
            [b'0'..=b'9', ..] if in_markup && (at == 0 || !is_word(bytes[at - 1])) => {
                let end = bytes[at..]
                    .iter()
                    .position(|b| !b.is_ascii_digit())
                    .map_or(bytes.len(), |len| at + len);
                let digits = &text[at..end];
                if digits.parse::<i64>().is_err() && !bytes.get(end).is_some_and(|b| is_word(*b)) {
                    return Some(SyntaxError {
                        message: format!("the number `{digits}` does not fit in 64 bits"),
                        offset: at,
                    });
                }
                at = end;
            }
            _ => at += 1,
        }
    }
    None
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.'
}

/// `source` with the bytes of `ranges` replaced by spaces (newlines kept, so that
/// lines and offsets do not move).
fn blank(source: &str, ranges: &[(usize, usize)]) -> String {
    let mut bytes = source.as_bytes().to_vec();
    for &(start, end) in ranges {
        for b in bytes.get_mut(start..end).into_iter().flatten() {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    }
    // Whole characters are replaced (ranges start and end at markup delimiters), so
    // the text stays UTF-8; fall back to the original if it somehow does not.
    String::from_utf8(bytes).unwrap_or_else(|_| source.to_owned())
}

/// Turns the `liquid` crate's error text into a message and an offset.
///
/// The text looks like `liquid: --> 2:5\n  |\n2 | …\n  = expected …` (from pest) or
/// `liquid: Unknown index\nfrom: …\n  with:\n    key=value`.
fn explain(source: &str, text: &str) -> SyntaxError {
    let text = text.strip_prefix("liquid: ").unwrap_or(text);
    let mut offset = 0;
    let mut message = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(pos) = trimmed.strip_prefix("--> ") {
            if let Some((l, c)) = pos.split_once(':') {
                if let (Ok(l), Ok(c)) = (l.trim().parse::<usize>(), c.trim().parse::<usize>()) {
                    offset = offset_of(source, l, c);
                }
            }
        } else if let Some(m) = trimmed.strip_prefix("= ") {
            message.get_or_insert_with(|| m.trim().to_owned());
        }
    }
    let message = message.unwrap_or_else(|| {
        let first = text.lines().next().unwrap_or("").trim();
        let context: Vec<&str> = text
            .lines()
            .filter_map(|l| l.trim_start().split_once('='))
            .filter(|(k, _)| !k.starts_with("available"))
            .map(|(_, v)| v)
            .collect();
        if context.is_empty() {
            first.to_owned()
        } else {
            format!("{first}: {}", context.join(", "))
        }
    });
    SyntaxError {
        message: lowercase_first(message.trim_end_matches('.')),
        offset,
    }
}

/// The byte offset of 1-based `line`, `column` (in characters), clamped to `source`.
fn offset_of(source: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match source[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return source.len(),
        }
    }
    source[start..]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(source.len(), |(i, _)| start + i)
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if chars.clone().next().is_some_and(char::is_lowercase) => {
            c.to_lowercase().chain(chars).collect()
        }
        Some(c) => std::iter::once(c).chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_from_line_and_column() {
        let src = "ab\ncdé\nf";
        assert_eq!(offset_of(src, 1, 1), 0);
        assert_eq!(offset_of(src, 2, 3), 5);
        assert_eq!(offset_of(src, 3, 1), 8);
        assert_eq!(offset_of(src, 9, 1), src.len());
    }

    #[test]
    fn explains_pest_errors() {
        let e = explain(
            "a\n{{ x | }}",
            "liquid: --> 2:8\n  |\n2 | {{ x | }}\n  |        ^---\n  |\n  = expected Identifier\n",
        );
        assert_eq!(
            e,
            SyntaxError {
                message: "expected Identifier".into(),
                offset: 9
            }
        );
    }
}
