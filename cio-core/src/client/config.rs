//! [`TrackClientBuilder`]: credentials, region or base URL, timeout, retry policy,
//! user agent and HTTP client of a [`TrackClient`].

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use base64::Engine as _;
use reqwest::header::HeaderValue;

use super::error::Error;
use super::region::Region;
use super::retry::RetryPolicy;
use super::TrackClient;

/// A Track API key. Its `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(key.into())
    }

    /// The key itself (to build the `Authorization` header).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        ApiKey(key)
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> Self {
        ApiKey(key.to_owned())
    }
}

/// The default user agent: `cio-rust/<version>`.
pub const DEFAULT_USER_AGENT: &str = concat!("cio-rust/", env!("CARGO_PKG_VERSION"));

/// The default time limit of one attempt.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Configures a [`TrackClient`]; made by [`TrackClient::builder`].
///
/// ```
/// use std::time::Duration;
/// use cio_core::client::{Region, RetryPolicy, TrackClient};
/// let client = TrackClient::builder("site", "key")
///     .region(Region::Eu)
///     .timeout(Duration::from_secs(5))
///     .retry(RetryPolicy::default().max_retries(5))
///     .build()
///     .unwrap();
/// assert_eq!(client.base_url(), "https://track-eu.customer.io");
/// ```
#[derive(Debug)]
pub struct TrackClientBuilder {
    site_id: String,
    api_key: ApiKey,
    connection: Connection,
}

impl TrackClientBuilder {
    pub(crate) fn new(site_id: impl Into<String>, api_key: impl Into<ApiKey>) -> Self {
        TrackClientBuilder {
            site_id: site_id.into(),
            api_key: api_key.into(),
            connection: Connection::default(),
        }
    }

    /// The account's region (US by default); ignored when a base URL is set.
    #[must_use]
    pub fn region(mut self, region: Region) -> Self {
        self.connection.region = region;
        self
    }

    /// Sends to this origin (`https://host[:port]`, or `http://` for a loopback host
    /// such as the emulator) instead of the region's; `/api/v1` and `/api/v2` are
    /// appended.
    #[must_use]
    pub fn base_url(mut self, origin: impl Into<String>) -> Self {
        self.connection.base_url = Some(origin.into());
        self
    }

    /// The time limit of one attempt (10 s by default). Ignored with
    /// [`TrackClientBuilder::http_client`]: that client's own timeout applies.
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

    /// The `User-Agent` header.
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.connection.user_agent = user_agent.into();
        self
    }

    /// Sends through this client (its pool, proxy, TLS and timeouts). It should not
    /// follow redirects (`reqwest::redirect::Policy::none()`): a redirect is how the
    /// API says that the account lives in the other region.
    #[must_use]
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.connection.http_client = Some(client);
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<TrackClient, Error> {
        if self.site_id.trim().is_empty() {
            return Err(Error::Config("the site id is empty".to_owned()));
        }
        if self
            .site_id
            .chars()
            .any(|c| c == ':' || c.is_whitespace() || c.is_control())
        {
            return Err(Error::Config(format!(
                "the site id {:?} holds a colon, a space or a control character",
                self.site_id
            )));
        }
        if self.api_key.expose().trim().is_empty() {
            return Err(Error::Config("the API key is empty".to_owned()));
        }
        let credentials = format!("{}:{}", self.site_id, self.api_key.expose());
        let encoded = base64::engine::general_purpose::STANDARD.encode(credentials);
        let mut auth = HeaderValue::from_str(&format!("Basic {encoded}")).map_err(|_| {
            Error::Config("the site id or API key holds invalid characters".to_owned())
        })?;
        auth.set_sensitive(true);
        let paths = Paths {
            origin: Region::origin,
            v1: "/api/v1",
            v2: "/api/v2",
        };
        let inner = self.connection.into_inner(
            &paths,
            self.site_id,
            auth,
            reqwest::header::HeaderMap::new(),
        )?;
        Ok(TrackClient::from_parts(inner))
    }
}

/// What the builders of the three clients (Track, App, Data Pipelines) set alike:
/// where requests go, how long an attempt may take, how failures are retried, the
/// user agent and the HTTP client. Each builder's methods set these fields.
#[derive(Debug)]
pub(crate) struct Connection {
    pub(crate) region: Region,
    pub(crate) base_url: Option<String>,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) user_agent: String,
    pub(crate) http_client: Option<reqwest::Client>,
}

impl Default for Connection {
    /// The US region, a 10 s attempt, the default retry policy and user agent.
    fn default() -> Self {
        Connection {
            region: Region::Us,
            base_url: None,
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            http_client: None,
        }
    }
}

/// An API's paths under its origin: `/api/v1` and `/api/v2` for the Track API, `/v1`
/// for the others.
pub(crate) struct Paths {
    /// The region's origin of the API.
    pub(crate) origin: fn(Region) -> &'static str,
    pub(crate) v1: &'static str,
    pub(crate) v2: &'static str,
}

impl Connection {
    /// The transport of a client of the API at `paths`, authenticated by `auth`, with
    /// `extra_headers` on every request: the base URL checked (or the region's
    /// origin), the user agent checked, the HTTP client built unless one was given.
    pub(crate) fn into_inner(
        self,
        paths: &Paths,
        site_id: String,
        auth: HeaderValue,
        extra_headers: reqwest::header::HeaderMap,
    ) -> Result<super::Inner, Error> {
        let origin = match &self.base_url {
            Some(url) => check_origin(url)?,
            None => (paths.origin)(self.region).to_owned(),
        };
        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| Error::Config("the user agent holds invalid characters".to_owned()))?;
        let http = match self.http_client {
            Some(client) => client,
            None => http_client(self.timeout)?,
        };
        Ok(super::Inner {
            http,
            v1: format!("{origin}{}", paths.v1),
            v2: format!("{origin}{}", paths.v2),
            origin,
            site_id,
            auth,
            user_agent,
            extra_headers,
            retry: self.retry,
        })
    }
}

/// The HTTP client cio builds: no redirects, `timeout` per attempt, keep-alive.
pub(crate) fn http_client(timeout: Duration) -> Result<reqwest::Client, Error> {
    install_crypto_provider();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .pool_idle_timeout(Duration::from_secs(60))
        .tcp_nodelay(true)
        .build()
        .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))
}

/// Makes rustls use *ring* unless the process already chose a crypto provider
/// (reqwest is built without one, and sqlx's TLS asks rustls for the process's
/// provider when the server's host name is not checked: `sslmode=verify-ca`).
///
/// rustls 0.23.48 deprecates `ring::default_provider` ("no support for post-quantum
/// algorithms"), and that is the only way to get *ring*'s provider: the
/// deprecation is about the key exchange ring lacks, which cio accepts to build
/// without the C toolchain aws-lc-rs needs. The lint is allowed on this one call
/// (so that a crate built against the newest rustls, as `.ci/fresh-crate` does,
/// shows no warning); an app that wants post-quantum key exchange installs
/// aws-lc-rs's provider before building a client, and cio uses it.
pub(crate) fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        #[allow(deprecated)]
        let provider = rustls::crypto::ring::default_provider();
        // Another thread may win the race: its provider is as good.
        let _ = provider.install_default();
    }
}

/// Checks a base URL: `https://`, or `http://` to a loopback host, with no path,
/// query or credentials. Returns it without a trailing slash.
pub(crate) fn check_origin(url: &str) -> Result<String, Error> {
    // The text is not echoed: what does not parse may hold credentials.
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| Error::Config(format!("the base URL is not a URL: {e}")))?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::Config(
            "the base URL must not hold credentials".to_owned(),
        ));
    }
    if parsed.path() != "/" || parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::Config(format!(
            "base URL `{}` must be an origin (scheme, host and port only, without a path or query): the API's paths are added",
            parsed.origin().ascii_serialization()
        )));
    }
    match parsed.scheme() {
        "https" => {}
        "http" if is_loopback(&parsed) => {}
        "http" => {
            return Err(Error::Config(format!(
                "plain http:// is refused for `{url}`: only loopback hosts (127.0.0.0/8, ::1, localhost) may be reached without TLS"
            )))
        }
        other => {
            return Err(Error::Config(format!(
                "base URL scheme `{other}` is not supported (https, or http for loopback)"
            )))
        }
    }
    Ok(url.trim_end_matches('/').to_owned())
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        assert_eq!(
            check_origin("http://127.0.0.1:8080/").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(check_origin("http://127.1.2.3").is_ok());
        assert!(check_origin("http://[::1]:9").is_ok());
        assert!(check_origin("http://LOCALHOST:9").is_ok());
        assert!(check_origin("https://track.customer.io").is_ok());
        for bad in [
            "http://track.customer.io",
            "http://10.0.0.1",
            "http://localhost.evil.com",
            "http://127.0.0.1.nip.io",
            "https://x.io/api/v1",
            "https://u:p@x.io",
            "ftp://x.io",
            "nope",
        ] {
            assert!(matches!(check_origin(bad), Err(Error::Config(_))), "{bad}");
        }
    }

    #[test]
    fn key_is_redacted() {
        let key = ApiKey::new("s3cr3t");
        assert_eq!(format!("{key:?} {key}"), "ApiKey(<redacted>) <redacted>");
        let builder = TrackClientBuilder::new("site", "s3cr3t");
        assert!(!format!("{builder:?}").contains("s3cr3t"));
    }
}
