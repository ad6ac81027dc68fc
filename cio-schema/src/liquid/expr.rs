//! Tokens of Liquid expressions (the inside of `{{ … }}` and of tag arguments).
//!
//! Tokens carry absolute byte offsets into the template, so that every variable found
//! can be pointed at. Unknown bytes become [`Tok::Other`]; the tokenizer never fails.

/// The kind of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A name: `event`, `first_name`, `and`, `contains`, `limit` (letters, digits, `_`,
    /// `-`, a trailing `?`).
    Ident,
    /// A quoted string; the token spans the quotes.
    Str,
    /// A number: `3`, `-1`, `4.5`.
    Num,
    /// `.`
    Dot,
    /// `..` (ranges)
    DotDot,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `|`
    Pipe,
    /// `:`
    Colon,
    /// `,`
    Comma,
    /// `==`, `!=`, `<>`, `<`, `>`, `<=`, `>=`
    Cmp,
    /// `=`
    Assign,
    /// Anything else.
    Other,
}

/// One token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    /// Its kind.
    pub(crate) kind: Tok,
    /// Absolute offset of its first byte.
    pub(crate) start: usize,
    /// Absolute offset one past its last byte.
    pub(crate) end: usize,
}

/// Tokenizes `text` (which starts at absolute offset `base`) into `out` (cleared first).
pub(crate) fn tokenize(text: &str, base: usize, out: &mut Vec<Token>) {
    out.clear();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        let kind = match b {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0c => {
                i += 1;
                continue;
            }
            b'"' | b'\'' => {
                i = match bytes[i + 1..].iter().position(|&c| c == b) {
                    Some(len) => i + len + 2,
                    None => bytes.len(),
                };
                Tok::Str
            }
            b'0'..=b'9' => {
                i = number_end(bytes, i);
                Tok::Num
            }
            b'-' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                i = number_end(bytes, i + 1);
                Tok::Num
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                i += 1;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'-')
                {
                    i += 1;
                }
                if bytes.get(i) == Some(&b'?') {
                    i += 1;
                }
                Tok::Ident
            }
            b'.' if bytes.get(i + 1) == Some(&b'.') => {
                i += 2;
                Tok::DotDot
            }
            b'=' | b'!' | b'<' | b'>' => {
                let two = bytes.get(i + 1).copied();
                let (len, kind) = match (b, two) {
                    (b'=', Some(b'='))
                    | (b'!', Some(b'='))
                    | (b'<', Some(b'='))
                    | (b'>', Some(b'='))
                    | (b'<', Some(b'>')) => (2, Tok::Cmp),
                    (b'<' | b'>', _) => (1, Tok::Cmp),
                    (b'=', _) => (1, Tok::Assign),
                    _ => (1, Tok::Other),
                };
                i += len;
                kind
            }
            _ => {
                i += utf8_len(b);
                match b {
                    b'.' => Tok::Dot,
                    b'[' => Tok::LBracket,
                    b']' => Tok::RBracket,
                    b'(' => Tok::LParen,
                    b')' => Tok::RParen,
                    b'|' => Tok::Pipe,
                    b':' => Tok::Colon,
                    b',' => Tok::Comma,
                    _ => Tok::Other,
                }
            }
        };
        let end = i.min(bytes.len());
        out.push(Token {
            kind,
            start: base + start,
            end: base + end,
        });
        i = end;
    }
}

/// The end of the number whose digits start at `i` (a fraction only when a digit
/// follows the dot, so that `1..5` stays a range).
fn number_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
    }
    i
}

/// The length of the UTF-8 sequence starting with byte `b` (1 for stray bytes).
fn utf8_len(b: u8) -> usize {
    match b {
        0xf0..=0xf7 => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Tok, &str)> {
        let mut out = Vec::new();
        tokenize(text, 0, &mut out);
        out.iter()
            .map(|t| (t.kind, &text[t.start..t.end]))
            .collect()
    }

    #[test]
    fn tokenizes_paths_filters_and_ranges() {
        use Tok::*;
        assert_eq!(
            kinds(r#"event["a b"].x | default: 'n', y: -1.5"#),
            vec![
                (Ident, "event"),
                (LBracket, "["),
                (Str, "\"a b\""),
                (RBracket, "]"),
                (Dot, "."),
                (Ident, "x"),
                (Pipe, "|"),
                (Ident, "default"),
                (Colon, ":"),
                (Str, "'n'"),
                (Comma, ","),
                (Ident, "y"),
                (Colon, ":"),
                (Num, "-1.5"),
            ]
        );
        assert_eq!(
            kinds("(1..event.n) a-b? != <> <= = é"),
            vec![
                (LParen, "("),
                (Num, "1"),
                (DotDot, ".."),
                (Ident, "event"),
                (Dot, "."),
                (Ident, "n"),
                (RParen, ")"),
                (Ident, "a-b?"),
                (Cmp, "!="),
                (Cmp, "<>"),
                (Cmp, "<="),
                (Assign, "="),
                (Other, "é"),
            ]
        );
    }

    #[test]
    fn unterminated_string_runs_to_the_end() {
        assert_eq!(kinds("'abc"), vec![(Tok::Str, "'abc")]);
    }
}
