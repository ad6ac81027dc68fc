//! `taxonomy::JOURNEYS`: the campaigns and messages as static data, for
//! `cio::journey::Simulation`. Only the campaigns an event triggers: the journeys
//! do not run those a relationship triggers.
//!
//! Written as one compact static: short variant names brought in by a `use` of
//! `cio::__private::journey`, every condition and list promoted to `'static`.

use std::fmt::Write as _;

use cio_schema::{
    AttributePath, Campaign, Channel, CompareOp, Condition, Literal, Message, PathRoot, Step,
    Taxonomy,
};

use crate::render::{lit, signed_f64};

/// Writes `pub static JOURNEYS` (inside `mod taxonomy`), paths through `private`
/// (`::cio::__private::`).
pub(super) fn journeys(out: &mut String, private: &str, taxonomy: &Taxonomy) {
    let _ = write!(
        out,
        "#[doc = \" The campaigns and messages of events.toml as data: what a journey `Simulation` runs.\"]\n\
         pub static JOURNEYS: {private}journey::Journeys = {{ use {private}journey::*; Journeys {{ campaigns: &["
    );
    for campaign in &taxonomy.campaigns {
        write_campaign(out, campaign);
    }
    out.push_str("], messages: &[");
    for message in &taxonomy.messages {
        write_message(out, message);
    }
    out.push_str("] } };\n");
}

/// The prefix of a relationship trigger in `Campaign::trigger`.
const RELATIONSHIP_ADDED: &str = "relationship_added:";

fn write_campaign(out: &mut String, campaign: &Campaign) {
    // A campaign a relationship starts is triggered by `relationship_added:TYPE`
    // (what `Simulation::relate` tracks), never by an event of the type's name.
    let trigger = match campaign.trigger_event() {
        Some(event) => event.to_owned(),
        None => format!("{RELATIONSHIP_ADDED}{}", campaign.trigger.value),
    };
    let _ = write!(
        out,
        "Campaign {{ name: {}, trigger: {}, steps: ",
        lit(&campaign.name.value),
        lit(&trigger)
    );
    steps(out, &campaign.steps);
    out.push_str(" }, ");
}

fn steps(out: &mut String, steps: &[Step]) {
    out.push_str("&[");
    for step in steps {
        match step {
            Step::Wait { seconds, .. } => {
                let _ = write!(out, "Wait({seconds}), ");
            }
            Step::Send { message } => {
                let _ = write!(out, "Send({}), ", lit(&message.value));
            }
            Step::Branch {
                condition,
                then,
                otherwise,
                ..
            } => {
                out.push_str("Branch(&");
                write_condition(out, condition);
                out.push_str(", ");
                self::steps(out, then);
                out.push_str(", ");
                self::steps(out, otherwise);
                out.push_str("), ");
            }
        }
    }
    out.push(']');
}

fn write_condition(out: &mut String, condition: &Condition) {
    match condition {
        Condition::Truthy(path) => {
            out.push_str("Truthy(");
            write_path(out, path);
            out.push(')');
        }
        Condition::Compare { path, op, value } => {
            out.push_str("Compare(");
            write_path(out, path);
            let op = match op {
                CompareOp::Eq => "Eq",
                CompareOp::Ne => "Ne",
                CompareOp::Lt => "Lt",
                CompareOp::Gt => "Gt",
                CompareOp::Le => "Le",
                CompareOp::Ge => "Ge",
            };
            let _ = write!(out, ", {op}, ");
            match value {
                Literal::String(s, _) => {
                    let _ = write!(out, "Str({}))", lit(s));
                }
                Literal::Number(n, _) => {
                    let _ = write!(out, "Num({}))", signed_f64(*n));
                }
                Literal::Bool(b, _) => {
                    let _ = write!(out, "Bool({b}))");
                }
            }
        }
        Condition::Performed(event) => {
            let _ = write!(out, "Performed({})", lit(&event.value));
        }
        Condition::Not(inner) => {
            out.push_str("Not(&");
            write_condition(out, inner);
            out.push(')');
        }
        Condition::And(a, b) | Condition::Or(a, b) => {
            out.push_str(if matches!(condition, Condition::And(..)) {
                "And(&"
            } else {
                "Or(&"
            });
            write_condition(out, a);
            out.push_str(", &");
            write_condition(out, b);
            out.push(')');
        }
    }
}

fn write_path(out: &mut String, path: &AttributePath) {
    let root = match path.root {
        PathRoot::Customer => "Customer",
        PathRoot::Event => "Event",
    };
    let _ = write!(out, "{root}({})", lit(&path.field.value));
}

fn write_message(out: &mut String, message: &Message) {
    let channel = match message.channel {
        Channel::Email => "Email",
        Channel::Sms => "Sms",
        Channel::Push => "Push",
        Channel::InApp => "InApp",
        Channel::Webhook => "Webhook",
        Channel::Slack => "Slack",
    };
    let _ = write!(
        out,
        "Message {{ name: {}, channel: {channel}, subject: ",
        lit(&message.name.value)
    );
    match &message.subject {
        Some(subject) => {
            let _ = write!(
                out,
                "::core::option::Option::Some({})",
                lit(&subject.source)
            );
        }
        None => out.push_str("::core::option::Option::None"),
    }
    let _ = write!(out, ", body: {} }}, ", lit(&message.body.source));
}
