//! The seed's Express routes (`POST /signup`, `POST /verify-email`) as an axum app
//! that writes each user change and its Customer.io operations in ONE database
//! transaction, through the outbox: a signup that commits always gets its
//! `signed_up`, one that fails never sends it, and a crash loses nothing. A relay
//! delivers the rows; a request never waits on Customer.io.
//!
//! Shared by the `axum_app` example and its test (`#[path]`-included).

#![allow(dead_code, unreachable_pub)]

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use cio::client::Customer;
use cio::outbox::sqlx::{self, PgPool, SqlitePool};
use cio::outbox::{Outbox, OutboxError};
use cio::Timestamp;
use serde_json::{json, Value};

/// The types generated from `events.toml`.
pub mod events {
    cio::taxonomy!();
}

use events::{EmailVerified, OnboardingStep, Plan, Profile, ProfileUpdate, SignedUp, SignupMethod};

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

/// Creates the app's `users` table if it is missing.
pub async fn create_tables(db: &Db) -> Result<(), sqlx::Error> {
    let sql = "CREATE TABLE IF NOT EXISTS users (
        id TEXT PRIMARY KEY, email TEXT NOT NULL, email_verified BOOLEAN NOT NULL DEFAULT FALSE)";
    match db {
        Db::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
        Db::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
    }
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

/// The app: both routes over one database and its outbox.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/signup", post(signup))
        .route("/verify-email", post(verify_email))
        .with_state(state)
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
