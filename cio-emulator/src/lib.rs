//! A local Customer.io emulator: a real HTTP server on loopback that implements the
//! Track v1 calls and v2 `/entity` and `/batch` with Basic auth, the App API, and the
//! Data Pipelines calls (`/v1/identify`, `/v1/track`, ..., `/v1/batch`, Basic auth of
//! a write key, strict and permissive modes), with the documented limits and error
//! bodies, dedup by event `id`, a [`Record`] of what it accepted, and reproducible
//! fault injection. Given [journeys](EmulatorBuilder::journeys), it runs them and,
//! given a [webhook URL](EmulatorBuilder::webhook), reports their deliveries to the
//! app with signed reporting webhooks, as Customer.io does.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let emulator = cio_emulator::Emulator::start().await?;
//! assert!(emulator.base_url().starts_with("http://127.0.0.1:"));
//! assert_eq!(emulator.record().event_count(), 0);
//! emulator.shutdown().await;
//! # Ok(()) }
//! ```

use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use base64::Engine as _;
use hyper::header::HeaderValue;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

mod api;
#[cfg(feature = "cli")]
pub mod cli;
mod coverage;
mod faults;
mod guard;
mod inbox;
mod journeys;
mod objects;
mod offline;
mod record;
mod secret;
mod server;
mod topics;
mod webhooks;

pub use coverage::{Branch, Coverage, JourneysCoverage, COVERAGE_DIR_ENV};
pub use faults::{Fault, Faults};
pub use objects::ObjectKey;
pub use offline::TrackApi;
pub use record::{
    ApiVersion, Applied, DroppedCall, ObjectCall, Record, RequestLog, StoredDevice, StoredEvent,
    StoredMetric, StoredSend, StoredTrigger,
};
pub use webhooks::{ReportError, SentWebhook, WebhookAttempt, WebhookOutcome};

use cio_core::journey::{Delivery, Journeys, Simulation};
use cio_core::webhook::Metric;
use cio_core::Timestamp;
use journeys::Engine;
use record::State;
use secret::Secret;
use server::Shared;

/// The site id an emulator accepts unless told otherwise.
pub const DEFAULT_SITE_ID: &str = "emulator-site";
/// The API key an emulator accepts unless told otherwise.
pub const DEFAULT_API_KEY: &str = "emulator-key";
/// The App API key an emulator accepts (`Authorization: Bearer ...`) unless told otherwise.
pub const DEFAULT_APP_API_KEY: &str = "emulator-app-key";
/// The Data Pipelines write key an emulator accepts (`Authorization: Basic
/// base64("KEY:")`) unless told otherwise.
pub const DEFAULT_WRITE_KEY: &str = "emulator-write-key";
/// The origin a wrong-region redirect points to.
pub const EU_ORIGIN: &str = server::EU_ORIGIN;

/// Configures an [`Emulator`]; made by [`Emulator::builder`].
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    site_id: String,
    api_key: Secret,
    app_api_key: Secret,
    write_key: Secret,
    faults: Faults,
    seed: u64,
    addr: SocketAddr,
    log_requests: bool,
    wrong_region: bool,
    rules: api::Rules,
    journeys: Option<&'static Journeys>,
    object_types: &'static [(&'static str, u64)],
    clock_start: Option<Timestamp>,
    coverage_dir: Option<PathBuf>,
    webhook: Option<webhooks::Given>,
    webhook_retries: webhooks::Retries,
    timestamps: &'static [&'static str],
    topics: &'static [(&'static str, u64)],
}

impl EmulatorBuilder {
    /// The fields `events.toml` types `timestamp` (a taxonomy's
    /// `taxonomy::TIMESTAMPS`: `customer.created_at`, `trial_expiring.expires_at`):
    /// the web inbox shows their values as dates beside the raw Unix seconds.
    #[must_use]
    pub fn timestamps(mut self, paths: &'static [&'static str]) -> Self {
        self.timestamps = paths;
        self
    }

    /// The subscription topics by name and id (a taxonomy's `taxonomy::TOPICS`): the
    /// web inbox names a person's topics (`newsletter (topic 2)`) instead of showing
    /// their ids only.
    #[must_use]
    pub fn topics(mut self, topics: &'static [(&'static str, u64)]) -> Self {
        self.topics = topics;
        self
    }

    /// Runs these campaigns (a taxonomy's `taxonomy::JOURNEYS`) on what the emulator
    /// receives: every accepted identify and event of an identified person goes to a
    /// [`Simulation`] (as with [`Simulation::identify_json`] and
    /// [`Simulation::track_json`], at the simulation's clock, whatever `timestamp` the
    /// request carries), whose clock moves only with [`Emulator::advance`],
    /// [`Emulator::advance_until`], `POST /__clock` or the inbox's buttons.
    /// Anonymous events, page and screen views, and suppressed people start nothing;
    /// deletes and merges leave the simulation as it is.
    #[must_use]
    pub fn journeys(mut self, journeys: &'static Journeys) -> Self {
        self.journeys = Some(journeys);
        self
    }

    /// The object types by name and type id (a taxonomy's `taxonomy::OBJECT_TYPES`):
    /// a relationship to an object of one of them starts the
    /// [journeys](Self::journeys)' campaigns `relationship_added` of that type,
    /// whose messages read the object's attributes as `trigger.<type>.*`.
    /// Objects and relationships are stored whatever their type.
    #[must_use]
    pub fn object_types(mut self, types: &'static [(&'static str, u64)]) -> Self {
        self.object_types = types;
        self
    }

    /// Where the journeys' clock starts (the time the emulator starts, by default).
    #[must_use]
    pub fn clock_start(mut self, start: Timestamp) -> Self {
        self.clock_start = Some(start);
        self
    }

    /// The credentials the emulator accepts (others get `401`).
    #[must_use]
    pub fn credentials(mut self, site_id: impl Into<String>, api_key: impl Into<String>) -> Self {
        self.site_id = site_id.into();
        self.api_key = Secret::new(api_key);
        self
    }

    /// The App API key accepted (`Authorization: Bearer`; others get `401`).
    #[must_use]
    pub fn app_api_key(mut self, key: impl Into<String>) -> Self {
        self.app_api_key = Secret::new(key);
        self
    }

    /// The Data Pipelines write key accepted (HTTP Basic with the key as the user name
    /// and an empty password; others get `401`).
    #[must_use]
    pub fn write_key(mut self, key: impl Into<String>) -> Self {
        self.write_key = Secret::new(key);
        self
    }

    /// Random faults to inject.
    #[must_use]
    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// The seed of the random faults (0 by default): the same seed and the same
    /// request order give the same faults.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The address to listen on (`127.0.0.1:0`, an ephemeral port, by default).
    ///
    /// Whatever the address, a request is answered only when its `Host` is a
    /// loopback name (`127.0.0.1`, `localhost`, `[::1]`) or this address, and a
    /// browser's `POST` only from the emulator's own pages (`Origin`,
    /// `Sec-Fetch-Site`): a web page can neither read the inbox through DNS
    /// rebinding nor move the journeys' clock. Other requests get `403`.
    #[must_use]
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Whether to keep a [`RequestLog`] of every request (on by default; turn it off
    /// for long benchmarks to keep memory flat).
    #[must_use]
    pub fn log_requests(mut self, on: bool) -> Self {
        self.log_requests = on;
        self
    }

    /// Answers every request with `301` to the EU host, as the US endpoint does for
    /// an account that lives in the EU.
    #[must_use]
    pub fn wrong_region(mut self, on: bool) -> Self {
        self.wrong_region = on;
        self
    }

    /// Refuses every event named `name` as invalid (`400` in v1 and `/entity`, a
    /// `207` item in a batch): a poison item for tests.
    #[must_use]
    pub fn reject_event(mut self, name: impl Into<String>) -> Self {
        self.rules.rejected_events.push(name.into());
        self
    }

    /// Declares the transactional messages and broadcasts that exist, with their
    /// templates (a taxonomy's `taxonomy::APP_MESSAGES`): a send or trigger to any
    /// other id answers `404` (and a send on another channel `400`), and each one
    /// accepted is rendered with the journeys' Liquid, `customer.*` from the
    /// profile and `trigger.*` from its data ([`StoredSend::rendered`],
    /// [`StoredTrigger::rendered`]). Without them any id is accepted and nothing
    /// is rendered.
    #[must_use]
    pub fn app_messages(mut self, messages: &'static [cio_core::AppTemplate]) -> Self {
        self.rules.app_messages = messages;
        self
    }

    /// Declares the manual segment `id`: segment calls to any other answer `404`, as
    /// Customer.io does for a segment that does not exist.
    #[must_use]
    pub fn manual_segment(mut self, id: u64) -> Self {
        self.rules.manual_segments.push(id);
        self
    }

    /// The folder to write a [`Coverage`] file into (one file per emulator, kept
    /// current as the emulator runs: see [`Coverage`]). By default the folder
    /// named by `CIO_COVERAGE_DIR`, when it is set and not empty; `None` writes
    /// nothing.
    #[must_use]
    pub fn coverage_dir(mut self, dir: Option<PathBuf>) -> Self {
        self.coverage_dir = dir;
        self
    }

    /// Reports the [journeys](EmulatorBuilder::journeys)' deliveries to the app at
    /// `url` with reporting webhooks signed with `signing_key`, as Customer.io does
    /// (`X-CIO-Timestamp`, `X-CIO-Signature`; what
    /// `cio::webhook::CustomerIoWebhook` checks): each message reports `sent`, then
    /// `delivered` (email, push, SMS), or `failed` when it does not render; a test
    /// reports more with [`Emulator::report`]. Each webhook is a
    /// `cio_core::webhook::ReportingEvent` in the campaign shape, whose
    /// `trigger_event_id` is the `id` of the event that started the journey (its
    /// ULID: the one cio's outbox stores).
    ///
    /// Sent in the background, one at a time, in order: an answer other than `2xx`
    /// (or none within 4 s) is retried ([`webhook_retries`](Self::webhook_retries)),
    /// then given up; [`Emulator::webhooks`] lists each webhook and its attempts.
    /// `url` must be `https://`, or `http://` to a loopback host (`127.0.0.1`,
    /// `[::1]`, `localhost`); [`start`](Self::start) refuses others, and an empty key.
    #[must_use]
    pub fn webhook(mut self, url: impl Into<String>, signing_key: impl Into<String>) -> Self {
        self.webhook = Some(webhooks::Given {
            url: url.into(),
            key: signing_key.into(),
        });
        self
    }

    /// How often a webhook not answered `2xx` is sent again (3 times by default), and
    /// the wait before the first retry (100 ms by default), doubled before each next
    /// one. Customer.io waits an hour and tries for days; the emulator gives up
    /// within a second by default, and says so in [`Emulator::webhooks`].
    #[must_use]
    pub fn webhook_retries(mut self, retries: u32, first_backoff: std::time::Duration) -> Self {
        self.webhook_retries = webhooks::Retries {
            retries,
            backoff: first_backoff,
        };
        self
    }

    /// Binds and starts serving in the background of the current Tokio runtime.
    /// Fails when the coverage folder cannot be created (`cannot create the coverage
    /// folder ...`), the address bound (`cannot listen on ADDR: ...`), or the
    /// [webhook](Self::webhook) URL or key is refused (`InvalidInput`).
    pub async fn start(self) -> io::Result<Emulator> {
        let webhook = match &self.webhook {
            Some(given) => Some(
                webhooks::Target::new(&given.url, &given.key)
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?,
            ),
            None => None,
        };
        let coverage_file = match &self.coverage_dir {
            Some(dir) => Some(coverage::CoverageFile::create_in(dir)?),
            None => None,
        };
        let listener = TcpListener::bind(self.addr).await.map_err(|e| {
            io::Error::new(e.kind(), format!("cannot listen on {}: {e}", self.addr))
        })?;
        let addr = listener.local_addr()?;
        let credentials = format!("{}:{}", self.site_id, self.api_key.expose());
        let encoded = base64::engine::general_purpose::STANDARD.encode(credentials);
        let expected_auth = HeaderValue::from_str(&format!("Basic {encoded}"))
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let expected_app_auth =
            HeaderValue::from_str(&format!("Bearer {}", self.app_api_key.expose()))
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let webhook_log = webhooks::Log::default();
        let (notifier, queue) = match &webhook {
            Some(_) => {
                let (notifier, queue) = webhooks::Notifier::new(webhook_log.clone());
                (Some(notifier), Some(queue))
            }
            None => (None, None),
        };
        let (stop, stopped) = watch::channel(false);
        if let (Some(target), Some(queue)) = (webhook.clone(), queue) {
            webhooks::spawn(
                target,
                self.webhook_retries,
                queue,
                webhook_log.clone(),
                stopped.clone(),
            )
            .map_err(io::Error::other)?;
        }
        let shared = Arc::new(Shared {
            expected_app_auth,
            write_key: self.write_key.expose().to_owned(),
            listening: addr,
            state: Mutex::new(State {
                journeys: self.journeys.map(|journeys| {
                    Engine::new(journeys, self.clock_start.unwrap_or_else(Timestamp::now))
                        .with_webhooks(notifier)
                        .with_object_types(self.object_types)
                }),
                timestamps: self.timestamps,
                topics: self.topics,
                ..State::default()
            }),
            faults: RwLock::new(self.faults),
            script: Mutex::new(VecDeque::new()),
            seed: self.seed,
            expected_auth,
            log_requests: self.log_requests,
            wrong_region: self.wrong_region,
            sequence: AtomicU64::new(0),
            rules: self.rules,
            coverage_file,
            webhook_url: webhook.map(|target| target.url.to_string()),
            webhook_log,
        });
        let task = tokio::spawn(server::serve(listener, shared.clone(), stopped));
        tracing::debug!(%addr, "Customer.io emulator listening");
        Ok(Emulator {
            addr,
            site_id: self.site_id,
            api_key: self.api_key,
            app_api_key: self.app_api_key,
            write_key: self.write_key,
            shared,
            stop,
            task,
        })
    }
}

/// A running emulator (Track, App and Data Pipelines APIs). Dropping it stops
/// accepting connections.
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    site_id: String,
    api_key: Secret,
    app_api_key: Secret,
    write_key: Secret,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("seed", &self.seed)
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// An emulator on an ephemeral loopback port with the default credentials
    /// ([`DEFAULT_SITE_ID`], [`DEFAULT_API_KEY`], [`DEFAULT_APP_API_KEY`],
    /// [`DEFAULT_WRITE_KEY`]) and no faults.
    pub async fn start() -> io::Result<Emulator> {
        Emulator::builder().start().await
    }

    /// A builder to set credentials, faults, seed or address.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder {
            site_id: DEFAULT_SITE_ID.to_owned(),
            api_key: Secret::new(DEFAULT_API_KEY),
            app_api_key: Secret::new(DEFAULT_APP_API_KEY),
            write_key: Secret::new(DEFAULT_WRITE_KEY),
            faults: Faults::NONE,
            seed: 0,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            log_requests: true,
            wrong_region: false,
            rules: api::Rules::default(),
            journeys: None,
            object_types: &[],
            clock_start: None,
            coverage_dir: std::env::var_os(COVERAGE_DIR_ENV)
                .filter(|dir| !dir.is_empty())
                .map(PathBuf::from),
            webhook: None,
            webhook_retries: webhooks::Retries::default(),
            timestamps: &[],
            topics: &[],
        }
    }

    /// `http://127.0.0.1:PORT`: the origin to give a client as its base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address listened on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The site id accepted.
    pub fn site_id(&self) -> &str {
        &self.site_id
    }

    /// The API key accepted.
    pub fn api_key(&self) -> &str {
        self.api_key.expose()
    }

    /// The App API key accepted.
    pub fn app_api_key(&self) -> &str {
        self.app_api_key.expose()
    }

    /// The Data Pipelines write key accepted.
    pub fn write_key(&self) -> &str {
        self.write_key.expose()
    }

    /// A snapshot of everything accepted so far.
    pub fn record(&self) -> Record {
        self.with_state(|s| s.record.clone())
    }

    /// Reads the record without copying it.
    pub fn with_record<T>(&self, f: impl FnOnce(&Record) -> T) -> T {
        self.with_state(|s| f(&s.record))
    }

    fn with_state<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut state = match self.shared.state.lock() {
            Ok(state) => state,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut state)
    }

    /// What this emulator saw exercised since it started: the event names, the
    /// journeys' messages, the transactional messages and broadcasts, the branches.
    pub fn coverage(&self) -> Coverage {
        self.with_state(|s| s.coverage())
    }

    /// The file this emulator writes its coverage to, if it writes one (see
    /// [`EmulatorBuilder::coverage_dir`]).
    pub fn coverage_file(&self) -> Option<&Path> {
        self.shared.coverage_file.as_ref().map(|f| f.path())
    }

    /// `http://127.0.0.1:PORT/`: the web inbox (people, journeys, rendered messages).
    pub fn inbox_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// The messages the journeys delivered so far, in the order they were sent
    /// (empty when the emulator runs no [journeys](EmulatorBuilder::journeys)).
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.with_simulation(|sim| sim.deliveries().to_vec())
            .unwrap_or_default()
    }

    /// Reads the journeys' simulation (people, journeys and where they stand,
    /// deliveries), if the emulator runs journeys.
    pub fn with_simulation<T>(&self, f: impl FnOnce(&Simulation) -> T) -> Option<T> {
        self.with_state(|s| s.journeys.as_ref().map(|e| f(&e.simulation)))
    }

    /// The journeys' clock, if the emulator runs journeys.
    pub fn now(&self) -> Option<Timestamp> {
        self.with_simulation(Simulation::now)
    }

    /// Moves the journeys' clock forward by `by`, running every step that falls due
    /// (nothing when the emulator runs no journeys).
    pub fn advance(&self, by: std::time::Duration) {
        self.with_state(|s| {
            if let Some(engine) = &mut s.journeys {
                engine.advance(by);
            }
        });
        coverage::flush(&self.shared, false);
    }

    /// Moves the journeys' clock to `time` (never backwards), running every step due
    /// up to it.
    pub fn advance_until(&self, time: Timestamp) {
        self.with_state(|s| {
            if let Some(engine) = &mut s.journeys {
                engine.advance_until(time);
            }
        });
        coverage::flush(&self.shared, false);
    }

    /// The URL the reporting webhooks go to, if the emulator sends them
    /// ([`EmulatorBuilder::webhook`]).
    pub fn webhook_url(&self) -> Option<&str> {
        self.shared.webhook_url.as_deref()
    }

    /// Every reporting webhook sent (or being sent) since the emulator started or
    /// was [cleared](Emulator::clear), in the order they were queued, each with its
    /// attempts and outcome. A test waits for the one it expects by polling this.
    pub fn webhooks(&self) -> Vec<SentWebhook> {
        webhooks::lock(&self.shared.webhook_log).clone()
    }

    /// The reporting webhooks about the journeys' delivery number `delivery` (from
    /// 0, as in [`Emulator::deliveries`]), in the order they were queued.
    pub fn webhooks_of(&self, delivery: usize) -> Vec<SentWebhook> {
        self.with_state(|s| webhooks::of_delivery(s, delivery))
    }

    /// Reports `metric` for the journeys' delivery number `delivery` (from 0, in the
    /// order of [`Emulator::deliveries`]; the inbox's `/messages/N`) with a reporting
    /// webhook, at the journeys' clock: how a test makes an email `opened`,
    /// `clicked` (the first link of its body) or `bounced`. The metric must be one of
    /// the delivery's channel (`Metric::Email(EmailMetric::Opened)` for an email).
    /// Returns the webhook's `event_id`; it is sent in the background, after those
    /// queued before it.
    ///
    /// ```no_run
    /// # fn demo(emulator: &cio_emulator::Emulator) -> Result<(), cio_emulator::ReportError> {
    /// use cio_core::webhook::{EmailMetric, Metric};
    /// let event_id = emulator.report(0, Metric::Email(EmailMetric::Bounced))?;
    /// # let _ = event_id; Ok(()) }
    /// ```
    pub fn report(&self, delivery: usize, metric: Metric) -> Result<String, ReportError> {
        self.with_state(|s| webhooks::report(s, delivery, metric))
    }

    /// The number of requests received (faulted ones included).
    pub fn request_count(&self) -> u64 {
        self.shared.sequence.load(Ordering::Relaxed)
    }

    /// Forgets everything recorded (profiles, events, dedup ids, request log, the
    /// journeys' people and deliveries, their clock back at its start, and the
    /// webhooks sent) and resets the request count. The
    /// [coverage](Emulator::coverage) is kept.
    pub fn clear(&self) {
        self.with_state(|s| {
            let journeys = s.journeys.as_ref().map(Engine::fresh);
            *s = State {
                journeys,
                coverage: std::mem::take(&mut s.coverage),
                timestamps: s.timestamps,
                topics: s.topics,
                ..State::default()
            };
            webhooks::lock(&self.shared.webhook_log).clear();
        });
        self.shared.sequence.store(0, Ordering::Relaxed);
    }

    /// Replaces the random faults (for example to heal a faulty server).
    pub fn set_faults(&self, faults: Faults) {
        if let Ok(mut current) = self.shared.faults.write() {
            *current = faults;
        }
    }

    /// Queues faults for the next requests, one each, in order, before any random one.
    pub fn script(&self, faults: impl IntoIterator<Item = Fault>) {
        if let Ok(mut queue) = self.shared.script.lock() {
            queue.extend(faults);
        }
    }

    /// Stops accepting connections, closes the open ones, and waits for the server.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        let _ = (&mut self.task).await;
        coverage::flush(&self.shared, true);
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        coverage::flush(&self.shared, true);
    }
}
