//! Reading the outbox back: a row by the ULID of its operation ([`Outbox::find`]),
//! to join what Customer.io reports (a reporting webhook's `trigger_event_id`) to
//! what cio sent; and the webhooks already handled ([`Outbox::mark_webhook_seen`]).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::error::OutboxError;
use super::store::Store;
use super::target::{Conn, Target};
use super::Outbox;
use crate::client::OperationKind;
use crate::EventId;

/// How long a webhook's `event_id` is remembered at least, whatever the relays'
/// retention: Customer.io retries a webhook for up to 7 days.
pub(crate) const WEBHOOK_RETRY_WINDOW: Duration = Duration::from_secs(7 * 24 * 3600);

/// An operation the outbox holds, found by its ULID ([`Outbox::find`]): what was
/// written and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OutboxRow {
    /// The row's sequence number.
    pub seq: i64,
    /// The operation's ULID, as stored.
    pub event_id: String,
    /// The operation's kind as stored (`event`, `identify`, ...): see
    /// [`OutboxRow::operation_kind`].
    pub kind: String,
    /// The serialized v2 operation (JSON), as it is sent.
    pub body: Vec<u8>,
    /// When the app wrote it (on PostgreSQL, the database's clock).
    pub created_at: SystemTime,
    /// How many times relays claimed it so far.
    pub attempts: i64,
    /// Delivered, pending or dead-lettered.
    pub status: RowStatus,
}

/// What became of an outbox row.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RowStatus {
    /// Not delivered yet: due, leased to a relay, or waiting for a retry.
    Pending {
        /// Why the last attempt failed, if one did.
        last_error: Option<String>,
    },
    /// Customer.io accepted it (kept until the relays' retention prunes it).
    Delivered {
        /// When a relay marked it delivered.
        at: SystemTime,
    },
    /// Customer.io refused it (or it could not be read): kept in the dead letters.
    DeadLettered {
        /// When it was given up.
        at: SystemTime,
        /// Why.
        reason: String,
    },
}

impl OutboxRow {
    /// The kind as an [`OperationKind`]; `None` for a kind this build does not know
    /// (written by a newer one).
    pub fn operation_kind(&self) -> Option<OperationKind> {
        super::kind_from_name(&self.kind)
    }

    /// When it was delivered, if it was.
    pub fn delivered_at(&self) -> Option<SystemTime> {
        match self.status {
            RowStatus::Delivered { at } => Some(at),
            _ => None,
        }
    }

    /// The body as JSON: for an event, its `name` and `attributes` are there.
    pub fn json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

impl Outbox {
    /// The row of the operation whose ULID is `event_id` (for an event, the id
    /// [`Outbox::track`] returned), whether it is pending, delivered or
    /// dead-lettered; `None` when there is none: never written, rolled back, or
    /// delivered and already pruned (after the relays'
    /// [retention](super::RelayConfig::retention), 7 days by default).
    ///
    /// One indexed read, consistent even while a relay settles the row. Should the
    /// same operation have been written twice, the first row is returned.
    ///
    /// Joining a reporting webhook to what cio sent: for a campaign's message,
    /// [`ReportingEvent::triggered_by`](crate::webhook::ReportingEvent::triggered_by)
    /// is the id of the event that triggered the campaign (if Customer.io echoes the
    /// id cio sent; the emulator does). A transactional message is joined by its
    /// `delivery_id` instead, which [`AppClient::send`](crate::client::AppClient::send)
    /// returned when the app sent it.
    ///
    /// ```no_run
    /// # async fn demo(outbox: cio_core::outbox::Outbox, event: cio_core::webhook::ReportingEvent)
    /// # -> Result<(), cio_core::outbox::OutboxError> {
    /// if let Some(id) = event.triggered_by() {
    ///     if let Some(row) = outbox.find(id).await? {
    ///         println!("{} about the {} written at {:?}: {:?}", event.metric, row.kind, row.created_at, row.status);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn find(&self, event_id: EventId) -> Result<Option<OutboxRow>, OutboxError> {
        let id = event_id.to_text();
        match self.store() {
            #[cfg(feature = "sqlite")]
            Store::Sqlite(store) => store.find(&id).await,
            #[cfg(feature = "postgres")]
            Store::Postgres(store) => store.find(&id).await,
        }
    }

    /// Records that the reporting webhook `event_id` was handled, with `target`
    /// (`&mut *tx`: in the transaction that does the app's work for it, so that a
    /// rollback forgets it too); returns `true` the first time, `false` for one seen
    /// before, which the app answers `2xx` and skips: Customer.io may deliver a
    /// webhook twice.
    ///
    /// Kept in the table `webhooks_seen` of the outbox (`{prefix}_webhooks_seen` on
    /// SQLite) and pruned by the relays after their retention, or after 7 days
    /// (Customer.io's retry period) if that is longer.
    pub async fn mark_webhook_seen<'c>(
        &self,
        target: impl Target<'c>,
        event_id: &str,
    ) -> Result<bool, OutboxError> {
        match (self.store(), target.into_conn()) {
            #[cfg(feature = "sqlite")]
            (Store::Sqlite(store), Conn::Sqlite(conn)) => store.mark_seen(conn, event_id).await,
            #[cfg(feature = "sqlite")]
            (Store::Sqlite(store), Conn::SqlitePool(pool)) => {
                let mut conn = pool
                    .acquire()
                    .await
                    .map_err(OutboxError::db("recording a webhook as seen"))?;
                store.mark_seen(&mut conn, event_id).await
            }
            #[cfg(feature = "postgres")]
            (Store::Postgres(store), Conn::Postgres(conn)) => store.mark_seen(conn, event_id).await,
            #[cfg(feature = "postgres")]
            (Store::Postgres(store), Conn::PgPool(pool)) => {
                let mut conn = pool
                    .acquire()
                    .await
                    .map_err(OutboxError::db("recording a webhook as seen"))?;
                store.mark_seen(&mut conn, event_id).await
            }
            #[allow(unreachable_patterns)]
            (store, _) => Err(OutboxError::WrongDatabase {
                expected: store.database(),
            }),
        }
    }
}

/// A time stored in Unix milliseconds.
fn time(ms: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

/// Reads the row the lookup statements select: `source` (0: `rows`, 1: dead
/// letters), `seq, event_id, kind, body, created_at, attempts`, then the time it was
/// settled (delivered or dead-lettered; `NULL` while pending) and its text (the last
/// error, or the reason).
pub(crate) fn read_found<R>(row: &R) -> Result<OutboxRow, OutboxError>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Vec<u8>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let read = || -> Result<OutboxRow, sqlx::Error> {
        let source: i64 = row.try_get(0)?;
        let settled: Option<i64> = row.try_get(7)?;
        let text: Option<String> = row.try_get(8)?;
        let status = match (source, settled) {
            (0, None) => RowStatus::Pending { last_error: text },
            (0, Some(at)) => RowStatus::Delivered { at: time(at) },
            (_, at) => RowStatus::DeadLettered {
                at: time(at.unwrap_or(0)),
                reason: text.unwrap_or_default(),
            },
        };
        Ok(OutboxRow {
            seq: row.try_get(1)?,
            event_id: row.try_get(2)?,
            kind: row.try_get(3)?,
            body: row.try_get(4)?,
            created_at: time(row.try_get(5)?),
            attempts: row.try_get(6)?,
            status,
        })
    };
    read().map_err(OutboxError::db("reading an outbox row"))
}
