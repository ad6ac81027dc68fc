//! The Track API in process, without a server: [`TrackApi`] answers one request at a
//! time and keeps its record, for fuzzing and for tests that need no socket.

use crate::api::{self, limits, Reply, Rules};
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

    /// Answers one request: the status and the body the server would send. `path` is
    /// the request path as sent (percent-encoded). A body over the server's read limit
    /// is answered `413`, as the server does.
    pub fn handle(&mut self, method: &str, path: &str, body: &[u8]) -> (u16, Vec<u8>) {
        let reply = if body.len() > limits::V1_BODY.max(limits::BATCH) {
            Reply::v1(413, "request body too large")
        } else {
            match api::route(method, path, body, &self.rules) {
                Ok(action) => api::apply(&mut self.state, action),
                Err(reply) => reply,
            }
        };
        (reply.status, reply.body)
    }

    /// What was accepted so far.
    pub fn record(&self) -> &Record {
        &self.state.record
    }
}
