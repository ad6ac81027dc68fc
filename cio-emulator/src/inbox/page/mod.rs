//! The inbox's HTML pages, written as strings: everything that comes from a request
//! or from `events.toml` (identifiers, attributes, event data, rendered messages,
//! Liquid) is escaped. Each page is a header (the clock and the search box) and a
//! `<main id="content">`; the parts marked `data-live` are what the script updates
//! in place, matched by their `id`.

mod index;
mod journey;
mod message;
mod object;
mod person;

use std::fmt::Write as _;

use cio_core::journey::{JourneyStatus, Simulation};
use cio_core::Timestamp;

pub(super) use index::index;
pub(super) use message::message;
pub(super) use object::object;
pub(super) use person::{knows, person};

use super::markup::escape;
use super::time::{offset, utc};
use crate::record::State;

/// The inbox's stylesheet (inline: the Content-Security-Policy allows inline style).
const STYLE: &str = include_str!("../assets/inbox.css");

/// The journeys' simulation, if the emulator runs journeys.
fn simulation(state: &State) -> Option<&Simulation> {
    state.journeys.as_ref().map(|e| &e.simulation)
}

/// A whole page: `content` under the header; `search` is what the search box holds.
fn layout(title: &str, state: &State, search: &str, content: &str) -> String {
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>{}</title><style>{STYLE}</style><script src=\"/__inbox.js\" defer></script></head>\
         <body><header><a class=\"brand\" href=\"/\">cio inbox</a><div id=\"clock-bar\" data-live>",
        escape(title)
    );
    page.push_str(&clock_bar(state));
    let _ = writeln!(
        page,
        "</div><form id=\"search-form\" method=\"get\" action=\"/\" role=\"search\">\
         <input id=\"search\" type=\"search\" name=\"q\" value=\"{}\" \
         placeholder=\"Search people or email\" aria-label=\"Search people or email\" autocomplete=\"off\">\
         </form></header><main id=\"content\" data-live>{content}</main></body></html>",
        escape(search)
    );
    page
}

/// The clock, the next step due and the buttons that move the clock.
fn clock_bar(state: &State) -> String {
    let Some(sim) = simulation(state) else {
        return "<span class=\"muted\" id=\"no-journeys\">no journeys: start the emulator with \
                Emulator::builder().journeys(...) to run them</span>"
            .to_owned();
    };
    let mut html = format!("<span id=\"clock\">now {}</span>", escape(&utc(sim.now())));
    match sim.next_due() {
        Some(due) => {
            let _ = write!(
                html,
                "<span class=\"next\" id=\"next\">next step {} ({})</span>",
                escape(&utc(due)),
                escape(&offset(sim.now(), due))
            );
        }
        None => html.push_str("<span class=\"next\" id=\"next\">nothing due</span>"),
    }
    html.push_str("<span id=\"advance\">advance:");
    for (label, value) in [
        ("next step", "next"),
        ("5m", "300"),
        ("1h", "3600"),
        ("1d", "86400"),
        ("7d", "604800"),
    ] {
        let _ = write!(
            html,
            " <form method=\"post\" action=\"/__clock\"><button name=\"advance\" value=\"{value}\">{label}</button></form>"
        );
    }
    html.push_str("</span>");
    html
}

/// A 404 page, with the header (so that the page goes on updating).
pub(super) fn not_found(state: &State, what: &str) -> String {
    layout(
        "Not found",
        state,
        "",
        &format!(
            "<p id=\"not-found\">{}. <a href=\"/\">Back to the inbox</a></p>",
            escape(what)
        ),
    )
}

/// The page of a report the inbox's buttons asked for and the emulator refused.
pub(super) fn not_reported(state: &State, error: &str) -> String {
    layout(
        "Not reported",
        state,
        "",
        &format!(
            "<p id=\"not-reported\" class=\"error\">Not reported: {}. <a href=\"/\">Back to the inbox</a></p>",
            escape(error)
        ),
    )
}

/// Where a journey stands, in words: `waiting until ... (+5m)`, `finished ...`.
fn status(now: Timestamp, status: JourneyStatus) -> String {
    match status {
        JourneyStatus::Waiting { until } => {
            format!("waiting until {} ({})", utc(until), offset(now, until))
        }
        JourneyStatus::Finished { at } => format!("finished {}", utc(at)),
    }
}

/// The class of a journey's status chip.
fn status_class(status: JourneyStatus) -> &'static str {
    match status {
        JourneyStatus::Waiting { .. } => "waiting",
        JourneyStatus::Finished { .. } => "finished",
    }
}
