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

/// `scheme://user:password@host/...` without the password.
pub(crate) fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    let Some((user_info, host)) = authority.rsplit_once('@') else {
        return url.to_owned();
    };
    let user = user_info.split_once(':').map_or(user_info, |(u, _)| u);
    let slash = if rest.contains('/') { "/" } else { "" };
    format!("{scheme}://{user}:***@{host}{slash}{path}").replace(
        ":***@",
        if user_info.contains(':') {
            ":***@"
        } else {
            "@"
        },
    )
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
    }
}
