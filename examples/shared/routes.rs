//! The seed's Express routes (`POST /signup`, `POST /verify-email`) as an axum app
//! that hands events to the delivery pipeline and answers at once: a request never
//! waits on Customer.io, and nothing is lost when Customer.io is slow or down.
//!
//! Shared by the `axum_app` example and its test (`#[path]`-included).

#![allow(dead_code, unreachable_pub)]

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use cio::client::Customer;
use cio::pipeline::Pipeline;
use cio::Timestamp;
use serde_json::{json, Value};

/// The types generated from `events.toml`.
pub mod events {
    cio::taxonomy!();
}

use events::{EmailVerified, OnboardingStep, Plan, Profile, ProfileUpdate, SignedUp, SignupMethod};

/// The body of `POST /signup`.
#[derive(Debug, serde::Deserialize)]
pub struct SignupRequest {
    /// The new user's id (the app's database would assign it).
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

/// The app: both routes over one shared pipeline.
pub fn app(pipeline: Pipeline) -> Router {
    Router::new()
        .route("/signup", post(signup))
        .route("/verify-email", post(verify_email))
        .with_state(pipeline)
}

async fn signup(
    State(pipeline): State<Pipeline>,
    Json(request): Json<SignupRequest>,
) -> (StatusCode, Json<Value>) {
    let method: SignupMethod = match request.signup_method.parse() {
        Ok(method) => method,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({ "error": e.to_string() })),
            )
        }
    };
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
    // Queued, not sent: validation errors come back here, delivery happens later.
    if let Err(e) = pipeline.identify(&customer, &profile).await {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": e.to_string() })),
        );
    }
    let event = SignedUp {
        method,
        plan: Plan::Free,
    };
    match pipeline.track(&customer, event).await {
        Ok(id) => (
            StatusCode::OK,
            Json(
                json!({ "user": { "id": request.id, "email": request.email }, "event_id": id.to_string() }),
            ),
        ),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "error": e.to_string() })),
        ),
    }
}

async fn verify_email(
    State(pipeline): State<Pipeline>,
    Json(request): Json<VerifyRequest>,
) -> (StatusCode, Json<Value>) {
    let customer = Customer::id(&request.user_id);
    let update = ProfileUpdate::new()
        .email_verified(true)
        .email_verified_at(Timestamp::now())
        .onboarding_step(OnboardingStep::Verified);
    if let Err(e) = pipeline.identify(&customer, &update).await {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": e.to_string() })),
        );
    }
    match pipeline.track(&customer, EmailVerified {}).await {
        Ok(_) => (StatusCode::OK, Json(json!({ "verified": true }))),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "error": e.to_string() })),
        ),
    }
}
