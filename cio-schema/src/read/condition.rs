//! The branch condition language of campaign `if` steps.
//!
//! ```text
//! condition  := or
//! or         := and ("or" and)*
//! and        := unary ("and" unary)*
//! unary      := "not" unary | "(" or ")" | "performed" EVENT | path (op literal)?
//! path       := ("customer" | "event") "." NAME
//! op         := "==" | "!=" | "<" | ">" | "<=" | ">="
//! literal    := "text" | 'text' | number | true | false
//! ```
//!
//! Names are located in `events.toml` through `locate` (byte range in the condition
//! text → span in the file).

use crate::model::{AttributePath, CompareOp, Condition, Literal, Name, PathRoot, Span};

/// How deeply `not` and parentheses may nest.
const MAX_DEPTH: usize = 64;

/// A syntax error: byte offset in the condition text and what is wrong.
#[derive(Debug, PartialEq)]
pub(crate) struct SyntaxError {
    pub(crate) at: usize,
    pub(crate) reason: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Num(f64),
    Op(CompareOp),
    Open,
    Close,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

fn err<T>(at: usize, reason: impl Into<String>) -> Result<T, SyntaxError> {
    Err(SyntaxError {
        at,
        reason: reason.into(),
    })
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

fn tokenize(text: &str) -> Result<Vec<Token>, SyntaxError> {
    let mut out = Vec::new();
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    let end_of = |i: usize| bytes.get(i).map_or(text.len(), |(at, _)| *at);
    while i < bytes.len() {
        let (start, c) = bytes[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let next = bytes.get(i + 1).map(|(_, c)| *c);
        let (tok, len) = match (c, next) {
            ('(', _) => (Tok::Open, 1),
            (')', _) => (Tok::Close, 1),
            ('=', Some('=')) => (Tok::Op(CompareOp::Eq), 2),
            ('!', Some('=')) => (Tok::Op(CompareOp::Ne), 2),
            ('<', Some('=')) => (Tok::Op(CompareOp::Le), 2),
            ('>', Some('=')) => (Tok::Op(CompareOp::Ge), 2),
            ('<', _) => (Tok::Op(CompareOp::Lt), 1),
            ('>', _) => (Tok::Op(CompareOp::Gt), 1),
            ('=', _) => return err(start, "write `==` to compare"),
            ('"' | '\'', _) => {
                let Some(close) = bytes[i + 1..].iter().position(|(_, d)| *d == c) else {
                    return err(start, "the string is not closed");
                };
                let content_end = i + 1 + close;
                let value = text[end_of(i + 1)..end_of(content_end)].to_string();
                (Tok::Str(value), close + 2)
            }
            _ if c.is_ascii_digit() || (c == '-' && next.is_some_and(|n| n.is_ascii_digit())) => {
                let mut j = i + 1;
                while j < bytes.len() && (bytes[j].1.is_ascii_digit() || bytes[j].1 == '.') {
                    j += 1;
                }
                let raw = &text[start..end_of(j)];
                let n = match raw.parse::<f64>() {
                    // 309 digits and more parse as infinity: no value to compare with.
                    Ok(n) if !n.is_finite() => return err(start, "number too large"),
                    Ok(n) => n,
                    Err(_) => return err(start, format!("`{raw}` is not a number")),
                };
                (Tok::Num(n), j - i)
            }
            _ if is_word_char(c) => {
                let mut j = i + 1;
                while j < bytes.len() && is_word_char(bytes[j].1) {
                    j += 1;
                }
                (Tok::Word(text[start..end_of(j)].to_string()), j - i)
            }
            _ => return err(start, format!("unexpected `{c}`")),
        };
        out.push(Token {
            tok,
            start,
            end: end_of(i + len),
        });
        i += len;
    }
    Ok(out)
}

struct Parser<'a> {
    tokens: Vec<Token>,
    pos: usize,
    text_len: usize,
    locate: &'a dyn Fn(usize, usize) -> Span,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_word(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token { tok: Tok::Word(w), .. }) if w == word)
    }

    fn here(&self) -> usize {
        self.peek().map_or(self.text_len, |t| t.start)
    }

    fn describe_here(&self) -> String {
        match self.peek() {
            None => "the end of the condition".into(),
            Some(t) => match &t.tok {
                Tok::Word(w) => format!("`{w}`"),
                Tok::Str(s) => format!("the string `{s}`"),
                Tok::Num(_) => "a number".into(),
                Tok::Op(_) => "an operator".into(),
                Tok::Open => "`(`".into(),
                Tok::Close => "`)`".into(),
            },
        }
    }

    fn or(&mut self, depth: usize) -> Result<Condition, SyntaxError> {
        let mut left = self.and(depth)?;
        while self.peek_word("or") {
            self.pos += 1;
            let right = self.and(depth)?;
            left = Condition::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self, depth: usize) -> Result<Condition, SyntaxError> {
        let mut left = self.unary(depth)?;
        while self.peek_word("and") {
            self.pos += 1;
            let right = self.unary(depth)?;
            left = Condition::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self, depth: usize) -> Result<Condition, SyntaxError> {
        if depth > MAX_DEPTH {
            return err(self.here(), "the condition nests too deeply");
        }
        let Some(token) = self.peek().cloned() else {
            return err(
                self.text_len,
                "expected `customer.NAME`, `event.NAME`, `performed EVENT` or `not`, found the end of the condition",
            );
        };
        match &token.tok {
            Tok::Open => {
                self.pos += 1;
                let inner = self.or(depth + 1)?;
                match self.peek() {
                    Some(Token {
                        tok: Tok::Close, ..
                    }) => {
                        self.pos += 1;
                        Ok(inner)
                    }
                    _ => err(
                        self.here(),
                        format!("expected `)`, found {}", self.describe_here()),
                    ),
                }
            }
            Tok::Word(w) if w == "not" => {
                self.pos += 1;
                Ok(Condition::Not(Box::new(self.unary(depth + 1)?)))
            }
            Tok::Word(w) if w == "performed" => {
                self.pos += 1;
                match self.peek().cloned() {
                    Some(Token {
                        tok: Tok::Word(event),
                        start,
                        end,
                    }) if !matches!(event.as_str(), "and" | "or" | "not") => {
                        self.pos += 1;
                        Ok(Condition::Performed(Name {
                            value: event,
                            span: (self.locate)(start, end),
                        }))
                    }
                    _ => err(
                        self.here(),
                        format!(
                            "expected an event name after `performed`, found {}",
                            self.describe_here()
                        ),
                    ),
                }
            }
            Tok::Word(w) => {
                let path = self.path(w, token.start, token.end)?;
                self.pos += 1;
                let op = match self.peek() {
                    Some(Token {
                        tok: Tok::Op(op), ..
                    }) => *op,
                    _ => return Ok(Condition::Truthy(path)),
                };
                self.pos += 1;
                let value = self.literal(op)?;
                Ok(Condition::Compare { path, op, value })
            }
            _ => err(
                token.start,
                format!(
                    "expected `customer.NAME`, `event.NAME`, `performed EVENT` or `not`, found {}",
                    self.describe_here()
                ),
            ),
        }
    }

    fn path(&self, word: &str, start: usize, end: usize) -> Result<AttributePath, SyntaxError> {
        let (root, rest) = match word.split_once('.') {
            Some((root, rest)) => (root, Some(rest)),
            None => (word, None),
        };
        let root = match root {
            "customer" => PathRoot::Customer,
            "event" => PathRoot::Event,
            other => {
                return err(
                    start,
                    format!(
                        "unknown object `{other}`; a condition reads `customer.NAME`, `event.NAME` or `performed EVENT`"
                    ),
                );
            }
        };
        let field = match rest {
            Some(f) if !f.is_empty() => f,
            _ => {
                return err(
                    start,
                    format!("expected a name after `{}.`", word.trim_end_matches('.')),
                );
            }
        };
        let field_start = end - field.len();
        Ok(AttributePath {
            root,
            field: Name {
                value: field.to_string(),
                span: (self.locate)(field_start, end),
            },
        })
    }

    fn literal(&mut self, op: CompareOp) -> Result<Literal, SyntaxError> {
        let symbol = op.as_str();
        let Some(token) = self.peek().cloned() else {
            return err(self.text_len, format!("expected a value after `{symbol}`"));
        };
        let span = (self.locate)(token.start, token.end);
        let literal = match token.tok {
            Tok::Str(s) => Literal::String(s, span),
            Tok::Num(n) => Literal::Number(n, span),
            Tok::Word(w) if w == "true" => Literal::Bool(true, span),
            Tok::Word(w) if w == "false" => Literal::Bool(false, span),
            _ => {
                return err(
                    token.start,
                    format!(
                        "expected a value after `{symbol}` (a quoted string, a number, `true` or `false`), found {}",
                        self.describe_here()
                    ),
                );
            }
        };
        self.pos += 1;
        Ok(literal)
    }
}

/// Parses `text`; `locate` turns a byte range of `text` into a span of the file.
pub(crate) fn parse_condition(
    text: &str,
    locate: &dyn Fn(usize, usize) -> Span,
) -> Result<Condition, SyntaxError> {
    let tokens = tokenize(text)?;
    if tokens.is_empty() {
        return err(0, "the condition is empty");
    }
    let mut parser = Parser {
        tokens,
        pos: 0,
        text_len: text.len(),
        locate,
    };
    let condition = parser.or(0)?;
    if parser.peek().is_some() {
        return err(
            parser.here(),
            format!(
                "expected `and`, `or` or the end of the condition, found {}",
                parser.describe_here()
            ),
        );
    }
    Ok(condition)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Condition, SyntaxError> {
        parse_condition(text, &|s, e| Span::new(s, e))
    }

    fn path(root: PathRoot, field: &str, start: usize) -> AttributePath {
        AttributePath {
            root,
            field: Name {
                value: field.into(),
                span: Span::new(start, start + field.len()),
            },
        }
    }

    #[test]
    fn truthy_and_performed() {
        assert_eq!(
            parse("customer.email_verified"),
            Ok(Condition::Truthy(path(
                PathRoot::Customer,
                "email_verified",
                9
            )))
        );
        assert_eq!(
            parse("performed first_project_created"),
            Ok(Condition::Performed(Name {
                value: "first_project_created".into(),
                span: Span::new(10, 31),
            }))
        );
    }

    #[test]
    fn comparison_and_logic() {
        let c = parse("not (customer.plan == 'pro' or event.days_left < 3)").unwrap();
        let Condition::Not(inner) = c else {
            panic!("{c:?}")
        };
        let Condition::Or(l, r) = *inner else {
            panic!()
        };
        assert_eq!(
            *l,
            Condition::Compare {
                path: path(PathRoot::Customer, "plan", 14),
                op: CompareOp::Eq,
                value: Literal::String("pro".into(), Span::new(22, 27)),
            }
        );
        assert_eq!(
            *r,
            Condition::Compare {
                path: path(PathRoot::Event, "days_left", 37),
                op: CompareOp::Lt,
                value: Literal::Number(3.0, Span::new(49, 50)),
            }
        );
        assert!(matches!(
            parse("customer.a and customer.b or customer.c"),
            Ok(Condition::Or(_, _))
        ));
    }

    #[test]
    fn syntax_errors() {
        assert_eq!(parse("").unwrap_err().reason, "the condition is empty");
        let e = parse("customer.plan ==").unwrap_err();
        assert_eq!(
            (e.at, e.reason.as_str()),
            (16, "expected a value after `==`")
        );
        let e = parse("user.plan").unwrap_err();
        assert_eq!(e.at, 0);
        let e = parse("customer.plan = 'x'").unwrap_err();
        assert_eq!((e.at, e.reason.as_str()), (14, "write `==` to compare"));
        let e = parse("(customer.a").unwrap_err();
        assert_eq!(e.reason, "expected `)`, found the end of the condition");
        let e = parse("customer.a customer.b").unwrap_err();
        assert_eq!(e.at, 11);
        let e = parse("customer.").unwrap_err();
        assert_eq!(e.reason, "expected a name after `customer.`");
        let deep = "not ".repeat(1000) + "customer.a";
        assert_eq!(
            parse(&deep).unwrap_err().reason,
            "the condition nests too deeply"
        );
        let huge = format!("customer.mrr < -{}", "9".repeat(400));
        let e = parse(&huge).unwrap_err();
        assert_eq!((e.at, e.reason.as_str()), (15, "number too large"));
        let deep = "(".repeat(10_000);
        assert_eq!(
            parse(&deep).unwrap_err().reason,
            "the condition nests too deeply"
        );
    }
}
