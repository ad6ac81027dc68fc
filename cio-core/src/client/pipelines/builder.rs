//! [`PipelinesClientBuilder`]: write key, region or base URL, timeout, retry
//! policy, request spacing, routing and HTTP client of a [`PipelinesClient`].

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use reqwest::header::{HeaderMap, HeaderValue};

use super::{Envelope, Integrations, PipelinesClient};
use crate::client::config::{ApiKey, Connection, Paths};
use crate::client::rate::Spacing;
use crate::client::{Error, Region, RetryPolicy};

/// The least time between two requests by default: Customer.io asks for at most
/// 3,000 requests per 3 seconds.
pub const PIPELINES_SPACING: Duration = Duration::from_millis(1);

/// Configures a [`PipelinesClient`]; made by [`PipelinesClient::builder`].
///
/// ```
/// use std::time::Duration;
/// use cio_core::client::{Integrations, PipelinesClient, Region};
/// let client = PipelinesClient::builder("write-key")
///     .region(Region::Eu)
///     .timeout(Duration::from_secs(5))
///     .integrations(Integrations::none().enable("Customer.io"))
///     .build()
///     .unwrap();
/// assert_eq!(client.base_url(), "https://cdp-eu.customer.io");
/// ```
#[derive(Debug)]
pub struct PipelinesClientBuilder {
    write_key: ApiKey,
    connection: Connection,
    spacing: Duration,
    integrations: Integrations,
}

impl PipelinesClientBuilder {
    pub(crate) fn new(write_key: impl Into<ApiKey>) -> Self {
        PipelinesClientBuilder {
            write_key: write_key.into(),
            connection: Connection::default(),
            spacing: PIPELINES_SPACING,
            integrations: Integrations::all(),
        }
    }

    /// The workspace's region (US by default); ignored when a base URL is set.
    #[must_use]
    pub fn region(mut self, region: Region) -> Self {
        self.connection.region = region;
        self
    }

    /// Sends to this origin (`https://host[:port]`, or `http://` for a loopback host
    /// such as the emulator) instead of the region's; `/v1` is appended.
    #[must_use]
    pub fn base_url(mut self, origin: impl Into<String>) -> Self {
        self.connection.base_url = Some(origin.into());
        self
    }

    /// The time limit of one attempt (10 s by default). Ignored with
    /// [`PipelinesClientBuilder::http_client`].
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.connection.timeout = timeout;
        self
    }

    /// How failed requests are retried.
    #[must_use]
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.connection.retry = policy;
        self
    }

    /// The least time between two requests of this client and its clones
    /// ([`PIPELINES_SPACING`]: 3,000 per 3 seconds, evenly); `Duration::ZERO` for none.
    #[must_use]
    pub fn spacing(mut self, spacing: Duration) -> Self {
        self.spacing = spacing;
        self
    }

    /// The destinations every call is routed to (all of the source's, by default);
    /// [`PipelinesClient::with_integrations`] changes it for some calls.
    #[must_use]
    pub fn integrations(mut self, integrations: Integrations) -> Self {
        self.integrations = integrations;
        self
    }

    /// The `User-Agent` header.
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.connection.user_agent = user_agent.into();
        self
    }

    /// Sends through this client (its pool, proxy, TLS and timeouts). It should not
    /// follow redirects (`reqwest::redirect::Policy::none()`).
    #[must_use]
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.connection.http_client = Some(client);
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<PipelinesClient, Error> {
        let key = self.write_key.expose();
        if key.trim().is_empty() {
            return Err(Error::Config("the write key is empty".to_owned()));
        }
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{key}:"));
        let mut auth = HeaderValue::from_str(&format!("Basic {encoded}"))
            .map_err(|_| Error::Config("the write key holds invalid characters".to_owned()))?;
        auth.set_sensitive(true);
        // Invalid or oversize calls are refused with a 400 instead of a 200 that
        // drops them.
        let mut extra_headers = HeaderMap::new();
        extra_headers.insert("X-Strict-Mode", HeaderValue::from_static("1"));
        let paths = Paths {
            origin: Region::pipelines_origin,
            v1: "/v1",
            v2: "/v1",
        };
        let inner = self
            .connection
            .into_inner(&paths, String::new(), auth, extra_headers)?;
        Ok(PipelinesClient {
            inner: Arc::new(inner),
            spacing: Arc::new(Spacing::new(self.spacing)),
            envelope: Arc::new(Envelope::new(&self.integrations)?),
        })
    }
}
