//! The Track API in process, without a server: [`TrackApi`] answers one request at a
//! time and keeps its record, for fuzzing and for tests that need no socket.

use std::time::Duration;

use cio_core::journey::Journeys;
use cio_core::Timestamp;

use crate::api::pipelines::Mode;
use crate::api::{self, Api, Reply, Rules};
use crate::journeys::Engine;
use crate::record::{Record, State};

/// The emulator's request handling without HTTP: routing, validation against the real
/// API's limits and error bodies, and applying what is accepted to a [`Record`], as
/// the server does for an authenticated request with no fault injected.
///
/// ```
/// let mut api = cio_emulator::TrackApi::new();
/// let (status, _) = api.handle("PUT", "/api/v1/customers/42", br#"{"plan":"pro"}"#);
/// assert_eq!(status, 200);
/// assert_eq!(api.record().profile("42").unwrap()["plan"], "pro");
/// let (status, body) = api.handle("POST", "/api/v2/batch", b"{");
/// assert_eq!(status, 400);
/// assert!(!body.is_empty());
/// ```
#[derive(Debug, Default)]
pub struct TrackApi {
    state: State,
    rules: Rules,
}

impl TrackApi {
    /// An empty account.
    pub fn new() -> Self {
        TrackApi::default()
    }

    /// An empty account whose accepted identifies and events run `journeys`, on a
    /// clock that starts at `start` ([`TrackApi::advance`] moves it).
    pub fn with_journeys(journeys: &'static Journeys, start: Timestamp) -> Self {
        TrackApi {
            state: State {
                journeys: Some(Engine::new(journeys, start)),
                ..State::default()
            },
            rules: Rules::default(),
        }
    }

    /// Answers one request: the status and the body the server would send. `path` is
    /// the request path as sent (percent-encoded); the App API (`/v1/...`) renders
    /// what it sends, as the server does. A body over the server's read limit is
    /// answered `413`, as the server does. Data Pipelines requests are judged in
    /// permissive mode (as without `X-Strict-Mode: 1`).
    pub fn handle(&mut self, method: &str, path: &str, body: &[u8]) -> (u16, Vec<u8>) {
        let api = Api::of(path.split('?').next().unwrap_or(path));
        let reply = if body.len() > api.body_limit() && api != Api::Pipelines {
            Reply::v1(413, "request body too large")
        } else {
            match api::route(method, path, body, Mode::Permissive, &self.rules) {
                Ok(mut action) => {
                    let snapshot = api::snapshot(&mut self.state, &mut action);
                    let action = api::fill(action, snapshot);
                    api::apply(&mut self.state, action)
                }
                Err(reply) => reply,
            }
        };
        (reply.status, reply.body)
    }

    /// Moves the journeys' clock forward, running every step due (nothing without
    /// journeys).
    pub fn advance(&mut self, by: Duration) {
        if let Some(engine) = &mut self.state.journeys {
            engine.advance(by);
        }
    }

    /// What was accepted so far.
    pub fn record(&self) -> &Record {
        &self.state.record
    }
}
