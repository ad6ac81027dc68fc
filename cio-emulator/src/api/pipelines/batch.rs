//! `/v1/batch`: `{"batch": [calls with a "type"], "context"?, "integrations"?}`. The
//! batch's `context` applies to every call (under the call's own). One invalid call
//! makes the whole batch invalid.

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::envelope::message_id_of;
use super::{calls, limits, Call, CallType, Refusal, Rules};

/// Why a batch request over [`limits::PIPELINES_BATCH`] is refused.
pub(super) const TOO_LARGE: &str = "the batch request is larger than 500 KB";

/// Reads a batch body into its calls, in order.
pub(super) fn read(body: &[u8], rules: &Rules) -> Result<Vec<Call>, Refusal> {
    #[derive(serde::Deserialize)]
    struct Batch<'a> {
        #[serde(borrow)]
        batch: Vec<&'a RawValue>,
        #[serde(default)]
        context: Option<Value>,
        #[serde(default)]
        integrations: Option<Value>,
    }
    if body.len() > limits::PIPELINES_BATCH {
        return Err(Refusal::whole(TOO_LARGE));
    }
    let batch: Batch<'_> = serde_json::from_slice(body)
        .map_err(|e| Refusal::whole(format!("expected {{\"batch\": [...]}}: {e}")))?;
    let context = match batch.context {
        None => None,
        Some(Value::Object(context)) => Some(context),
        Some(_) => return Err(Refusal::whole("context must be an object")),
    };
    if batch.integrations.is_some_and(|i| !i.is_object()) {
        return Err(Refusal::whole("integrations must be an object"));
    }
    batch
        .batch
        .iter()
        .enumerate()
        .map(|(index, raw)| item(index, raw, context.as_ref(), rules))
        .collect()
}

/// Item `index` of a batch.
fn item(
    index: usize,
    raw: &RawValue,
    context: Option<&Map<String, Value>>,
    rules: &Rules,
) -> Result<Call, Refusal> {
    let refuse = |reason: String, message_id: Option<String>| Refusal {
        reason: format!("batch[{index}]: {reason}"),
        item: Some(index),
        message_id,
    };
    let call = match serde_json::from_str::<Value>(raw.get()) {
        Ok(Value::Object(call)) => call,
        Ok(_) => return Err(refuse("a call must be an object".to_owned(), None)),
        Err(e) => return Err(refuse(e.to_string(), None)),
    };
    let message_id = message_id_of(&call);
    if raw.get().len() > limits::PIPELINES_CALL {
        return Err(refuse(
            "the call is larger than 32 KB".to_owned(),
            message_id,
        ));
    }
    let call_type = match call.get("type") {
        Some(Value::String(name)) => CallType::named(name).ok_or_else(|| {
            format!("type must be identify, track, page, screen, group or alias, not `{name}`")
        }),
        None | Some(Value::Null) => Err("type is required".to_owned()),
        Some(_) => Err("type must be a string".to_owned()),
    };
    call_type
        .and_then(|call_type| calls::read(call_type, call, context, rules))
        .map_err(|reason| refuse(reason, message_id))
}
