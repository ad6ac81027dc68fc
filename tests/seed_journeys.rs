//! The seed's `events.toml` end to end through the emulator: every event it declares,
//! typed by `taxonomy!()`, sent with the Track client, arrives as declared; the
//! emulator runs the seed's journeys on what arrived (a relationship to a company
//! too), and over 30 days of its clock every message of every campaign is delivered
//! and rendered, each `if` going both ways. (With `CIO_COVERAGE_DIR` set, as in CI, this is also what makes
//! `cio-cli coverage` find every event and message exercised.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use cio::client::{Customer, Operation, TrackClient};
use cio::Timestamp;
use cio_emulator::Emulator;
use serde_json::json;

mod events {
    cio::taxonomy!();
}

use events::*;

/// Monday 2 March 2026, 09:00 UTC: where the journeys' clock starts.
const START: i64 = 1_772_442_000;

fn profile(email: &str, first_name: &str) -> Profile {
    Profile::new(
        email.to_owned(),
        first_name.to_owned(),
        Plan::Free,
        Timestamp::from_unix(START),
    )
}

#[tokio::test]
async fn every_event_arrives_and_every_message_renders_down_both_sides_of_each_if() {
    tokio::time::timeout(Duration::from_secs(60), async {
        let emulator = Emulator::builder()
            .journeys(&taxonomy::JOURNEYS)
            .object_types(taxonomy::OBJECT_TYPES)
            .clock_start(Timestamp::from_unix(START))
            .start()
            .await
            .unwrap();
        let client = TrackClient::builder(emulator.site_id(), emulator.api_key())
            .base_url(emulator.base_url())
            .build()
            .unwrap();

        // Ana verifies her address and creates a project: she takes the `then` of both
        // `if`s of the onboarding, and sends every other event of the plan.
        let ana = Customer::id("ana");
        client
            .identify(&ana, &profile("ana@example.com", "Ana"))
            .await
            .unwrap();
        let signed_up = SignedUp {
            method: SignupMethod::Github,
            plan: Plan::Free,
        };
        client.track(&ana, signed_up).await.unwrap();
        let verified = ProfileUpdate::new()
            .email_verified(true)
            .email_verified_at(Timestamp::from_unix(START));
        client.identify(&ana, &verified).await.unwrap();
        client.track(&ana, EmailVerified {}).await.unwrap();
        let completed = ProfileCompleted {
            fields_completed: 6,
        };
        client.track(&ana, completed).await.unwrap();
        let project = FirstProjectCreated {
            project_id: "p-1".into(),
            project_name: "Launch".into(),
        };
        client.track(&ana, project).await.unwrap();
        let used = FeatureUsed {
            feature: "export".into(),
            metadata: None,
        };
        client.track(&ana, used).await.unwrap();
        let invited = InvitedTeammate {
            invitee_email: "bo@example.com".into(),
            role: InvitedTeammateRole::Admin,
        };
        client.track(&ana, invited).await.unwrap();
        // The app relates Bo to Ana's company: the team_welcome campaign.
        let acme = Company {
            name: "Acme".into(),
            plan: Some(Plan::Pro),
            seats: Some(5),
        };
        let object = Operation::object("acme", &acme).unwrap();
        client.entity(&object).await.unwrap();
        let bo = Customer::id("bo");
        client
            .identify(&bo, &profile("bo@example.com", "Bo"))
            .await
            .unwrap();
        let relationship = CompanyRelationship {
            role: Some("admin".into()),
            invited_by: Some("Ana".into()),
        };
        let relate = Operation::relate(&bo, "acme", &relationship).unwrap();
        client.entity(&relate).await.unwrap();
        let started = UpgradeStarted {
            from_plan: Plan::Free,
            to_plan: Plan::Pro,
        };
        client.track(&ana, started).await.unwrap();
        let checkout = CheckoutStarted {
            cart_id: "c-1".into(),
            amount: 49.0,
            currency: "USD".into(),
            items: Some(1),
        };
        client.track(&ana, checkout).await.unwrap();
        let paid = CheckoutCompleted {
            order_id: "o-1".into(),
            amount: 49.0,
            currency: "USD".into(),
        };
        client.track(&ana, paid).await.unwrap();
        let upgraded = UpgradeCompleted {
            from_plan: Plan::Free,
            to_plan: Plan::Pro,
            mrr: 49.0,
        };
        client.track(&ana, upgraded).await.unwrap();
        let trial = TrialExpiring {
            expires_at: Timestamp::from_unix(START + 3 * 86_400),
            days_left: 3,
        };
        client.track(&ana, trial).await.unwrap();
        let renewed = SubscriptionRenewed {
            plan: Plan::Pro,
            mrr: 49.0,
            period_end: Timestamp::from_unix(START + 30 * 86_400),
        };
        client.track(&ana, renewed).await.unwrap();
        let refund = RefundRequested {
            order_id: "o-1".into(),
            amount: 49.0,
            reason: None,
        };
        client.track(&ana, refund).await.unwrap();

        // Ben signs up and cancels at once: the `else` of both `if`s, and win-back.
        let ben = Customer::id("ben");
        client
            .identify(&ben, &profile("ben@example.com", "Ben"))
            .await
            .unwrap();
        let signed_up = SignedUp {
            method: SignupMethod::Email,
            plan: Plan::Free,
        };
        client.track(&ben, signed_up).await.unwrap();
        let cancelled = SubscriptionCancelled {
            reason: "too expensive".into(),
        };
        client.track(&ben, cancelled).await.unwrap();

        // Every declared event arrived, with the data its type sent.
        let record = emulator.record();
        let mut sent: Vec<&str> = record.all_events().map(|e| e.name.as_str()).collect();
        sent.sort_unstable();
        sent.dedup();
        let mut declared = taxonomy::EVENTS.to_vec();
        declared.sort_unstable();
        assert_eq!(sent, declared);
        let of = |person: &str, name: &str| {
            record
                .events_of(person)
                .iter()
                .find(|e| e.name == name)
                .map(|e| e.data.clone())
                .unwrap()
        };
        assert_eq!(
            of("ana", "invited_teammate"),
            json!({"invitee_email": "bo@example.com", "role": "admin"})
        );
        // An optional field left out is not sent, not even as null.
        assert_eq!(
            of("ana", "refund_requested"),
            json!({"order_id": "o-1", "amount": 49.0})
        );
        assert_eq!(
            of("ana", "trial_expiring")["expires_at"],
            START + 3 * 86_400
        );

        // Thirty days of the journeys' clock.
        emulator.advance(Duration::from_secs(30 * 86_400));
        let deliveries = emulator.deliveries();
        let to = |person: &str| -> Vec<(i64, &str, &str)> {
            deliveries
                .iter()
                .filter(|d| d.person == person)
                .map(|d| {
                    assert_eq!(d.error, None, "{} to {person} did not render", d.message);
                    (
                        d.time.as_unix() - START,
                        d.message,
                        d.subject.as_deref().unwrap_or_default(),
                    )
                })
                .collect()
        };
        const M: i64 = 60;
        const D: i64 = 86_400;
        assert_eq!(
            to("ana"),
            [
                (5 * M, "welcome", "Welcome, Ana!"),
                (
                    4 * D + 5 * M,
                    "feature_tips",
                    "Ana, three tips to get more out of your account"
                ),
            ]
        );
        assert_eq!(
            to("ben"),
            [
                (5 * M, "welcome", "Welcome, Ben!"),
                (
                    D + 5 * M,
                    "verify_reminder",
                    "Please verify your email address"
                ),
                (3 * D, "win_back", "We miss you"),
                (
                    4 * D + 5 * M,
                    "feature_tips",
                    "Ben, three tips to get more out of your account"
                ),
                (10 * D, "discount_offer", "Ben, come back for 30% off"),
                (
                    11 * D + 5 * M,
                    "activation_nudge",
                    "Your first project is one click away"
                ),
            ]
        );
        assert_eq!(to("bo"), [(0, "team_welcome", "You joined Acme")]);
        let welcome = deliveries.iter().find(|d| d.person == "bo").unwrap();
        assert!(
            welcome
                .body
                .contains("You are now on the Acme team as admin.\nAna invited you."),
            "{}",
            welcome.body
        );
        let win_back = deliveries.iter().find(|d| d.message == "win_back").unwrap();
        assert!(
            win_back.body.contains("You told us: \"too expensive\"."),
            "{}",
            win_back.body
        );

        // What the emulator notes for coverage: all of it, each `if` both ways.
        let seen = emulator.coverage();
        assert_eq!(seen.events.len(), taxonomy::EVENTS.len());
        let journeys = seen.of_journeys(&cio_emulator::Coverage::journeys_id(&taxonomy::JOURNEYS));
        assert_eq!(journeys.messages.len(), taxonomy::JOURNEYS.messages.len());
        assert_eq!(journeys.branches.len(), 4, "{:?}", journeys.branches);
        emulator.shutdown().await;
    })
    .await
    .expect("the test took more than 60 s");
}
