//! The main example: the seed's onboarding workflow in Rust.
//!
//! Runs the `MessagingService` (signup, email verified, feature used, upgrade,
//! cancellation) for two demo users, through the Track API or, with `--api
//! pipelines` (or `CUSTOMERIO_API=pipelines`), the Data Pipelines API. With no
//! credentials it starts the local emulator on 127.0.0.1 and prints what
//! Customer.io would have received; with `CUSTOMERIO_SITE_ID` and
//! `CUSTOMERIO_TRACK_API_KEY` set (or `CUSTOMERIO_PIPELINES_WRITE_KEY` for the
//! Pipelines API; and `CUSTOMERIO_REGION` `us` or `eu`), it sends to Customer.io.
//!
//! The emulator runs the journeys of `events.toml` on what it receives. With
//! `--serve` the example keeps it running after the timeline, with the journeys'
//! clock moved 30 days on, and prints the URL of its web inbox (people, journeys,
//! rendered messages) until Ctrl-C.
//!
//! ```sh
//! cargo run --example onboarding
//! cargo run --example onboarding -- --api pipelines
//! cargo run --example onboarding -- --serve
//! ```

use std::error::Error;

use cio::journey::Simulation;
use cio::Timestamp;
use cio_emulator::Emulator;

#[path = "shared/api.rs"]
mod api;
#[path = "shared/messaging.rs"]
mod messaging;

use messaging::events::taxonomy::JOURNEYS;
use messaging::events::taxonomy::{OBJECT_TYPES, TOPICS};
use messaging::events::{
    EmailVerified, InvitedTeammate, InvitedTeammateRole, Plan, SignedUp, SignupMethod,
    SubscriptionCancelled,
};
use messaging::{
    cancellation_update, company_object, demo_team, demo_users, signup_profile, team_relationship,
    verified_update, MessagingService, Team, User,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let serve = std::env::args().skip(1).any(|a| a == "--serve");
    let api = api::chosen()?;
    let live = api::live(api);
    let emulator = if live {
        if serve {
            println!(
                "--serve shows the local emulator's inbox: it is ignored with credentials set\n"
            );
        }
        None
    } else {
        Some(
            Emulator::builder()
                .journeys(&JOURNEYS)
                .object_types(OBJECT_TYPES)
                .topics(TOPICS)
                .start()
                .await?,
        )
    };
    let client = api::destination(api, emulator.as_ref())?;
    match &emulator {
        Some(emulator) => println!(
            "No credentials for the {}: sending to the local emulator at {}\n",
            api::title(api),
            emulator.base_url()
        ),
        None => println!(
            "Sending to the Customer.io {} at {}\n",
            api::title(api),
            client.base_url()
        ),
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
    let team = demo_team();
    let id = service
        .on_teammate_invited(&users[0], &users[1], &team, InvitedTeammateRole::Member)
        .await?;
    println!(
        "── {} invites {} to {}: track invited_teammate (id {id}) + object {} + relate {} as member",
        users[0].id, users[1].id, team.name, team.id, users[1].id
    );
    let id = service
        .on_cancellation(&users[1].id, "too_expensive")
        .await?;
    println!(
        "── {}: cancellation: identify + track subscription_cancelled (id {id})",
        users[1].id
    );

    if let Some(emulator) = &emulator {
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
            for (object, relationship) in record.relationships_of(customer) {
                let attributes = record.object_attributes.get(object).cloned();
                println!(
                    "  related to object {object} {}  relationship {}",
                    serde_json::Value::Object(attributes.unwrap_or_default()),
                    serde_json::Value::Object(relationship.clone())
                );
            }
        }
        println!(
            "\n{} requests, {} events stored, {} duplicates ignored",
            emulator.request_count(),
            record.event_count(),
            record.duplicates_ignored
        );
    }
    timeline(&users, &team);
    if let Some(emulator) = emulator {
        if serve {
            emulator.advance(std::time::Duration::from_secs(30 * 24 * 3600));
            println!(
                "\nInbox: {} ({} messages delivered, the journeys' clock 30 days on; Ctrl-C to stop)",
                emulator.inbox_url(),
                emulator.deliveries().len()
            );
            tokio::signal::ctrl_c().await?;
        }
        emulator.shutdown().await;
    }
    Ok(())
}

/// The same calls on the journeys' virtual clock: which messages the onboarding,
/// team welcome and win-back campaigns send each demo user over 30 days, and when,
/// rendered.
fn timeline(users: &[User], team: &Team) {
    let start = Timestamp::now();
    let mut sim = Simulation::new(&JOURNEYS, start);
    for user in users {
        sim.identify(&user.id, &signup_profile(user));
        sim.track(
            &user.id,
            &SignedUp {
                method: SignupMethod::Google,
                plan: user.plan,
            },
        );
        sim.identify(&user.id, &verified_update());
        sim.track(&user.id, &EmailVerified {});
    }
    if let [inviter, invitee, ..] = users {
        sim.track(
            &inviter.id,
            &InvitedTeammate {
                invitee_email: invitee.email.clone(),
                role: InvitedTeammateRole::Member,
            },
        );
        sim.object(&team.id, &company_object(team));
        let relationship = team_relationship(inviter, InvitedTeammateRole::Member);
        sim.relate(&invitee.id, &team.id, &relationship);
    }
    if let Some(user) = users.get(1) {
        sim.identify(&user.id, &cancellation_update("too_expensive"));
        sim.track(
            &user.id,
            &SubscriptionCancelled {
                reason: "too_expensive".into(),
            },
        );
    }
    sim.advance(std::time::Duration::from_secs(30 * 24 * 3600));
    println!("\nWhat the campaigns would send over 30 days (cio::journey::Simulation):");
    for user in users {
        println!("\n{}", user.id);
        for delivery in sim.deliveries_to(&user.id) {
            let offset = delivery.time.as_unix() - start.as_unix();
            let subject = match (&delivery.subject, &delivery.error) {
                (_, Some(error)) => format!("render error: {error}"),
                (Some(subject), None) => format!("{subject:?}"),
                (None, None) => String::new(),
            };
            println!(
                "  {:>7}  {:<16} {:<18} {subject}",
                since(offset),
                delivery.campaign,
                delivery.message
            );
        }
    }
}

/// `+5m`, `+1d5m`, `+3d`: a delay in days, hours and minutes.
fn since(secs: i64) -> String {
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (hours, minutes) = (rest / 3600, rest % 3600 / 60);
    let mut out = String::from("+");
    for (n, unit) in [(days, "d"), (hours, "h"), (minutes, "m")] {
        if n > 0 {
            out.push_str(&format!("{n}{unit}"));
        }
    }
    if out.len() == 1 {
        out.push_str("0m");
    }
    out
}
