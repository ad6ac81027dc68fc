//! Shared by the `client_*` integration tests: an emulator, a client of it, and
//! small taxonomy types.
#![allow(dead_code, unreachable_pub, missing_docs)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::future::Future;
use std::time::Duration;

use cio_core::client::{RetryPolicy, TrackClient};
use cio_core::constraint::{check_email, check_max_length, check_min};
use cio_core::{Attributes, Event, Timestamp, Violation};
use cio_emulator::{Emulator, Faults};

/// Runs `fut` with a time bound, so no test can hang.
pub async fn bounded<T>(fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), fut)
        .await
        .expect("the test did not finish within 30 s")
}

/// A plain reqwest client for hand-made requests (reqwest is built without a
/// default TLS crypto provider: install *ring*, as `TrackClient` does).
pub fn raw_http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

pub async fn emulator() -> Emulator {
    Emulator::start().await.unwrap()
}

pub async fn faulty(faults: Faults, seed: u64) -> Emulator {
    Emulator::builder()
        .faults(faults)
        .seed(seed)
        .start()
        .await
        .unwrap()
}

/// A retry policy with short waits, so tests run fast.
pub fn quick_retries(max: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(max)
        .backoff(Duration::from_millis(1), Duration::from_millis(5))
}

pub fn client(emulator: &Emulator) -> TrackClient {
    client_with(emulator, quick_retries(3))
}

pub fn client_with(emulator: &Emulator, retry: RetryPolicy) -> TrackClient {
    TrackClient::builder(emulator.site_id(), emulator.api_key())
        .base_url(emulator.base_url())
        .retry(retry)
        .build()
        .unwrap()
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SignedUp {
    pub plan: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
}

impl Event for SignedUp {
    const NAME: &'static str = "signed_up";
}

pub fn signed_up(plan: &str) -> SignedUp {
    SignedUp {
        plan: plan.to_owned(),
        referrer: None,
    }
}

/// An event with a free-form name and data, for limit tests.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Blob {
    pub blob: String,
}

impl Event for Blob {
    const NAME: &'static str = "blob";
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct LongName {}

impl Event for LongName {
    const NAME: &'static str = "this_event_name_is_far_too_long_for_customer_io_because_it_goes_on_and_on_past_one_hundred_bytes_total";
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Profile {
    pub email: String,
    pub name: String,
    pub mrr: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
}

impl Attributes for Profile {
    fn validate(&self) -> Result<(), Violation> {
        check_email("email", &self.email)?;
        check_max_length("name", &self.name, 40)?;
        check_min("mrr", self.mrr, 0.0)?;
        Ok(())
    }
}

pub fn profile(email: &str) -> Profile {
    Profile {
        email: email.to_owned(),
        name: "Jane".to_owned(),
        mrr: 10.0,
        created_at: Some(Timestamp::from_unix(1_700_000_000)),
    }
}

/// Free-form attributes, for limit tests.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(transparent)]
pub struct Loose(pub serde_json::Map<String, serde_json::Value>);

impl Attributes for Loose {}

pub fn loose(pairs: impl IntoIterator<Item = (String, serde_json::Value)>) -> Loose {
    Loose(pairs.into_iter().collect())
}
