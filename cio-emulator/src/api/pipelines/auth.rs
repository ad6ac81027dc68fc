//! The Pipelines API's credentials: HTTP Basic with the write key as the user name and
//! an empty password (`Authorization: Basic base64("KEY:")`).

use base64::Engine as _;
use hyper::header::HeaderValue;

/// Whether an `Authorization` header carries `write_key` with an empty password.
pub(crate) fn authorized(header: Option<&HeaderValue>, write_key: &str) -> bool {
    let Some(value) = header.and_then(|value| value.to_str().ok()) else {
        return false;
    };
    let Some((scheme, encoded)) = value.trim().split_once(' ') else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return false;
    }
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
        return false;
    };
    decoded.strip_suffix(b":") == Some(write_key.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(credentials: &str) -> HeaderValue {
        let encoded = base64::engine::general_purpose::STANDARD.encode(credentials);
        HeaderValue::from_str(&format!("Basic {encoded}")).unwrap_or(HeaderValue::from_static(""))
    }

    #[test]
    fn the_key_and_an_empty_password() {
        assert!(authorized(Some(&basic("wk:")), "wk"));
        assert!(authorized(
            Some(&HeaderValue::from_static("basic d2s6")),
            "wk"
        ));
        for wrong in ["wk", "wk:pw", "other:", ":wk", ""] {
            assert!(!authorized(Some(&basic(wrong)), "wk"), "{wrong}");
        }
        assert!(!authorized(
            Some(&HeaderValue::from_static("Bearer wk")),
            "wk"
        ));
        assert!(!authorized(
            Some(&HeaderValue::from_static("Basic !!")),
            "wk"
        ));
        assert!(!authorized(None, "wk"));
    }
}
