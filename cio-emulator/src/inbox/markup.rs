//! The pieces every inbox page is made of: escaping, paths and element ids.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;

/// Escapes text for HTML content and attribute values (quotes included).
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A JSON value as escaped text (`"pro"`, `3`, `{"a":1}`).
pub(super) fn json_text(value: &Value) -> String {
    escape(&value.to_string())
}

/// What a path segment keeps as is: RFC 3986's unreserved characters.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `text` as a path segment (or an element id: no space, no quote, no markup).
pub(super) fn segment(text: &str) -> String {
    utf8_percent_encode(text, SEGMENT).to_string()
}

/// A person's inbox path.
pub(super) fn person_href(person: &str) -> String {
    format!("/people/{}", segment(person))
}

/// A decoded path segment, if it is UTF-8.
pub(super) fn decode(segment: &str) -> Option<String> {
    percent_decode_str(segment)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

/// A decoded query value (`+` is a space), if it is UTF-8.
pub(super) fn decode_query(value: &str) -> Option<String> {
    decode(&value.replace('+', " "))
}

/// The decoded value of `name` in a query string, if present and UTF-8.
pub(super) fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    query?.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (key == name).then(|| decode_query(value)).flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<b onclick="x">Tom & 'Jerry'</b>"#),
            "&lt;b onclick=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/b&gt;"
        );
        assert_eq!(
            json_text(&serde_json::json!("<i>\"")),
            "&quot;&lt;i&gt;\\&quot;&quot;"
        );
    }

    #[test]
    fn person_paths_round_trip() {
        for id in ["user-1", "jane@example.com", "a/b c?d", "ü", "\"><script>"] {
            let href = person_href(id);
            let segment = &href["/people/".len()..];
            assert!(!segment.contains(['/', ' ', '"', '<', '\'']), "{segment}");
            assert_eq!(decode(segment).as_deref(), Some(id));
        }
        assert_eq!(decode_query("a+b%40c").as_deref(), Some("a b@c"));
    }

    #[test]
    fn query_parameters() {
        assert_eq!(
            query_param(Some("x=1&q=jane%40ex+ample"), "q").as_deref(),
            Some("jane@ex ample")
        );
        assert_eq!(query_param(Some("q"), "q").as_deref(), Some(""));
        assert_eq!(query_param(Some("qq=1"), "q"), None);
        assert_eq!(query_param(Some("q=%ff"), "q"), None);
        assert_eq!(query_param(None, "q"), None);
    }
}
