//! The outbox tables in SQLite: `{prefix}_rows`, `{prefix}_dead_letters`,
//! `{prefix}_rate`, `{prefix}_meta` and `{prefix}_webhooks_seen`, next to the app's
//! own tables.
//!
//! Claims run in `BEGIN IMMEDIATE` transactions (the write lock is taken first, so two
//! relays never deadlock upgrading a read lock); time is the app's clock in Unix
//! milliseconds. The relays of one process take turns for their writes (one async lock
//! per outbox): SQLite has one writer, and connections of one pool that race for it
//! sleep in SQLite's busy handler (up to 100 ms a turn) instead of queueing.

use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::sqlite::{SqliteConnection, SqlitePool};

use super::error::OutboxError;
use super::lookup::{read_found, OutboxRow};
use super::stats::OutboxStats;
use super::store::{
    check_version, json_list, read_dead_letters, read_rows, read_stats, Row, DEAD_COLUMNS,
    MIN_COMPATIBLE_VERSION, ROW_COLUMNS, SCHEMA_VERSION,
};
use super::DeadLetter;
use crate::client::People;

/// Now, in Unix milliseconds.
fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The statements, written once for the chosen prefix.
#[derive(Debug)]
struct Sql {
    insert: String,
    claim_pick: String,
    claim_lease: String,
    claim_read: String,
    delivered: String,
    retry: String,
    renew: String,
    dead_copy: String,
    dead_delete: String,
    prune: String,
    stats: String,
    dead_list: String,
    rate: String,
    find: String,
    mark_seen: String,
    prune_seen: String,
}

/// The outbox in one SQLite database.
#[derive(Debug, Clone)]
pub(crate) struct SqliteStore {
    pool: SqlitePool,
    sql: std::sync::Arc<Sql>,
    /// Held by this process's relay writes, so that they queue here rather than in
    /// SQLite's busy handler.
    writer: std::sync::Arc<tokio::sync::Mutex<()>>,
}

fn migration_v1(p: &str) -> String {
    format!(
        "CREATE TABLE {p}_rows (
            seq INTEGER PRIMARY KEY,
            event_id TEXT,
            kind TEXT NOT NULL,
            body BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            available_at INTEGER NOT NULL DEFAULT 0,
            lease_owner TEXT,
            last_error TEXT,
            delivered_at INTEGER
        );
        CREATE INDEX {p}_rows_pending ON {p}_rows (seq) WHERE delivered_at IS NULL;
        CREATE INDEX {p}_rows_delivered ON {p}_rows (delivered_at) WHERE delivered_at IS NOT NULL;
        CREATE TABLE {p}_dead_letters (
            id INTEGER PRIMARY KEY,
            seq INTEGER NOT NULL,
            event_id TEXT,
            kind TEXT NOT NULL,
            body BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL,
            reason TEXT NOT NULL,
            dead_at INTEGER NOT NULL
        );
        CREATE TABLE {p}_rate (id INTEGER PRIMARY KEY, next_at INTEGER NOT NULL);
        INSERT INTO {p}_rate (id, next_at) VALUES (1, 0);"
    )
}

/// Version 3: `rows` is rebuilt with row numbers that are never reused
/// (`AUTOINCREMENT`, counting on from the highest number ever used, dead letters
/// included) and the columns naming each row's people, indexed for the claims'
/// per-person order. Rows written before have no people: they keep no order.
fn migration_v3(p: &str) -> String {
    format!(
        "CREATE TABLE {p}_rows_v3 (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id TEXT,
            kind TEXT NOT NULL,
            body BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            available_at INTEGER NOT NULL DEFAULT 0,
            lease_owner TEXT,
            last_error TEXT,
            delivered_at INTEGER,
            person INTEGER,
            person2 INTEGER
        );
        INSERT INTO {p}_rows_v3 (seq, event_id, kind, body, created_at, attempts,
                                 available_at, lease_owner, last_error, delivered_at)
            SELECT seq, event_id, kind, body, created_at, attempts,
                   available_at, lease_owner, last_error, delivered_at FROM {p}_rows;
        DROP TABLE {p}_rows;
        ALTER TABLE {p}_rows_v3 RENAME TO {p}_rows;
        UPDATE sqlite_sequence SET name = '{p}_rows' WHERE name = '{p}_rows_v3';
        INSERT INTO sqlite_sequence (name, seq)
            SELECT '{p}_rows', 0 WHERE NOT EXISTS
                (SELECT 1 FROM sqlite_sequence WHERE name = '{p}_rows');
        UPDATE sqlite_sequence SET seq = max(seq,
                (SELECT coalesce(max(seq), 0) FROM {p}_rows),
                (SELECT coalesce(max(seq), 0) FROM {p}_dead_letters))
            WHERE name = '{p}_rows';
        CREATE INDEX {p}_rows_pending ON {p}_rows (seq) WHERE delivered_at IS NULL;
        CREATE INDEX {p}_rows_delivered ON {p}_rows (delivered_at) WHERE delivered_at IS NOT NULL;
        CREATE INDEX {p}_rows_person ON {p}_rows (person, seq) WHERE delivered_at IS NULL;
        CREATE INDEX {p}_rows_person2 ON {p}_rows (person2, seq)
            WHERE delivered_at IS NULL AND person2 IS NOT NULL;"
    )
}

/// Version 4: rows and dead letters indexed by `event_id` (the lookup of a row by
/// its operation's ULID), and the webhooks handled, by `event_id`.
fn migration_v4(p: &str) -> String {
    format!(
        "CREATE INDEX IF NOT EXISTS {p}_rows_event_id ON {p}_rows (event_id);
        CREATE INDEX IF NOT EXISTS {p}_dead_letters_event_id ON {p}_dead_letters (event_id);
        CREATE TABLE IF NOT EXISTS {p}_webhooks_seen (
            event_id TEXT PRIMARY KEY,
            seen_at INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS {p}_webhooks_seen_at ON {p}_webhooks_seen (seen_at);"
    )
}

impl SqliteStore {
    /// Creates or migrates the tables with prefix `p`; refuses newer ones.
    pub(crate) async fn open(pool: SqlitePool, p: &str) -> Result<Self, OutboxError> {
        let mut tx = pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(OutboxError::db("starting the outbox migration"))?;
        let create_meta = format!(
            "CREATE TABLE IF NOT EXISTS {p}_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)"
        );
        sqlx::query(&create_meta)
            .execute(&mut *tx)
            .await
            .map_err(OutboxError::db("creating the outbox tables"))?;
        let found: Option<i64> = sqlx::query_scalar(&format!(
            "SELECT value FROM {p}_meta WHERE key = 'schema_version'"
        ))
        .fetch_optional(&mut *tx)
        .await
        .map_err(OutboxError::db("reading the outbox schema version"))?;
        let min_compatible: Option<i64> = sqlx::query_scalar(&format!(
            "SELECT value FROM {p}_meta WHERE key = 'min_compatible_version'"
        ))
        .fetch_optional(&mut *tx)
        .await
        .map_err(OutboxError::db("reading the outbox schema version"))?;
        let found = check_version(p, found, min_compatible)?;
        if found < 1 {
            sqlx::raw_sql(&migration_v1(p))
                .execute(&mut *tx)
                .await
                .map_err(OutboxError::db("creating the outbox tables"))?;
        }
        if found < 3 {
            sqlx::raw_sql(&migration_v3(p))
                .execute(&mut *tx)
                .await
                .map_err(OutboxError::db("migrating the outbox tables to version 3"))?;
        }
        if found < 4 {
            sqlx::raw_sql(&migration_v4(p))
                .execute(&mut *tx)
                .await
                .map_err(OutboxError::db("migrating the outbox tables to version 4"))?;
        }
        if found < SCHEMA_VERSION {
            sqlx::query(&format!(
                "INSERT INTO {p}_meta (key, value)
                 VALUES ('schema_version', ?1), ('min_compatible_version', ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value"
            ))
            .bind(SCHEMA_VERSION)
            .bind(MIN_COMPATIBLE_VERSION)
            .execute(&mut *tx)
            .await
            .map_err(OutboxError::db("recording the outbox schema version"))?;
        }
        tx.commit()
            .await
            .map_err(OutboxError::db("committing the outbox migration"))?;
        let cols = ROW_COLUMNS;
        let dead = DEAD_COLUMNS;
        // A row of the same person written earlier and not delivered yet.
        let ahead =
            format!("SELECT 1 FROM {p}_rows e WHERE e.delivered_at IS NULL AND e.seq < q.seq AND");
        let sql = Sql {
            insert: format!(
                "INSERT INTO {p}_rows (event_id, kind, body, created_at, person, person2)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
            ),
            // Only each person's oldest undelivered row is due (a merge names two).
            // SQLite has one writer at a time, so row numbers follow commit order.
            // The claim picks the rows' numbers (one JSON list) and leases them under
            // the write lock; their content is read after, outside it.
            claim_pick: format!(
                "SELECT json_group_array(seq) FROM
                     (SELECT q.seq FROM {p}_rows q
                      WHERE q.delivered_at IS NULL AND q.seq > ?3 AND q.available_at <= ?1
                        AND NOT EXISTS ({ahead} e.person = q.person)
                        AND NOT EXISTS ({ahead} e.person2 = q.person)
                        AND (q.person2 IS NULL
                             OR (NOT EXISTS ({ahead} e.person = q.person2)
                                 AND NOT EXISTS ({ahead} e.person2 = q.person2)))
                      ORDER BY q.seq LIMIT ?2)"
            ),
            claim_lease: format!(
                "UPDATE {p}_rows SET lease_owner = ?2, available_at = ?3, attempts = attempts + 1
                 WHERE seq IN (SELECT value FROM json_each(?1))"
            ),
            claim_read: format!(
                "SELECT {cols} FROM {p}_rows
                 WHERE seq IN (SELECT value FROM json_each(?1)) AND lease_owner = ?2"
            ),
            delivered: format!(
                "UPDATE {p}_rows SET delivered_at = ?3, lease_owner = NULL, last_error = NULL
                 WHERE seq IN (SELECT value FROM json_each(?1)) AND lease_owner = ?2"
            ),
            retry: format!(
                "UPDATE {p}_rows SET available_at = ?3, lease_owner = NULL, last_error = ?4
                 WHERE seq IN (SELECT value FROM json_each(?1)) AND lease_owner = ?2
                   AND delivered_at IS NULL"
            ),
            renew: format!(
                "UPDATE {p}_rows SET available_at = ?3
                 WHERE seq IN (SELECT value FROM json_each(?1)) AND lease_owner = ?2
                   AND delivered_at IS NULL
                 RETURNING seq"
            ),
            dead_copy: format!(
                "INSERT INTO {p}_dead_letters ({dead}, reason, dead_at)
                 SELECT seq, CAST(event_id AS TEXT), CAST(kind AS TEXT), CAST(body AS BLOB),
                        CAST(created_at AS INTEGER), attempts, ?3, ?4
                 FROM {p}_rows
                 WHERE seq = ?1 AND lease_owner = ?2 AND delivered_at IS NULL"
            ),
            dead_delete: format!(
                "DELETE FROM {p}_rows WHERE seq = ?1 AND lease_owner = ?2 AND delivered_at IS NULL"
            ),
            prune: format!(
                "DELETE FROM {p}_rows WHERE delivered_at IS NOT NULL AND delivered_at < ?1"
            ),
            stats: format!(
                "SELECT
                    (SELECT count(*) FROM {p}_rows WHERE delivered_at IS NULL),
                    (SELECT ?1 - min(created_at) FROM {p}_rows WHERE delivered_at IS NULL),
                    (SELECT count(*) FROM {p}_rows WHERE delivered_at IS NOT NULL),
                    (SELECT count(*) FROM {p}_dead_letters)"
            ),
            dead_list: format!("SELECT {dead}, reason FROM {p}_dead_letters ORDER BY id LIMIT ?1"),
            rate: format!(
                "UPDATE {p}_rate SET next_at = max(next_at, ?3 - ?2) + ?1 WHERE id = 1
                 RETURNING next_at - ?1 - ?3"
            ),
            // One statement, so one snapshot: a row being dead-lettered is found on
            // one side or the other, never on neither.
            find: format!(
                "SELECT 0, seq, CAST(event_id AS TEXT), CAST(kind AS TEXT), CAST(body AS BLOB),
                        CAST(created_at AS INTEGER), attempts, delivered_at, last_error
                 FROM {p}_rows WHERE event_id = ?1
                 UNION ALL
                 SELECT 1, seq, event_id, kind, body, created_at, attempts, dead_at, reason
                 FROM {p}_dead_letters WHERE event_id = ?1
                 ORDER BY 1, 2 LIMIT 1"
            ),
            mark_seen: format!(
                "INSERT INTO {p}_webhooks_seen (event_id, seen_at) VALUES (?1, ?2)
                 ON CONFLICT (event_id) DO NOTHING"
            ),
            prune_seen: format!("DELETE FROM {p}_webhooks_seen WHERE seen_at < ?1"),
        };
        Ok(SqliteStore {
            pool,
            sql: std::sync::Arc::new(sql),
            writer: std::sync::Arc::default(),
        })
    }

    /// Writes one operation's row on `conn` (the app's transaction, or not).
    pub(crate) async fn insert(
        &self,
        conn: &mut SqliteConnection,
        event_id: Option<String>,
        kind: &'static str,
        body: &[u8],
        people: People,
    ) -> Result<(), OutboxError> {
        sqlx::query(&self.sql.insert)
            .bind(event_id)
            .bind(kind)
            .bind(body)
            .bind(now_ms())
            .bind(people.first)
            .bind(people.second)
            .execute(conn)
            .await
            .map_err(OutboxError::db("writing an outbox row"))?;
        Ok(())
    }

    /// A transaction that takes SQLite's write lock first (`BEGIN IMMEDIATE`): it
    /// never has to upgrade a read lock, so two writers never deadlock.
    async fn begin_write(
        &self,
        doing: &'static str,
    ) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, OutboxError> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(OutboxError::db(doing))
    }

    pub(crate) async fn claim(
        &self,
        token: &str,
        lease_ms: i64,
        limit: i64,
        after: i64,
    ) -> Result<Vec<Row>, OutboxError> {
        let doing = "claiming outbox rows";
        let seqs = {
            let _turn = self.writer.lock().await;
            let mut tx = self.begin_write(doing).await?;
            let now = now_ms();
            let seqs: String = sqlx::query_scalar(&self.sql.claim_pick)
                .bind(now)
                .bind(limit)
                .bind(after)
                .fetch_one(&mut *tx)
                .await
                .map_err(OutboxError::db(doing))?;
            if seqs == "[]" {
                return Ok(Vec::new());
            }
            sqlx::query(&self.sql.claim_lease)
                .bind(&seqs)
                .bind(token)
                .bind(now.saturating_add(lease_ms))
                .execute(&mut *tx)
                .await
                .map_err(OutboxError::db(doing))?;
            tx.commit().await.map_err(OutboxError::db(doing))?;
            seqs
        };
        // Read without holding the write lock: the rows are this claim's now.
        let rows = sqlx::query(&self.sql.claim_read)
            .bind(&seqs)
            .bind(token)
            .fetch_all(&self.pool)
            .await
            .map_err(OutboxError::db(doing))?;
        read_rows(&rows)
    }

    pub(crate) async fn delivered(&self, token: &str, seqs: &[i64]) -> Result<u64, OutboxError> {
        let _turn = self.writer.lock().await;
        let done = sqlx::query(&self.sql.delivered)
            .bind(json_list(seqs))
            .bind(token)
            .bind(now_ms())
            .execute(&self.pool)
            .await
            .map_err(OutboxError::db("marking outbox rows delivered"))?;
        Ok(done.rows_affected())
    }

    pub(crate) async fn retry_later(
        &self,
        token: &str,
        seqs: &[i64],
        delay_ms: i64,
        error: &str,
    ) -> Result<u64, OutboxError> {
        let _turn = self.writer.lock().await;
        let done = sqlx::query(&self.sql.retry)
            .bind(json_list(seqs))
            .bind(token)
            .bind(now_ms().saturating_add(delay_ms))
            .bind(error)
            .execute(&self.pool)
            .await
            .map_err(OutboxError::db("scheduling outbox rows for a retry"))?;
        Ok(done.rows_affected())
    }

    pub(crate) async fn renew(
        &self,
        token: &str,
        seqs: &[i64],
        lease_ms: i64,
    ) -> Result<Vec<i64>, OutboxError> {
        let _turn = self.writer.lock().await;
        sqlx::query_scalar(&self.sql.renew)
            .bind(json_list(seqs))
            .bind(token)
            .bind(now_ms().saturating_add(lease_ms))
            .fetch_all(&self.pool)
            .await
            .map_err(OutboxError::db("renewing the lease of outbox rows"))
    }

    pub(crate) async fn dead_letter(
        &self,
        token: &str,
        rows: &[(i64, String)],
    ) -> Result<u64, OutboxError> {
        let _turn = self.writer.lock().await;
        let doing = "moving outbox rows to the dead letters";
        let mut tx = self.begin_write(doing).await?;
        let now = now_ms();
        let mut moved = 0;
        for (seq, reason) in rows {
            sqlx::query(&self.sql.dead_copy)
                .bind(seq)
                .bind(token)
                .bind(reason)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(OutboxError::db(doing))?;
            moved += sqlx::query(&self.sql.dead_delete)
                .bind(seq)
                .bind(token)
                .execute(&mut *tx)
                .await
                .map_err(OutboxError::db(doing))?
                .rows_affected();
        }
        tx.commit().await.map_err(OutboxError::db(doing))?;
        Ok(moved)
    }

    pub(crate) async fn prune(&self, retention_ms: i64) -> Result<u64, OutboxError> {
        let _turn = self.writer.lock().await;
        let done = sqlx::query(&self.sql.prune)
            .bind(now_ms().saturating_sub(retention_ms))
            .execute(&self.pool)
            .await
            .map_err(OutboxError::db("pruning delivered outbox rows"))?;
        Ok(done.rows_affected())
    }

    pub(crate) async fn stats(&self) -> Result<OutboxStats, OutboxError> {
        let row = sqlx::query(&self.sql.stats)
            .bind(now_ms())
            .fetch_one(&self.pool)
            .await
            .map_err(OutboxError::db("counting outbox rows"))?;
        read_stats(&row)
    }

    pub(crate) async fn dead_letters(&self, limit: i64) -> Result<Vec<DeadLetter>, OutboxError> {
        let rows = sqlx::query(&self.sql.dead_list)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(OutboxError::db("reading the dead letters"))?;
        read_dead_letters(&rows)
    }

    pub(crate) async fn find(&self, event_id: &str) -> Result<Option<OutboxRow>, OutboxError> {
        let row = sqlx::query(&self.sql.find)
            .bind(event_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(OutboxError::db("reading an outbox row"))?;
        row.as_ref().map(read_found).transpose()
    }

    /// Records webhook `event_id` on `conn`; `true` when it was not there yet.
    pub(crate) async fn mark_seen(
        &self,
        conn: &mut SqliteConnection,
        event_id: &str,
    ) -> Result<bool, OutboxError> {
        let done = sqlx::query(&self.sql.mark_seen)
            .bind(event_id)
            .bind(now_ms())
            .execute(conn)
            .await
            .map_err(OutboxError::db("recording a webhook as seen"))?;
        Ok(done.rows_affected() == 1)
    }

    pub(crate) async fn prune_seen(&self, retention_ms: i64) -> Result<u64, OutboxError> {
        let _turn = self.writer.lock().await;
        let done = sqlx::query(&self.sql.prune_seen)
            .bind(now_ms().saturating_sub(retention_ms))
            .execute(&self.pool)
            .await
            .map_err(OutboxError::db("pruning the webhooks seen"))?;
        Ok(done.rows_affected())
    }

    pub(crate) async fn rate_slot(
        &self,
        interval_ms: i64,
        burst_ms: i64,
    ) -> Result<i64, OutboxError> {
        let _turn = self.writer.lock().await;
        sqlx::query_scalar(&self.sql.rate)
            .bind(interval_ms)
            .bind(burst_ms)
            .bind(now_ms())
            .fetch_one(&self.pool)
            .await
            .map_err(OutboxError::db("reserving a request slot"))
    }
}
