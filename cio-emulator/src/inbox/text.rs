//! A message body as plain text: what a mail client's text view or a notification
//! would show of its HTML.

/// Elements whose end (or start) breaks a line.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "hr",
    "section",
    "article",
    "header",
    "footer",
    "title",
];

/// Elements whose content is not text.
const HIDDEN: &[&str] = &["script", "style", "head", "template", "noscript"];

/// `html` as plain text: tags dropped (a block element breaks the line, a list item
/// starts with `- `, a link keeps its address), the content of `script`, `style` and
/// `head` dropped, the common character references decoded, blank runs collapsed.
/// A body without markup stays as it is.
pub(super) fn plain(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&decode(&rest[..start]));
        let after = &rest[start + 1..];
        // A `<` that starts no tag (`a < b`, `<3`) is text.
        if !after.starts_with(|c: char| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?')) {
            out.push('<');
            rest = after;
            continue;
        }
        let Some(end) = after.find('>') else {
            // A lone `<` is text.
            out.push_str(&decode(&rest[start..]));
            rest = "";
            break;
        };
        let tag = &after[..end];
        rest = &after[end + 1..];
        if tag.starts_with('!') || tag.starts_with('?') {
            continue;
        }
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if !closing && HIDDEN.contains(&name.as_str()) {
            let close = format!("</{name}");
            rest = match rest.to_ascii_lowercase().find(&close) {
                Some(at) => rest[at..].find('>').map_or("", |gt| &rest[at + gt + 1..]),
                None => "",
            };
            continue;
        }
        // A list item starts a line; its end need not.
        if BLOCKS.contains(&name.as_str()) && !(closing && name == "li") {
            out.push('\n');
        }
        if name == "li" && !closing {
            out.push_str("- ");
        }
        if name == "a" && !closing {
            if let Some(href) = attribute(tag, "href") {
                out.push_str(&format!("[{}] ", decode(href)));
            }
        }
    }
    out.push_str(&decode(rest));
    tidy(&out)
}

/// The value of attribute `name` in a start tag's text, if quoted.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let lower = tag.to_ascii_lowercase();
    let at = lower.find(&format!("{name}="))? + name.len() + 1;
    let value = &tag[at..];
    let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &value[1..];
    value.find(quote).map(|end| &value[..end])
}

/// Decodes the character references mail bodies use: the five XML ones, `&nbsp;`
/// and numeric ones; others stay as written.
fn decode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let reference = rest[1..]
            .find(';')
            .filter(|end| *end <= 10)
            .map(|end| &rest[1..=end]);
        let decoded = reference.and_then(|r| match r {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" | "#39" => Some('\''),
            "nbsp" => Some(' '),
            _ => r
                .strip_prefix("#x")
                .or_else(|| r.strip_prefix("#X"))
                .map(|hex| u32::from_str_radix(hex, 16))
                .or_else(|| r.strip_prefix('#').map(str::parse::<u32>))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        });
        match (reference, decoded) {
            (Some(r), Some(c)) => {
                out.push(c);
                rest = &rest[r.len() + 2..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Trims each line's ends and collapses its inner blank runs, and keeps at most
/// one empty line in a row.
fn tidy(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() && lines.last().is_none_or(String::is_empty) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_text() {
        let html = "<!DOCTYPE html><html><head><title>T</title><style>p{color:red}</style></head>\
                    <body><h1>Hi &amp; welcome</h1><p>Thanks,<br>Jane&nbsp;&#x263A; &#8212; &lt;3</p>\
                    <ul><li>one</li><li>two</li></ul><script>alert('x')</script>\
                    <p>Open <a href=\"https://e.example/?a=1&amp;b=2\">the app</a>.</p></body></html>";
        assert_eq!(
            plain(html),
            "Hi & welcome\n\nThanks,\nJane \u{263A} \u{2014} <3\n\n- one\n- two\n\nOpen [https://e.example/?a=1&b=2] the app."
        );
    }

    #[test]
    fn text_without_markup_keeps_its_lines() {
        let body =
            "Hi Jane,\n\n\n\nThanks for signing up with google.  Your pro account is ready.\n";
        assert_eq!(
            plain(body),
            "Hi Jane,\n\nThanks for signing up with google. Your pro account is ready."
        );
        assert_eq!(
            plain("a < b & c &unknown; &#xZZ;"),
            "a < b & c &unknown; &#xZZ;"
        );
        assert_eq!(plain("<p>cut <b"), "cut <b");
        assert_eq!(plain("<script>never closed"), "");
        assert_eq!(plain("code <1234> & <p>x</p>"), "code <1234> &\nx");
    }
}
