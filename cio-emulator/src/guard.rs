//! Which requests the emulator answers at all: a web page must not drive it.
//!
//! - **DNS rebinding.** A page on `evil.example` whose name is made to resolve to
//!   127.0.0.1 can read what it fetches from "its own" origin, the emulator's inbox
//!   included; its requests carry `Host: evil.example:PORT`. Only a `Host` that is a
//!   loopback name (`127.0.0.1`, `localhost`, `[::1]`, any port) or the address the
//!   emulator listens on is answered.
//! - **CSRF.** Any page can make a browser `POST` a form to `127.0.0.1`
//!   (`POST /__clock` moves the journeys' clock). A request a browser sends carries
//!   `Origin` or `Sec-Fetch-Site`; for any method but `GET`/`HEAD`, those must say
//!   the request comes from the emulator's own pages: `Sec-Fetch-Site: same-origin`
//!   or `none`, and an `Origin` whose host is a loopback name. SDKs and test clients
//!   send neither header, and pass.

use std::net::SocketAddr;

use hyper::header::{HOST, ORIGIN};
use hyper::http::request::Parts;

/// Why a request is refused, or `None` when it may be answered.
pub(crate) fn refusal(parts: &Parts, listening: SocketAddr) -> Option<&'static str> {
    let host = parts.headers.get(HOST).and_then(|h| h.to_str().ok());
    if !host.is_some_and(|h| allowed_host(h, listening)) {
        return Some("the emulator answers only requests addressed to 127.0.0.1, localhost or [::1] (the Host header)");
    }
    if matches!(parts.method.as_str(), "GET" | "HEAD") {
        return None;
    }
    if let Some(site) = parts.headers.get("sec-fetch-site") {
        if !matches!(site.to_str(), Ok("same-origin" | "none")) {
            return Some("the emulator refuses requests from other sites (Sec-Fetch-Site)");
        }
    }
    if let Some(origin) = parts.headers.get(ORIGIN) {
        let host = origin.to_str().ok().and_then(|o| {
            o.strip_prefix("http://")
                .or_else(|| o.strip_prefix("https://"))
        });
        if !host.is_some_and(is_loopback_authority) {
            return Some("the emulator refuses requests from other origins (Origin)");
        }
    }
    None
}

/// A `Host` value the emulator answers: a loopback name with any port, or the
/// address it listens on (when bound to another).
fn allowed_host(host: &str, listening: SocketAddr) -> bool {
    is_loopback_authority(host) || host == listening.to_string()
}

/// `127.0.0.1`, `localhost` or `[::1]`, optionally followed by `:PORT`.
fn is_loopback_authority(authority: &str) -> bool {
    let name = match authority.rsplit_once(':') {
        // `[::1]` alone has colons inside its brackets: its port follows `]:`.
        Some((name, port))
            if !port.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit())
                && (name.ends_with(']') || !name.contains(':')) =>
        {
            name
        }
        _ => authority,
    };
    name == "127.0.0.1" || name.eq_ignore_ascii_case("localhost") || name == "[::1]"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(method: &str, headers: &[(&str, &str)]) -> Parts {
        let mut request = hyper::Request::builder().method(method).uri("/__clock");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request
            .body(())
            .map(|r| r.into_parts().0)
            .unwrap_or_else(|_| unreachable!())
    }

    const LISTENING: &str = "127.0.0.1:4010";

    fn refused(method: &str, headers: &[(&str, &str)]) -> bool {
        let listening = LISTENING.parse().unwrap_or_else(|_| unreachable!());
        refusal(&parts(method, headers), listening).is_some()
    }

    #[test]
    fn loopback_hosts_only() {
        for host in [
            "127.0.0.1:4010",
            "127.0.0.1",
            "localhost:1",
            "LOCALHOST:4010",
            "[::1]:4010",
            "[::1]",
        ] {
            assert!(!refused("GET", &[("host", host)]), "{host}");
        }
        for host in [
            "evil.example:4010",
            "127.0.0.1.evil.example:4010",
            "localhost.evil.example",
            "127.0.0.2:4010",
            "[::2]:4010",
            "::1",
            "localhost:x",
        ] {
            assert!(refused("GET", &[("host", host)]), "{host}");
        }
        assert!(refused("GET", &[]), "no Host");
    }

    #[test]
    fn browser_posts_from_the_emulator_s_pages_only() {
        let host = ("host", "127.0.0.1:4010");
        // An SDK: neither header.
        assert!(!refused("POST", &[host]));
        // Chromium, a form on the inbox page.
        assert!(!refused(
            "POST",
            &[
                host,
                ("origin", "http://127.0.0.1:4010"),
                ("sec-fetch-site", "same-origin")
            ]
        ));
        assert!(!refused("POST", &[host, ("sec-fetch-site", "none")]));
        assert!(!refused(
            "PUT",
            &[host, ("origin", "http://localhost:4010")]
        ));
        // Another site.
        for headers in [
            [host, ("origin", "https://evil.example"), ("x-none", "")],
            [host, ("sec-fetch-site", "cross-site"), ("x-none", "")],
            [host, ("sec-fetch-site", "same-site"), ("x-none", "")],
            [host, ("origin", "null"), ("x-none", "")],
            [
                host,
                ("origin", "http://127.0.0.1:4010"),
                ("sec-fetch-site", "cross-site"),
            ],
        ] {
            assert!(refused("POST", &headers), "{headers:?}");
        }
        // Reading is not a CSRF: a cross-site GET gets nothing it can read.
        assert!(!refused("GET", &[host, ("sec-fetch-site", "cross-site")]));
    }

    #[test]
    fn the_listening_address_is_a_host() {
        let listening: SocketAddr = "192.0.2.7:4010".parse().unwrap_or_else(|_| unreachable!());
        let ok = parts("GET", &[("host", "192.0.2.7:4010")]);
        assert!(refusal(&ok, listening).is_none());
        let other = parts("GET", &[("host", "192.0.2.8:4010")]);
        assert!(refusal(&other, listening).is_some());
    }
}
