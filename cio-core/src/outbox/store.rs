//! The rows as the relay sees them, and the storage calls dispatched to the backend.

use std::time::Duration;

use super::error::OutboxError;
#[cfg(feature = "postgres")]
use super::postgres::PgStore;
#[cfg(feature = "sqlite")]
use super::sqlite::SqliteStore;
use super::stats::OutboxStats;
use super::DeadLetter;
use crate::client::People;
use crate::delivery::rate;

/// The newest schema version this build creates and understands (2: PostgreSQL's
/// `rows` leaves room for in-place claims; 3: each row names its people, for
/// per-person order, SQLite's row numbers are never reused, PostgreSQL's dead letters
/// have numbers of their own; 4: rows and dead letters are indexed by `event_id`, for
/// [`Outbox::find`](super::Outbox::find), and `webhooks_seen` remembers the webhooks
/// handled).
pub(crate) const SCHEMA_VERSION: i64 = 4;

/// The oldest build (by schema version) that may still use tables this build
/// migrated: recorded with the version, so that a later compatible migration does not
/// lock out older binaries during a rolling deploy. Version 3's relays keep
/// per-person order, which relays of version 2 would break: 3. Version 4 only adds
/// indexes and a table that version 3 never reads, so it stays 3.
pub(crate) const MIN_COMPATIBLE_VERSION: i64 = 3;

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
    /// Whom it is about (ordering keys).
    pub(crate) people: People,
    /// Why a column did not decode, for a row to dead-letter alone.
    pub(crate) broken: Option<String>,
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
/// `seq, event_id, kind, body, created_at, attempts, person, person2` (attempts as a
/// 64-bit integer).
pub(crate) const ROW_COLUMNS: &str =
    "seq, event_id, kind, body, created_at, attempts, person, person2";

/// The columns a dead letter keeps of its row.
pub(crate) const DEAD_COLUMNS: &str = "seq, event_id, kind, body, created_at, attempts";

/// Reads claimed rows selected as [`ROW_COLUMNS`], each on its own: a row whose
/// columns do not decode (SQLite lets any column hold any type) comes back `broken`,
/// to be dead-lettered alone, and never fails the others.
pub(crate) fn read_rows<R>(rows: &[R]) -> Result<Vec<Row>, OutboxError>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Vec<u8>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        // The number and the claim are integers by construction (a key and a counter
        // only the outbox writes); without them a row cannot be addressed at all.
        let seq: i64 = get(row, 0).map_err(OutboxError::db("reading claimed outbox rows"))?;
        let attempts: i64 = get(row, 5).map_err(OutboxError::db("reading claimed outbox rows"))?;
        let rest = || -> Result<_, sqlx::Error> {
            Ok((
                get::<_, Option<String>>(row, 1)?,
                get::<_, String>(row, 2)?,
                get::<_, Vec<u8>>(row, 3)?,
                get::<_, i64>(row, 4)?,
                People {
                    first: get(row, 6)?,
                    second: get(row, 7)?,
                },
            ))
        };
        out.push(match rest() {
            Ok((event_id, kind, body, created_at, people)) => Row {
                seq,
                event_id,
                kind,
                body,
                attempts,
                created_at,
                people,
                broken: None,
            },
            Err(error) => Row {
                seq,
                event_id: None,
                kind: String::new(),
                body: Vec::new(),
                attempts,
                created_at: 0,
                people: People::default(),
                broken: Some(format!("a column does not decode: {error}")),
            },
        });
    }
    Ok(out)
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
    /// Claims up to `limit` rows that are due, leasing them to the claim `token` (the
    /// relay's name and the claim's number) for `lease`. Only the oldest undelivered
    /// row of each person is due: a person's later rows wait until it is delivered or
    /// dead-lettered, so one person's operations are sent one at a time, in order.
    ///
    /// Only rows numbered above `after` are looked at (0: all): a relay draining a
    /// backlog starts after its last claim instead of walking past the rows it has
    /// in flight. The order per person does not depend on it (every earlier row of a
    /// person still holds the later ones back).
    pub(crate) async fn claim(
        &self,
        token: &str,
        lease: Duration,
        limit: usize,
        after: i64,
    ) -> Result<Vec<Row>, OutboxError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut rows = dispatch!(self, s => s.claim(token, millis(lease), limit, after).await)?;
        rows.sort_by_key(|row| row.seq);
        Ok(rows)
    }

    /// Marks rows delivered: those that the claim `token` still holds. Every
    /// statement that settles rows is fenced so: a relay that lost its lease (another
    /// relay claimed the rows since, or itself under a new token) changes nothing.
    /// Returns how many rows it marked.
    pub(crate) async fn delivered(&self, token: &str, seqs: &[i64]) -> Result<u64, OutboxError> {
        if seqs.is_empty() {
            return Ok(0);
        }
        dispatch!(self, s => s.delivered(token, seqs).await)
    }

    /// Gives rows the claim `token` still holds back, to be claimed again after
    /// `delay`; returns how many.
    pub(crate) async fn retry_later(
        &self,
        token: &str,
        seqs: &[i64],
        delay: Duration,
        error: &str,
    ) -> Result<u64, OutboxError> {
        if seqs.is_empty() {
            return Ok(0);
        }
        dispatch!(self, s => s.retry_later(token, seqs, millis(delay), error).await)
    }

    /// Moves rows the claim `token` still holds to the dead-letter table, each with
    /// its reason; returns how many.
    pub(crate) async fn dead_letter(
        &self,
        token: &str,
        rows: &[(i64, String)],
    ) -> Result<u64, OutboxError> {
        if rows.is_empty() {
            return Ok(0);
        }
        dispatch!(self, s => s.dead_letter(token, rows).await)
    }

    /// Extends the lease of the rows the claim `token` still holds to `lease` from
    /// now; returns the numbers of those rows.
    pub(crate) async fn renew(
        &self,
        token: &str,
        seqs: &[i64],
        lease: Duration,
    ) -> Result<Vec<i64>, OutboxError> {
        if seqs.is_empty() {
            return Ok(Vec::new());
        }
        dispatch!(self, s => s.renew(token, seqs, millis(lease)).await)
    }

    /// Deletes delivered rows older than `retention`; returns how many. Forgets the
    /// webhooks seen before `retention` too, or before Customer.io's retry period if
    /// that is longer.
    pub(crate) async fn prune(&self, retention: Duration) -> Result<u64, OutboxError> {
        let pruned = dispatch!(self, s => s.prune(millis(retention)).await)?;
        let seen = millis(retention.max(super::lookup::WEBHOOK_RETRY_WINDOW));
        dispatch!(self, s => s.prune_seen(seen).await)?;
        Ok(pruned)
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
        // The formula of `delivery::rate`, on the `next_at` every relay shares.
        let interval_ms = millis(interval).max(1);
        let burst_ms = millis(rate::burst_span(interval, burst));
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

/// The version recorded in the meta table, checked against this build: tables of a
/// newer version are used only if their minimum compatible version is this build's or
/// older (a version recorded without one, as before version 3, admits no older build).
pub(crate) fn check_version(
    namespace: &str,
    found: Option<i64>,
    min_compatible: Option<i64>,
) -> Result<i64, OutboxError> {
    let found = found.unwrap_or(0);
    if found > SCHEMA_VERSION && min_compatible.unwrap_or(found) > SCHEMA_VERSION {
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
    fn newer_schemas_are_refused_unless_compatible() {
        assert_eq!(check_version("x", None, None).unwrap(), 0);
        assert_eq!(check_version("x", Some(1), None).unwrap(), 1);
        let newer = SCHEMA_VERSION + 1;
        let error = check_version("x", Some(newer), None).unwrap_err();
        assert!(error.to_string().contains("upgrade cio"), "{error}");
        assert!(check_version("x", Some(newer), Some(newer)).is_err());
        assert_eq!(
            check_version("x", Some(newer), Some(SCHEMA_VERSION)).unwrap(),
            newer
        );
    }
}
