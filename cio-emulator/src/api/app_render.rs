//! Rendering what the App API sends, with the journeys' Liquid (Customer.io's filters,
//! `cio_core::journey::render_bounded`): a transactional send or each person a
//! broadcast trigger names, `customer.*` from the profile the emulator holds and
//! `trigger.*` from the data sent. A subject or body given in the request replaces
//! the template's, as in Customer.io.
//!
//! The Liquid may come from the request, so it is rendered outside the state's lock
//! ([`render`]: the profiles needed are copied under the lock, then rendered, and
//! the send is stored by `apply`), within [`Limits`] (loops charged against an
//! iteration budget before they build their items, output capped), and under
//! `catch_unwind`. Its syntax (nesting, parser panics) was checked when the request
//! was read.

use std::sync::Mutex;

use cio_core::journey::{json_value as liquid_value, render_bounded, Limits, Rendered};
use cio_core::AppTemplate;
use serde_json::{Map, Value};

use super::Action;
use crate::record::{Record, State, StoredSend, StoredTrigger};

/// What rendering an action needs from the state, taken under the lock.
#[derive(Debug, Default)]
pub(crate) struct Snapshot {
    /// A send's `customer` object, if it names a person.
    customer: Option<Map<String, Value>>,
    /// A trigger's audience.
    people: Vec<Person>,
}

/// Takes from `state` what rendering `action` needs (the profiles), and gives a send
/// its delivery id. The rest ([`fill`]) runs without the state.
pub(crate) fn snapshot(state: &mut State, action: &mut Action) -> Snapshot {
    match action {
        Action::Send(send, _) => {
            send.delivery_id = state.next_delivery_id();
            Snapshot {
                customer: send_customer(&state.record, send),
                people: Vec::new(),
            }
        }
        Action::Trigger(trigger, Some(_)) => Snapshot {
            customer: None,
            people: audience(&state.record, trigger),
        },
        _ => Snapshot::default(),
    }
}

/// Renders a send or a trigger from its [`snapshot`], and returns the action with its
/// `rendered` filled, for `apply` to store. Other actions are returned as they are.
pub(crate) fn fill(action: Action, snapshot: Snapshot) -> Action {
    match action {
        Action::Send(mut send, template) => {
            send.rendered = snapshot
                .customer
                .and_then(|customer| render_send(&send, template, customer));
            Action::Send(send, template)
        }
        Action::Trigger(mut trigger, template) => {
            trigger.rendered = render_trigger(&trigger, template, snapshot.people);
            Action::Trigger(trigger, template)
        }
        other => other,
    }
}

/// [`snapshot`] under `state`'s lock, then [`fill`] without it.
pub(crate) fn render(state: &Mutex<State>, mut action: Action) -> Action {
    let snapshot = {
        let mut state = state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        snapshot(&mut state, &mut action)
    };
    fill(action, snapshot)
}

/// The `customer` object of the person a send names, if it names one.
fn send_customer(record: &Record, send: &StoredSend) -> Option<Map<String, Value>> {
    let (key, value) = send.identifiers.iter().next()?;
    Some(customer(record, key, value.as_str()?))
}

/// The rendered send, or why it does not render; `None` when there is nothing to
/// render (no template known and no body in the request).
fn render_send(
    send: &StoredSend,
    template: Option<&AppTemplate>,
    customer: Map<String, Value>,
) -> Option<Result<Rendered, String>> {
    let mut context = Map::new();
    context.insert("delivery_id".into(), Value::from(send.delivery_id.clone()));
    render_parts(template, &send.body, customer, &send.message_data, &context)
}

/// One person of a broadcast's audience: who (as given), their `customer` object,
/// and their own `per_user_data` data.
type Person = (String, Map<String, Value>, Map<String, Value>);

/// The people of a trigger's audience (`ids`, `emails`, `per_user_data`, or a
/// `recipients` filter that is exactly `{"segment": {"id": N}}` of a manual
/// segment), with their `customer` objects; empty for other audiences.
fn audience(record: &Record, trigger: &StoredTrigger) -> Vec<Person> {
    match (
        trigger.audience.as_str(),
        trigger.body.get(&trigger.audience),
    ) {
        ("ids", Some(Value::Array(ids))) => ids
            .iter()
            .filter_map(Value::as_str)
            .map(|id| (id.to_owned(), customer(record, "id", id), Map::new()))
            .collect(),
        ("emails", Some(Value::Array(emails))) => emails
            .iter()
            .filter_map(Value::as_str)
            .map(|e| (e.to_owned(), customer(record, "email", e), Map::new()))
            .collect(),
        ("per_user_data", Some(Value::Array(items))) => items
            .iter()
            .filter_map(|item| {
                let (key, who) = ["id", "email"]
                    .into_iter()
                    .find_map(|k| Some((k, item.get(k)?.as_str()?)))?;
                let own = item
                    .get("data")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                Some((who.to_owned(), customer(record, key, who), own))
            })
            .collect(),
        ("recipients", Some(filter)) => segment_members(record, filter)
            .into_iter()
            .map(|id| {
                let customer = customer(record, "id", &id);
                (id, customer, Map::new())
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Per person of the audience, the rendered message or why it does not render.
/// Empty when the broadcast's template is unknown.
fn render_trigger(
    trigger: &StoredTrigger,
    template: Option<&AppTemplate>,
    people: Vec<Person>,
) -> Vec<(String, Result<Rendered, String>)> {
    let Some(template) = template else {
        return Vec::new();
    };
    let none = Map::new();
    people
        .into_iter()
        .filter_map(|(who, customer, own)| {
            let mut data = trigger.data.clone();
            data.extend(own);
            let rendered = render_parts(Some(template), &none, customer, &data, &Map::new())?;
            Some((who, rendered))
        })
        .collect()
}

/// The members of `{"segment": {"id": N}}`, if the filter is exactly that.
fn segment_members(record: &Record, filter: &Value) -> Vec<String> {
    let Value::Object(filter) = filter else {
        return Vec::new();
    };
    let id = match (filter.len(), filter.get("segment")) {
        (1, Some(segment)) => segment.get("id").and_then(Value::as_u64),
        _ => None,
    };
    id.and_then(|id| record.segments.get(&id))
        .map(|members| members.iter().cloned().collect())
        .unwrap_or_default()
}

/// The `customer` object of the person `key` (`id`, `email`, `cio_id`) = `value`: their
/// profile's attributes (found by id, by email as addressed or as attribute, or by
/// `cio_` + cio_id), with `id` or `email` filled in from the identifier.
fn customer(record: &Record, key: &str, value: &str) -> Map<String, Value> {
    let profile = match key {
        "cio_id" => record.profiles.get(&format!("cio_{value}")),
        "email" => record.profiles.get(value).or_else(|| {
            record
                .profiles
                .values()
                .find(|p| p.get("email").and_then(Value::as_str) == Some(value))
        }),
        _ => record.profiles.get(value),
    };
    let mut customer = profile.cloned().unwrap_or_default();
    if matches!(key, "id" | "email") {
        customer
            .entry(key.to_owned())
            .or_insert_with(|| Value::from(value));
    }
    customer
}

/// Renders the subject and body (the request's, else the template's).
fn render_parts(
    template: Option<&AppTemplate>,
    request: &Map<String, Value>,
    customer: Map<String, Value>,
    trigger: &Map<String, Value>,
    context: &Map<String, Value>,
) -> Option<Result<Rendered, String>> {
    let part = |key: &str, declared: Option<&'static str>| {
        request
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| declared.map(str::to_owned))
    };
    let body = part("body", template.and_then(|t| t.body))?;
    let subject = part("subject", template.and_then(|t| t.subject));
    let mut globals = liquid::Object::new();
    globals.insert("customer".into(), liquid_value(&Value::Object(customer)));
    globals.insert(
        "trigger".into(),
        liquid_value(&Value::Object(trigger.clone())),
    );
    for (k, v) in context {
        globals.insert(k.clone().into(), liquid_value(v));
    }
    let run = |part: &str, source: &str| {
        cio_schema::liquid::catch_panic(|| {
            render_bounded(
                source,
                globals.clone(),
                &["customer", "trigger"],
                Limits::default(),
            )
        })
        .unwrap_or_else(|| Err("the renderer panicked".into()))
        .map_err(|e| format!("the {part} does not render: {e}"))
    };
    let subject = match subject {
        Some(source) => match run("subject", &source) {
            Ok(text) => Some(text),
            Err(e) => return Some(Err(e)),
        },
        None => None,
    };
    Some(run("body", &body).map(|body| Rendered { subject, body }))
}
