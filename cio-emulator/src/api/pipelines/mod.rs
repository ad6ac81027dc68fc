//! The Data Pipelines API (`POST /v1/{identify,track,page,screen,group,alias,batch}`,
//! HTTP Basic auth of a write key: [`authorized`]).
//!
//! Each call is read and checked against the documented field rules and size limits
//! ([`calls`], [`semantic`], [`batch`]) into [`Call`]s, which feed the same people,
//! events, devices and journeys as the Track API ([`apply()`]). An invalid request
//! is refused with `400` and `{"meta":{"errors":[reason]}}` in strict mode
//! (`X-Strict-Mode: 1`); otherwise it is answered `200 {}`, nothing of it applied,
//! and recorded as a [`DroppedCall`].

mod apply;
mod auth;
mod batch;
mod calls;
mod envelope;
mod semantic;

use serde_json::{Map, Value};

use super::{limits, Action, Reply, Rules};
use crate::record::{DroppedCall, ObjectCall};
pub(crate) use apply::apply;
pub(crate) use auth::authorized;

/// The request header that asks for strict mode.
pub(crate) const STRICT_MODE_HEADER: &str = "x-strict-mode";

/// The six calls, each served on `/v1/<name>` and allowed as a batch item `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallType {
    Identify,
    Track,
    Page,
    Screen,
    Group,
    Alias,
}

impl CallType {
    const ALL: [CallType; 6] = [
        CallType::Identify,
        CallType::Track,
        CallType::Page,
        CallType::Screen,
        CallType::Group,
        CallType::Alias,
    ];

    /// The call named `name` (a path's last segment, a batch item's `type`).
    fn named(name: &str) -> Option<CallType> {
        CallType::ALL.into_iter().find(|call| call.name() == name)
    }

    /// Its name on the wire.
    fn name(self) -> &'static str {
        match self {
            CallType::Identify => "identify",
            CallType::Track => "track",
            CallType::Page => "page",
            CallType::Screen => "screen",
            CallType::Group => "group",
            CallType::Alias => "alias",
        }
    }
}

/// How an invalid request is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `X-Strict-Mode: 1`: `400` with the reason.
    Strict,
    /// Any other value, or none: `200 {}`, the request dropped and recorded.
    Permissive,
}

impl Mode {
    /// The mode an `X-Strict-Mode` header value asks for: strict for exactly `1`.
    pub(crate) fn of(header: Option<&[u8]>) -> Mode {
        if header == Some(b"1") {
            Mode::Strict
        } else {
            Mode::Permissive
        }
    }
}

/// A valid call, ready to apply.
#[derive(Debug)]
pub(crate) struct Call {
    call_type: CallType,
    message_id: Option<String>,
    effect: Effect,
}

/// What a valid call does.
#[derive(Debug)]
enum Effect {
    /// What the Track API request of the same meaning does: an identify, an event,
    /// page or screen view, a delete, (un)suppress, a device added or deleted, a
    /// delivery metric.
    Track(Action),
    /// `alias`: the person `secondary` (`previousId`) merged into `primary` (`userId`).
    Alias { primary: String, secondary: String },
    /// An identify of an `anonymousId` alone.
    AnonymousIdentify {
        anonymous_id: String,
        traits: Map<String, Value>,
    },
    /// A call about an object, kept as it came.
    Object(ObjectCall),
}

/// Why a request is invalid, and the call that made it so.
#[derive(Debug)]
struct Refusal {
    reason: String,
    /// The batch item, by index.
    item: Option<usize>,
    message_id: Option<String>,
}

impl Refusal {
    /// The request as a whole is invalid.
    fn whole(reason: impl Into<String>) -> Refusal {
        Refusal {
            reason: reason.into(),
            item: None,
            message_id: None,
        }
    }
}

/// Whether `path` (without its query) is a Pipelines path.
pub(crate) fn serves(path: &str) -> bool {
    path.strip_prefix("/v1/").is_some_and(serves_endpoint)
}

/// Whether `endpoint` (what follows `/v1/`) is a Pipelines endpoint.
pub(crate) fn serves_endpoint(endpoint: &str) -> bool {
    endpoint == "batch" || CallType::named(endpoint).is_some()
}

/// Reads a Pipelines request; `endpoint` is what follows `/v1/`.
pub(crate) fn route(
    method: &str,
    endpoint: &str,
    body: &[u8],
    mode: Mode,
    rules: &Rules,
) -> Result<Action, Reply> {
    if method != "POST" {
        return Err(Reply::v1(405, "method not allowed"));
    }
    let read = match CallType::named(endpoint) {
        Some(call_type) => calls::read_request(call_type, body, rules).map(|call| vec![call]),
        None => batch::read(body, rules),
    };
    match read {
        Ok(calls) => Ok(Action::Pipelines(calls)),
        Err(refusal) => refuse(endpoint, refusal, mode),
    }
}

/// Answers a Pipelines request whose body was over [`limits::PIPELINES_BATCH`] and
/// so was not read: too large, as Customer.io judges it.
pub(crate) fn cut_off(path: &str, mode: Mode) -> Result<Action, Reply> {
    let endpoint = path.strip_prefix("/v1/").unwrap_or(path);
    let reason = if CallType::named(endpoint).is_some() {
        calls::TOO_LARGE
    } else {
        batch::TOO_LARGE
    };
    refuse(endpoint, Refusal::whole(reason), mode)
}

/// Strict mode's `400`, or permissive mode's drop.
fn refuse(endpoint: &str, refusal: Refusal, mode: Mode) -> Result<Action, Reply> {
    match mode {
        Mode::Strict => Err(Reply::v1(400, &refusal.reason)),
        Mode::Permissive => Ok(Action::PipelinesDropped(DroppedCall {
            path: format!("/v1/{endpoint}"),
            item: refusal.item,
            message_id: refusal.message_id,
            reason: refusal.reason,
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_seven_paths_are_pipelines() {
        for path in [
            "/v1/identify",
            "/v1/track",
            "/v1/page",
            "/v1/screen",
            "/v1/group",
            "/v1/alias",
            "/v1/batch",
        ] {
            assert!(serves(path), "{path}");
        }
        for path in ["/v1/send/email", "/v1/track/x", "/api/v1/track", "/v1/"] {
            assert!(!serves(path), "{path}");
        }
    }

    #[test]
    fn strict_mode_is_exactly_1() {
        assert_eq!(Mode::of(Some(b"1")), Mode::Strict);
        for other in [None, Some(&b"0"[..]), Some(b"true"), Some(b"")] {
            assert_eq!(Mode::of(other), Mode::Permissive);
        }
    }
}
