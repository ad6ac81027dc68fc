//! Strings: escaping for URLs and XML, word and whitespace helpers, `contains`,
//! `remove_last`/`replace_last`, `slugify`, `titlecase`, `array_to_sentence_string`.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::{string, text, Args, Outcome};
use liquid_core::Value;

/// What `cgi_escape` keeps as is (besides letters and digits): `*-._`.
const CGI: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_');

/// What `uri_escape` keeps: the unreserved and reserved characters of RFC 3986.
const URI: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b':')
    .remove(b'/')
    .remove(b'?')
    .remove(b'#')
    .remove(b'[')
    .remove(b']')
    .remove(b'@')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=');

/// Form encoding: `a b&c` → `a+b%26c`.
pub(super) fn cgi_escape(input: &Value, _: &Args) -> Outcome {
    let t = text(input);
    let encoded: String = t
        .split(' ')
        .map(|part| utf8_percent_encode(part, CGI).to_string())
        .collect::<Vec<_>>()
        .join("+");
    Ok(string(encoded))
}

/// Escapes what may not appear in a URI, keeping its reserved characters.
pub(super) fn uri_escape(input: &Value, _: &Args) -> Outcome {
    Ok(string(utf8_percent_encode(&text(input), URI).to_string()))
}

/// `&`, `<`, `>`, `"` and `'` as XML entities.
pub(super) fn xml_escape(input: &Value, _: &Args) -> Outcome {
    let t = text(input);
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    Ok(string(out))
}

/// `true` when the text contains the argument, or the list an equal item.
pub(super) fn contains(input: &Value, args: &Args) -> Outcome {
    let needle = args.first().ok_or("expects what to look for")?;
    let found = match input {
        Value::Array(items) => items.iter().any(|item| item == needle),
        Value::Object(map) => map.contains_key(text(needle).as_str()),
        _ => text(input).contains(&text(needle)),
    };
    Ok(Value::scalar(found))
}

/// Runs of whitespace as one space.
pub(super) fn normalize_whitespace(input: &Value, _: &Args) -> Outcome {
    Ok(string(
        text(input).split_whitespace().collect::<Vec<_>>().join(" "),
    ))
}

/// The number of words (separated by whitespace).
pub(super) fn number_of_words(input: &Value, _: &Args) -> Outcome {
    let n = text(input).split_whitespace().count();
    Ok(Value::scalar(i64::try_from(n).unwrap_or(i64::MAX)))
}

/// `remove_last: 'x'`: the text without the last `x`.
pub(super) fn remove_last(input: &Value, args: &Args) -> Outcome {
    let t = text(input);
    let old = args.text(0).ok_or("expects the text to remove")?;
    Ok(string(replace_last_of(&t, &old, "")))
}

/// `replace_last: 'x', 'y'`: the last `x` replaced by `y`.
pub(super) fn replace_last(input: &Value, args: &Args) -> Outcome {
    let t = text(input);
    let old = args.text(0).ok_or("expects the text to replace")?;
    let new = args.text(1).unwrap_or_default();
    Ok(string(replace_last_of(&t, &old, &new)))
}

fn replace_last_of(t: &str, old: &str, new: &str) -> String {
    match t.rfind(old) {
        Some(at) if !old.is_empty() => format!("{}{new}{}", &t[..at], &t[at + old.len()..]),
        _ => t.to_string(),
    }
}

/// Lowercase letters and digits joined by `-`: `Hello, World!` → `hello-world`.
pub(super) fn slugify(input: &Value, _: &Args) -> Outcome {
    let t = text(input).to_lowercase();
    let slug = t
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    Ok(string(slug))
}

/// Every word capitalized: `the big day` → `The Big Day`.
pub(super) fn titlecase(input: &Value, _: &Args) -> Outcome {
    let t = text(input);
    let mut out = String::with_capacity(t.len());
    let mut start = true;
    for c in t.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = c.is_whitespace();
    }
    Ok(string(out))
}

/// `['a','b','c'] | array_to_sentence_string` → `a, b, and c`; the argument
/// replaces `and`.
pub(super) fn array_to_sentence_string(input: &Value, args: &Args) -> Outcome {
    let items: Vec<String> = match input {
        Value::Array(items) => items.iter().map(text).collect(),
        Value::Nil => Vec::new(),
        other => vec![text(other)],
    };
    let connector = args.text(0).unwrap_or_else(|| "and".to_string());
    let sentence = match items.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} {connector} {b}"),
        [rest @ .., last] => format!("{}, {connector} {last}", rest.join(", ")),
    };
    Ok(string(sentence))
}
