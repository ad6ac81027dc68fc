//! Text from requests made safe for a terminal: what `cio-cli emulator` prints comes from
//! whoever sends it requests, and an escape sequence in an event name or a customer
//! id (`ESC ]52;…`, which writes the clipboard; `ESC [2J`) must reach the terminal
//! as text, not as a command.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not reach a terminal as it is: control characters (C0, DEL,
/// C1, newlines included) and the bidirectional overrides that reorder what is
/// shown.
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every such character written as Rust writes it escaped
/// (`\u{1b}`); borrowed when there is none.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn escapes_what_a_terminal_would_act_on() {
        assert_eq!(printable("signed_up"), "signed_up");
        assert_eq!(printable("café ✓"), "café ✓");
        assert_eq!(
            printable("\u{1b}]52;c;SGk=\u{7}"),
            "\\u{1b}]52;c;SGk=\\u{7}"
        );
        assert_eq!(
            printable("a\nb\r\u{7f}\u{9b}2J"),
            "a\\u{a}b\\u{d}\\u{7f}\\u{9b}2J"
        );
        assert_eq!(printable("x\u{202e}y"), "x\\u{202e}y");
    }
}
