//! What a finished simulation printed: each delivery (when, to whom, which campaign
//! and message, the rendered subject) and where every journey stands.

use cio_core::journey::{Delivery, JourneyStatus, Simulation};
use serde_json::{json, Value};

use super::time;

/// Prints the deliveries and the waiting journeys as text; returns how many
/// deliveries failed to render.
pub(crate) fn text(simulation: &Simulation, start: i64) -> usize {
    let deliveries = simulation.deliveries();
    let after = |d: &Delivery| time::offset(d.time.as_unix().saturating_sub(start));
    let after_width = deliveries.iter().map(|d| after(d).len()).max().unwrap_or(0);
    let person_width = deliveries
        .iter()
        .map(|d| d.person.chars().count())
        .max()
        .unwrap_or(0);
    for d in deliveries {
        say!(
            "{:<after_width$}  {}  {:<person_width$}  {} -> {} ({}): {}",
            after(d),
            time::utc(d.time.as_unix()),
            d.person,
            d.campaign,
            d.message,
            d.channel,
            shown(d)
        );
    }
    let mut waiting = 0;
    let mut finished = 0;
    for j in simulation.journeys_all() {
        match j.status {
            JourneyStatus::Waiting { until } => {
                waiting += 1;
                say!(
                    "waiting: {} in {} until {} ({})",
                    j.person,
                    j.campaign,
                    time::offset(until.as_unix().saturating_sub(start)),
                    time::utc(until.as_unix())
                );
            }
            JourneyStatus::Finished { .. } => finished += 1,
        }
    }
    let failed = deliveries.iter().filter(|d| d.error.is_some()).count();
    say!(
        "{} deliver{} to {} {}; {} journey{}: {finished} finished, {waiting} waiting; clock at {}",
        deliveries.len(),
        if deliveries.len() == 1 { "y" } else { "ies" },
        simulation.people().count(),
        if simulation.people().count() == 1 {
            "person"
        } else {
            "people"
        },
        finished + waiting,
        if finished + waiting == 1 { "" } else { "s" },
        time::offset(simulation.now().as_unix().saturating_sub(start))
    );
    failed
}

/// The subject, or the body's first line for a message without one, or why it did
/// not render.
pub(crate) fn shown(d: &Delivery) -> String {
    if let Some(error) = &d.error {
        return format!("not rendered: {error}");
    }
    match &d.subject {
        Some(subject) => subject.clone(),
        None => {
            let line = d.body.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            format!("(no subject) {}", line.trim())
        }
    }
}

/// Prints the deliveries and every journey as one JSON document; returns how many
/// deliveries failed to render.
pub(crate) fn json(simulation: &Simulation, start: i64) -> usize {
    let deliveries: Vec<Value> = simulation
        .deliveries()
        .iter()
        .map(|d| {
            json!({
                "time": d.time.as_unix(),
                "after": time::offset(d.time.as_unix().saturating_sub(start)),
                "person": d.person,
                "campaign": d.campaign,
                "message": d.message,
                "channel": d.channel.as_str(),
                "subject": d.subject,
                "body": d.body,
                "error": d.error.as_ref().map(ToString::to_string),
            })
        })
        .collect();
    let journeys: Vec<Value> = simulation
        .journeys_all()
        .map(|j| {
            let (status, time) = match j.status {
                JourneyStatus::Waiting { until } => ("waiting", until),
                JourneyStatus::Finished { at } => ("finished", at),
            };
            json!({
                "person": j.person,
                "campaign": j.campaign,
                "started": j.started.as_unix(),
                "status": status,
                // When it continues (waiting) or when it ended (finished).
                "time": time.as_unix(),
            })
        })
        .collect();
    let document = json!({
        "start": start,
        "end": simulation.now().as_unix(),
        "deliveries": deliveries,
        "journeys": journeys,
    });
    let text = serde_json::to_string_pretty(&document).unwrap_or_default();
    say!("{text}");
    simulation
        .deliveries()
        .iter()
        .filter(|d| d.error.is_some())
        .count()
}
