//! The App API (`/v1/...`, Bearer auth): transactional sends
//! (`POST /v1/send/{email|push|sms|in_app|inbox_message}`) and API-triggered broadcasts
//! (`POST /v1/campaigns/{id}/triggers`), validated as Customer.io documents them,
//! errors as `{"meta":{"error":"..."}}`.

use base64::Engine as _;
use cio_core::{AppTarget, AppTemplate};
use serde_json::{Map, Value};

use super::v1::parse_object;
use super::{Action, Reply, Rules};
use crate::record::{StoredSend, StoredTrigger};

/// The base64 text all attachments of one message may hold together.
pub(crate) const ATTACHMENTS_MAX: usize = 2 * 1024 * 1024;

const SEND_KEYS: &[&str] = &[
    "transactional_message_id",
    "identifiers",
    "message_data",
    "to",
    "from",
    "reply_to",
    "cc",
    "bcc",
    "subject",
    "preheader",
    "body",
    "body_plain",
    "body_amp",
    "headers",
    "attachments",
    "fake_bcc",
    "tracked",
    "disable_message_retention",
    "send_to_unsubscribed",
    "queue_draft",
    "disable_css_preprocessing",
    "send_at",
    "language",
    "title",
    "message",
    "image_url",
    "link",
    "custom_data",
    "custom_payload",
    "custom_device",
    "sound",
];

const AUDIENCES: &[&str] = &[
    "ids",
    "emails",
    "per_user_data",
    "data_file_url",
    "recipients",
];
const TRIGGER_FLAGS: &[&str] = &[
    "id_ignore_missing",
    "email_ignore_missing",
    "email_add_duplicates",
];

fn error(status: u16, message: &str) -> Reply {
    Reply::v1_single(status, message)
}

/// Reads an App API request; `path` is what follows `/v1/`.
pub(super) fn route(
    method: &str,
    path: &[&str],
    body: &[u8],
    rules: &Rules,
) -> Result<Action, Reply> {
    match (method, path) {
        ("POST", ["send", channel @ ("email" | "push" | "sms" | "in_app" | "inbox_message")]) => {
            let object = parse_object(body).map_err(|m| error(400, &m))?;
            let send = send(channel, object)?;
            let template = transactional(rules.app_messages, &send)?;
            Ok(Action::Send(
                StoredSend {
                    template: template.map(|t| t.name.to_owned()),
                    ..send
                },
                template,
            ))
        }
        ("POST", ["campaigns", id, "triggers"]) => {
            let Ok(id) = id.parse::<u64>() else {
                return Err(error(404, "broadcast not found"));
            };
            let template = match rules.app_messages {
                [] => None,
                known => match known.iter().find(|t| t.target == AppTarget::Broadcast(id)) {
                    Some(t) => Some(t),
                    None => return Err(error(404, "broadcast not found")),
                },
            };
            let object = parse_object(body).map_err(|m| error(400, &m))?;
            Ok(Action::Trigger(trigger(id, object)?, template))
        }
        (_, ["send", _] | ["campaigns", _, "triggers"]) => Err(error(405, "method not allowed")),
        _ => Err(error(404, "not found")),
    }
}

/// The transactional message `send` names among `known` (`None` when none is
/// known); an id no known message answers to, or a send on another channel than
/// the message's, is refused.
fn transactional(
    known: &'static [AppTemplate],
    send: &StoredSend,
) -> Result<Option<&'static AppTemplate>, Reply> {
    if known.is_empty() {
        return Ok(None);
    }
    let Some(template) = known.iter().find(|t| t.answers_to(&send.message_id)) else {
        return Err(error(
            404,
            &format!("transactional message {} not found", send.message_id),
        ));
    };
    if let AppTarget::Transactional(_, channel) = template.target {
        if channel.as_str() != send.channel {
            return Err(error(
                400,
                &format!(
                    "transactional message `{}` is sent by {}, not {}",
                    template.name,
                    channel.as_str(),
                    send.channel
                ),
            ));
        }
    }
    Ok(Some(template))
}

fn send(channel: &str, object: Map<String, Value>) -> Result<StoredSend, Reply> {
    if let Some(key) = object.keys().find(|k| !SEND_KEYS.contains(&k.as_str())) {
        return Err(error(400, &format!("unknown field `{key}`")));
    }
    // The emulator renders these (`app_render`): Liquid it cannot parse, nests too
    // deeply or that the parser would panic on is refused here.
    for part in ["subject", "body"] {
        if let Some(source) = object.get(part).and_then(Value::as_str) {
            if let Err(e) = cio_schema::liquid::check_syntax(source) {
                return Err(error(400, &format!("the {part} is not valid Liquid: {e}")));
            }
        }
    }
    let message_id = match object.get("transactional_message_id") {
        Some(Value::String(s)) if !s.is_empty() => Value::String(s.clone()),
        Some(Value::Number(n)) if n.as_u64().is_some() => Value::Number(n.clone()),
        _ => return Err(error(400, "transactional_message_id is required")),
    };
    let identifiers = match object.get("identifiers") {
        Some(Value::Object(ids)) => ids.clone(),
        _ => return Err(error(400, "identifiers is required")),
    };
    let keys: Vec<&String> = identifiers.keys().collect();
    match keys.as_slice() {
        [key] if matches!(key.as_str(), "id" | "email" | "cio_id") => {
            if identifiers[key.as_str()].as_str().is_none_or(str::is_empty) {
                return Err(error(
                    400,
                    &format!("identifiers.{key} must be a non-empty string"),
                ));
            }
        }
        _ => {
            return Err(error(
                400,
                "identifiers must hold exactly one of id, email, cio_id",
            ))
        }
    }
    let message_data = match object.get("message_data") {
        None => Map::new(),
        Some(Value::Object(data)) => data.clone(),
        Some(_) => return Err(error(400, "message_data must be an object")),
    };
    for key in ["to", "from", "reply_to", "bcc", "cc"] {
        if object.get(key).is_some_and(|v| !v.is_string()) {
            return Err(error(400, &format!("{key} must be a string")));
        }
    }
    for key in [
        "queue_draft",
        "disable_message_retention",
        "send_to_unsubscribed",
    ] {
        if object.get(key).is_some_and(|v| !v.is_boolean()) {
            return Err(error(400, &format!("{key} must be true or false")));
        }
    }
    if let Some(at) = object.get("send_at") {
        match at.as_i64() {
            Some(t) if (0..=99_999_999_999).contains(&t) => {}
            _ => return Err(error(400, "send_at must be a unix timestamp in seconds")),
        }
    }
    let mut attachments = Vec::new();
    if let Some(value) = object.get("attachments") {
        let Value::Object(files) = value else {
            return Err(error(
                400,
                "attachments must be an object of filename to base64",
            ));
        };
        let mut total = 0;
        for (name, content) in files {
            let Some(text) = content.as_str() else {
                return Err(error(
                    400,
                    &format!("attachment `{name}` must be a base64 string"),
                ));
            };
            total += text.len();
            if base64::engine::general_purpose::STANDARD
                .decode(text)
                .is_err()
            {
                return Err(error(
                    400,
                    &format!("attachment `{name}` is not valid base64"),
                ));
            }
            attachments.push(name.clone());
        }
        if total > ATTACHMENTS_MAX {
            return Err(error(400, "attachments are larger than 2 MB"));
        }
    }
    Ok(StoredSend {
        channel: channel.to_owned(),
        message_id,
        identifiers,
        message_data,
        attachments,
        delivery_id: String::new(),
        template: None,
        rendered: None,
        body: object,
    })
}

fn trigger(broadcast: u64, object: Map<String, Value>) -> Result<StoredTrigger, Reply> {
    let audiences: Vec<&str> = AUDIENCES
        .iter()
        .copied()
        .filter(|k| object.contains_key(*k))
        .collect();
    if let Some(key) = object.keys().find(|k| {
        k.as_str() != "data"
            && !AUDIENCES.contains(&k.as_str())
            && !TRIGGER_FLAGS.contains(&k.as_str())
    }) {
        return Err(error(400, &format!("unknown field `{key}`")));
    }
    let audience = match audiences.as_slice() {
        [one] => *one,
        [] => {
            return Err(error(
                400,
                "give exactly one of ids, emails, per_user_data, data_file_url, recipients",
            ))
        }
        _ => {
            return Err(error(
                400,
                &format!("give exactly one audience, not {}", audiences.join(" and ")),
            ))
        }
    };
    match (audience, &object[audience]) {
        ("ids" | "emails" | "per_user_data", Value::Array(items)) if items.is_empty() => {
            return Err(error(422, &format!("{audience} is empty")))
        }
        ("ids" | "emails", Value::Array(items))
            if items
                .iter()
                .all(|i| i.as_str().is_some_and(|s| !s.is_empty())) => {}
        ("per_user_data", Value::Array(items))
            if items.iter().all(|i| {
                (i.get("id").is_some() || i.get("email").is_some())
                    && i.get("data").is_none_or(Value::is_object)
            }) => {}
        ("recipients", Value::Object(filter)) if filter.is_empty() => {
            return Err(error(422, "empty recipients filter is not valid"))
        }
        ("recipients", Value::Object(_)) | ("data_file_url", Value::String(_)) => {}
        _ => return Err(error(400, &format!("{audience} is malformed"))),
    }
    let data = match object.get("data") {
        None => Map::new(),
        Some(Value::Object(data)) => data.clone(),
        Some(_) => return Err(error(400, "data must be an object")),
    };
    Ok(StoredTrigger {
        broadcast,
        audience: audience.to_owned(),
        data,
        id: 0,
        rendered: Vec::new(),
        body: object,
    })
}
