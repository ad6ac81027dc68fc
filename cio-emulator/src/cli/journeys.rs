//! The campaigns and messages of a taxonomy read at run time, as the `&'static`
//! [`Journeys`](run::Journeys) that `cio::taxonomy!()` writes at compile time.
//!
//! `Journeys` holds `&'static` data so that the macro's output needs no allocation.
//! Here the taxonomy is only known once the command runs, so every string and list is
//! copied once and leaked: `cio-cli simulate`, `cio-cli emulator` and the
//! `cio-emulator` binary build the journeys exactly once per process, which then
//! ends, so the memory is never meant to be returned. (`cio-cli` tests that they
//! equal what the macro writes.)

use cio_core::journey as run;
use cio_schema as model;

/// The journeys of `taxonomy`, leaked for the rest of the process (see the module
/// documentation).
pub fn leak(taxonomy: &model::Taxonomy) -> &'static run::Journeys {
    let campaigns = taxonomy.campaigns.iter().map(campaign).collect();
    let messages = taxonomy.messages.iter().map(message).collect();
    Box::leak(Box::new(run::Journeys {
        campaigns: slice(campaigns),
        messages: slice(messages),
    }))
}

/// The fields of `taxonomy` typed `timestamp`, as the paths `taxonomy::TIMESTAMPS`
/// lists (`customer.created_at`, `trial_expiring.expires_at`), leaked like the
/// journeys: for [`EmulatorBuilder::timestamps`](crate::EmulatorBuilder::timestamps).
pub fn timestamps(taxonomy: &model::Taxonomy) -> &'static [&'static str] {
    slice(taxonomy.timestamp_paths().iter().map(|p| text(p)).collect())
}

/// The object types of `taxonomy` by name and type id, leaked as
/// `taxonomy::OBJECT_TYPES` is static (what
/// [`EmulatorBuilder::object_types`](crate::EmulatorBuilder::object_types) takes).
pub fn object_types(taxonomy: &model::Taxonomy) -> &'static [(&'static str, u64)] {
    slice(
        taxonomy
            .objects
            .iter()
            .map(|object| (text(&object.name.value), object.type_id))
            .collect(),
    )
}

/// The subscription topics of `taxonomy` by name and id, leaked as
/// `taxonomy::TOPICS` is static (what
/// [`EmulatorBuilder::topics`](crate::EmulatorBuilder::topics) takes).
pub fn topics(taxonomy: &model::Taxonomy) -> &'static [(&'static str, u64)] {
    slice(
        taxonomy
            .topics
            .iter()
            .map(|topic| (text(&topic.name.value), topic.id))
            .collect(),
    )
}

fn text(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

fn slice<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}

fn campaign(c: &model::Campaign) -> run::Campaign {
    run::Campaign {
        name: text(&c.name.value),
        // As `taxonomy::JOURNEYS` writes it: `relationship_added:TYPE` for a campaign
        // a relationship starts.
        trigger: match c.trigger_event() {
            Some(event) => text(event),
            None => text(&format!("{}{}", run::RELATIONSHIP_ADDED, c.trigger.value)),
        },
        steps: steps(&c.steps),
    }
}

fn steps(steps: &[model::Step]) -> &'static [run::Step] {
    slice(steps.iter().map(step).collect())
}

fn step(s: &model::Step) -> run::Step {
    match s {
        model::Step::Wait { seconds, .. } => run::Step::Wait(*seconds),
        model::Step::Send { message } => run::Step::Send(text(&message.value)),
        model::Step::Branch {
            condition: c,
            then,
            otherwise,
            ..
        } => run::Step::Branch(condition(c), steps(then), steps(otherwise)),
    }
}

fn condition(c: &model::Condition) -> &'static run::Condition {
    let leaked = match c {
        model::Condition::Truthy(p) => run::Condition::Truthy(path(p)),
        model::Condition::Compare { path: p, op, value } => {
            run::Condition::Compare(path(p), compare(*op), literal(value))
        }
        model::Condition::Performed(event) => run::Condition::Performed(text(&event.value)),
        model::Condition::Not(inner) => run::Condition::Not(condition(inner)),
        model::Condition::And(a, b) => run::Condition::And(condition(a), condition(b)),
        model::Condition::Or(a, b) => run::Condition::Or(condition(a), condition(b)),
    };
    Box::leak(Box::new(leaked))
}

fn path(p: &model::AttributePath) -> run::Path {
    let field = text(&p.field.value);
    match p.root {
        model::PathRoot::Customer => run::Path::Customer(field),
        model::PathRoot::Event => run::Path::Event(field),
    }
}

fn compare(op: model::CompareOp) -> run::CompareOp {
    match op {
        model::CompareOp::Eq => run::CompareOp::Eq,
        model::CompareOp::Ne => run::CompareOp::Ne,
        model::CompareOp::Lt => run::CompareOp::Lt,
        model::CompareOp::Gt => run::CompareOp::Gt,
        model::CompareOp::Le => run::CompareOp::Le,
        model::CompareOp::Ge => run::CompareOp::Ge,
    }
}

fn literal(l: &model::Literal) -> run::Literal {
    match l {
        model::Literal::String(s, _) => run::Literal::String(text(s)),
        model::Literal::Number(n, _) => run::Literal::Number(*n),
        model::Literal::Bool(b, _) => run::Literal::Bool(*b),
    }
}

fn message(m: &model::Message) -> run::Message {
    run::Message {
        name: text(&m.name.value),
        channel: channel(m.channel),
        subject: m.subject.as_ref().map(|s| text(&s.source)),
        body: text(&m.body.source),
    }
}

fn channel(c: model::Channel) -> run::Channel {
    match c {
        model::Channel::Email => run::Channel::Email,
        model::Channel::Sms => run::Channel::Sms,
        model::Channel::Push => run::Channel::Push,
        model::Channel::InApp => run::Channel::InApp,
        model::Channel::Webhook => run::Channel::Webhook,
        model::Channel::Slack => run::Channel::Slack,
    }
}
