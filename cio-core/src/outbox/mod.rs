//! The transactional outbox: operations written in the app's own database
//! transaction, delivered by a [`Relay`] that survives crashes.
//!
//! An event handed to the in-memory [`Pipeline`](crate::Pipeline) is lost if the
//! process dies before it is sent. Written with the outbox, it is a row of the same
//! transaction as the app's own rows: a signup that commits always gets its
//! `signed_up`, one that rolls back never sends it. A relay (a task in the app,
//! [`Relay::start`], or the `cio-relay` command) claims the rows, sends them in v2
//! `/batch` requests and marks them delivered. Every attempt, by any relay and after
//! any crash, sends the event's ULID written with the row, so Customer.io keeps the
//! event once.
//!
//! - SQLite (feature `sqlite`): tables `{prefix}_rows`, `{prefix}_dead_letters`,
//!   `{prefix}_rate`, `{prefix}_meta` and `{prefix}_webhooks_seen` beside the app's
//!   tables (prefix `cio_outbox` by default).
//! - PostgreSQL (feature `postgres`): the same tables in a schema of their own
//!   (`cio_outbox` by default); any number of app instances and relays share them.
//!   TLS is built in (rustls on *ring*, the system's root certificates): the URL's
//!   `sslmode` decides. `prefer`, the default, encrypts when the server offers TLS
//!   but checks no certificate and falls back to plaintext; use `sslmode=verify-full`
//!   (with `sslrootcert=ca.pem` for a private CA) for a database across a network.
//!   With sqlx 0.8 and current rustls, `verify-ca` also checks the host name, as
//!   `verify-full` does (launchbadge/sqlx#3793): connect by a name the certificate holds.
//!
//! **Order per person.** A person's operations (by the identifier they are addressed
//! with: id, email or `cio_id`; a merge holds both people) reach Customer.io in the
//! order they were committed, one at a time: a row is claimed only once every earlier
//! row of the same person is delivered or dead-lettered, by whichever relay. So an
//! identify retried after a 503 never lands after a later delete of the same person,
//! and the newest attribute update wins; different people go in parallel. The cost:
//! one person's rows take one request each, one after another. Every identify also
//! carries the time it was written, so Customer.io, which drops an update older than a
//! profile's latest, keeps the app's order across hosts too. Rows written before
//! schema version 3 name no person and keep no order.
//!
//! **Reading back.** Delivered rows are kept for the relays' retention (7 days by
//! default): [`Outbox::find`] returns the row of an operation by its ULID (pending,
//! delivered or dead-lettered), which joins a reporting webhook's `trigger_event_id`
//! to the event cio sent; [`Outbox::mark_webhook_seen`] deduplicates the webhooks.
//!
//! The outbox creates and migrates its own tables and never touches the app's; tables
//! written by a newer cio are refused ([`OutboxError::NewerSchema`]) unless that
//! version recorded this one as still compatible.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use cio_core::client::{Customer, Region, TrackClient};
//! use cio_core::outbox::{Outbox, Relay, RelayConfig};
//! # #[derive(serde::Serialize)] struct SignedUp { plan: &'static str }
//! # impl cio_core::Event for SignedUp { const NAME: &'static str = "signed_up"; }
//!
//! let pool = sqlx::SqlitePool::connect("sqlite:app.db?mode=rwc").await?;
//! let outbox = Outbox::sqlite(pool.clone()).await?;
//! let client = TrackClient::new("site-id", "api-key", Region::Us)?;
//! let relay = Relay::start(outbox.clone(), client, RelayConfig::default());
//!
//! // In a request handler: the user and its event commit together, or neither does.
//! let mut tx = pool.begin().await?;
//! sqlx::query("INSERT INTO users (id) VALUES (?)").bind(42).execute(&mut *tx).await?;
//! outbox.track(&mut *tx, &Customer::id("42"), SignedUp { plan: "pro" }).await?;
//! tx.commit().await?;
//!
//! // When the application stops (undelivered rows simply wait in the table):
//! relay.shutdown().await;
//! # Ok(()) }
//! ```

mod error;
mod lookup;
#[cfg(feature = "postgres")]
mod postgres;
mod relay;
#[cfg(feature = "sqlite")]
mod sqlite;
mod stats;
mod store;
mod target;

use std::sync::Arc;

pub use error::OutboxError;
pub use lookup::{OutboxRow, RowStatus};
pub use relay::{Relay, RelayConfig, CAMPAIGN_WINDOW};
/// The `sqlx` the outbox is built on, for the app's pool and transactions.
pub use sqlx;
pub use stats::{OutboxStats, RelayStats};
pub use target::Target;

use crate::client::{Customer, Operation, OperationKind};
use crate::{Attributes, Event, EventId, Timestamp, Tracked};
use store::{check_namespace, Store};
use target::Conn;

/// The schema (PostgreSQL) or table prefix (SQLite) used unless another is chosen.
pub const DEFAULT_NAMESPACE: &str = "cio_outbox";

/// An operation Customer.io refused as invalid (or one the relay could not read),
/// kept in the dead-letter table with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeadLetter {
    /// The row's sequence number.
    pub seq: i64,
    /// The operation's ULID ([`Operation::message_id`]: the event's id for events and
    /// views); `None` only for a row of another kind written by an earlier build,
    /// which stored the ids of events alone.
    pub event_id: Option<String>,
    /// The operation's kind (`event`, `identify`, ...).
    pub kind: String,
    /// The serialized operation, as it was sent.
    pub body: Vec<u8>,
    /// Claims made before it was given up.
    pub attempts: i64,
    /// Why it was given up: Customer.io's reason, field and message, or the error.
    pub reason: String,
}

/// The outbox of one database (see the [module](self) documentation).
///
/// Cheap to clone: clones share the pool.
#[derive(Debug, Clone)]
pub struct Outbox {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Store,
    namespace: String,
}

impl Outbox {
    /// Opens the outbox in the SQLite database of `pool`, with the default prefix;
    /// creates or migrates its tables.
    ///
    /// A relay reads each claim's rows (up to 2,000) in one statement: a pool whose
    /// connections buffer that many rows (`SqliteConnectOptions::row_buffer_size`,
    /// 50 by default; [`Outbox::connect`] sets 4,096) saves a thread hand-over every
    /// 50 rows.
    #[cfg(feature = "sqlite")]
    pub async fn sqlite(pool: sqlx::SqlitePool) -> Result<Outbox, OutboxError> {
        Outbox::sqlite_in(pool, DEFAULT_NAMESPACE).await
    }

    /// Like [`Outbox::sqlite`], with table names starting with `prefix`.
    #[cfg(feature = "sqlite")]
    pub async fn sqlite_in(pool: sqlx::SqlitePool, prefix: &str) -> Result<Outbox, OutboxError> {
        check_namespace(prefix)?;
        let store = sqlite::SqliteStore::open(pool, prefix).await?;
        Ok(Outbox::new(Store::Sqlite(store), prefix))
    }

    /// Opens the outbox in the PostgreSQL database of `pool`, in the default schema;
    /// creates or migrates its tables.
    #[cfg(feature = "postgres")]
    pub async fn postgres(pool: sqlx::PgPool) -> Result<Outbox, OutboxError> {
        Outbox::postgres_in(pool, DEFAULT_NAMESPACE).await
    }

    /// Like [`Outbox::postgres`], in schema `schema`.
    #[cfg(feature = "postgres")]
    pub async fn postgres_in(pool: sqlx::PgPool, schema: &str) -> Result<Outbox, OutboxError> {
        // A lazy pool opens its TLS connections later, with this provider.
        crate::client::install_crypto_provider();
        check_namespace(schema)?;
        let store = postgres::PgStore::open(pool, schema).await?;
        Ok(Outbox::new(Store::Postgres(store), schema))
    }

    /// Connects to `url` (`sqlite:path` — the file is created if missing, in WAL mode —
    /// or `postgres://...`) and opens the outbox in `namespace`.
    pub async fn connect(url: &str, namespace: &str) -> Result<Outbox, OutboxError> {
        check_namespace(namespace)?;
        let connect_error = |source| OutboxError::Connect {
            url: error::redact_url(url),
            source,
        };
        #[cfg(feature = "sqlite")]
        if url.starts_with("sqlite:") {
            use std::str::FromStr;
            let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)
                .map_err(connect_error)?
                .create_if_missing(true)
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(std::time::Duration::from_secs(10))
                // A claim's rows come back in one go, not 50 at a time.
                .row_buffer_size(4096);
            let pool = sqlx::sqlite::SqlitePoolOptions::new()
                .acquire_timeout(std::time::Duration::from_secs(10))
                .connect_with(options)
                .await
                .map_err(connect_error)?;
            return Outbox::sqlite_in(pool, namespace).await;
        }
        #[cfg(feature = "postgres")]
        if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            crate::client::install_crypto_provider();
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(std::time::Duration::from_secs(5))
                .connect(url)
                .await
                .map_err(connect_error)?;
            return Outbox::postgres_in(pool, namespace).await;
        }
        let _ = connect_error;
        Err(OutboxError::UnsupportedUrl(error::redact_url(url)))
    }

    fn new(store: Store, namespace: &str) -> Outbox {
        Outbox {
            inner: Arc::new(Inner {
                store,
                namespace: namespace.to_owned(),
            }),
        }
    }

    /// Validates and serializes an event of `customer` and writes it with `target`
    /// (`&mut *tx` to write it in the app's transaction); returns its id. An event
    /// without a timestamp is stamped now, so that a late delivery keeps the time it
    /// happened.
    pub async fn track<'c, E: Event>(
        &self,
        target: impl Target<'c>,
        customer: &Customer,
        event: impl Into<Tracked<E>>,
    ) -> Result<EventId, OutboxError> {
        let mut tracked = event.into();
        if tracked.timestamp().is_none() {
            tracked = tracked.at(Timestamp::now());
        }
        let id = tracked.id();
        self.send(target, &Operation::event(customer, &tracked)?)
            .await?;
        Ok(id)
    }

    /// Validates and serializes an identify of `customer` and writes it with `target`.
    pub async fn identify<'c, A: Attributes + ?Sized>(
        &self,
        target: impl Target<'c>,
        customer: &Customer,
        attributes: &A,
    ) -> Result<(), OutboxError> {
        self.send(target, &Operation::identify(customer, attributes)?)
            .await
    }

    /// Writes any v2 operation (a view, a delete, ...) with `target`.
    pub async fn send<'c>(
        &self,
        target: impl Target<'c>,
        operation: &Operation,
    ) -> Result<(), OutboxError> {
        let event_id = Some(operation.message_id().to_string());
        let kind = kind_name(operation.kind());
        let body = operation.as_bytes();
        let people = operation.people();
        match (&self.inner.store, target.into_conn()) {
            #[cfg(feature = "sqlite")]
            (Store::Sqlite(store), Conn::Sqlite(conn)) => {
                store.insert(conn, event_id, kind, body, people).await
            }
            #[cfg(feature = "sqlite")]
            (Store::Sqlite(store), Conn::SqlitePool(pool)) => {
                let mut conn = pool
                    .acquire()
                    .await
                    .map_err(OutboxError::db("writing an outbox row"))?;
                store.insert(&mut conn, event_id, kind, body, people).await
            }
            #[cfg(feature = "postgres")]
            (Store::Postgres(store), Conn::Postgres(conn)) => {
                store.insert(conn, event_id, kind, body, people).await
            }
            #[cfg(feature = "postgres")]
            (Store::Postgres(store), Conn::PgPool(pool)) => {
                let mut conn = pool
                    .acquire()
                    .await
                    .map_err(OutboxError::db("writing an outbox row"))?;
                store.insert(&mut conn, event_id, kind, body, people).await
            }
            #[allow(unreachable_patterns)]
            (store, _) => Err(OutboxError::WrongDatabase {
                expected: store.database(),
            }),
        }
    }

    /// Counts over the outbox's tables: pending rows, the age of the oldest, delivered
    /// rows kept, dead letters.
    pub async fn stats(&self) -> Result<OutboxStats, OutboxError> {
        self.inner.store.stats().await
    }

    /// The oldest `limit` dead letters, with their reasons.
    pub async fn dead_letters(&self, limit: usize) -> Result<Vec<DeadLetter>, OutboxError> {
        self.inner.store.dead_letters(limit).await
    }

    /// The schema (PostgreSQL) or table prefix (SQLite).
    pub fn namespace(&self) -> &str {
        &self.inner.namespace
    }

    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }
}

/// The name stored with a row for each kind of operation.
fn kind_name(kind: OperationKind) -> &'static str {
    match kind {
        OperationKind::Identify => "identify",
        OperationKind::Event => "event",
        OperationKind::Page => "page",
        OperationKind::Screen => "screen",
        OperationKind::Delete => "delete",
        OperationKind::Suppress => "suppress",
        OperationKind::Unsuppress => "unsuppress",
        OperationKind::Merge => "merge",
        OperationKind::Object => "object",
        OperationKind::DeleteObject => "delete_object",
        OperationKind::Relate => "relate",
        OperationKind::Unrelate => "unrelate",
    }
}

/// The kind named by a row, if it is one.
pub(crate) fn kind_from_name(name: &str) -> Option<OperationKind> {
    Some(match name {
        "identify" => OperationKind::Identify,
        "event" => OperationKind::Event,
        "page" => OperationKind::Page,
        "screen" => OperationKind::Screen,
        "delete" => OperationKind::Delete,
        "suppress" => OperationKind::Suppress,
        "unsuppress" => OperationKind::Unsuppress,
        "merge" => OperationKind::Merge,
        "object" => OperationKind::Object,
        "delete_object" => OperationKind::DeleteObject,
        "relate" => OperationKind::Relate,
        "unrelate" => OperationKind::Unrelate,
        _ => return None,
    })
}
