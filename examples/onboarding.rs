//! The main example: the seed's onboarding workflow in Rust.
//!
//! Runs the `MessagingService` (signup, email verified, feature used, upgrade,
//! cancellation) for two demo users. With no credentials it starts the local Track
//! API emulator on 127.0.0.1 and prints what Customer.io would have received; with
//! `CUSTOMERIO_SITE_ID` and `CUSTOMERIO_TRACK_API_KEY` set (and `CUSTOMERIO_REGION`
//! `us` or `eu`), it sends to the real Track API.
//!
//! ```sh
//! cargo run --example onboarding
//! ```

use std::error::Error;

use cio::client::TrackClient;
use cio_emulator::Emulator;

#[path = "shared/messaging.rs"]
mod messaging;

use messaging::events::{Plan, SignupMethod};
use messaging::{demo_users, MessagingService};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let live = std::env::var_os("CUSTOMERIO_SITE_ID").is_some()
        && std::env::var_os("CUSTOMERIO_TRACK_API_KEY").is_some();
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
    match &emulator {
        Some(emulator) => println!(
            "No CUSTOMERIO_SITE_ID / CUSTOMERIO_TRACK_API_KEY: sending to the local Track API emulator at {}\n",
            emulator.base_url()
        ),
        None => println!("Sending to the Customer.io Track API at {}\n", client.base_url()),
    }

    let service = MessagingService::new(client);
    let users = demo_users();
    for user in &users {
        println!("── {} ({})", user.id, user.email);
        let id = service.on_signup(user, SignupMethod::Google).await?;
        println!("   signup: identify + track signed_up (id {id})");
        let id = service.on_email_verified(&user.id).await?;
        println!("   email verified: identify + track email_verified (id {id})");
        let mut metadata = serde_json::Map::new();
        metadata.insert("source".into(), "dashboard".into());
        let id = service
            .on_feature_used(&user.id, "export", Some(metadata))
            .await?;
        println!("   feature used: track feature_used (id {id}) + identify last_active_at");
    }
    let id = service
        .on_upgrade(&users[0].id, Plan::Free, Plan::Pro, 49.0)
        .await?;
    println!(
        "── {}: upgrade free → pro: identify + track upgrade_completed (id {id})",
        users[0].id
    );
    let id = service
        .on_cancellation(&users[1].id, "too_expensive")
        .await?;
    println!(
        "── {}: cancellation: identify + track subscription_cancelled (id {id})",
        users[1].id
    );

    if let Some(emulator) = emulator {
        println!("\nWhat Customer.io received:");
        let record = emulator.record();
        for (customer, attributes) in &record.profiles {
            println!("\n{customer}");
            println!(
                "  attributes: {}",
                serde_json::Value::Object(attributes.clone())
            );
            for event in record.events_of(customer) {
                println!(
                    "  event {:<24} id {}  data {}",
                    event.name,
                    event.id.as_deref().unwrap_or("-"),
                    event.data
                );
            }
        }
        println!(
            "\n{} requests, {} events stored, {} duplicates ignored",
            emulator.request_count(),
            record.event_count(),
            record.duplicates_ignored
        );
        emulator.shutdown().await;
    }
    Ok(())
}
