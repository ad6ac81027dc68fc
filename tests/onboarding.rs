//! The seed's `MessagingService` against the emulator: every call arrives with the
//! seed's attributes and data, through the Track API and through the Data Pipelines
//! API alike.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use cio::client::{Destination, PipelinesClient, TrackClient};
use cio_emulator::Emulator;
use serde_json::{json, Value};

#[path = "../examples/shared/messaging.rs"]
mod messaging;

use messaging::events::{Plan, SignupMethod};
use messaging::{demo_users, MessagingService};

fn attribute<'a>(profile: &'a serde_json::Map<String, Value>, name: &str) -> &'a Value {
    profile
        .get(name)
        .unwrap_or_else(|| panic!("attribute `{name}` missing from {profile:?}"))
}

#[tokio::test]
async fn every_call_of_the_messaging_service_arrives() {
    every_call_arrives(|emulator| {
        TrackClient::builder(emulator.site_id(), emulator.api_key())
            .base_url(emulator.base_url())
            .build()
            .unwrap()
            .into()
    })
    .await;
}

#[tokio::test]
async fn every_call_of_the_messaging_service_arrives_through_the_pipelines_api() {
    every_call_arrives(|emulator| {
        PipelinesClient::builder(emulator.write_key())
            .base_url(emulator.base_url())
            .build()
            .unwrap()
            .into()
    })
    .await;
}

/// Runs the seed's flow through the client `destination` gives and checks what
/// arrived.
async fn every_call_arrives(destination: impl Fn(&Emulator) -> Destination) {
    tokio::time::timeout(Duration::from_secs(60), async {
        let emulator = Emulator::start().await.unwrap();
        let service = MessagingService::new(destination(&emulator));
        let users = demo_users();
        let jane = &users[0];
        let raj = &users[1];

        let signed_up = service.on_signup(jane, SignupMethod::Github).await.unwrap();
        let verified = service.on_email_verified(&jane.id).await.unwrap();
        let mut metadata = serde_json::Map::new();
        metadata.insert("source".into(), json!("dashboard"));
        let used = service
            .on_feature_used(&jane.id, "export", Some(metadata))
            .await
            .unwrap();
        let upgraded = service
            .on_upgrade(&jane.id, Plan::Free, Plan::Pro, 49.5)
            .await
            .unwrap();
        service.on_signup(raj, SignupMethod::Email).await.unwrap();
        let cancelled = service
            .on_cancellation(&raj.id, "too_expensive")
            .await
            .unwrap();

        let record = emulator.record();

        // Jane: created with every signup attribute, then updated.
        let profile = record.profile("user-1").unwrap();
        assert_eq!(attribute(profile, "email"), "jane@example.com");
        assert_eq!(attribute(profile, "first_name"), "Jane");
        assert_eq!(attribute(profile, "last_name"), "Doe");
        assert_eq!(attribute(profile, "company"), "Acme");
        assert!(attribute(profile, "created_at").as_i64().unwrap() > 1_600_000_000);
        assert_eq!(attribute(profile, "email_verified"), true);
        assert!(attribute(profile, "email_verified_at").is_i64());
        assert_eq!(attribute(profile, "onboarding_step"), "verified");
        assert!(attribute(profile, "last_active_at").is_i64());
        assert_eq!(attribute(profile, "plan"), "pro");
        assert_eq!(attribute(profile, "mrr"), 49.5);
        assert!(attribute(profile, "upgraded_at").is_i64());

        let events = record.events_of("user-1");
        let summary: Vec<(&str, Option<&str>, &Value)> = events
            .iter()
            .map(|e| (e.name.as_str(), e.id.as_deref(), &e.data))
            .collect();
        let (signed_up, verified, used, upgraded) = (
            signed_up.to_string(),
            verified.to_string(),
            used.to_string(),
            upgraded.to_string(),
        );
        assert_eq!(
            summary,
            vec![
                (
                    "signed_up",
                    Some(signed_up.as_str()),
                    &json!({"method": "github", "plan": "free"})
                ),
                ("email_verified", Some(verified.as_str()), &json!({})),
                (
                    "feature_used",
                    Some(used.as_str()),
                    &json!({"feature": "export", "metadata": {"source": "dashboard"}})
                ),
                (
                    "upgrade_completed",
                    Some(upgraded.as_str()),
                    &json!({"from_plan": "free", "to_plan": "pro", "mrr": 49.5})
                ),
            ]
        );

        // Raj: no last name or company, so none was sent (not even as "").
        let profile = record.profile("user-2").unwrap();
        assert!(!profile.contains_key("last_name"), "{profile:?}");
        assert!(!profile.contains_key("company"), "{profile:?}");
        assert_eq!(attribute(profile, "plan"), "cancelled");
        assert_eq!(attribute(profile, "cancellation_reason"), "too_expensive");
        assert!(attribute(profile, "cancelled_at").is_i64());
        let events = record.events_of("user-2");
        assert_eq!(events.len(), 2);
        assert_eq!(events[1].name, "subscription_cancelled");
        assert_eq!(
            events[1].id.as_deref(),
            Some(cancelled.to_string().as_str())
        );
        assert_eq!(events[1].data, json!({"reason": "too_expensive"}));

        assert_eq!(record.duplicates_ignored, 0);
        emulator.shutdown().await;
    })
    .await
    .expect("the flow finishes in bounded time");
}
