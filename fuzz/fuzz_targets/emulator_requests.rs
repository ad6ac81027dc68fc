//! Any request to the emulator's Track API, in process: the first byte picks the
//! method, the bytes up to the first newline are the path, the rest is the body. A
//! short sequence of requests shares one account, so that later ones meet the state
//! earlier ones made. Never a panic; every answer is a real HTTP status.
#![no_main]

use libfuzzer_sys::fuzz_target;

const METHODS: [&str; 5] = ["GET", "PUT", "POST", "DELETE", "PATCH"];

/// Paths that reach each handler, chosen by a byte when the input gives none.
const PATHS: [&str; 8] = [
    "/api/v1/customers/42",
    "/api/v1/customers/42/events",
    "/api/v1/events",
    "/api/v1/customers/42/devices",
    "/api/v1/merge_customers",
    "/api/v2/entity",
    "/api/v2/batch",
    "/api/v1/customers/42/suppress",
];

fuzz_target!(|data: &[u8]| {
    let mut api = cio_emulator::TrackApi::new();
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
    let _ = api.record().event_count();
});
