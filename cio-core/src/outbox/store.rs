//! The rows as the relay sees them, and the storage calls dispatched to the backend.

use std::time::Duration;

use super::error::OutboxError;
#[cfg(feature = "postgres")]
use super::postgres::PgStore;
#[cfg(feature = "sqlite")]
use super::sqlite::SqliteStore;
use super::stats::OutboxStats;
use super::DeadLetter;

/// The newest schema version this build creates and understands (2: PostgreSQL's
/// `rows` leaves room for in-place claims; SQLite's tables are as in version 1).
pub(crate) const SCHEMA_VERSION: i64 = 2;

/// A row claimed by a relay.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) seq: i64,
    pub(crate) event_id: Option<String>,
    pub(crate) kind: String,
    pub(crate) body: Vec<u8>,
    /// Claims so far, this one included.
    pub(crate) attempts: i64,
    /// When it was written, in Unix milliseconds.
    pub(crate) created_at: i64,
}

/// Reads one column of a result row.
fn get<'r, R, T>(row: &'r R, index: usize) -> Result<T, sqlx::Error>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    T: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    row.try_get(index)
}

/// The columns every backend selects for a row, in this order:
/// `seq, event_id, kind, body, created_at, attempts` (attempts as a 64-bit integer).
pub(crate) const ROW_COLUMNS: &str = "seq, event_id, kind, body, created_at, attempts";

/// Reads claimed rows selected as [`ROW_COLUMNS`].
pub(crate) fn read_rows<R>(rows: &[R]) -> Result<Vec<Row>, OutboxError>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Vec<u8>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let read = |row: &R| {
        Ok(Row {
            seq: get(row, 0)?,
            event_id: get(row, 1)?,
            kind: get(row, 2)?,
            body: get(row, 3)?,
            created_at: get(row, 4)?,
            attempts: get(row, 5)?,
        })
    };
    rows.iter()
        .map(read)
        .collect::<Result<_, sqlx::Error>>()
        .map_err(OutboxError::db("reading claimed outbox rows"))
}

/// Reads dead letters selected as [`ROW_COLUMNS`] followed by `reason`.
pub(crate) fn read_dead_letters<R>(rows: &[R]) -> Result<Vec<DeadLetter>, OutboxError>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Vec<u8>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let read = |row: &R| {
        Ok(DeadLetter {
            seq: get(row, 0)?,
            event_id: get(row, 1)?,
            kind: get(row, 2)?,
            body: get(row, 3)?,
            attempts: get(row, 5)?,
            reason: get(row, 6)?,
        })
    };
    rows.iter()
        .map(read)
        .collect::<Result<_, sqlx::Error>>()
        .map_err(OutboxError::db("reading the dead letters"))
}

/// Reads the stats row: pending, age of the oldest pending (ms), delivered, dead.
pub(crate) fn read_stats<R>(row: &R) -> Result<OutboxStats, OutboxError>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let read = || {
        Ok(OutboxStats::from_counts(
            get(row, 0)?,
            get(row, 1)?,
            get(row, 2)?,
            get(row, 3)?,
        ))
    };
    read().map_err(OutboxError::db("counting outbox rows"))
}

/// The outbox's tables in one database.
#[derive(Debug, Clone)]
pub(crate) enum Store {
    #[cfg(feature = "sqlite")]
    Sqlite(SqliteStore),
    #[cfg(feature = "postgres")]
    Postgres(PgStore),
}

/// Milliseconds of a duration, saturating.
pub(crate) fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Runs `$body` with `$s` bound to the backend's store.
macro_rules! dispatch {
    ($self:expr, $s:ident => $body:expr) => {
        match $self {
            #[cfg(feature = "sqlite")]
            Store::Sqlite($s) => $body,
            #[cfg(feature = "postgres")]
            Store::Postgres($s) => $body,
        }
    };
}

impl Store {
    /// Claims up to `limit` rows that are due, leasing them to `owner` for `lease`.
    pub(crate) async fn claim(
        &self,
        owner: &str,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<Row>, OutboxError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut rows = dispatch!(self, s => s.claim(owner, millis(lease), limit).await)?;
        rows.sort_by_key(|row| row.seq);
        Ok(rows)
    }

    /// Marks rows delivered.
    pub(crate) async fn delivered(&self, seqs: &[i64]) -> Result<(), OutboxError> {
        if seqs.is_empty() {
            return Ok(());
        }
        dispatch!(self, s => s.delivered(seqs).await)
    }

    /// Gives rows back to be claimed again after `delay`.
    pub(crate) async fn retry_later(
        &self,
        seqs: &[i64],
        delay: Duration,
        error: &str,
    ) -> Result<(), OutboxError> {
        if seqs.is_empty() {
            return Ok(());
        }
        dispatch!(self, s => s.retry_later(seqs, millis(delay), error).await)
    }

    /// Moves rows to the dead-letter table, each with its reason.
    pub(crate) async fn dead_letter(&self, rows: &[(i64, String)]) -> Result<(), OutboxError> {
        if rows.is_empty() {
            return Ok(());
        }
        dispatch!(self, s => s.dead_letter(rows).await)
    }

    /// Deletes delivered rows older than `retention`; returns how many.
    pub(crate) async fn prune(&self, retention: Duration) -> Result<u64, OutboxError> {
        dispatch!(self, s => s.prune(millis(retention)).await)
    }

    /// Counts over the whole outbox.
    pub(crate) async fn stats(&self) -> Result<OutboxStats, OutboxError> {
        dispatch!(self, s => s.stats().await)
    }

    /// The oldest dead letters, at most `limit`.
    pub(crate) async fn dead_letters(&self, limit: usize) -> Result<Vec<DeadLetter>, OutboxError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        dispatch!(self, s => s.dead_letters(limit).await)
    }

    /// Reserves the next request slot of the rate shared by every relay of this
    /// outbox (`interval` apart, up to `burst` slots ahead of time); returns how long
    /// to wait before sending.
    pub(crate) async fn rate_slot(
        &self,
        interval: Duration,
        burst: u32,
    ) -> Result<Duration, OutboxError> {
        let interval_ms = millis(interval).max(1);
        let burst_ms = interval_ms.saturating_mul(i64::from(burst.saturating_sub(1)));
        let wait = dispatch!(self, s => s.rate_slot(interval_ms, burst_ms).await)?;
        Ok(Duration::from_millis(u64::try_from(wait).unwrap_or(0)))
    }

    /// The database's name, for messages.
    pub(crate) fn database(&self) -> &'static str {
        match self {
            #[cfg(feature = "sqlite")]
            Store::Sqlite(_) => "SQLite",
            #[cfg(feature = "postgres")]
            Store::Postgres(_) => "PostgreSQL",
        }
    }
}

/// Checks a schema or prefix name: a plain lowercase SQL identifier.
pub(crate) fn check_namespace(namespace: &str) -> Result<(), OutboxError> {
    let mut chars = namespace.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
    let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if first_ok && rest_ok && namespace.len() <= 48 {
        Ok(())
    } else {
        Err(OutboxError::InvalidNamespace(namespace.to_owned()))
    }
}

/// The version recorded in the meta table, checked against this build.
pub(crate) fn check_version(namespace: &str, found: Option<i64>) -> Result<i64, OutboxError> {
    let found = found.unwrap_or(0);
    if found > SCHEMA_VERSION {
        return Err(OutboxError::NewerSchema {
            namespace: namespace.to_owned(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(found)
}

/// `[1,2,3]`: a list of sequence numbers as JSON, for SQLite's `json_each`.
#[cfg(feature = "sqlite")]
pub(crate) fn json_list(seqs: &[i64]) -> String {
    let mut out = String::with_capacity(seqs.len() * 8 + 2);
    out.push('[');
    for (i, seq) in seqs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&seq.to_string());
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_are_plain_identifiers() {
        assert!(check_namespace("cio_outbox").is_ok());
        assert!(check_namespace("_t1").is_ok());
        for bad in ["", "1abc", "a-b", "A", "a;drop", &"x".repeat(49)] {
            assert!(check_namespace(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn newer_schemas_are_refused() {
        assert_eq!(check_version("x", None).unwrap(), 0);
        assert_eq!(check_version("x", Some(1)).unwrap(), 1);
        let error = check_version("x", Some(SCHEMA_VERSION + 1)).unwrap_err();
        assert!(error.to_string().contains("upgrade cio"), "{error}");
    }
}
