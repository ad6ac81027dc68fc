//! Splits a template into its Liquid markup: output tags `{{ … }}` and tags `{% … %}`.
//!
//! Text between markup is skipped. `raw` and `comment` blocks and inline comments
//! `{% # … %}` are skipped whole (their content is never read by Liquid). Quoted strings inside markup may contain `}}` or
//! `%}`. Whitespace control (`{{-`, `-}}`, `{%-`, `-%}`) is stripped from the inner text.
//! The lexer is linear in the template length and allocates nothing.

/// Whether a piece of markup is an output tag or a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MarkupKind {
    /// `{{ … }}`
    Output,
    /// `{% … %}`
    Tag,
}

/// One piece of markup.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Markup<'s> {
    /// Output or tag.
    pub(crate) kind: MarkupKind,
    /// Offset of the opening `{{` / `{%`.
    pub(crate) start: usize,
    /// The text between the delimiters (whitespace-control dashes removed).
    pub(crate) inner: &'s str,
    /// Offset of `inner` in the template.
    pub(crate) inner_start: usize,
}

impl<'s> Markup<'s> {
    /// The tag name (first word) of a tag, and the offset where its arguments start.
    pub(crate) fn tag_name(&self) -> (&'s str, usize) {
        let trimmed = self.inner.trim_start();
        let lead = self.inner.len() - trimmed.len();
        let len = if trimmed.starts_with('#') {
            1
        } else {
            trimmed
                .bytes()
                .position(|b| !(b.is_ascii_alphanumeric() || b == b'_'))
                .unwrap_or(trimmed.len())
        };
        (&trimmed[..len], self.inner_start + lead + len)
    }
}

/// A delimiter that is never closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unclosed {
    /// Offset of the opening `{{`, `{%`, or of the `raw`/`comment` tag.
    pub(crate) offset: usize,
    /// What is missing: `}}`, `%}`, `{% endraw %}` or `{% endcomment %}`.
    pub(crate) missing: &'static str,
}

/// Iterator over the markup of a template.
pub(crate) struct Lexer<'s> {
    src: &'s str,
    pos: usize,
    failed: bool,
    /// Byte ranges that hold comments: `comment` block bodies and whole inline
    /// `{% # … %}` tags.
    pub(crate) comments: Vec<(usize, usize)>,
}

impl<'s> Lexer<'s> {
    /// A lexer over `src`.
    pub(crate) fn new(src: &'s str) -> Self {
        Lexer {
            src,
            pos: 0,
            failed: false,
            comments: Vec::new(),
        }
    }

    /// The next markup after `self.pos`, without skipping raw/comment blocks.
    fn next_markup(&mut self, tags_only: bool) -> Option<Result<Markup<'s>, Unclosed>> {
        let bytes = self.src.as_bytes();
        let open = find_open(bytes, self.pos, tags_only)?;
        let kind = if bytes[open + 1] == b'{' {
            MarkupKind::Output
        } else {
            MarkupKind::Tag
        };
        let close_char = if kind == MarkupKind::Output {
            b'}'
        } else {
            b'%'
        };
        let mut inner_start = open + 2;
        if bytes.get(inner_start) == Some(&b'-') {
            inner_start += 1;
        }
        let Some(close) = find_close(bytes, inner_start, close_char) else {
            self.pos = bytes.len();
            return Some(Err(Unclosed {
                offset: open,
                missing: if kind == MarkupKind::Output {
                    "}}"
                } else {
                    "%}"
                },
            }));
        };
        let mut inner_end = close;
        if inner_end > inner_start && bytes[inner_end - 1] == b'-' {
            inner_end -= 1;
        }
        self.pos = close + 2;
        Some(Ok(Markup {
            kind,
            start: open,
            inner: self.src.get(inner_start..inner_end).unwrap_or(""),
            inner_start,
        }))
    }

    /// Skips to just after the tag `{% end %}` closing a `raw`/`comment` opened at
    /// `open` (nested `comment`s counted).
    fn skip_block(&mut self, open: usize, name: &str, end: &'static str) -> Result<(), Unclosed> {
        let mut depth = 1usize;
        let body_start = self.pos;
        while let Some(next) = self.next_markup(true) {
            let Ok(markup) = next else { break };
            if markup.kind != MarkupKind::Tag {
                continue;
            }
            let (tag, _) = markup.tag_name();
            if name == "comment" && tag == "comment" {
                depth += 1;
            } else if tag == end {
                depth -= 1;
                if depth == 0 {
                    if name == "comment" {
                        self.comments.push((body_start, markup.start));
                    }
                    return Ok(());
                }
            }
        }
        Err(Unclosed {
            offset: open,
            missing: if name == "raw" {
                "{% endraw %}"
            } else {
                "{% endcomment %}"
            },
        })
    }
}

impl<'s> Iterator for Lexer<'s> {
    type Item = Result<Markup<'s>, Unclosed>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        loop {
            let item = match self.next_markup(false)? {
                Ok(markup) if markup.kind == MarkupKind::Tag => {
                    let (name, _) = markup.tag_name();
                    let end = match name {
                        "raw" => "endraw",
                        "comment" => "endcomment",
                        "#" => {
                            self.comments.push((markup.start, self.pos));
                            continue;
                        }
                        _ => return Some(Ok(markup)),
                    };
                    match self.skip_block(markup.start, name, end) {
                        Ok(()) => continue,
                        Err(e) => Err(e),
                    }
                }
                other => other,
            };
            if item.is_err() {
                self.failed = true;
            }
            return Some(item);
        }
    }
}

/// The offset of the next `{{` or `{%` (only `{%` with `tags_only`) at or after `from`.
fn find_open(bytes: &[u8], from: usize, tags_only: bool) -> Option<usize> {
    let mut i = from;
    while i + 1 < bytes.len() {
        if bytes[i] == b'{' && ((bytes[i + 1] == b'{' && !tags_only) || bytes[i + 1] == b'%') {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// The offset of the closing `}}` / `%}` (its first byte), skipping quoted strings.
/// When a quote is never closed, the first closing delimiter counts.
fn find_close(bytes: &[u8], from: usize, close_char: u8) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            q @ (b'"' | b'\'') => match bytes[i + 1..].iter().position(|&b| b == q) {
                Some(len) => i += len + 2,
                None => return find_close_plain(bytes, i + 1, close_char),
            },
            b if b == close_char && bytes.get(i + 1) == Some(&b'}') => return Some(i),
            _ => i += 1,
        }
    }
    None
}

fn find_close_plain(bytes: &[u8], from: usize, close_char: u8) -> Option<usize> {
    (from..bytes.len().saturating_sub(1)).find(|&i| bytes[i] == close_char && bytes[i + 1] == b'}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(MarkupKind, &str)> {
        Lexer::new(src)
            .map(|m| {
                m.map(|m| (m.kind, m.inner))
                    .unwrap_or((MarkupKind::Tag, "ERR"))
            })
            .collect()
    }

    #[test]
    fn splits_outputs_and_tags() {
        assert_eq!(
            kinds("a {{ x }} b {%- if y -%} c {% endif %}"),
            vec![
                (MarkupKind::Output, " x "),
                (MarkupKind::Tag, " if y "),
                (MarkupKind::Tag, " endif "),
            ]
        );
    }

    #[test]
    fn quoted_delimiters_do_not_close() {
        assert_eq!(
            kinds(r#"{{ "}}" | append: '%}' }}"#),
            vec![(MarkupKind::Output, r#" "}}" | append: '%}' "#)]
        );
    }

    #[test]
    fn raw_and_nested_comment_are_skipped() {
        assert_eq!(
            kinds("{% raw %}{{ event.a }}{% endraw %}{% comment %}{% comment %}{{ b }}{% endcomment %}{{ c }}{% endcomment %}{{ d }}"),
            vec![(MarkupKind::Output, " d ")]
        );
    }

    #[test]
    fn unclosed_is_reported_once() {
        let items: Vec<_> = Lexer::new("ok {{ x }} {% if").collect();
        assert_eq!(items.len(), 2);
        assert_eq!(
            items[1].as_ref().err(),
            Some(&Unclosed {
                offset: 11,
                missing: "%}"
            })
        );
        let items: Vec<_> = Lexer::new("{% raw %} {{ x }}").collect();
        assert_eq!(
            items[0].as_ref().err(),
            Some(&Unclosed {
                offset: 0,
                missing: "{% endraw %}"
            })
        );
    }
}
