//! [`OutboxError`]: what can go wrong writing to or reading from the outbox.

use crate::client::Error as ClientError;

/// An outbox error. Database errors keep their cause as [`source`](std::error::Error::source).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutboxError {
    /// The operation is invalid (a constraint, a Track API limit, a bad identifier):
    /// nothing was written.
    #[error(transparent)]
    Invalid(#[from] ClientError),
    /// The database could not be reached or opened.
    #[error("cannot open the outbox database `{url}`: {source}")]
    Connect {
        /// The URL, without its password.
        url: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// The URL names no supported database (`sqlite:` or `postgres:`), or one whose
    /// cargo feature is off.
    #[error("unsupported outbox database URL `{0}`: expected `sqlite:` (feature `sqlite`) or `postgres:` (feature `postgres`)")]
    UnsupportedUrl(String),
    /// The schema or table prefix is not a plain SQL identifier.
    #[error("invalid outbox namespace `{0}`: use 1 to 48 characters among a-z, 0-9 and `_`, starting with a letter or `_`")]
    InvalidNamespace(String),
    /// The outbox tables were created by a newer version of cio.
    #[error("the outbox tables `{namespace}` have schema version {found}; this version of cio knows up to {supported}: upgrade cio")]
    NewerSchema {
        /// The schema (PostgreSQL) or table prefix (SQLite).
        namespace: String,
        /// The version found in the database.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// A connection of the other database was given (a PostgreSQL connection to a
    /// SQLite outbox, or the reverse).
    #[error("this outbox lives in {expected}; the connection given is to another database")]
    WrongDatabase {
        /// The outbox's database.
        expected: &'static str,
    },
    /// A database statement failed.
    #[error("outbox database error while {doing}: {source}")]
    Database {
        /// What the outbox was doing.
        doing: &'static str,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
}

impl OutboxError {
    pub(crate) fn db(doing: &'static str) -> impl FnOnce(sqlx::Error) -> OutboxError {
        move |source| OutboxError::Database { doing, source }
    }
}

/// A database URL fit for an error or a log: the password and the values of the
/// `password` / `sslpassword` query parameters (any parameter whose name holds
/// "password") are replaced by `***`, and the fragment is dropped. A URL that does
/// not parse shows only its scheme, since where its secret lies cannot be known.
pub(crate) fn redact_url(url: &str) -> String {
    let Ok(mut parsed) = reqwest::Url::parse(url) else {
        return unparsable(url);
    };
    if parsed.password().is_some() && parsed.set_password(Some("***")).is_err() {
        return unparsable(url);
    }
    let secret_query = parsed
        .query_pairs()
        .any(|(name, _)| name.to_ascii_lowercase().contains("password"));
    if secret_query {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(name, value)| {
                let value = if name.to_ascii_lowercase().contains("password") {
                    "***".into()
                } else {
                    value.into_owned()
                };
                (name.into_owned(), value)
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.set_fragment(None);
    parsed.into()
}

/// The scheme of a URL that does not parse, and nothing else of it.
fn unparsable(url: &str) -> String {
    let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
    let plain = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if plain {
        format!("{scheme}:<rest hidden: not a valid URL>")
    } else {
        "<hidden: not a valid URL>".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/prod"),
            "postgres://app:***@db:5432/prod"
        );
        assert_eq!(
            redact_url("postgres://app@db/prod"),
            "postgres://app@db/prod"
        );
        assert_eq!(redact_url("sqlite:data.db"), "sqlite:data.db");
        assert_eq!(redact_url("sqlite::memory:"), "sqlite::memory:");
    }

    #[test]
    fn passwords_in_the_query_or_with_a_slash_never_show() {
        assert_eq!(
            redact_url("postgres://db/prod?user=app&password=s3cret&sslmode=require"),
            "postgres://db/prod?user=app&password=***&sslmode=require"
        );
        assert_eq!(
            redact_url("postgres://db/prod?sslpassword=s3cret&PASSWORD=s3cret"),
            "postgres://db/prod?sslpassword=***&PASSWORD=***"
        );
        assert_eq!(
            redact_url("postgres://app:s3/cret@db/prod"),
            "postgres:<rest hidden: not a valid URL>"
        );
        assert_eq!(
            redact_url("postgres://app:s3%2Fcret@db/prod#s3cret"),
            "postgres://app:***@db/prod"
        );
        assert_eq!(redact_url("s3cret not a URL"), "<hidden: not a valid URL>");
    }
}
