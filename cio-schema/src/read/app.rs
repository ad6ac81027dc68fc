//! `[transactional.*]`, `[broadcasts.*]` and `[segments]`: what the App API sends, and
//! the manual segments.

use toml::de::DeValue;

use super::fields::{read_fields, Owner};
use super::ids::{read_ids, IdTable};
use super::reader::Str;
use super::reader::{entries, key_name, kind, named_tables, span, string, table, unsigned, Value};
use super::workflow::{inline, read_file, Files};
use crate::diagnostic::Sink;
use crate::model::{AppChannel, AppMessage, AppMessageId, AppMessageKind, SegmentDef, Span};
use crate::suggest::hint;

const TRANSACTIONAL_KEYS: [&str; 7] = ["id", "channel", "doc", "data", "subject", "body", "file"];
const APP_CHANNELS: [&str; 7] = [
    "email", "sms", "push", "in_app", "inbox", "webhook", "slack",
];

/// What `[transactional]` or `[broadcasts]` declares.
#[derive(Debug, Default)]
pub(crate) struct AppMessages {
    /// The messages read without error.
    pub(crate) read: Vec<AppMessage>,
    /// A stand-in for each message with an error (its id, channel or templates): its
    /// name and the data fields that could be read, with a placeholder id and no
    /// templates. Only for generating code that keeps the error from cascading.
    pub(crate) stand_ins: Vec<AppMessage>,
}

/// Reads `[transactional]` or `[broadcasts]`.
pub(crate) fn read_app_messages(
    sink: &mut Sink<'_>,
    value: &Value<'_>,
    kind_of: AppMessageKind,
    enums: &[&str],
    files: &mut Files<'_>,
) -> AppMessages {
    let (section, noun) = match kind_of {
        AppMessageKind::Transactional => ("transactional", "transactional message"),
        AppMessageKind::Broadcast => ("broadcasts", "broadcast"),
    };
    let mut out = AppMessages::default();
    for (name, what, t) in named_tables(sink, value, section, noun) {
        let mut id = None;
        let mut channel = AppChannel::Email;
        let mut channel_span = None;
        let mut doc = None;
        let mut data = Vec::new();
        let mut subject = None;
        let mut subject_key = None;
        let mut body = None;
        let mut file = None;
        let mut broken = false;
        for (k, v) in entries(t) {
            match k.get_ref().as_ref() {
                "id" => match read_id(sink, v, kind_of, &what) {
                    Some(read) => id = Some(read),
                    None => broken = true,
                },
                "channel" => match string(sink, v, &format!("`channel` of {what}"))
                    .and_then(|s| read_app_channel(sink, &s, &what).map(|c| (c, s.content_span())))
                {
                    Some((c, at)) => {
                        channel = c;
                        channel_span = Some(at);
                    }
                    None => broken = true,
                },
                "doc" => doc = string(sink, v, &format!("`doc` of {what}")).map(|s| s.text),
                "data" => {
                    if let Some(d) = table(sink, v, &format!("`data` of {what}")) {
                        data = read_fields(sink, d, Owner::App(&what), enums);
                    }
                }
                "subject" => {
                    subject_key = Some(span(k));
                    match string(sink, v, &format!("`subject` of {what}")) {
                        Some(s) => subject = Some(inline(&s)),
                        None => broken = true,
                    }
                }
                "body" => match string(sink, v, &format!("`body` of {what}")) {
                    Some(s) => body = Some(inline(&s)),
                    None => broken = true,
                },
                "file" => match string(sink, v, &format!("`file` of {what}")) {
                    Some(s) => file = Some((s, span(k))),
                    None => broken = true,
                },
                _ => sink.unknown_key(&key_name(k), &what, &TRANSACTIONAL_KEYS),
            }
        }
        if kind_of == AppMessageKind::Transactional && !channel.is_transactional() {
            sink.error(
                channel_span.unwrap_or(name.span),
                format!(
                    "{what} is sent on channel `{}`; transactional messages are sent by email, push, sms, in_app or inbox",
                    channel.as_str()
                ),
            );
            broken = true;
        }
        if let Some(at) = subject_key {
            if !matches!(channel, AppChannel::Email | AppChannel::Push) {
                sink.error(
                    at,
                    format!(
                        "{what} is sent on channel `{}`, which has no subject; remove `subject`",
                        channel.as_str()
                    ),
                );
                broken = true;
            }
        }
        let body = match (body, file) {
            (Some(_), Some((_, file_key))) => {
                sink.error(
                    file_key,
                    format!("{what} has both `body` and `file`; keep one"),
                );
                broken = true;
                None
            }
            (None, Some((path, _))) => {
                let read = read_file(sink, &path, &what, files);
                broken |= read.is_none();
                read
            }
            (body, None) => body,
        };
        if id.is_none() && !broken {
            sink.error(
                name.span,
                format!("{what} has no `id`: give its id in Customer.io"),
            );
        }
        let message = |id: AppMessageId, id_span: Span, subject, body| AppMessage {
            name: name.clone(),
            kind: kind_of,
            id,
            id_span,
            channel,
            doc: doc.clone(),
            data: data.clone(),
            subject,
            body,
        };
        match id {
            Some((id, id_span)) if !broken => out.read.push(message(id, id_span, subject, body)),
            _ => {
                let placeholder = match kind_of {
                    AppMessageKind::Transactional => AppMessageId::Text(name.value.clone()),
                    AppMessageKind::Broadcast => AppMessageId::Number(0),
                };
                let mut stand_in = message(placeholder, name.span, None, None);
                if !stand_in.channel.is_transactional() {
                    stand_in.channel = AppChannel::Email;
                }
                out.stand_ins.push(stand_in);
            }
        }
    }
    out
}

/// The channel of a transactional message or broadcast.
fn read_app_channel(sink: &mut Sink<'_>, s: &Str, what: &str) -> Option<AppChannel> {
    Some(match s.text.as_str() {
        "email" => AppChannel::Email,
        "sms" => AppChannel::Sms,
        "push" => AppChannel::Push,
        "in_app" => AppChannel::InApp,
        "inbox" => AppChannel::Inbox,
        "webhook" => AppChannel::Webhook,
        "slack" => AppChannel::Slack,
        other => {
            let hint = hint(other, APP_CHANNELS);
            sink.error(
                s.content_span(),
                format!("unknown channel `{other}` for {what}{hint}"),
            );
            return None;
        }
    })
}

/// A transactional message's id (a positive integer or a non-empty string) or a
/// broadcast's (a positive integer).
fn read_id(
    sink: &mut Sink<'_>,
    v: &Value<'_>,
    kind_of: AppMessageKind,
    what: &str,
) -> Option<(AppMessageId, Span)> {
    match (v.get_ref(), kind_of) {
        (DeValue::Integer(_), _) => match unsigned(v.get_ref()).filter(|n| *n > 0) {
            Some(n) => Some((AppMessageId::Number(n), span(v))),
            None => {
                sink.error(
                    span(v),
                    format!("`id` of {what} must be a positive integer"),
                );
                None
            }
        },
        (DeValue::String(_), AppMessageKind::Transactional) => {
            let s = string(sink, v, &format!("`id` of {what}"))?;
            if s.text.trim().is_empty() {
                sink.error(s.value_span, format!("`id` of {what} is empty"));
                return None;
            }
            Some((AppMessageId::Text(s.text.clone()), s.content_span()))
        }
        (other, AppMessageKind::Transactional) => {
            sink.error(
                span(v),
                format!(
                    "`id` of {what} must be its id (a positive integer) or its name (a string), found {}",
                    kind(other)
                ),
            );
            None
        }
        (other, AppMessageKind::Broadcast) => {
            sink.error(
                span(v),
                format!(
                    "`id` of {what} must be the broadcast's id, a positive integer, found {}",
                    kind(other)
                ),
            );
            None
        }
    }
}

/// Reads `[segments]`: `name = 7` or `name = { id = 7, doc = "..." }`.
pub(crate) fn read_segments(sink: &mut Sink<'_>, value: &Value<'_>) -> Vec<SegmentDef> {
    let segments = IdTable {
        section: "`segments`",
        noun: "segment",
        example: 7,
        unique: "each segment is declared once",
    };
    read_ids(sink, value, &segments)
        .into_iter()
        .map(|(name, id, doc)| SegmentDef { name, id, doc })
        .collect()
}
