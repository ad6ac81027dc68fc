//! The APIs themselves: routing ([`route`]) to the Track v1 and v2, App API and Data
//! Pipelines request readers, which validate a request against the real API's
//! limits and error bodies into an [`Action`], and applying an accepted action to
//! the state ([`apply()`]).

mod app;
mod app_render;
mod apply;
mod items;
pub(crate) mod pipelines;
mod relations;
mod reports;
mod v1;
mod v2;

use serde_json::{json, Map, Value};

use crate::record::{
    DroppedCall, StoredDevice, StoredEvent, StoredMetric, StoredSend, StoredTrigger,
};
pub(crate) use app_render::{fill, render, snapshot};
pub(crate) use apply::apply;
use pipelines::Mode;

/// Track API limits, in bytes (a count for attributes).
pub(crate) mod limits {
    /// Event name.
    pub(crate) const EVENT_NAME: usize = 100;
    /// Event data.
    pub(crate) const EVENT_DATA: usize = 100_000;
    /// Identifier, attribute name.
    pub(crate) const IDENTIFIER: usize = 150;
    /// Attribute value (serialized).
    pub(crate) const ATTRIBUTE_VALUE: usize = 1000;
    /// Attributes per identify.
    pub(crate) const ATTRIBUTE_COUNT: usize = 300;
    /// v2 `/entity` request and each batch operation.
    pub(crate) const ENTITY: usize = 32 * 1024;
    /// v2 `/batch` request.
    pub(crate) const BATCH: usize = 500 * 1024;
    /// Any v1 request body.
    pub(crate) const V1_BODY: usize = 1024 * 1024;
    /// An App API request body: its attachments (2 MB of base64) and as much again
    /// as a v1 body for the rest, so that every send within the attachment limit
    /// is read and judged, not cut off as too large.
    pub(crate) const APP_BODY: usize = super::app::ATTACHMENTS_MAX + V1_BODY;
    /// A Data Pipelines call: a single-call request, and each call of a batch.
    pub(crate) const PIPELINES_CALL: usize = 32 * 1024;
    /// A Data Pipelines `/v1/batch` request.
    pub(crate) const PIPELINES_BATCH: usize = 500 * 1024;
}

/// An answer: status, JSON body, extra headers.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
    pub(crate) location: Option<String>,
    pub(crate) retry_after: Option<String>,
}

impl Reply {
    pub(crate) fn new(status: u16, body: Vec<u8>) -> Self {
        Reply {
            status,
            body,
            location: None,
            retry_after: None,
        }
    }

    pub(crate) fn ok() -> Self {
        Reply::new(200, b"{}".to_vec())
    }

    /// A v1 error: `{"meta":{"errors":[message]}}`.
    pub(crate) fn v1(status: u16, message: &str) -> Self {
        Reply::new(
            status,
            json!({"meta": {"errors": [message]}})
                .to_string()
                .into_bytes(),
        )
    }

    /// A v1 error with `meta.error` (merge, auth).
    pub(crate) fn v1_single(status: u16, message: &str) -> Self {
        Reply::new(
            status,
            json!({"meta": {"error": message}}).to_string().into_bytes(),
        )
    }

    /// A v2 whole-request error: `{"errors":[{reason, field, message}]}`.
    pub(super) fn v2(status: u16, e: &ItemError) -> Self {
        Reply::new(
            status,
            json!({"errors": [{"reason": e.reason, "field": e.field, "message": e.message}]})
                .to_string()
                .into_bytes(),
        )
    }
}

/// Extra validation rules a test sets up.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rules {
    /// Events with these names are invalid (a poison item).
    pub(crate) rejected_events: Vec<String>,
    /// The ids of the manual segments that exist (others answer `404`).
    pub(crate) manual_segments: Vec<u64>,
    /// The transactional messages and broadcasts that exist, with their templates
    /// (when empty, any id is accepted and nothing is rendered).
    pub(crate) app_messages: &'static [cio_core::AppTemplate],
}

/// Why one v2 operation (or a v1 body) is invalid.
#[derive(Debug, Clone)]
pub(crate) struct ItemError {
    pub(super) reason: &'static str,
    pub(super) field: String,
    pub(super) message: String,
}

/// An [`ItemError`].
pub(super) fn invalid(reason: &'static str, field: &str, message: impl Into<String>) -> ItemError {
    ItemError {
        reason,
        field: field.to_owned(),
        message: message.into(),
    }
}

/// A validated request, to apply to the state.
#[derive(Debug)]
pub(crate) enum Action {
    /// A customer, their attributes, and the update's `timestamp` in milliseconds
    /// (v2, Pipelines), if given.
    Identify(String, Map<String, Value>, Option<i64>),
    Event(Option<String>, StoredEvent),
    Delete(String),
    Suppress(String),
    Unsuppress(String),
    AddDevice(String, String, StoredDevice),
    DeleteDevice(String, String),
    Merge(String, String),
    /// An operation accepted but not recorded (deliveries).
    Ignore,
    /// An object created or updated with these attributes.
    Object(crate::objects::ObjectKey, Map<String, Value>),
    /// An object deleted.
    DeleteObject(crate::objects::ObjectKey),
    /// A person related to objects.
    Relate(String, Vec<crate::objects::Related>),
    /// A person's relationships to objects removed.
    Unrelate(String, Vec<crate::objects::ObjectKey>),
    /// The actions of one operation, applied in order (an identify and the
    /// relationships it carries).
    All(Vec<Action>),
    Region,
    /// A delivery metric (`/metrics`) or push event (`/push/events`).
    Metric(StoredMetric),
    /// A form submission: the form id and its data.
    Form(String, Map<String, Value>),
    /// Members added to or removed from a manual segment.
    Segment {
        segment: u64,
        add: bool,
        members: Vec<String>,
    },
    /// An unsubscribe (or resubscribe) by delivery id.
    Unsubscribe(String, bool),
    /// A transactional send (App API), with its template when known.
    Send(StoredSend, Option<&'static cio_core::AppTemplate>),
    /// A broadcast trigger (App API), with its template when known.
    Trigger(StoredTrigger, Option<&'static cio_core::AppTemplate>),
    /// A v2 batch: the valid operations and the invalid ones, by index.
    Batch(Vec<(usize, Action)>, Vec<(usize, ItemError)>),
    /// Valid Data Pipelines calls (one, or a whole batch), applied in order.
    Pipelines(Vec<pipelines::Call>),
    /// An invalid Data Pipelines request in permissive mode: recorded, answered `200`.
    PipelinesDropped(DroppedCall),
}

/// Which API a path belongs to: it decides the credentials asked and how much of
/// the body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Api {
    /// Track v1 and v2 (`/api/...`, Basic auth of site id and API key), and any
    /// unknown path.
    Track,
    /// The App API (`/v1/...`, Bearer auth).
    App,
    /// Data Pipelines (`POST /v1/{identify,track,page,screen,group,alias,batch}`,
    /// Basic auth of the write key).
    Pipelines,
    /// Served without credentials (`/unsubscribe/{delivery_id}`).
    Public,
}

impl Api {
    /// The API of `path` (without its query).
    pub(crate) fn of(path: &str) -> Api {
        if pipelines::serves(path) {
            Api::Pipelines
        } else if path.starts_with("/v1/") {
            Api::App
        } else if path.starts_with("/unsubscribe/") {
            Api::Public
        } else {
            Api::Track
        }
    }

    /// The largest body read: beyond it, a request is answered without routing
    /// (`413`, or for Pipelines what a too large request gets, see
    /// [`pipelines::cut_off`]).
    pub(crate) fn body_limit(self) -> usize {
        match self {
            Api::App => limits::APP_BODY,
            Api::Pipelines => limits::PIPELINES_BATCH,
            Api::Track | Api::Public => limits::V1_BODY.max(limits::BATCH),
        }
    }
}

/// Routes a request (its path, with or without a query) to the reader of its API
/// version; `Err` is the answer to give at once. `mode` is how strictly a Data
/// Pipelines request is judged (other APIs ignore it).
pub(crate) fn route(
    method: &str,
    path: &str,
    body: &[u8],
    mode: Mode,
    rules: &Rules,
) -> Result<Action, Reply> {
    let (path, query) = match path.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path, None),
    };
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        ["api", "v2", rest @ ..] => v2::route(method, rest, body, rules),
        ["api", "v1", rest @ ..] => v1::route(method, rest, query, body, rules),
        ["v1", endpoint] if pipelines::serves_endpoint(endpoint) => {
            pipelines::route(method, endpoint, body, mode, rules)
        }
        ["v1", rest @ ..] => app::route(method, rest, body, rules),
        ["unsubscribe", id] if method == "POST" => {
            let id = v1::v1_customer(id)?;
            let object = v1::parse_object(body).map_err(|m| Reply::v1(400, &m))?;
            reports::unsubscribe(id, &object)
        }
        ["unsubscribe", _] => Err(Reply::v1(405, "method not allowed")),
        _ => Err(Reply::v1(404, "not found")),
    }
}
