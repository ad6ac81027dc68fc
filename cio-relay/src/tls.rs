//! Whether the relay's PostgreSQL connection is protected: a warning when it crosses
//! a network without TLS.

use std::net::IpAddr;
use std::str::FromStr;

use cio_core::outbox::sqlx::postgres::{PgConnectOptions, PgSslMode};

/// What to warn about the database at `url`, or `None`: a PostgreSQL host that is not
/// loopback (nor a Unix socket) reached with an `sslmode` that does not insist on TLS.
/// `disable` and `allow` never negotiate TLS; `prefer` (the default) encrypts only if
/// the server offers it, checks no certificate, and falls back to plaintext, so an
/// attacker on the path can read the rows and the credentials either way.
pub(crate) fn plaintext_warning(url: &str) -> Option<String> {
    if !(url.starts_with("postgres:") || url.starts_with("postgresql:")) {
        return None;
    }
    // A URL that does not parse fails to connect, and says why there.
    let options = PgConnectOptions::from_str(url).ok()?;
    let host = options.get_host();
    if options.get_socket().is_some() || host.starts_with('/') || is_loopback(host) {
        return None;
    }
    let mode = match options.get_ssl_mode() {
        PgSslMode::Disable => "disable",
        PgSslMode::Allow => "allow",
        PgSslMode::Prefer => "prefer",
        _ => return None,
    };
    Some(format!(
        "the outbox database at `{host}` is reached without TLS (sslmode={mode}): rows \
         and credentials may cross the network in plaintext; add sslmode=verify-full \
         (with sslrootcert=CA.pem for a private CA) to the database URL"
    ))
}

/// `localhost`, or an address in 127.0.0.0/8 or `::1`.
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => bare.eq_ignore_ascii_case("localhost"),
    }
}

#[cfg(test)]
mod tests {
    use super::plaintext_warning;

    #[test]
    fn remote_hosts_without_tls_are_warned_about() {
        for url in [
            "postgres://app@db.example/prod",
            "postgres://app@db.example/prod?sslmode=prefer",
            "postgresql://app@10.0.0.5:5432/prod?sslmode=disable",
            "postgres://app@[2001:db8::1]/prod?sslmode=allow",
        ] {
            let warning = plaintext_warning(url).unwrap_or_default();
            assert!(warning.contains("without TLS"), "{url}: {warning:?}");
        }
        let warning = plaintext_warning("postgres://app:s3cret@db.example/prod?sslmode=disable")
            .unwrap_or_default();
        assert!(warning.contains("db.example"), "{warning}");
        assert!(!warning.contains("s3cret"), "{warning}");
    }

    #[test]
    fn tls_loopback_and_sqlite_are_not_warned_about() {
        for url in [
            "postgres://app@db.example/prod?sslmode=require",
            "postgres://app@db.example/prod?sslmode=verify-ca&sslrootcert=ca.pem",
            "postgres://app@db.example/prod?sslmode=verify-full",
            "postgres://app@127.0.0.1/prod?sslmode=disable",
            "postgres://app@localhost/prod",
            "postgres://app@[::1]/prod",
            "postgres:///prod?host=/var/run/postgresql",
            "sqlite:outbox.db",
            "postgres://app:s3/cret@db.example/prod",
        ] {
            assert_eq!(plaintext_warning(url), None, "{url}");
        }
    }
}
