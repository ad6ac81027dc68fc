//! Where the webhooks go: a URL the emulator may send to, and the signing key.

use std::fmt;
use std::net::IpAddr;

use reqwest::Url;

/// The app's webhook endpoint and the key its webhooks are signed with.
#[derive(Clone)]
pub(crate) struct Target {
    pub(crate) url: Url,
    pub(crate) key: Vec<u8>,
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The key never shows.
        f.debug_struct("Target")
            .field("url", &self.url.as_str())
            .finish_non_exhaustive()
    }
}

/// A URL and a signing key as the builder was given them, checked at start.
#[derive(Clone)]
pub(crate) struct Given {
    pub(crate) url: String,
    pub(crate) key: String,
}

impl fmt::Debug for Given {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Given")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Target {
    /// Checks `url` ([`check_url`]) and `key` (not empty).
    pub(crate) fn new(url: &str, key: &str) -> Result<Target, String> {
        let url = check_url(url)?;
        if key.is_empty() {
            return Err(
                "the webhook signing key is empty: a signature made with it would prove nothing"
                    .to_owned(),
            );
        }
        Ok(Target {
            url,
            key: key.as_bytes().to_vec(),
        })
    }

    /// Whether the URL's host is a loopback address or `localhost`.
    pub(crate) fn is_loopback(&self) -> bool {
        is_loopback(&self.url)
    }
}

/// Checks a webhook URL: `https://`, or `http://` to a loopback host (127.0.0.0/8,
/// `[::1]`, `localhost`), with no user name or password.
pub(crate) fn check_url(url: &str) -> Result<Url, String> {
    let parsed = Url::parse(url).map_err(|e| format!("the webhook URL is not a URL: {e}"))?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("the webhook URL must not hold credentials".to_owned());
    }
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if is_loopback(&parsed) => Ok(parsed),
        "http" => Err(format!(
            "the webhook URL `{}` is plain http:// to a host that is not loopback: use https://, or http:// to 127.0.0.1, [::1] or localhost",
            parsed.origin().ascii_serialization()
        )),
        other => Err(format!(
            "the webhook URL's scheme `{other}` is not supported (https, or http to a loopback host)"
        )),
    }
}

fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn urls() {
        for good in [
            "http://127.0.0.1:3000/webhooks/customerio",
            "http://127.2.3.4/hook?x=1",
            "http://[::1]:9/",
            "http://LocalHost:8080/x",
            "https://app.example.com/webhooks/customerio",
        ] {
            assert!(check_url(good).is_ok(), "{good}");
        }
        for (bad, says) in [
            ("http://app.example.com/hook", "not loopback"),
            ("http://10.0.0.1/hook", "not loopback"),
            ("ftp://127.0.0.1/hook", "scheme `ftp`"),
            ("https://user:pw@example.com/", "credentials"),
            ("127.0.0.1:3000", "not a URL"),
        ] {
            let error = check_url(bad).unwrap_err();
            assert!(error.contains(says), "{bad}: {error}");
        }
    }

    #[test]
    fn keys_are_required_and_never_shown() {
        assert!(Target::new("http://127.0.0.1/", "").is_err());
        let target = Target::new("http://localhost:1/h", "s3cret").unwrap();
        assert!(target.is_loopback());
        assert!(!format!("{target:?}").contains("s3cret"));
        let given = Given {
            url: "http://localhost:1/h".into(),
            key: "s3cret".into(),
        };
        assert!(!format!("{given:?}").contains("s3cret"));
        let remote = Target::new("https://example.com/h", "k").unwrap();
        assert!(!remote.is_loopback());
    }
}
