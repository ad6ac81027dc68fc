//! The seed's Express routes (`POST /signup`, `POST /verify-email`) as an axum app
//! that writes each user change and its Customer.io operations in ONE database
//! transaction, through the outbox: a signup that commits always gets its
//! `signed_up`, one that fails never sends it, and a crash loses nothing. A relay
//! delivers the rows; a request never waits on Customer.io.
//!
//! `POST /password-reset` sends the typed transactional message `PasswordReset`
//! through the App API at once (`AppClient`): a send has no idempotency key, so an
//! unknown outcome is never sent again by the client, and the route does not retry
//! it either.
//!
//! `POST /webhooks/customerio` takes Customer.io's reporting webhooks, verified with
//! the signing key (the `CustomerIoWebhook` extractor answers `401` to anything
//! else): each one is handled once (`Outbox::mark_webhook_seen`, in the transaction
//! that records it), joined through its `trigger_event_id` to the outbox row of the
//! event that started the campaign (`Outbox::find`), and recorded as its message's
//! fate (`sent`, `delivered`, `opened`, `bounced`, ...), which `GET /users/{id}/messages`
//! lists. A transactional message would be joined by its `delivery_id`, which
//! `AppClient::send` returns.
//!
//! Shared by the `axum_app` example and its test (`#[path]`-included).

#![allow(dead_code, unreachable_pub)]

use axum::extract::{FromRef, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use cio::client::{AppClient, Customer};
use cio::outbox::sqlx::{self, PgPool, SqlitePool};
use cio::outbox::{Outbox, OutboxError, OutboxRow, RowStatus};
use cio::webhook::{CustomerIoWebhook, ReportingEvent, ReportingVerifier};
use cio::{EventId, Timestamp};
use serde_json::{json, Value};

/// The types generated from `events.toml`.
pub mod events {
    cio::taxonomy!();
}

use events::{
    EmailVerified, OnboardingStep, PasswordReset, Plan, Profile, ProfileUpdate, SignedUp,
    SignupMethod,
};

/// The app's own database: SQLite by default, PostgreSQL for many instances.
#[derive(Debug, Clone)]
pub enum Db {
    /// An SQLite file.
    Sqlite(SqlitePool),
    /// A PostgreSQL database.
    Postgres(PgPool),
}

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The app's database (its `users` table).
    pub db: Db,
    /// The outbox, in the same database.
    pub outbox: Outbox,
    /// The App API client that sends transactional messages (`None`: not configured,
    /// and `POST /password-reset` answers 503).
    pub app: Option<AppClient>,
    /// Where the password reset links point (`https://example.com/reset`).
    pub reset_base_url: String,
    /// Checks Customer.io's reporting webhooks (`None`: no signing key, and
    /// `POST /webhooks/customerio` is not served).
    pub webhooks: Option<ReportingVerifier>,
}

/// The state of the webhook route: the app's, and the verifier the
/// `CustomerIoWebhook` extractor finds through `FromRef`.
#[derive(Debug, Clone)]
struct WebhookState {
    app: AppState,
    verifier: ReportingVerifier,
}

impl FromRef<WebhookState> for ReportingVerifier {
    fn from_ref(state: &WebhookState) -> Self {
        state.verifier.clone()
    }
}

/// Runs `$body` with `$tx` a transaction of `$db`, whichever database it is, and
/// commits it when `$body` succeeds (dropping it rolls back).
macro_rules! in_transaction {
    ($db:expr, |$tx:ident| $body:expr) => {
        match $db {
            Db::Sqlite(pool) => {
                async {
                    let mut $tx = pool.begin().await.map_err(Failure::db)?;
                    let out = $body;
                    $tx.commit().await.map_err(Failure::db)?;
                    Ok::<_, Failure>(out)
                }
                .await
            }
            Db::Postgres(pool) => {
                async {
                    let mut $tx = pool.begin().await.map_err(Failure::db)?;
                    let out = $body;
                    $tx.commit().await.map_err(Failure::db)?;
                    Ok::<_, Failure>(out)
                }
                .await
            }
        }
    };
}

/// Creates the app's tables if they are missing: `users`, and `message_fates` (per
/// message Customer.io sent, what became of it, and the event that caused it).
pub async fn create_tables(db: &Db) -> Result<(), sqlx::Error> {
    let tables = [
        "CREATE TABLE IF NOT EXISTS users (
            id TEXT PRIMARY KEY, email TEXT NOT NULL,
            email_verified BOOLEAN NOT NULL DEFAULT FALSE)",
        "CREATE TABLE IF NOT EXISTS message_fates (
            delivery_id TEXT PRIMARY KEY, user_id TEXT, channel TEXT NOT NULL, subject TEXT,
            fate TEXT NOT NULL, trigger_event_id TEXT, trigger_event TEXT,
            updated_at BIGINT NOT NULL)",
    ];
    for sql in tables {
        match db {
            Db::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(|_| ())?,
            Db::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|_| ())?,
        }
    }
    Ok(())
}

/// The body of `POST /signup`.
#[derive(Debug, serde::Deserialize)]
pub struct SignupRequest {
    /// The new user's id.
    pub id: String,
    /// Email address.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// `google`, `email` or `github`: parsed into the generated enum, so an unknown
    /// method is a 400 here instead of a campaign branch that never matches.
    pub signup_method: String,
}

/// The body of `POST /verify-email`.
#[derive(Debug, serde::Deserialize)]
pub struct VerifyRequest {
    /// The user whose email was verified.
    pub user_id: String,
}

/// The body of `POST /password-reset`.
#[derive(Debug, serde::Deserialize)]
pub struct PasswordResetRequest {
    /// The email address of the account.
    pub email: String,
}

/// How long a reset link is valid.
pub const RESET_MINUTES: i64 = 30;

/// Why a request failed, as an HTTP answer.
#[derive(Debug)]
pub struct Failure(StatusCode, String);

impl Failure {
    fn db(error: sqlx::Error) -> Failure {
        match &error {
            sqlx::Error::Database(e) if e.is_unique_violation() => {
                Failure(StatusCode::CONFLICT, "this user already exists".to_owned())
            }
            _ => Failure(StatusCode::SERVICE_UNAVAILABLE, error.to_string()),
        }
    }
}

impl From<OutboxError> for Failure {
    fn from(error: OutboxError) -> Failure {
        let status = match error {
            OutboxError::Invalid(_) => StatusCode::BAD_REQUEST,
            _ => StatusCode::SERVICE_UNAVAILABLE,
        };
        Failure(status, error.to_string())
    }
}

fn answer(result: Result<Value, Failure>) -> (StatusCode, Json<Value>) {
    match result {
        Ok(body) => (StatusCode::OK, Json(body)),
        Err(Failure(status, error)) => (status, Json(json!({ "error": error }))),
    }
}

/// The app: its routes over one database and its outbox (and the webhook route when
/// it has a signing key).
pub fn app(state: AppState) -> Router {
    let webhooks = state.webhooks.clone().map(|verifier| {
        Router::new()
            .route("/webhooks/customerio", post(webhook))
            .with_state(WebhookState {
                app: state.clone(),
                verifier,
            })
    });
    let app = Router::new()
        .route("/signup", post(signup))
        .route("/verify-email", post(verify_email))
        .route("/password-reset", post(password_reset))
        .route("/users/{id}/messages", get(messages))
        .with_state(state);
    match webhooks {
        Some(webhooks) => app.merge(webhooks),
        None => app,
    }
}

async fn signup(
    State(state): State<AppState>,
    Json(request): Json<SignupRequest>,
) -> (StatusCode, Json<Value>) {
    answer(signup_in(&state, &request).await)
}

async fn signup_in(state: &AppState, request: &SignupRequest) -> Result<Value, Failure> {
    let method: SignupMethod = request
        .signup_method
        .parse()
        .map_err(|e| Failure(StatusCode::BAD_REQUEST, format!("{e}")))?;
    let customer = Customer::id(&request.id);
    let profile = Profile {
        onboarding_step: Some(OnboardingStep::SignedUp),
        ..Profile::new(
            request.email.clone(),
            request.first_name.clone(),
            Plan::Free,
            Timestamp::now(),
        )
    };
    let event = SignedUp {
        method,
        plan: Plan::Free,
    };
    let outbox = &state.outbox;
    // The user, its profile and its event commit together, or none of them does.
    let event_id = in_transaction!(&state.db, |tx| {
        sqlx::query("INSERT INTO users (id, email) VALUES ($1, $2)")
            .bind(&request.id)
            .bind(&request.email)
            .execute(&mut *tx)
            .await
            .map_err(Failure::db)?;
        outbox.identify(&mut *tx, &customer, &profile).await?;
        outbox.track(&mut *tx, &customer, event).await?
    })?;
    Ok(json!({
        "user": { "id": request.id, "email": request.email },
        "event_id": event_id.to_string(),
    }))
}

async fn verify_email(
    State(state): State<AppState>,
    Json(request): Json<VerifyRequest>,
) -> (StatusCode, Json<Value>) {
    answer(verify_in(&state, &request).await)
}

async fn verify_in(state: &AppState, request: &VerifyRequest) -> Result<Value, Failure> {
    let customer = Customer::id(&request.user_id);
    let update = ProfileUpdate::new()
        .email_verified(true)
        .email_verified_at(Timestamp::now())
        .onboarding_step(OnboardingStep::Verified);
    let outbox = &state.outbox;
    in_transaction!(&state.db, |tx| {
        let done = sqlx::query("UPDATE users SET email_verified = TRUE WHERE id = $1")
            .bind(&request.user_id)
            .execute(&mut *tx)
            .await
            .map_err(Failure::db)?;
        if done.rows_affected() == 0 {
            return Err(Failure(StatusCode::NOT_FOUND, "no such user".to_owned()));
        }
        outbox.identify(&mut *tx, &customer, &update).await?;
        outbox.track(&mut *tx, &customer, EmailVerified {}).await?
    })?;
    Ok(json!({ "verified": true }))
}

async fn password_reset(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(request): Json<PasswordResetRequest>,
) -> (StatusCode, Json<Value>) {
    let device = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    match password_reset_in(&state, &request, device).await {
        // The same answer whether or not the account exists.
        Ok(()) => (
            StatusCode::ACCEPTED,
            Json(json!({ "status": "if the account exists, a reset link is on its way" })),
        ),
        Err(Failure(status, error)) => (status, Json(json!({ "error": error }))),
    }
}

async fn password_reset_in(
    state: &AppState,
    request: &PasswordResetRequest,
    device: Option<String>,
) -> Result<(), Failure> {
    let Some(app) = &state.app else {
        return Err(Failure(
            StatusCode::SERVICE_UNAVAILABLE,
            "transactional messages are not configured: set CUSTOMERIO_APP_API_KEY".to_owned(),
        ));
    };
    let sql = "SELECT id FROM users WHERE email = $1";
    let user: Option<(String,)> = match &state.db {
        Db::Sqlite(pool) => {
            sqlx::query_as(sql)
                .bind(&request.email)
                .fetch_optional(pool)
                .await
        }
        Db::Postgres(pool) => {
            sqlx::query_as(sql)
                .bind(&request.email)
                .fetch_optional(pool)
                .await
        }
    }
    .map_err(Failure::db)?;
    let Some((user_id,)) = user else {
        return Ok(());
    };
    // A real app stores a random token (and its expiry) with the user; a unique id
    // keeps the example short.
    let reset = PasswordReset {
        reset_url: format!("{}/{}", state.reset_base_url, EventId::new()),
        expires_in_minutes: RESET_MINUTES,
        device,
    };
    match app.send(&Customer::id(&user_id), &reset).await {
        Ok(_delivery) => Ok(()),
        // It may have been sent: sending again could deliver two reset emails. The
        // person can ask again if nothing arrives.
        Err(e) if e.is_outcome_unknown() => {
            eprintln!("password reset for {user_id}: {e}");
            Ok(())
        }
        // Anything else means it was not sent: asking again is safe.
        Err(e) => Err(Failure(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("the reset email was not sent, try again: {e}"),
        )),
    }
}

async fn webhook(
    State(state): State<WebhookState>,
    CustomerIoWebhook(event): CustomerIoWebhook<ReportingEvent>,
) -> (StatusCode, Json<Value>) {
    answer(webhook_in(&state.app, &event).await)
}

/// Records what the webhook says happened to its message, once per `event_id`; a
/// `2xx` either way, so that Customer.io does not send it again.
async fn webhook_in(state: &AppState, event: &ReportingEvent) -> Result<Value, Failure> {
    // The event cio sent that started the campaign, as the outbox kept it.
    let cause: Option<OutboxRow> = match event.triggered_by() {
        Some(id) => state.outbox.find(id).await?,
        None => None,
    };
    let trigger_event = cause.as_ref().and_then(|row| {
        let body = row.json().ok()?;
        body.get("name")?.as_str().map(str::to_owned)
    });
    let user = event
        .data
        .identifiers
        .as_ref()
        .and_then(|who| who.id.clone());
    let outbox = &state.outbox;
    let first_time = in_transaction!(&state.db, |tx| {
        let first = outbox.mark_webhook_seen(&mut *tx, &event.event_id).await?;
        if let (true, Some(delivery)) = (first, event.delivery_id()) {
            sqlx::query(
                "INSERT INTO message_fates (delivery_id, user_id, channel, subject, fate,
                     trigger_event_id, trigger_event, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (delivery_id) DO UPDATE SET
                     fate = excluded.fate, updated_at = excluded.updated_at,
                     subject = COALESCE(excluded.subject, message_fates.subject),
                     trigger_event = COALESCE(excluded.trigger_event, message_fates.trigger_event)",
            )
            .bind(delivery)
            .bind(&user)
            .bind(event.metric.object_type())
            .bind(&event.data.subject)
            .bind(event.metric.name())
            .bind(event.trigger_event_id())
            .bind(&trigger_event)
            .bind(event.timestamp.as_unix())
            .execute(&mut *tx)
            .await
            .map_err(Failure::db)?;
        }
        first
    })?;
    if !first_time {
        return Ok(json!({ "duplicate": event.event_id }));
    }
    let joined = match (&cause, event.trigger_event_id()) {
        (Some(row), Some(id)) => format!(
            "caused by {} {id}, its outbox row {}",
            trigger_event.as_deref().unwrap_or(&row.kind),
            status(&row.status)
        ),
        (None, Some(id)) => format!("caused by event {id}, not in the outbox"),
        (_, None) => "no trigger event".to_owned(),
    };
    println!(
        "webhook: {} {} to {}{} ({joined})",
        event.metric.object_type(),
        event.metric.name(),
        user.as_deref().unwrap_or("?"),
        event
            .data
            .subject
            .as_ref()
            .map(|subject| format!(": {subject:?}"))
            .unwrap_or_default(),
    );
    Ok(json!({
        "recorded": event.event_id,
        "trigger": cause.map(|row| json!({
            "event_id": row.event_id,
            "kind": row.kind,
            "name": trigger_event,
            "status": status(&row.status),
        })),
    }))
}

fn status(status: &RowStatus) -> &'static str {
    match status {
        RowStatus::Pending { .. } => "pending",
        RowStatus::Delivered { .. } => "delivered",
        RowStatus::DeadLettered { .. } => "dead-lettered",
        _ => "unknown",
    }
}

/// `GET /users/{id}/messages`: what became of each message Customer.io sent the
/// user, as the webhooks said, with the event that caused it.
async fn messages(
    State(state): State<AppState>,
    Path(user_id): Path<String>,
) -> (StatusCode, Json<Value>) {
    answer(messages_of(&state, &user_id).await)
}

type FateRow = (
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
);

async fn messages_of(state: &AppState, user_id: &str) -> Result<Value, Failure> {
    let sql = "SELECT delivery_id, channel, subject, fate, trigger_event_id, trigger_event
               FROM message_fates WHERE user_id = $1 ORDER BY delivery_id";
    let rows: Vec<FateRow> = match &state.db {
        Db::Sqlite(pool) => sqlx::query_as(sql).bind(user_id).fetch_all(pool).await,
        Db::Postgres(pool) => sqlx::query_as(sql).bind(user_id).fetch_all(pool).await,
    }
    .map_err(Failure::db)?;
    let messages: Vec<Value> = rows
        .into_iter()
        .map(
            |(delivery_id, channel, subject, fate, trigger_event_id, trigger_event)| {
                json!({
                    "delivery_id": delivery_id,
                    "channel": channel,
                    "subject": subject,
                    "fate": fate,
                    "trigger_event_id": trigger_event_id,
                    "trigger_event": trigger_event,
                })
            },
        )
        .collect();
    Ok(json!({ "user_id": user_id, "messages": messages }))
}
