//! The HTTP side: accepting connections, reading requests, injecting faults,
//! answering.

use std::collections::VecDeque;
use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::header::{
    HeaderValue, AUTHORIZATION, CACHE_CONTROL, CONTENT_SECURITY_POLICY as CSP, CONTENT_TYPE,
    LOCATION, RETRY_AFTER,
};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::api::pipelines::{self, Mode, STRICT_MODE_HEADER};
use crate::api::{self, Api, Reply};
use crate::coverage::{self, CoverageFile};
use crate::faults::{Fault, Faults};
use crate::guard;
use crate::inbox::{self, CONTENT_SECURITY_POLICY};
use crate::record::{RequestLog, State};

/// The EU origin a wrong-region redirect points to.
pub(crate) const EU_ORIGIN: &str = "https://track-eu.customer.io";

/// Everything the connections share.
pub(crate) struct Shared {
    pub(crate) state: Mutex<State>,
    pub(crate) faults: RwLock<Faults>,
    pub(crate) script: Mutex<VecDeque<Fault>>,
    pub(crate) seed: u64,
    pub(crate) expected_auth: HeaderValue,
    pub(crate) expected_app_auth: HeaderValue,
    /// The Data Pipelines write key (Basic auth user name, empty password).
    pub(crate) write_key: String,
    pub(crate) log_requests: bool,
    pub(crate) wrong_region: bool,
    pub(crate) sequence: AtomicU64,
    pub(crate) rules: api::Rules,
    /// Where this emulator writes its coverage, when asked to.
    pub(crate) coverage_file: Option<CoverageFile>,
    /// The address listened on (a `Host` the emulator answers, see [`guard`]).
    pub(crate) listening: SocketAddr,
    /// Where the reporting webhooks go, if anywhere.
    pub(crate) webhook_url: Option<String>,
    /// The reporting webhooks sent.
    pub(crate) webhook_log: crate::webhooks::Log,
}

/// The error that makes hyper close the connection without an answer.
#[derive(Debug)]
pub(crate) struct Reset;

impl fmt::Display for Reset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection reset by fault injection")
    }
}

impl std::error::Error for Reset {}

/// Accepts connections until `shutdown` changes.
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.changed() => return,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                tracing::debug!(error = %e, "accept failed");
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        let mut stop = shutdown.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| handle(shared.clone(), req));
            let conn = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                result = conn => {
                    if let Err(e) = result {
                        tracing::trace!(error = %e, "connection closed");
                    }
                }
                _ = stop.changed() => {}
            }
        });
    }
}

fn respond(reply: Reply) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(reply.body)));
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Some(location) = reply.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        headers.insert(LOCATION, location);
    }
    if let Some(after) = reply
        .retry_after
        .and_then(|r| HeaderValue::from_str(&r).ok())
    {
        headers.insert(RETRY_AFTER, after);
    }
    response
}

fn fault_reply(status: u16) -> Reply {
    let message = match status {
        429 => "rate limited",
        500 => "internal server error",
        502 => "bad gateway",
        503 => "service unavailable",
        504 => "gateway timeout",
        _ => "injected fault",
    };
    Reply::v1_single(status, message)
}

/// Answers one request, then writes the coverage file if the request brought news.
async fn handle(
    shared: Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Reset> {
    let answer = answer(shared.clone(), req).await;
    coverage::flush(&shared, false);
    answer
}

async fn answer(
    shared: Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Reset> {
    let (parts, body) = req.into_parts();
    if let Some(reason) = guard::refusal(&parts, shared.listening) {
        // Before anything is read, counted or logged: a web page gets nothing.
        return Ok(respond(Reply::v1_single(403, reason)));
    }
    if inbox::handles(parts.uri.path()) {
        return Ok(inbox_answer(&shared, &parts, body).await);
    }
    let seq = shared.sequence.fetch_add(1, Ordering::Relaxed);
    let api = Api::of(parts.uri.path());
    // `None`: a Pipelines body over its limit, not read; it is answered as too large.
    let body = match Limited::new(body, api.body_limit() + 1).collect().await {
        Ok(collected) => Some(collected.to_bytes()),
        Err(e) if api == Api::Pipelines && e.downcast_ref::<LengthLimitError>().is_some() => None,
        Err(_) => {
            // Over the limit or broken: answer 413 (hyper closes after an unread body).
            return Ok(respond(Reply::v1(413, "request body too large")));
        }
    };
    let body_len = body.as_ref().map_or(0, Bytes::len);
    let arrived = Instant::now();
    let method = parts.method.as_str();
    let path = parts.uri.path();

    let fault = {
        let scripted = shared.script.lock().ok().and_then(|mut q| q.pop_front());
        match scripted {
            Some(fault) => Some(fault),
            None => {
                let faults = shared.faults.read().map(|f| f.clone()).unwrap_or_default();
                if !faults.latency.is_zero() {
                    tokio::time::sleep(faults.latency).await;
                }
                if faults.is_none() {
                    None
                } else {
                    faults.draw(shared.seed, seq)
                }
            }
        }
    };
    let fault = match fault {
        Some(Fault::Delay(d)) => {
            tokio::time::sleep(d).await;
            None
        }
        other => other,
    };

    let reset = matches!(fault, Some(Fault::Reset));
    let mut after_apply = None;
    let reply = match fault {
        Some(Fault::Reset) => None,
        Some(Fault::Status(status)) => Some(fault_reply(status)),
        Some(Fault::TooManyRequests { retry_after }) => {
            let mut reply = fault_reply(429);
            reply.retry_after = Some(retry_after);
            Some(reply)
        }
        Some(Fault::WrongRegion(status)) => Some(redirect(status, &parts.uri)),
        Some(Fault::StatusAfterApply(status)) => {
            after_apply = Some(fault_reply(status));
            None
        }
        Some(Fault::Answer {
            status,
            body,
            apply,
        }) => {
            let crafted = Reply::new(status, body.into_bytes());
            if apply {
                after_apply = Some(crafted);
                None
            } else {
                Some(crafted)
            }
        }
        Some(Fault::Delay(_)) | None => None,
    };
    let reply = match reply {
        Some(reply) => Some(reply),
        None if reset => None,
        None if shared.wrong_region => Some(redirect(301, &parts.uri)),
        None if api == Api::Pipelines
            && !pipelines::authorized(parts.headers.get(AUTHORIZATION), &shared.write_key) =>
        {
            Some(Reply::v1(
                401,
                "Unauthorized: Basic auth of the write key is required",
            ))
        }
        None if api == Api::App
            && parts.headers.get(AUTHORIZATION) != Some(&shared.expected_app_auth) =>
        {
            Some(Reply::v1_single(401, "Unauthorized"))
        }
        None if api == Api::Track
            && parts.headers.get(AUTHORIZATION) != Some(&shared.expected_auth) =>
        {
            Some(Reply::v1_single(401, "Unauthorized request"))
        }
        None => {
            let target = parts.uri.path_and_query().map_or(path, |p| p.as_str());
            let mode = Mode::of(
                parts
                    .headers
                    .get(STRICT_MODE_HEADER)
                    .map(HeaderValue::as_bytes),
            );
            let action = match &body {
                // Rendering (App API sends) happens here, outside the lock.
                Some(body) => api::route(method, target, body, mode, &shared.rules)
                    .map(|action| api::render(&shared.state, action)),
                None => pipelines::cut_off(path, mode),
            };
            let mut state = match shared.state.lock() {
                Ok(state) => state,
                Err(poisoned) => poisoned.into_inner(),
            };
            let arrived_before = state.record.event_arrivals();
            let reply = match action {
                Ok(action) => api::apply(&mut state, action),
                Err(reply) => reply,
            };
            let reply = match after_apply {
                Some(crafted) if (200..300).contains(&reply.status) => {
                    if !(200..300).contains(&crafted.status) {
                        let lost = state.record.event_arrivals() - arrived_before;
                        state.record.unacknowledged += lost;
                    }
                    crafted
                }
                _ => reply,
            };
            if shared.log_requests {
                state.record.requests.push(log(
                    seq,
                    &parts,
                    path,
                    arrived,
                    body_len,
                    Some(reply.status),
                ));
            }
            return Ok(respond(reply));
        }
    };
    if shared.log_requests {
        let status = reply.as_ref().map(|r| r.status);
        if let Ok(mut state) = shared.state.lock() {
            state
                .record
                .requests
                .push(log(seq, &parts, path, arrived, body_len, status));
        }
    }
    match reply {
        Some(reply) => Ok(respond(reply)),
        None => Err(Reset),
    }
}

/// The largest body an inbox route reads (a clock move is a few bytes).
const INBOX_BODY: usize = 4 * 1024;

/// Answers an inbox or control route: outside authentication, fault injection, the
/// request count and the request log.
async fn inbox_answer(
    shared: &Shared,
    parts: &hyper::http::request::Parts,
    body: Incoming,
) -> Response<Full<Bytes>> {
    let page = match Limited::new(body, INBOX_BODY).collect().await {
        Ok(body) => {
            let body = body.to_bytes();
            let mut state = match shared.state.lock() {
                Ok(state) => state,
                Err(poisoned) => poisoned.into_inner(),
            };
            inbox::answer(
                &mut state,
                parts.method.as_str(),
                parts.uri.path(),
                parts.uri.query(),
                &body,
            )
        }
        Err(_) => inbox::Page {
            status: 413,
            content_type: "text/plain",
            body: b"request body too large".to_vec(),
            location: None,
        },
    };
    let mut response = Response::new(Full::new(Bytes::from(page.body)));
    *response.status_mut() =
        StatusCode::from_u16(page.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(page.content_type));
    headers.insert(CSP, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    if let Some(location) = page.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        headers.insert(LOCATION, location);
    }
    response
}

fn redirect(status: u16, uri: &hyper::Uri) -> Reply {
    let mut reply = Reply::v1_single(status, "wrong datacenter");
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    reply.location = Some(format!("{EU_ORIGIN}{path}"));
    reply
}

fn log(
    seq: u64,
    parts: &hyper::http::request::Parts,
    path: &str,
    arrived: Instant,
    body_len: usize,
    status: Option<u16>,
) -> RequestLog {
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    RequestLog {
        seq,
        method: parts.method.as_str().to_owned(),
        path: path.to_owned(),
        arrived,
        retry_count: header("x-retry-count").and_then(|v| v.parse().ok()),
        user_agent: header("user-agent"),
        body_len,
        status,
    }
}
