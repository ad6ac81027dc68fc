//! Names: how `events.toml` names become Rust identifiers, and which cannot.
//!
//! Words are split on `_`, `-`, ` `, `.`, on a lower-to-upper case change
//! (`signUp` → `sign`, `Up`) and at the end of an acronym (`HTTPServer` → `HTTP`,
//! `Server`). Type and variant names join the words capitalized
//! ([`type_name`]: `sign_up` → `SignUp`); field names join them in lower case with
//! `_` ([`field_name`]: `firstName` → `first_name`).
//!
//! ```
//! use cio_schema::naming::{field_name, type_name};
//! assert_eq!(type_name("sign_up"), "SignUp");
//! assert_eq!(type_name("signUp"), "SignUp");
//! assert_eq!(field_name("firstName"), "first_name");
//! ```

/// Splits a name into words (see the module docs), as slices of `name`.
fn words(name: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None::<usize>;
    let mut prev: Option<char> = None;
    let mut chars = name.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if matches!(c, '_' | '-' | ' ' | '.') {
            if let Some(s) = start.take() {
                out.push(&name[s..i]);
            }
            prev = None;
            continue;
        }
        if let (Some(s), Some(p), true) = (start, prev, c.is_uppercase()) {
            let next_is_lower = chars.peek().is_some_and(|&(_, n)| n.is_lowercase());
            if p.is_lowercase() || p.is_ascii_digit() || (p.is_uppercase() && next_is_lower) {
                out.push(&name[s..i]);
                start = Some(i);
            }
        }
        start.get_or_insert(i);
        prev = Some(c);
    }
    if let Some(s) = start {
        out.push(&name[s..]);
    }
    out
}

/// The UpperCamelCase Rust type name for an event or enum name:
/// `sign_up` → `SignUp`, `signUp` → `SignUp`, `page.viewed` → `PageViewed`.
pub fn type_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in words(name) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.extend(chars.flat_map(char::to_lowercase));
        }
    }
    out
}

/// The snake_case Rust field name for a field or attribute name:
/// `firstName` → `first_name`, `first-name` → `first_name`.
pub fn field_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for word in words(name) {
        if !out.is_empty() {
            out.push('_');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// The UpperCamelCase Rust variant name for an enum value: `in_app` → `InApp`.
pub fn variant_name(value: &str) -> String {
    type_name(value)
}

/// `true` when `s` is a Rust keyword (strict or reserved, edition 2024), which a
/// generated identifier must write as a raw identifier (`r#type`).
pub fn is_rust_keyword(s: &str) -> bool {
    matches!(
        s,
        "as" | "break"
            | "const"
            | "continue"
            | "crate"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "Self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
            | "gen"
    )
}

/// Why `name` cannot become a Rust identifier (as a type, field or variant name), or
/// `None` when it can. The reason completes the sentence "… cannot become a Rust
/// identifier: {reason}".
///
/// ```
/// use cio_schema::naming::invalid_name_reason;
/// assert_eq!(invalid_name_reason("signed_up"), None);
/// assert_eq!(invalid_name_reason("2fa").as_deref(), Some("it starts with a digit"));
/// ```
pub fn invalid_name_reason(name: &str) -> Option<String> {
    // The common case, `snake_case` ASCII, converts to valid names without checks.
    let plain = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if plain && !matches!(name, "self" | "super" | "crate") {
        return None;
    }
    if name.is_empty() {
        return Some("it is empty".into());
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ' ')))
    {
        return Some(format!("it contains `{}`", bad.escape_debug()));
    }
    let ty = type_name(name);
    let field = field_name(name);
    if ty.is_empty() {
        return Some("it has no letters or digits".into());
    }
    if ty.starts_with(|c: char| c.is_ascii_digit()) {
        return Some("it starts with a digit".into());
    }
    for converted in [field.as_str(), ty.as_str()] {
        if matches!(converted, "self" | "Self" | "super" | "crate" | "_") {
            return Some(format!(
                "it becomes `{converted}`, which Rust does not allow as a name"
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names() {
        assert_eq!(type_name("sign_up"), "SignUp");
        assert_eq!(type_name("signUp"), "SignUp");
        assert_eq!(type_name("SignUp"), "SignUp");
        assert_eq!(type_name("sign-up"), "SignUp");
        assert_eq!(type_name("sign up"), "SignUp");
        assert_eq!(type_name("page.viewed"), "PageViewed");
        assert_eq!(type_name("SIGN_UP"), "SignUp");
        assert_eq!(type_name("HTTPServer"), "HttpServer");
        assert_eq!(type_name("oauth2_login"), "Oauth2Login");
        assert_eq!(type_name("profile"), "Profile");
        assert_eq!(type_name("__x__"), "X");
        assert_eq!(type_name("___"), "");
    }

    #[test]
    fn field_names() {
        assert_eq!(field_name("firstName"), "first_name");
        assert_eq!(field_name("first_name"), "first_name");
        assert_eq!(field_name("first-name"), "first_name");
        assert_eq!(field_name("FirstName"), "first_name");
        assert_eq!(field_name("email"), "email");
        assert_eq!(field_name("userID"), "user_id");
        assert_eq!(field_name("type"), "type");
    }

    #[test]
    fn variant_names() {
        assert_eq!(variant_name("pro"), "Pro");
        assert_eq!(variant_name("in_app"), "InApp");
        assert_eq!(variant_name("too-expensive"), "TooExpensive");
    }

    #[test]
    fn keywords() {
        assert!(is_rust_keyword("type"));
        assert!(is_rust_keyword("Self"));
        assert!(is_rust_keyword("gen"));
        assert!(!is_rust_keyword("plan"));
        assert!(!is_rust_keyword("union"));
    }

    #[test]
    fn invalid_names() {
        assert_eq!(invalid_name_reason("plan"), None);
        assert_eq!(invalid_name_reason("type"), None);
        assert_eq!(invalid_name_reason("page.viewed"), None);
        assert_eq!(invalid_name_reason("").as_deref(), Some("it is empty"));
        assert_eq!(
            invalid_name_reason("2fa").as_deref(),
            Some("it starts with a digit")
        );
        assert_eq!(
            invalid_name_reason("_2fa").as_deref(),
            Some("it starts with a digit")
        );
        assert_eq!(
            invalid_name_reason("50%").as_deref(),
            Some("it contains `%`")
        );
        assert_eq!(
            invalid_name_reason("café").as_deref(),
            Some("it contains `é`")
        );
        assert_eq!(
            invalid_name_reason("__").as_deref(),
            Some("it has no letters or digits")
        );
        assert_eq!(
            invalid_name_reason("self").as_deref(),
            Some("it becomes `self`, which Rust does not allow as a name")
        );
        assert_eq!(
            invalid_name_reason("Self").as_deref(),
            Some("it becomes `self`, which Rust does not allow as a name")
        );
        assert_eq!(
            invalid_name_reason("crate").as_deref(),
            Some("it becomes `crate`, which Rust does not allow as a name")
        );
        assert_eq!(
            invalid_name_reason("super").as_deref(),
            Some("it becomes `super`, which Rust does not allow as a name")
        );
    }
}
