//! The outbox tables in PostgreSQL, in a schema of their own (`rows`,
//! `dead_letters`, `rate`, `meta`, `webhooks_seen`), shared by any number of app
//! instances and relays.
//!
//! Claims take due rows with `FOR UPDATE SKIP LOCKED` and lease them, so relays never
//! wait on each other; a statement trigger sends a `NOTIFY` when rows are written
//! (delivered on commit only) to wake the relays. Time is the database's clock.

use std::sync::Arc;

use sqlx::postgres::{PgConnection, PgPool};

use super::error::OutboxError;
use super::lookup::{read_found, OutboxRow};
use super::stats::OutboxStats;
use super::store::{
    check_version, read_dead_letters, read_rows, read_stats, Row, DEAD_COLUMNS,
    MIN_COMPATIBLE_VERSION, SCHEMA_VERSION,
};
use super::DeadLetter;
use crate::client::People;

/// The database's "now" in Unix milliseconds (fixed for a statement).
const NOW: &str = "(extract(epoch from now()) * 1000)::bigint";

#[derive(Debug)]
struct Sql {
    insert: String,
    claim: String,
    delivered: String,
    retry: String,
    renew: String,
    dead: String,
    prune: String,
    stats: String,
    dead_list: String,
    rate: String,
    find: String,
    mark_seen: String,
    prune_seen: String,
}

/// The outbox in one PostgreSQL schema.
#[derive(Debug, Clone)]
pub(crate) struct PgStore {
    pool: PgPool,
    channel: Arc<str>,
    sql: Arc<Sql>,
}

fn migration_v1(s: &str, channel: &str) -> String {
    format!(
        "CREATE TABLE {s}.rows (
            seq BIGSERIAL PRIMARY KEY,
            event_id TEXT,
            kind TEXT NOT NULL,
            body BYTEA NOT NULL,
            created_at BIGINT NOT NULL DEFAULT {NOW},
            attempts INTEGER NOT NULL DEFAULT 0,
            available_at BIGINT NOT NULL DEFAULT 0,
            lease_owner TEXT,
            last_error TEXT,
            delivered_at BIGINT
        );
        CREATE INDEX rows_pending ON {s}.rows (seq) WHERE delivered_at IS NULL;
        CREATE INDEX rows_delivered ON {s}.rows (delivered_at) WHERE delivered_at IS NOT NULL;
        CREATE TABLE {s}.dead_letters (
            seq BIGINT PRIMARY KEY,
            event_id TEXT,
            kind TEXT NOT NULL,
            body BYTEA NOT NULL,
            created_at BIGINT NOT NULL,
            attempts INTEGER NOT NULL,
            reason TEXT NOT NULL,
            dead_at BIGINT NOT NULL
        );
        CREATE TABLE {s}.rate (id INTEGER PRIMARY KEY, next_at BIGINT NOT NULL);
        INSERT INTO {s}.rate (id, next_at) VALUES (1, 0);
        CREATE FUNCTION {s}.wake_relays() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('{channel}', ''); RETURN NULL; END $$;
        CREATE TRIGGER rows_wake_relays AFTER INSERT ON {s}.rows
            FOR EACH STATEMENT EXECUTE FUNCTION {s}.wake_relays();"
    )
}

/// Version 2: half-empty pages for `rows`, so that a claim (lease columns only, none
/// indexed) is a HOT update written in place, with no new index entries; it halves the
/// database's work per claimed row. Pages written from now on get the room.
fn migration_v2(s: &str) -> String {
    format!("ALTER TABLE {s}.rows SET (fillfactor = 50);")
}

/// Version 3: each row names its people (indexed for the claims' per-person order;
/// rows written before have none and keep no order), and dead letters get numbers of
/// their own, so that no row is lost to a row number already dead-lettered (after a
/// restore or a sequence reset).
fn migration_v3(s: &str) -> String {
    format!(
        "ALTER TABLE {s}.rows ADD COLUMN person BIGINT, ADD COLUMN person2 BIGINT;
         CREATE INDEX rows_person ON {s}.rows (person, seq) WHERE delivered_at IS NULL;
         CREATE INDEX rows_person2 ON {s}.rows (person2, seq)
             WHERE delivered_at IS NULL AND person2 IS NOT NULL;
         ALTER TABLE {s}.dead_letters DROP CONSTRAINT dead_letters_pkey;
         ALTER TABLE {s}.dead_letters ADD COLUMN id BIGSERIAL PRIMARY KEY;"
    )
}

/// Version 4: rows and dead letters indexed by `event_id` (the lookup of a row by
/// its operation's ULID), and the webhooks handled, by `event_id`. The indexes are
/// built inside the migration's transaction, which holds writes to `rows` meanwhile;
/// on a large table, build them first with `CREATE INDEX CONCURRENTLY rows_event_id
/// ON {schema}.rows (event_id)` (and `dead_letters_event_id`), which this keeps.
fn migration_v4(s: &str) -> String {
    format!(
        "CREATE INDEX IF NOT EXISTS rows_event_id ON {s}.rows (event_id);
         CREATE INDEX IF NOT EXISTS dead_letters_event_id ON {s}.dead_letters (event_id);
         CREATE TABLE IF NOT EXISTS {s}.webhooks_seen (
             event_id TEXT PRIMARY KEY,
             seen_at BIGINT NOT NULL DEFAULT {NOW}
         );
         CREATE INDEX IF NOT EXISTS webhooks_seen_at ON {s}.webhooks_seen (seen_at);"
    )
}

impl PgStore {
    /// Creates or migrates the tables in schema `s`; refuses newer ones.
    pub(crate) async fn open(pool: PgPool, s: &str) -> Result<Self, OutboxError> {
        let channel = format!("{s}_wake");
        let doing = "migrating the outbox tables";
        let mut tx = pool.begin().await.map_err(OutboxError::db(doing))?;
        // One migration at a time per schema, whatever the number of app instances.
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind(format!("cio_outbox:{s}"))
            .execute(&mut *tx)
            .await
            .map_err(OutboxError::db(doing))?;
        sqlx::raw_sql(&format!(
            "CREATE SCHEMA IF NOT EXISTS {s};
             CREATE TABLE IF NOT EXISTS {s}.meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL);"
        ))
        .execute(&mut *tx)
        .await
        .map_err(OutboxError::db("creating the outbox schema"))?;
        let found: Option<i64> = sqlx::query_scalar(&format!(
            "SELECT value FROM {s}.meta WHERE key = 'schema_version'"
        ))
        .fetch_optional(&mut *tx)
        .await
        .map_err(OutboxError::db("reading the outbox schema version"))?;
        let min_compatible: Option<i64> = sqlx::query_scalar(&format!(
            "SELECT value FROM {s}.meta WHERE key = 'min_compatible_version'"
        ))
        .fetch_optional(&mut *tx)
        .await
        .map_err(OutboxError::db("reading the outbox schema version"))?;
        let found = check_version(s, found, min_compatible)?;
        if found < 1 {
            sqlx::raw_sql(&migration_v1(s, &channel))
                .execute(&mut *tx)
                .await
                .map_err(OutboxError::db("creating the outbox tables"))?;
        }
        if found < 2 {
            sqlx::raw_sql(&migration_v2(s))
                .execute(&mut *tx)
                .await
                .map_err(OutboxError::db("migrating the outbox tables to version 2"))?;
        }
        if found < 3 {
            sqlx::raw_sql(&migration_v3(s))
                .execute(&mut *tx)
                .await
                .map_err(OutboxError::db("migrating the outbox tables to version 3"))?;
        }
        if found < 4 {
            sqlx::raw_sql(&migration_v4(s))
                .execute(&mut *tx)
                .await
                .map_err(OutboxError::db("migrating the outbox tables to version 4"))?;
        }
        if found < SCHEMA_VERSION {
            sqlx::query(&format!(
                "INSERT INTO {s}.meta (key, value)
                 VALUES ('schema_version', $1), ('min_compatible_version', $2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value"
            ))
            .bind(SCHEMA_VERSION)
            .bind(MIN_COMPATIBLE_VERSION)
            .execute(&mut *tx)
            .await
            .map_err(OutboxError::db("recording the outbox schema version"))?;
        }
        tx.commit().await.map_err(OutboxError::db(doing))?;
        let dead_cols = DEAD_COLUMNS;
        // A row of the same person that must go first: undelivered and written
        // earlier, or in flight (leased, its lease running).
        let ahead = format!(
            "SELECT 1 FROM {s}.rows e WHERE e.delivered_at IS NULL
                AND (e.seq < q.seq OR (e.lease_owner IS NOT NULL AND e.available_at > {NOW}))
                AND"
        );
        let sql = Sql {
            insert: format!(
                "INSERT INTO {s}.rows (event_id, kind, body, person, person2)
                 VALUES ($1, $2, $3, $4, $5)"
            ),
            // Only each person's oldest undelivered row is due (a merge names two),
            // and only while none of the person's rows is in flight: on PostgreSQL a
            // row numbered earlier can commit later (two transactions for one person
            // at once), and must then wait for the one already sent. One probe of an
            // index per column and person (equality, so a plain index scan).
            claim: format!(
                "UPDATE {s}.rows r SET lease_owner = $1, available_at = {NOW} + $2,
                        attempts = r.attempts + 1
                 WHERE r.seq = ANY(ARRAY(SELECT q.seq FROM {s}.rows q
                                 WHERE q.delivered_at IS NULL AND q.seq > $4
                                   AND q.available_at <= {NOW}
                                   AND NOT EXISTS ({ahead} e.person = q.person)
                                   AND NOT EXISTS ({ahead} e.person2 = q.person)
                                   AND (q.person2 IS NULL
                                        OR (NOT EXISTS ({ahead} e.person = q.person2)
                                            AND NOT EXISTS ({ahead} e.person2 = q.person2)))
                                 ORDER BY q.seq LIMIT $3 FOR UPDATE OF q SKIP LOCKED))
                 RETURNING r.seq, r.event_id, r.kind, r.body, r.created_at, r.attempts::bigint,
                           r.person, r.person2"
            ),
            delivered: format!(
                "UPDATE {s}.rows SET delivered_at = {NOW}, lease_owner = NULL, last_error = NULL
                 WHERE seq = ANY($1) AND lease_owner = $2"
            ),
            retry: format!(
                "UPDATE {s}.rows SET available_at = {NOW} + $3, lease_owner = NULL, last_error = $4
                 WHERE seq = ANY($1) AND lease_owner = $2 AND delivered_at IS NULL"
            ),
            renew: format!(
                "UPDATE {s}.rows SET available_at = {NOW} + $3
                 WHERE seq = ANY($1) AND lease_owner = $2 AND delivered_at IS NULL
                 RETURNING seq"
            ),
            dead: format!(
                "WITH reasons AS (SELECT * FROM unnest($1::bigint[], $2::text[]) AS t(seq, reason)),
                 moved AS (DELETE FROM {s}.rows r USING reasons
                           WHERE r.seq = reasons.seq AND r.lease_owner = $3
                             AND r.delivered_at IS NULL RETURNING r.*)
                 INSERT INTO {s}.dead_letters ({dead_cols}, reason, dead_at)
                 SELECT m.seq, m.event_id, m.kind, m.body, m.created_at, m.attempts, reasons.reason, {NOW}
                 FROM moved m JOIN reasons ON reasons.seq = m.seq"
            ),
            prune: format!(
                "DELETE FROM {s}.rows WHERE delivered_at IS NOT NULL AND delivered_at < {NOW} - $1"
            ),
            stats: format!(
                "SELECT
                    (SELECT count(*) FROM {s}.rows WHERE delivered_at IS NULL),
                    (SELECT {NOW} - min(created_at) FROM {s}.rows WHERE delivered_at IS NULL),
                    (SELECT count(*) FROM {s}.rows WHERE delivered_at IS NOT NULL),
                    (SELECT count(*) FROM {s}.dead_letters)"
            ),
            dead_list: format!(
                "SELECT seq, event_id, kind, body, created_at, attempts::bigint, reason
                 FROM {s}.dead_letters ORDER BY id LIMIT $1"
            ),
            rate: format!(
                "UPDATE {s}.rate SET next_at = greatest(next_at, {NOW} - $2) + $1 WHERE id = 1
                 RETURNING next_at - $1 - {NOW}"
            ),
            // One statement, so one snapshot: a row being dead-lettered is found on
            // one side or the other, never on neither.
            find: format!(
                "(SELECT 0::bigint AS source, seq, event_id, kind, body, created_at,
                         attempts::bigint, delivered_at, last_error
                  FROM {s}.rows WHERE event_id = $1)
                 UNION ALL
                 (SELECT 1::bigint, seq, event_id, kind, body, created_at, attempts::bigint,
                         dead_at, reason
                  FROM {s}.dead_letters WHERE event_id = $1)
                 ORDER BY source, seq LIMIT 1"
            ),
            mark_seen: format!(
                "INSERT INTO {s}.webhooks_seen (event_id) VALUES ($1)
                 ON CONFLICT (event_id) DO NOTHING"
            ),
            prune_seen: format!("DELETE FROM {s}.webhooks_seen WHERE seen_at < {NOW} - $1"),
        };
        Ok(PgStore {
            pool,
            channel: channel.into(),
            sql: Arc::new(sql),
        })
    }

    /// Writes one operation's row on `conn` (the app's transaction, or not).
    pub(crate) async fn insert(
        &self,
        conn: &mut PgConnection,
        event_id: Option<String>,
        kind: &'static str,
        body: &[u8],
        people: People,
    ) -> Result<(), OutboxError> {
        sqlx::query(&self.sql.insert)
            .bind(event_id)
            .bind(kind)
            .bind(body)
            .bind(people.first)
            .bind(people.second)
            .execute(conn)
            .await
            .map_err(OutboxError::db("writing an outbox row"))?;
        Ok(())
    }

    /// The pool the outbox was opened on.
    pub(crate) fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The `LISTEN` channel written rows are announced on.
    pub(crate) fn channel(&self) -> &str {
        &self.channel
    }

    pub(crate) async fn claim(
        &self,
        token: &str,
        lease_ms: i64,
        limit: i64,
        after: i64,
    ) -> Result<Vec<Row>, OutboxError> {
        let doing = "claiming outbox rows";
        let mut tx = self.pool.begin().await.map_err(OutboxError::db(doing))?;
        // The oldest due rows, read in `seq` order from the pending index: without
        // this, a table whose statistics lag behind a burst of rows (a new outbox, or
        // one autovacuum has not analyzed yet) is planned as a scan and a sort of every
        // pending row, for each claim. And no JIT: once the table is large, the claim's
        // estimated cost passes `jit_above_cost` and every claim would spend about 20 ms
        // compiling a plan that runs in a few.
        sqlx::query(
            "SELECT set_config('enable_sort', 'off', true), set_config('enable_bitmapscan', 'off', true),
                    set_config('jit', 'off', true)",
        )
        .execute(&mut *tx)
            .await
            .map_err(OutboxError::db(doing))?;
        let rows = sqlx::query(&self.sql.claim)
            .bind(token)
            .bind(lease_ms)
            .bind(limit)
            .bind(after)
            .fetch_all(&mut *tx)
            .await
            .map_err(OutboxError::db(doing))?;
        tx.commit().await.map_err(OutboxError::db(doing))?;
        read_rows(&rows)
    }

    pub(crate) async fn delivered(&self, token: &str, seqs: &[i64]) -> Result<u64, OutboxError> {
        let done = sqlx::query(&self.sql.delivered)
            .bind(seqs)
            .bind(token)
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
        let done = sqlx::query(&self.sql.retry)
            .bind(seqs)
            .bind(token)
            .bind(delay_ms)
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
        sqlx::query_scalar(&self.sql.renew)
            .bind(seqs)
            .bind(token)
            .bind(lease_ms)
            .fetch_all(&self.pool)
            .await
            .map_err(OutboxError::db("renewing the lease of outbox rows"))
    }

    pub(crate) async fn dead_letter(
        &self,
        token: &str,
        rows: &[(i64, String)],
    ) -> Result<u64, OutboxError> {
        let (seqs, reasons): (Vec<i64>, Vec<String>) = rows.iter().cloned().unzip();
        let done = sqlx::query(&self.sql.dead)
            .bind(seqs)
            .bind(reasons)
            .bind(token)
            .execute(&self.pool)
            .await
            .map_err(OutboxError::db("moving outbox rows to the dead letters"))?;
        Ok(done.rows_affected())
    }

    pub(crate) async fn prune(&self, retention_ms: i64) -> Result<u64, OutboxError> {
        let done = sqlx::query(&self.sql.prune)
            .bind(retention_ms)
            .execute(&self.pool)
            .await
            .map_err(OutboxError::db("pruning delivered outbox rows"))?;
        Ok(done.rows_affected())
    }

    pub(crate) async fn stats(&self) -> Result<OutboxStats, OutboxError> {
        let row = sqlx::query(&self.sql.stats)
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
        conn: &mut PgConnection,
        event_id: &str,
    ) -> Result<bool, OutboxError> {
        let done = sqlx::query(&self.sql.mark_seen)
            .bind(event_id)
            .execute(conn)
            .await
            .map_err(OutboxError::db("recording a webhook as seen"))?;
        Ok(done.rows_affected() == 1)
    }

    pub(crate) async fn prune_seen(&self, retention_ms: i64) -> Result<u64, OutboxError> {
        let done = sqlx::query(&self.sql.prune_seen)
            .bind(retention_ms)
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
        sqlx::query_scalar(&self.sql.rate)
            .bind(interval_ms)
            .bind(burst_ms)
            .fetch_one(&self.pool)
            .await
            .map_err(OutboxError::db("reserving a request slot"))
    }
}
