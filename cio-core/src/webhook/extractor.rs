//! axum extractors that verify a webhook before the handler runs (the `axum` feature).

use ::axum::body::Bytes;
use ::axum::extract::rejection::BytesRejection;
use ::axum::extract::{FromRef, FromRequest, Request};
use ::axum::http::{HeaderMap, StatusCode};
use ::axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::event::ReportingEvent;
use super::verify::{
    PipelinesVerifier, ReportingVerifier, VerifyError, PIPELINES_SIGNATURE_HEADER,
    SIGNATURE_HEADER, TIMESTAMP_HEADER,
};

/// A reporting webhook whose signature and timestamp were checked with the app
/// state's [`ReportingVerifier`] (found through [`FromRef`]), parsed as `T`.
///
/// | request | answer |
/// |---|---|
/// | `X-CIO-Signature` or `X-CIO-Timestamp` missing or malformed, signature not made with any key, timestamp outside the replay window | `401`, the reason as text |
/// | verified, but the body is not a `T` | `400`, serde's reason as text |
/// | body larger than axum's limit (2 MB unless `DefaultBodyLimit` says otherwise) | `413` |
///
/// Customer.io pauses an hour after a `400` or `401` and holds back every later
/// webhook until that one succeeds, so answer `2xx` quickly (within its 4 s timeout)
/// and do slow work afterwards.
///
/// ```no_run
/// use axum::{http::StatusCode, routing::post, Router};
/// use cio_core::webhook::{CustomerIoWebhook, ReportingEvent, ReportingVerifier};
///
/// async fn reporting(CustomerIoWebhook(event): CustomerIoWebhook<ReportingEvent>) -> StatusCode {
///     // Store `event` keyed by `event.event_id` (Customer.io may send it twice).
///     println!("{} {:?}", event.metric, event.delivery_id());
///     StatusCode::NO_CONTENT
/// }
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let verifier = ReportingVerifier::new(std::env::var("CUSTOMERIO_WEBHOOK_SIGNING_KEY")?)?;
/// let app = Router::new()
///     .route("/webhooks/customerio", post(reporting))
///     .with_state(verifier); // or a field of the app's state, with `FromRef`
/// let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
/// axum::serve(listener, app).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct CustomerIoWebhook<T = ReportingEvent>(pub T);

/// A request from a Data Pipelines **webhook destination** whose `X-Signature` was
/// checked with the app state's [`PipelinesVerifier`], parsed as `T` (a JSON value
/// by default; with batching on, a list of events).
///
/// Answers as [`CustomerIoWebhook`] does: `401` for a missing, malformed or wrong
/// signature, `400` for a body that is not a `T`, `413` for a body over the limit.
/// The scheme signs no timestamp: deduplicate on each event's `messageId`.
#[derive(Debug, Clone)]
pub struct PipelinesWebhook<T = serde_json::Value>(pub T);

/// Why a webhook extractor refused a request; as a response, its status and reason.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookRejection {
    /// Not proven to come from Customer.io: `401 Unauthorized`.
    #[error(transparent)]
    Unauthorized(#[from] VerifyError),
    /// Verified, but the body is not what the handler takes: `400 Bad Request`.
    #[error("the body is not a webhook this endpoint reads: {0}")]
    InvalidBody(serde_json::Error),
    /// The body could not be read (`413 Payload Too Large` over the body limit).
    #[error(transparent)]
    Body(BytesRejection),
}

impl WebhookRejection {
    /// The status the response carries.
    pub fn status(&self) -> StatusCode {
        match self {
            WebhookRejection::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            WebhookRejection::InvalidBody(_) => StatusCode::BAD_REQUEST,
            WebhookRejection::Body(rejection) => rejection.status(),
        }
    }
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        tracing::warn!(status = %self.status(), reason = %self, "refused a Customer.io webhook");
        match self {
            WebhookRejection::Body(rejection) => rejection.into_response(),
            other => (other.status(), other.to_string()).into_response(),
        }
    }
}

impl<S, T> FromRequest<S> for CustomerIoWebhook<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
    ReportingVerifier: FromRef<S>,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = ReportingVerifier::from_ref(state);
        // Checked before the body is read: an unsigned request costs no more.
        let timestamp = header(
            request.headers(),
            TIMESTAMP_HEADER,
            VerifyError::MalformedTimestamp,
        )?;
        let signature = header(
            request.headers(),
            SIGNATURE_HEADER,
            VerifyError::MalformedSignature {
                header: SIGNATURE_HEADER,
                hex_digits: 64,
            },
        )?;
        let body = Bytes::from_request(request, state)
            .await
            .map_err(WebhookRejection::Body)?;
        verifier.verify(&timestamp, &signature, &body)?;
        parse(&body).map(CustomerIoWebhook)
    }
}

impl<S, T> FromRequest<S> for PipelinesWebhook<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
    PipelinesVerifier: FromRef<S>,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = PipelinesVerifier::from_ref(state);
        let signature = header(
            request.headers(),
            PIPELINES_SIGNATURE_HEADER,
            VerifyError::MalformedSignature {
                header: PIPELINES_SIGNATURE_HEADER,
                hex_digits: 40,
            },
        )?;
        let body = Bytes::from_request(request, state)
            .await
            .map_err(WebhookRejection::Body)?;
        verifier.verify(&signature, &body)?;
        parse(&body).map(PipelinesWebhook)
    }
}

/// The value of header `name`; `malformed` when it is not visible ASCII.
fn header(
    headers: &HeaderMap,
    name: &'static str,
    malformed: VerifyError,
) -> Result<String, VerifyError> {
    let value = headers.get(name).ok_or(VerifyError::MissingHeader(name))?;
    value.to_str().map(str::to_owned).map_err(|_| malformed)
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, WebhookRejection> {
    serde_json::from_slice(body).map_err(WebhookRejection::InvalidBody)
}
