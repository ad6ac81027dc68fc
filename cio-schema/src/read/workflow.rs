//! `[campaigns.*]` and `[messages.*]`: workflows and the templates they send.

use std::path::{Component, Path};

use toml::de::DeValue;

use super::condition::parse_condition;
use super::duration::parse_duration;
use super::reader::{array, entries, key_name, kind, named_tables, span, string, Str, Value};
use crate::diagnostic::Sink;
use crate::model::{
    Campaign, Channel, Message, Name, Span, Step, Template, TemplateOrigin, TriggerKind,
};
use crate::suggest::hint;

const CAMPAIGN_KEYS: [&str; 3] = ["trigger", "doc", "steps"];
const TRIGGER_KEYS: [&str; 1] = ["relationship_added"];
const STEP_KEYS: [&str; 5] = ["wait", "send", "if", "then", "else"];

/// Reads `[campaigns]`.
pub(crate) fn read_campaigns(sink: &mut Sink<'_>, value: &Value<'_>) -> Vec<Campaign> {
    let mut out = Vec::new();
    for (name, what, t) in named_tables(sink, value, "campaigns", "campaign") {
        let mut trigger = None;
        let mut doc = None;
        let mut steps = Vec::new();
        for (k, v) in entries(t) {
            match k.get_ref().as_ref() {
                "trigger" => trigger = read_trigger(sink, v, &what),
                "doc" => doc = string(sink, v, &format!("`doc` of {what}")).map(|s| s.text),
                "steps" => {
                    if let Some(items) = array(sink, v, &format!("`steps` of {what}")) {
                        steps = read_steps(sink, items, &what);
                    }
                }
                _ => sink.unknown_key(&key_name(k), &what, &CAMPAIGN_KEYS),
            }
        }
        let trigger = match trigger {
            Some(t) => t,
            None => {
                if !t.contains_key("trigger") {
                    sink.error(
                        name.span,
                        format!("{what} has no `trigger` (the event that starts it)"),
                    );
                }
                continue;
            }
        };
        let (trigger, trigger_kind) = trigger;
        out.push(Campaign {
            name,
            trigger,
            trigger_kind,
            doc,
            steps,
        });
    }
    out
}

/// A campaign's `trigger`: an event's name, or `{ relationship_added = "TYPE" }`.
fn read_trigger(sink: &mut Sink<'_>, v: &Value<'_>, what: &str) -> Option<(Name, TriggerKind)> {
    let t = match v.get_ref() {
        DeValue::String(_) => {
            let s = string(sink, v, "")?;
            return Some((s.name(), TriggerKind::Event));
        }
        DeValue::Table(t) => t,
        other => {
            sink.error(
                span(v),
                format!(
                    "`trigger` of {what} must be an event's name or `{{ relationship_added = \"OBJECT_TYPE\" }}`, found {}",
                    kind(other)
                ),
            );
            return None;
        }
    };
    let mut trigger = None;
    let mut broken = false;
    for (k, v) in entries(t) {
        match k.get_ref().as_ref() {
            "relationship_added" => {
                match string(sink, v, &format!("`relationship_added` of {what}")) {
                    Some(s) => trigger = Some((s.name(), TriggerKind::RelationshipAdded)),
                    None => broken = true,
                }
            }
            _ => {
                sink.unknown_key(
                    &key_name(k),
                    &format!("the trigger of {what}"),
                    &TRIGGER_KEYS,
                );
                broken = true;
            }
        }
    }
    if trigger.is_none() && !broken {
        sink.error(
            span(v),
            format!(
                "the trigger of {what} names nothing: write `trigger = \"EVENT\"` or `trigger = {{ relationship_added = \"OBJECT_TYPE\" }}`"
            ),
        );
    }
    trigger
}

fn read_steps(sink: &mut Sink<'_>, items: &[Value<'_>], what: &str) -> Vec<Step> {
    items
        .iter()
        .filter_map(|item| read_step(sink, item, what))
        .collect()
}

fn read_step(sink: &mut Sink<'_>, item: &Value<'_>, what: &str) -> Option<Step> {
    let place = format!("a step of {what}");
    let t = match item.get_ref() {
        DeValue::Table(t) => t,
        other => {
            sink.error(
                span(item),
                format!(
                    "{place} must be a table such as {{ wait = \"1d\" }}, {{ send = \"welcome\" }} or {{ if = \"...\" }}, found {}",
                    kind(other)
                ),
            );
            return None;
        }
    };
    let mut kinds: Vec<(&str, Span)> = Vec::new();
    let mut wait = None;
    let mut send = None;
    let mut condition = None;
    let mut then = Vec::new();
    let mut otherwise = Vec::new();
    let mut branches: Vec<(&str, Span)> = Vec::new();
    let mut broken = false;
    for (k, v) in entries(t) {
        let key = k.get_ref().as_ref();
        match key {
            "wait" => {
                kinds.push(("wait", span(k)));
                match string(sink, v, &format!("`wait` in {place}")) {
                    Some(s) => match parse_duration(&s.text) {
                        Ok(seconds) => wait = Some((seconds, s.value_span)),
                        Err(reason) => {
                            sink.error(
                                s.content_span(),
                                format!("invalid duration `{}` in {what}: {reason}", s.text),
                            );
                            broken = true;
                        }
                    },
                    None => broken = true,
                }
            }
            "send" => {
                kinds.push(("send", span(k)));
                match string(sink, v, &format!("`send` in {place}")) {
                    Some(s) => send = Some(s.name()),
                    None => broken = true,
                }
            }
            "if" => {
                kinds.push(("if", span(k)));
                match string(sink, v, &format!("`if` in {place}")) {
                    Some(s) => match read_condition(sink, &s, what) {
                        Some(c) => condition = Some((c, s.value_span)),
                        None => broken = true,
                    },
                    None => broken = true,
                }
            }
            "then" | "else" => {
                branches.push((if key == "then" { "then" } else { "else" }, span(k)));
                if let Some(items) = array(sink, v, &format!("`{key}` in {place}")) {
                    let steps = read_steps(sink, items, what);
                    if key == "then" {
                        then = steps;
                    } else {
                        otherwise = steps;
                    }
                }
            }
            _ => sink.unknown_key(&key_name(k), &place, &STEP_KEYS),
        }
    }
    match kinds.as_slice() {
        [] => {
            sink.error(
                span(item),
                format!("{place} has none of `wait`, `send` or `if`; each step needs one"),
            );
            return None;
        }
        [_] => {}
        [(first, _), (second, at), ..] => {
            sink.error(
                *at,
                format!("{place} has both `{first}` and `{second}`; a step does one thing"),
            );
            return None;
        }
    }
    if kinds[0].0 != "if" {
        for (branch, at) in &branches {
            sink.error(
                *at,
                format!(
                    "`{branch}` belongs to an `if` step, not a `{}` step",
                    kinds[0].0
                ),
            );
        }
    }
    if broken {
        return None;
    }
    if let Some((seconds, span)) = wait {
        return Some(Step::Wait { seconds, span });
    }
    if let Some(message) = send {
        return Some(Step::Send { message });
    }
    let (condition, span) = condition?;
    Some(Step::Branch {
        condition,
        span,
        then,
        otherwise,
    })
}

fn read_condition(sink: &mut Sink<'_>, s: &Str, what: &str) -> Option<crate::model::Condition> {
    match parse_condition(&s.text, &|from, to| s.span_of(from, to)) {
        Ok(c) => Some(c),
        Err(e) => {
            let at = s.span_of(e.at, e.at + 1);
            sink.error(
                at,
                format!(
                    "cannot parse condition `{}` in {what}: {}",
                    s.text, e.reason
                ),
            );
            None
        }
    }
}

const MESSAGE_KEYS: [&str; 5] = ["channel", "subject", "body", "file", "allow"];
const CHANNELS: [&str; 6] = ["email", "sms", "push", "in_app", "webhook", "slack"];

/// What a message read from events.toml needs beyond the TOML: the folder template
/// files are read from, and the list of files read.
pub(crate) struct Files<'a> {
    pub(crate) base_dir: Option<&'a Path>,
    pub(crate) read: Vec<std::path::PathBuf>,
}

/// Reads `[messages]`.
pub(crate) fn read_messages(
    sink: &mut Sink<'_>,
    value: &Value<'_>,
    files: &mut Files<'_>,
) -> Vec<Message> {
    let mut out = Vec::new();
    for (name, what, t) in named_tables(sink, value, "messages", "message") {
        let mut channel = Some(Channel::Email);
        let mut subject = None;
        let mut subject_key = None;
        let mut body = None;
        let mut file = None;
        let mut allow = Vec::new();
        let mut broken = false;
        for (k, v) in entries(t) {
            match k.get_ref().as_ref() {
                "channel" => {
                    channel = string(sink, v, &format!("`channel` of {what}"))
                        .and_then(|s| read_channel(sink, &s, &what));
                }
                "subject" => {
                    subject_key = Some(span(k));
                    match string(sink, v, &format!("`subject` of {what}")) {
                        Some(s) => subject = Some(inline(&s)),
                        None => broken = true,
                    }
                }
                "body" => match string(sink, v, &format!("`body` of {what}")) {
                    Some(s) => body = Some((inline(&s), span(k))),
                    None => broken = true,
                },
                "file" => match string(sink, v, &format!("`file` of {what}")) {
                    Some(s) => file = Some((s, span(k))),
                    None => broken = true,
                },
                "allow" => {
                    if let Some(items) = array(sink, v, &format!("`allow` of {what}")) {
                        allow = read_allow(sink, items, &what);
                    }
                }
                _ => sink.unknown_key(&key_name(k), &what, &MESSAGE_KEYS),
            }
        }
        let Some(channel) = channel else {
            continue;
        };
        if let Some(at) = subject_key {
            if !matches!(channel, Channel::Email | Channel::Push) {
                sink.error(
                    at,
                    format!(
                        "{what} is sent on channel `{}`, which has no subject; remove `subject`",
                        channel.as_str()
                    ),
                );
            }
        }
        let body = match (body, file) {
            (Some(_), Some((_, file_key))) => {
                sink.error(
                    file_key,
                    format!("{what} has both `body` and `file`; keep one"),
                );
                continue;
            }
            (None, None) => {
                if !broken {
                    sink.error(
                        name.span,
                        format!("{what} has neither `body` nor `file`; give it one"),
                    );
                }
                continue;
            }
            (Some((template, _)), None) => template,
            (None, Some((path, _))) => match read_file(sink, &path, &what, files) {
                Some(t) => t,
                None => continue,
            },
        };
        if broken {
            continue;
        }
        out.push(Message {
            name,
            channel,
            subject,
            body,
            allow,
        });
    }
    out
}

pub(super) fn inline(s: &Str) -> Template {
    Template {
        source: s.text.clone(),
        origin: TemplateOrigin::Inline {
            span: s.value_span,
            content_start: s.content_start,
        },
    }
}

fn read_channel(sink: &mut Sink<'_>, s: &Str, what: &str) -> Option<Channel> {
    Some(match s.text.as_str() {
        "email" => Channel::Email,
        "sms" => Channel::Sms,
        "push" => Channel::Push,
        "in_app" => Channel::InApp,
        "webhook" => Channel::Webhook,
        "slack" => Channel::Slack,
        "inbox" => {
            sink.error(
                s.content_span(),
                format!(
                    "{what} is sent on channel `inbox`, which only transactional messages and broadcasts declare here; campaign messages are sent by email, sms, push, in_app, webhook or slack"
                ),
            );
            return None;
        }
        other => {
            let hint = hint(other, CHANNELS);
            sink.error(
                s.content_span(),
                format!("unknown channel `{other}` for {what}{hint}"),
            );
            return None;
        }
    })
}

fn read_allow(sink: &mut Sink<'_>, items: &[Value<'_>], what: &str) -> Vec<Name> {
    let mut out = Vec::new();
    for item in items {
        let Some(s) = string(sink, item, &format!("entries of `allow` of {what}")) else {
            continue;
        };
        let ok = match s.text.split_once('.') {
            Some(("event" | "customer", rest)) => !rest.is_empty(),
            _ => false,
        };
        if ok {
            out.push(s.name());
        } else {
            sink.error(
                s.content_span(),
                format!(
                    "invalid `allow` entry `{}` in {what}: write `event.NAME`, `customer.NAME`, `event.*` or `customer.*`",
                    s.text
                ),
            );
        }
    }
    out
}

pub(super) fn read_file(
    sink: &mut Sink<'_>,
    s: &Str,
    what: &str,
    files: &mut Files<'_>,
) -> Option<Template> {
    let written = s.name();
    let relative = Path::new(&s.text);
    if s.text.is_empty() {
        sink.error(s.value_span, format!("`file` of {what} is empty"));
        return None;
    }
    let escapes = relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
    if escapes || s.text.starts_with('/') || s.text.starts_with('\\') {
        sink.error(
            written.span,
            format!(
                "template path `{}` of {what} must be relative to the folder of events.toml and stay inside it (no leading `/`, no `..`)",
                s.text
            ),
        );
        return None;
    }
    let Some(base) = files.base_dir else {
        sink.error(
            written.span,
            format!(
                "{what} names the template file `{}`, but no folder was given to read it from",
                s.text
            ),
        );
        return None;
    };
    let path = base.join(relative);
    match std::fs::read_to_string(&path) {
        Ok(source) => {
            files.read.push(path.clone());
            Some(Template {
                source,
                origin: TemplateOrigin::File { written, path },
            })
        }
        Err(e) => {
            let reason = if e.kind() == std::io::ErrorKind::NotFound {
                "it does not exist".to_string()
            } else {
                e.to_string()
            };
            sink.error(
                written.span,
                format!("cannot read template file `{}` of {what}: {reason}", s.text),
            );
            None
        }
    }
}
