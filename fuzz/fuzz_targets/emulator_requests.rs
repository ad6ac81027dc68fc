//! Any request to the emulator's Track API and App API, in process, with journeys
//! running: the first byte picks the method, the bytes up to the first newline are
//! the path, the rest is the body. A short sequence of requests shares one account,
//! so that later ones meet the state earlier ones made; the journeys' clock then
//! moves a day, so that every step due runs. The App API renders the Liquid of a
//! request's `subject` and `body`, and the journeys render their messages over the
//! event data sent. Never a panic; every answer is a real HTTP status.
#![no_main]

use std::time::Duration;

use cio_core::journey::{Campaign, Channel, Journeys, Message, Step};
use cio_core::Timestamp;
use libfuzzer_sys::fuzz_target;

const METHODS: [&str; 5] = ["GET", "PUT", "POST", "DELETE", "PATCH"];

/// Paths that reach each handler, chosen by a byte when the input gives none.
const PATHS: [&str; 12] = [
    "/api/v1/customers/42",
    "/api/v1/customers/42/events",
    "/api/v1/events",
    "/api/v1/customers/42/devices",
    "/api/v1/merge_customers",
    "/api/v2/entity",
    "/api/v2/batch",
    "/api/v1/customers/42/suppress",
    "/v1/send/email",
    "/v1/send/sms",
    "/v1/send/push",
    "/v1/campaigns/1/triggers",
];

/// A campaign per event name the seeds use, whose messages read the event's data
/// through the filters that compute (arithmetic, dates, loops).
static JOURNEYS: Journeys = Journeys {
    campaigns: &[
        Campaign {
            name: "signup",
            trigger: "signed_up",
            steps: &[Step::Send("welcome"), Step::Wait(3600), Step::Send("numbers")],
        },
        Campaign {
            name: "purchase",
            trigger: "purchased",
            steps: &[Step::Send("numbers")],
        },
    ],
    messages: &[
        Message {
            name: "welcome",
            channel: Channel::Email,
            subject: Some("Hi {{ customer.first_name | default: 'there' }}"),
            body: "{{ event.method | default: 'email' | upcase }} {{ event_timestamp | add_year: event.years | default: 0 }}",
        },
        Message {
            name: "numbers",
            channel: Channel::Sms,
            subject: None,
            body: "{{ event.a | plus: event.b }} {{ event.a | minus: event.b }} {{ event.a | times: event.b }} \
                   {{ event.a | divided_by: event.b }} {{ event.a | modulo: event.b }} {{ event.a | abs }} \
                   {{ event.t | add_month: event.b | subtract_year: event.a | date: '%F' }} \
                   {% for i in (1..event.b) %}{{ i }}{% endfor %}",
        },
    ],
};

fuzz_target!(|data: &[u8]| {
    let mut api =
        cio_emulator::TrackApi::with_journeys(&JOURNEYS, Timestamp::from_unix(1_700_000_000));
    // Requests are separated by 0xFF (never in UTF-8 text).
    for request in data.split(|&b| b == 0xFF).take(8) {
        let Some((&selector, rest)) = request.split_first() else {
            continue;
        };
        let method = METHODS[usize::from(selector) % METHODS.len()];
        let (path, body) = match rest.iter().position(|&b| b == b'\n') {
            Some(newline) => (
                String::from_utf8_lossy(&rest[..newline]).into_owned(),
                &rest[newline + 1..],
            ),
            None => (
                PATHS[usize::from(selector >> 3) % PATHS.len()].to_owned(),
                rest,
            ),
        };
        let (status, answer) = api.handle(method, &path, body);
        assert!((200..600).contains(&status), "{status}");
        if status >= 400 {
            assert!(!answer.is_empty(), "an error always has a body");
        }
    }
    api.advance(Duration::from_secs(86_400));
    let _ = api.record().event_count();
});
