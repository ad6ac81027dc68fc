//! The seed's routes as an axum app that tracks fire-and-forget through the
//! delivery pipeline, and flushes it on graceful shutdown (Ctrl-C).
//!
//! ```sh
//! cargo run --example axum_app
//! curl -X POST localhost:3000/signup -H 'content-type: application/json' \
//!   -d '{"id":"u1","email":"jane@example.com","first_name":"Jane","signup_method":"google"}'
//! curl -X POST localhost:3000/verify-email -H 'content-type: application/json' -d '{"user_id":"u1"}'
//! ```
//!
//! Without credentials the events go to a local emulator (and are printed on exit);
//! with `CUSTOMERIO_SITE_ID` and `CUSTOMERIO_TRACK_API_KEY` set, to Customer.io.

use std::error::Error;
use std::time::Duration;

use cio::client::TrackClient;
use cio::pipeline::{Pipeline, PipelineConfig};
use cio_emulator::Emulator;

#[path = "shared/routes.rs"]
mod routes;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let live = std::env::var_os("CUSTOMERIO_SITE_ID").is_some();
    let emulator = if live {
        None
    } else {
        Some(Emulator::start().await?)
    };
    let client = match &emulator {
        None => TrackClient::from_env()?,
        Some(emulator) => TrackClient::builder(emulator.site_id(), emulator.api_key())
            .base_url(emulator.base_url())
            .build()?,
    };
    let pipeline = Pipeline::start(client, PipelineConfig::default());
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, routes::app(pipeline.clone()))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;

    // Deliver everything still queued before exiting; report what could not be.
    let report = pipeline.shutdown(Duration::from_secs(10)).await;
    println!("pipeline: {:?}", pipeline.stats());
    if !report.is_clean() {
        eprintln!("not delivered: {report:?}");
    }
    if let Some(emulator) = emulator {
        let record = emulator.record();
        for (customer, events) in &record.events {
            for event in events {
                println!("{customer}: {} {}", event.name, event.data);
            }
        }
        emulator.shutdown().await;
    }
    Ok(())
}
