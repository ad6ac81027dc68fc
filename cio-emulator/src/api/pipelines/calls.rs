//! One call (the body of `/v1/<call>`, or a batch item) read into what it does:
//! identify, track, page, screen, group and alias, with their documented field rules.

use serde_json::{Map, Value};

use super::envelope::{message_id_of, non_empty_string, object, person_key, Envelope, Subject};
use super::{limits, semantic, Action, Call, CallType, Effect, Refusal, Rules};
use crate::api::v1::parse_object;
use crate::record::{ApiVersion, ObjectCall, StoredEvent};

/// Why a single-call request over [`limits::PIPELINES_CALL`] is refused.
pub(super) const TOO_LARGE: &str = "the request is larger than 32 KB";

/// The object type a `group` call without `traits.object_type_id` is about.
pub(super) const DEFAULT_OBJECT_TYPE: &str = "1";

/// Reads the body of a single-call request (`/v1/identify`, `/v1/track`, ...).
pub(super) fn read_request(
    call_type: CallType,
    body: &[u8],
    rules: &Rules,
) -> Result<Call, Refusal> {
    if body.len() > limits::PIPELINES_CALL {
        return Err(Refusal::whole(TOO_LARGE));
    }
    let call = parse_object(body).map_err(Refusal::whole)?;
    let message_id = message_id_of(&call);
    read(call_type, call, None, rules).map_err(|reason| Refusal {
        reason,
        item: None,
        message_id,
    })
}

/// Reads one call; `batch_context` is the `context` of its batch, if any. `Err` is the
/// rule it breaks.
pub(super) fn read(
    call_type: CallType,
    mut call: Map<String, Value>,
    batch_context: Option<&Map<String, Value>>,
    rules: &Rules,
) -> Result<Call, String> {
    let envelope = Envelope::read(&mut call, batch_context)?;
    let effect = match call_type {
        CallType::Identify => identify(&envelope, &mut call)?,
        CallType::Track => track(&envelope, &mut call, rules)?,
        CallType::Page | CallType::Screen => view(call_type, &envelope, &mut call)?,
        CallType::Group => group(&envelope, &mut call)?,
        CallType::Alias => alias(&envelope, &mut call)?,
    };
    Ok(Call {
        call_type,
        message_id: envelope.message_id,
        effect,
    })
}

/// `identify`: `traits` become the person's attributes; the `timestamp` (to the
/// millisecond) orders identifies as Track v2's does.
fn identify(envelope: &Envelope, call: &mut Map<String, Value>) -> Result<Effect, String> {
    let subject = envelope.subject()?;
    let traits = object(call, "traits")?.unwrap_or_default();
    Ok(match subject {
        Subject::Person(person) => {
            Effect::Track(Action::Identify(person, traits, envelope.milliseconds()))
        }
        Subject::Anonymous(anonymous_id) => Effect::AnonymousIdentify {
            anonymous_id,
            traits,
        },
    })
}

/// `track`: an event named `event` with `properties` as its data, or a semantic event.
fn track(
    envelope: &Envelope,
    call: &mut Map<String, Value>,
    rules: &Rules,
) -> Result<Effect, String> {
    let subject = envelope.subject()?;
    let name = match call.remove("event") {
        Some(Value::String(name)) if !name.trim().is_empty() => name,
        None | Some(Value::Null | Value::String(_)) => return Err("event is required".to_owned()),
        Some(_) => return Err("event must be a string".to_owned()),
    };
    let properties = object(call, "properties")?;
    if let Some(effect) = semantic::effect(&name, envelope, properties.as_ref()) {
        return effect;
    }
    if rules.rejected_events.contains(&name) {
        return Err(format!("events named `{name}` are refused"));
    }
    Ok(event(subject, envelope, name, "event", properties))
}

/// `page` and `screen`: a view named `name` (empty when absent), `properties` as data.
fn view(
    call_type: CallType,
    envelope: &Envelope,
    call: &mut Map<String, Value>,
) -> Result<Effect, String> {
    let subject = envelope.subject()?;
    let name = non_empty_string(call, "name")?.unwrap_or_default();
    let properties = object(call, "properties")?;
    Ok(event(subject, envelope, name, call_type.name(), properties))
}

/// An event, page or screen view: the `messageId` is its id (arrivals counted,
/// duplicates ignored, as Track event ids are).
fn event(
    subject: Subject,
    envelope: &Envelope,
    name: String,
    kind: &str,
    properties: Option<Map<String, Value>>,
) -> Effect {
    let person = match subject {
        Subject::Person(person) => Some(person),
        Subject::Anonymous(_) => None,
    };
    Effect::Track(Action::Event(
        person,
        StoredEvent {
            id: envelope.message_id.clone(),
            name,
            kind: kind.to_owned(),
            data: properties.map_or(Value::Null, Value::Object),
            timestamp: envelope.seconds(),
            anonymous_id: envelope.anonymous_id.clone(),
            via: ApiVersion::Pipelines,
        },
    ))
}

/// `group`: an object (`groupId`, of type `traits.object_type_id`, a string).
fn group(envelope: &Envelope, call: &mut Map<String, Value>) -> Result<Effect, String> {
    let object_id = match call.remove("groupId") {
        Some(Value::String(id)) if !id.is_empty() => id,
        None | Some(Value::Null | Value::String(_)) => return Err("groupId is required".to_owned()),
        Some(_) => return Err("groupId must be a string".to_owned()),
    };
    let traits = object(call, "traits")?.unwrap_or_default();
    let object_type_id = match traits.get("object_type_id") {
        None | Some(Value::Null) => DEFAULT_OBJECT_TYPE.to_owned(),
        Some(Value::String(id)) if is_stringified_integer(id) => id.clone(),
        Some(other) => {
            return Err(format!(
                "traits.object_type_id must be a string holding an integer (\"1\"), not {other}"
            ))
        }
    };
    Ok(Effect::Object(ObjectCall::Group {
        person: envelope.user_id.as_deref().map(person_key),
        anonymous_id: envelope.anonymous_id.clone(),
        object_type_id,
        object_id,
        traits,
    }))
}

/// `"1"`, `"42"`: what `object_type_id` holds.
fn is_stringified_integer(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// `alias`: the person `previousId` merged into the person `userId`.
fn alias(envelope: &Envelope, call: &mut Map<String, Value>) -> Result<Effect, String> {
    let primary = envelope.person("alias")?;
    let secondary =
        non_empty_string(call, "previousId")?.ok_or_else(|| "previousId is required".to_owned())?;
    Ok(Effect::Alias {
        primary,
        secondary: person_key(&secondary),
    })
}
