//! Which Customer.io API the examples deliver to: `--api track` (the default) or
//! `--api pipelines`, or `CUSTOMERIO_API`; to Customer.io itself when that API's
//! credentials are set, to the local emulator otherwise.

#![allow(dead_code, unreachable_pub)]

use cio::client::{Destination, Error, PipelinesClient, TrackClient};
use cio_emulator::Emulator;

/// The API asked for: `track` or `pipelines`.
pub fn chosen() -> Result<&'static str, Error> {
    let mut args = std::env::args().skip(1);
    let flag = loop {
        match args.next() {
            Some(arg) if arg == "--api" => break args.next(),
            Some(arg) => {
                if let Some(value) = arg.strip_prefix("--api=") {
                    break Some(value.to_owned());
                }
            }
            None => break None,
        }
    };
    let name = flag
        .or_else(|| std::env::var("CUSTOMERIO_API").ok())
        .unwrap_or_else(|| "track".to_owned());
    match name.trim().to_ascii_lowercase().as_str() {
        "track" => Ok("track"),
        "pipelines" => Ok("pipelines"),
        other => Err(Error::Config(format!(
            "--api {other}: expected track or pipelines"
        ))),
    }
}

/// Whether the credentials of `api` are in the environment.
pub fn live(api: &str) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    match api {
        "pipelines" => set("CUSTOMERIO_PIPELINES_WRITE_KEY"),
        _ => set("CUSTOMERIO_SITE_ID") && set("CUSTOMERIO_TRACK_API_KEY"),
    }
}

/// The client of `api`: Customer.io's, from the environment, or the emulator's.
pub fn destination(api: &str, emulator: Option<&Emulator>) -> Result<Destination, Error> {
    Ok(match (api, emulator) {
        ("pipelines", None) => PipelinesClient::from_env()?.into(),
        ("pipelines", Some(emulator)) => PipelinesClient::builder(emulator.write_key())
            .base_url(emulator.base_url())
            .build()?
            .into(),
        (_, None) => TrackClient::from_env()?.into(),
        (_, Some(emulator)) => TrackClient::builder(emulator.site_id(), emulator.api_key())
            .base_url(emulator.base_url())
            .build()?
            .into(),
    })
}

/// How the API is named in what the examples print.
pub fn title(api: &str) -> &'static str {
    match api {
        "pipelines" => "Data Pipelines API",
        _ => "Track API",
    }
}
