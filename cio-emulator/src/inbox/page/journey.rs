//! A person's journey drawn as its campaign's flow: every step of the campaign
//! (sends, waits, `if`s with both sides), the steps the journey ran (with when), the
//! side each `if` took with the values that decided it, and the `wait` the person
//! waits in.

use std::collections::HashMap;
use std::fmt::Write as _;

use cio_core::journey::{
    CompareOp, Condition, JourneyStatus, JourneyView, Literal, Path, Simulation, Step, StepTaken,
};
use cio_core::Timestamp;
use serde_json::Value;

use super::{status, status_class};
use crate::inbox::fields::{self, Timestamps};
use crate::inbox::markup::escape;
use crate::inbox::time::{offset, span, utc};

/// What drawing one journey needs to know.
struct Drawing<'a> {
    sim: &'a Simulation,
    journey: &'a JourneyView<'a>,
    /// The steps run, by path.
    taken: HashMap<&'a str, &'a StepTaken>,
    /// The path of the `wait` the journey waits in.
    here: Option<&'a str>,
    timestamps: &'a Timestamps,
    /// The campaign's trigger event (whose data `event.*` reads).
    trigger: &'a str,
}

/// Journey `k` of a person (from 0, in the order they started) as a flow.
pub(super) fn flow(
    sim: &Simulation,
    journey: &JourneyView<'_>,
    k: usize,
    timestamps: &Timestamps,
) -> String {
    let campaign = sim.journeys().campaign(journey.campaign);
    let mut html = format!(
        "<div class=\"journey\" id=\"journey-{k}\" data-live><div id=\"journey-{k}-head\">\
         <h3>{} <span class=\"chip {}\">{}</span></h3><p class=\"muted meta\">",
        escape(journey.campaign),
        status_class(journey.status),
        escape(&status(sim.now(), journey.status))
    );
    if let Some(campaign) = campaign {
        let _ = write!(
            html,
            "triggered by <strong>{}</strong> · ",
            escape(campaign.trigger)
        );
    }
    let _ = write!(html, "started {}</p></div>", escape(&utc(journey.started)));
    let Some(campaign) = campaign else {
        html.push_str("<p class=\"muted\">The journeys declare no such campaign.</p></div>");
        return html;
    };
    let here = match (journey.status, journey.trail.last()) {
        (JourneyStatus::Waiting { .. }, Some(last)) => Some(last.step.as_str()),
        _ => None,
    };
    let drawing = Drawing {
        sim,
        journey,
        taken: journey.trail.iter().map(|t| (t.step.as_str(), t)).collect(),
        here,
        timestamps,
        trigger: campaign.trigger,
    };
    let _ = write!(html, "<ol class=\"flow\" id=\"journey-{k}-flow\">");
    steps(&mut html, &drawing, campaign.steps, "");
    let end = match journey.status {
        JourneyStatus::Finished { at } => format!(
            "<li class=\"step end done\"><span class=\"kind\">END</span> finished \
             <span class=\"when\">{}</span></li>",
            escape(&utc(at))
        ),
        JourneyStatus::Waiting { .. } => {
            "<li class=\"step end todo\"><span class=\"kind\">END</span></li>".to_owned()
        }
    };
    html.push_str(&end);
    html.push_str("</ol></div>");
    html
}

/// The steps of one list, `prefix` their path's start (`""`, `3.else.`).
fn steps(html: &mut String, d: &Drawing<'_>, list: &[Step], prefix: &str) {
    for (i, step) in list.iter().enumerate() {
        let path = format!("{prefix}{i}");
        let taken = d.taken.get(path.as_str()).copied();
        let state = if d.here == Some(path.as_str()) {
            "here"
        } else if taken.is_some() {
            "done"
        } else {
            "todo"
        };
        let when = taken.map_or(String::new(), |t| utc(t.time));
        match step {
            Step::Wait(secs) => {
                let when = match (state, d.journey.status, taken) {
                    ("here", JourneyStatus::Waiting { until }, _) => format!(
                        "waits here until {} ({})",
                        utc(until),
                        offset(d.sim.now(), until)
                    ),
                    (_, _, Some(t)) => {
                        let secs = i64::try_from(*secs).unwrap_or(i64::MAX);
                        let end = Timestamp::from_unix(t.time.as_unix().saturating_add(secs));
                        format!("waited until {}", utc(end))
                    }
                    _ => when,
                };
                let _ = write!(
                    html,
                    "<li class=\"step wait {state}\" data-step=\"{}\"><span class=\"kind\">WAIT</span> {}\
                     <span class=\"when\">{}</span></li>",
                    escape(&path),
                    escape(&span(*secs)),
                    escape(&when)
                );
            }
            Step::Send(message) => {
                let channel = d
                    .sim
                    .journeys()
                    .message(message)
                    .map_or("", |m| m.channel.as_str());
                let _ = write!(
                    html,
                    "<li class=\"step send {state}\" data-step=\"{}\"><span class=\"kind\">SEND</span> \
                     <strong>{}</strong> <span class=\"muted\">{channel}</span>",
                    escape(&path),
                    escape(message)
                );
                match taken.and_then(|t| delivery(d, message, t.time)) {
                    Some(n) => {
                        let _ = write!(
                            html,
                            "<a class=\"when\" href=\"/messages/{n}\">{}</a>",
                            escape(&when)
                        );
                    }
                    None => {
                        let _ = write!(html, "<span class=\"when\">{}</span>", escape(&when));
                    }
                }
                html.push_str("</li>");
            }
            Step::Branch(condition, then, otherwise) => {
                let _ = write!(
                    html,
                    "<li class=\"step if {state}\" data-step=\"{}\"><span class=\"kind\">IF</span> \
                     <code>{}</code><span class=\"when\">{}</span>",
                    escape(&path),
                    escape(&condition_text(condition)),
                    escape(&when)
                );
                let held = taken.and_then(|t| t.decision.as_ref()).map(|decision| {
                    html.push_str(&decision_html(d, &decision.read, decision.held));
                    decision.held
                });
                html.push_str("<div class=\"branches\">");
                for (side, inner, went) in [
                    ("then", then, held == Some(true)),
                    ("else", otherwise, held == Some(false)),
                ] {
                    let class = match held {
                        None => "",
                        Some(_) if went => " taken",
                        Some(_) => " skipped",
                    };
                    let _ = write!(
                        html,
                        "<div class=\"branch {side}{class}\"><span class=\"side\">{}</span>",
                        side.to_uppercase()
                    );
                    if inner.is_empty() {
                        html.push_str("<p class=\"empty muted\">nothing</p>");
                    } else {
                        html.push_str("<ol class=\"flow\">");
                        steps(html, d, inner, &format!("{path}.{side}."));
                        html.push_str("</ol>");
                    }
                    html.push_str("</div>");
                }
                html.push_str("</div></li>");
            }
        }
    }
}

/// The index of the delivery a `send` of `message` made at `time` in this journey.
fn delivery(d: &Drawing<'_>, message: &str, time: Timestamp) -> Option<usize> {
    d.sim.deliveries().iter().position(|x| {
        x.person == d.journey.person
            && x.campaign == d.journey.campaign
            && x.message == message
            && x.time == time
    })
}

/// `customer.verified = true, performed x = false → else`.
fn decision_html(d: &Drawing<'_>, read: &[(String, Value)], held: bool) -> String {
    let mut html = String::from("<div class=\"decision\">");
    for (n, (name, value)) in read.iter().enumerate() {
        if n > 0 {
            html.push_str(", ");
        }
        let timestamp = match name.split_once('.') {
            Some(("customer", attribute)) => d.timestamps.attribute(attribute),
            Some(("event", field)) => d.timestamps.event_field(d.trigger, field),
            _ => false,
        };
        let shown = if value.is_null() {
            "<span class=\"muted\">not set</span>".to_owned()
        } else {
            fields::value(value, timestamp)
        };
        let _ = write!(html, "<code>{}</code> = {shown}", escape(name));
    }
    let _ = write!(
        html,
        " → <span class=\"verdict\">{}</span></div>",
        if held { "then" } else { "else" }
    );
    html
}

/// A condition as `events.toml` writes it.
fn condition_text(condition: &Condition) -> String {
    let grouped = |c: &Condition| match c {
        Condition::And(..) | Condition::Or(..) => format!("({})", condition_text(c)),
        _ => condition_text(c),
    };
    match condition {
        Condition::Truthy(path) => path_text(path),
        Condition::Compare(path, op, literal) => format!(
            "{} {} {}",
            path_text(path),
            match op {
                CompareOp::Eq => "==",
                CompareOp::Ne => "!=",
                CompareOp::Lt => "<",
                CompareOp::Gt => ">",
                CompareOp::Le => "<=",
                CompareOp::Ge => ">=",
            },
            match literal {
                Literal::String(s) => format!("{s:?}"),
                Literal::Number(n) => n.to_string(),
                Literal::Bool(b) => b.to_string(),
            }
        ),
        Condition::Performed(event) => format!("performed {event}"),
        Condition::Not(inner) => format!("not {}", grouped(inner)),
        Condition::And(a, b) => format!("{} and {}", grouped(a), grouped(b)),
        Condition::Or(a, b) => format!("{} or {}", grouped(a), grouped(b)),
    }
}

fn path_text(path: &Path) -> String {
    match path {
        Path::Customer(name) => format!("customer.{name}"),
        Path::Event(name) => format!("event.{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cio_core::journey::{Campaign, Channel, Journeys, Message};
    use serde_json::{json, Map};

    static VERIFIED: Condition = Condition::Truthy(Path::Customer("verified"));
    static PRO: Condition = Condition::Compare(
        Path::Customer("plan"),
        CompareOp::Eq,
        Literal::String("pro"),
    );
    static BIG: Condition =
        Condition::Compare(Path::Event("seats"), CompareOp::Ge, Literal::Number(10.0));
    static EITHER: Condition = Condition::Or(&PRO, &BIG);
    static BOTH: Condition = Condition::And(&Condition::Not(&VERIFIED), &EITHER);
    static JOURNEYS: Journeys = Journeys {
        campaigns: &[Campaign {
            name: "onboarding",
            trigger: "signed_up",
            steps: &[
                Step::Send("welcome"),
                Step::Wait(86_400),
                Step::Branch(&VERIFIED, &[], &[Step::Send("remind")]),
                Step::Wait(300),
                Step::Send("welcome"),
            ],
        }],
        messages: &[
            Message {
                name: "welcome",
                channel: Channel::Email,
                subject: None,
                body: "hi",
            },
            Message {
                name: "remind",
                channel: Channel::Sms,
                subject: None,
                body: "verify",
            },
        ],
    };

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    fn drawn(sim: &Simulation, timestamps: &Timestamps) -> String {
        let journey = sim.journeys_of("<jo>").next();
        journey.map_or(String::new(), |j| flow(sim, &j, 0, timestamps))
    }

    #[test]
    fn the_flow_shows_the_path_taken_the_decision_and_where_the_person_waits() {
        let mut sim = Simulation::new(&JOURNEYS, Timestamp::from_unix(1_700_000_000));
        sim.identify_json("<jo>", object(json!({"verified": 1_700_000_000})));
        sim.track_json("<jo>", "signed_up", Map::new());
        let html = drawn(&sim, &Timestamps::default());
        assert!(
            html.contains("<li class=\"step send done\" data-step=\"0\">"),
            "{html}"
        );
        assert!(html.contains("href=\"/messages/0\""), "{html}");
        assert!(
            html.contains("<li class=\"step wait here\" data-step=\"1\">"),
            "{html}"
        );
        assert!(
            html.contains("waits here until 2023-11-15 22:13:20 UTC (+1d)"),
            "{html}"
        );
        assert!(
            html.contains("<li class=\"step if todo\" data-step=\"2\">"),
            "{html}"
        );
        assert!(!html.contains("class=\"decision\""), "{html}");
        assert!(html.contains("<span class=\"chip waiting\">"), "{html}");

        sim.advance(std::time::Duration::from_secs(86_400));
        let timestamps = Timestamps::from_paths(["customer.verified"]);
        let html = drawn(&sim, &timestamps);
        assert!(
            html.contains("<li class=\"step wait done\" data-step=\"1\">"),
            "{html}"
        );
        assert!(
            html.contains("waited until 2023-11-15 22:13:20 UTC"),
            "{html}"
        );
        assert!(
            html.contains("<li class=\"step if done\" data-step=\"2\">"),
            "{html}"
        );
        // The decision: the value read (a timestamp here, shown as a date), the side.
        assert!(
            html.contains(
                "<div class=\"decision\"><code>customer.verified</code> = <time class=\"ts\""
            ),
            "{html}"
        );
        assert!(html.contains("2023-11-14 22:13:20 UTC</time>"), "{html}");
        assert!(
            html.contains("→ <span class=\"verdict\">then</span>"),
            "{html}"
        );
        assert!(html.contains("<div class=\"branch then taken\">"), "{html}");
        assert!(
            html.contains("<div class=\"branch else skipped\">"),
            "{html}"
        );
        assert!(
            html.contains("<li class=\"step send todo\" data-step=\"2.else.0\">"),
            "{html}"
        );
        assert!(
            html.contains("<li class=\"step wait here\" data-step=\"3\">"),
            "{html}"
        );

        sim.advance(std::time::Duration::from_secs(300));
        let html = drawn(&sim, &timestamps);
        assert!(html.contains("<span class=\"chip finished\">"), "{html}");
        assert!(html.contains("<li class=\"step end done\">"), "{html}");
        assert!(!html.contains(" here\""), "{html}");
    }

    #[test]
    fn the_else_side_and_conditions_as_written() {
        let mut sim = Simulation::new(&JOURNEYS, Timestamp::from_unix(0));
        sim.track_json("<jo>", "signed_up", Map::new());
        sim.advance(std::time::Duration::from_secs(86_400));
        let html = drawn(&sim, &Timestamps::default());
        assert!(html.contains(
            "<code>customer.verified</code> = <span class=\"muted\">not set</span> → <span class=\"verdict\">else</span>"
        ), "{html}");
        assert!(
            html.contains("<div class=\"branch then skipped\">"),
            "{html}"
        );
        assert!(
            html.contains("<li class=\"step send done\" data-step=\"2.else.0\">"),
            "{html}"
        );
        assert!(!html.contains("<jo>"), "{html}");
        assert_eq!(
            condition_text(&BOTH),
            "not customer.verified and (customer.plan == \"pro\" or event.seats >= 10)"
        );
    }
}
