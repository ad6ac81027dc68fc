//! The seed's campaigns (events.toml: onboarding, win-back) run on the virtual
//! clock of `cio::journey::Simulation`, with every message rendered.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use cio::journey::{Delivery, JourneyStatus, Simulation};
use cio::Timestamp;

#[path = "../examples/shared/messaging.rs"]
mod messaging;

use messaging::events::taxonomy::JOURNEYS;
use messaging::events::{
    EmailVerified, FirstProjectCreated, Plan, Profile, ProfileUpdate, SignedUp, SignupMethod,
    SubscriptionCancelled,
};

const START: i64 = 1_700_000_000;
const MINUTE: u64 = 60;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn at(offset: u64) -> Timestamp {
    Timestamp::from_unix(START + i64::try_from(offset).unwrap())
}

/// Jane, on the free plan at Acme, signed up with Google at START.
fn signed_up(sim: &mut Simulation, id: &str, first_name: &str) {
    let profile = Profile {
        company: Some("Acme".into()),
        ..Profile::new(
            format!("{id}@example.com"),
            first_name.into(),
            Plan::Free,
            sim.now(),
        )
    };
    sim.identify(id, &profile);
    sim.track(
        id,
        &SignedUp {
            method: SignupMethod::Google,
            plan: Plan::Free,
        },
    );
}

fn sim() -> Simulation {
    Simulation::new(&JOURNEYS, Timestamp::from_unix(START))
}

fn sent<'a>(sim: &'a Simulation, person: &'a str) -> Vec<(&'a str, Timestamp)> {
    sim.deliveries_to(person)
        .map(|d| {
            assert_eq!(d.error, None, "{d:?}");
            (d.message, d.time)
        })
        .collect()
}

fn only<'a>(sim: &'a Simulation, person: &str, message: &str) -> &'a Delivery {
    let mut found = sim
        .deliveries()
        .iter()
        .filter(|d| d.person == person && d.message == message);
    let first = found
        .next()
        .unwrap_or_else(|| panic!("no {message} to {person}"));
    assert!(found.next().is_none(), "two {message} to {person}");
    first
}

#[test]
fn a_verified_user_gets_the_welcome_and_the_tips_and_a_nudge_without_a_project() {
    let mut sim = sim();
    signed_up(&mut sim, "jane", "Jane");
    sim.advance(secs(HOUR));
    sim.identify("jane", &ProfileUpdate::new().email_verified(true));
    sim.track("jane", &EmailVerified {});
    sim.advance(secs(30 * DAY));
    assert_eq!(
        sent(&sim, "jane"),
        [
            ("welcome", at(5 * MINUTE)),
            ("feature_tips", at(5 * MINUTE + 4 * DAY)),
            ("activation_nudge", at(5 * MINUTE + 11 * DAY)),
        ]
    );
    let welcome = only(&sim, "jane", "welcome");
    assert_eq!(welcome.subject.as_deref(), Some("Welcome, Jane!"));
    assert_eq!(welcome.campaign, "onboarding");
    assert!(
        welcome
            .body
            .contains("Thanks for signing up with google. Your free account is ready."),
        "{}",
        welcome.body
    );
    let tips = only(&sim, "jane", "feature_tips");
    assert!(
        tips.body.contains("Here is how teams at Acme get started:"),
        "{}",
        tips.body
    );
    let nudge = only(&sim, "jane", "activation_nudge");
    assert!(nudge.body.starts_with("Hi Jane,"), "{}", nudge.body);
    let journeys: Vec<_> = sim.journeys_of("jane").collect();
    assert_eq!(journeys.len(), 1);
    assert_eq!(
        journeys[0].status,
        JourneyStatus::Finished {
            at: at(5 * MINUTE + 11 * DAY)
        }
    );
}

#[test]
fn a_first_project_before_the_last_branch_skips_the_activation_nudge() {
    let mut sim = sim();
    signed_up(&mut sim, "jane", "Jane");
    sim.identify("jane", &ProfileUpdate::new().email_verified(true));
    sim.advance(secs(6 * DAY));
    sim.track(
        "jane",
        &FirstProjectCreated {
            project_id: "p1".into(),
            project_name: "Launch".into(),
        },
    );
    sim.advance(secs(30 * DAY));
    let messages: Vec<_> = sent(&sim, "jane").into_iter().map(|(m, _)| m).collect();
    assert_eq!(messages, ["welcome", "feature_tips"]);
}

#[test]
fn an_unverified_user_gets_the_verification_reminder() {
    let mut sim = sim();
    signed_up(&mut sim, "raj", "Raj");
    sim.advance(secs(DAY + 5 * MINUTE - 1));
    assert_eq!(sent(&sim, "raj"), [("welcome", at(5 * MINUTE))]);
    sim.advance(secs(1));
    let reminder = only(&sim, "raj", "verify_reminder");
    assert_eq!(reminder.time, at(DAY + 5 * MINUTE));
    assert_eq!(
        reminder.subject.as_deref(),
        Some("Please verify your email address")
    );
    assert!(
        reminder
            .body
            .contains("Please confirm that raj@example.com is your address"),
        "{}",
        reminder.body
    );
}

#[test]
fn a_cancellation_gets_we_miss_you_with_the_reason_then_the_discount_a_week_later() {
    let mut sim = sim();
    signed_up(&mut sim, "raj", "Raj");
    sim.advance(secs(40 * DAY));
    let cancelled = sim.now();
    sim.identify(
        "raj",
        &ProfileUpdate::new()
            .plan(Plan::Cancelled)
            .cancelled_at(cancelled),
    );
    sim.track(
        "raj",
        &SubscriptionCancelled {
            reason: "too_expensive".into(),
        },
    );
    sim.advance(secs(30 * DAY));
    let win_back = only(&sim, "raj", "win_back");
    assert_eq!(win_back.campaign, "win_back");
    assert_eq!(win_back.time, at(43 * DAY));
    assert_eq!(win_back.subject.as_deref(), Some("We miss you"));
    assert!(
        win_back.body.contains("You told us: \"too_expensive\"."),
        "{}",
        win_back.body
    );
    assert!(
        win_back.body.contains("If anything changes at Acme"),
        "{}",
        win_back.body
    );
    let discount = only(&sim, "raj", "discount_offer");
    assert_eq!(discount.time, at(50 * DAY));
    assert_eq!(
        discount.subject.as_deref(),
        Some("Raj, come back for 30% off")
    );
    assert!(
        discount
            .body
            .contains("30% off your first three months of cancelled"),
        "{}",
        discount.body
    );
    assert!(
        discount
            .body
            .contains("Your projects are kept until you decide."),
        "{}",
        discount.body
    );
}

#[test]
fn a_second_signup_during_the_journey_starts_nothing_and_one_after_it_starts_again() {
    let mut sim = sim();
    signed_up(&mut sim, "jane", "Jane");
    sim.advance(secs(DAY));
    signed_up(&mut sim, "jane", "Jane");
    sim.advance(secs(11 * DAY));
    let welcomes = sent(&sim, "jane")
        .into_iter()
        .filter(|(m, _)| *m == "welcome")
        .count();
    assert_eq!(welcomes, 1);
    assert_eq!(sim.journeys_of("jane").count(), 1);
    // The first journey ended at 11d5m; a signup now starts a second one.
    let again = sim.now();
    signed_up(&mut sim, "jane", "Jane");
    sim.advance(secs(5 * MINUTE));
    let last = sim.deliveries_to("jane").last().unwrap();
    assert_eq!(
        (last.message, last.time),
        ("welcome", Timestamp::from_unix(again.as_unix() + 300))
    );
    assert_eq!(sim.journeys_of("jane").count(), 2);
}

#[test]
fn the_branch_reads_the_profile_when_it_is_reached_not_at_the_trigger() {
    let mut sim = sim();
    // Unverified at the trigger, verified before the branch: no reminder.
    signed_up(&mut sim, "jane", "Jane");
    sim.advance(secs(12 * HOUR));
    sim.identify("jane", &ProfileUpdate::new().email_verified(true));
    // Verified at the trigger, unverified before the branch: the reminder.
    signed_up(&mut sim, "raj", "Raj");
    sim.identify("raj", &ProfileUpdate::new().email_verified(true));
    sim.advance(secs(12 * HOUR));
    sim.identify("raj", &ProfileUpdate::new().email_verified(false));
    sim.advance(secs(2 * DAY));
    assert!(sim
        .deliveries_to("jane")
        .all(|d| d.message != "verify_reminder"));
    assert_eq!(
        only(&sim, "raj", "verify_reminder").time,
        at(12 * HOUR + DAY + 5 * MINUTE)
    );
}

#[test]
fn an_event_at_a_waits_end_comes_after_the_step_that_falls_due_then() {
    let branch = 5 * MINUTE + 11 * DAY;
    let project = FirstProjectCreated {
        project_id: "p1".into(),
        project_name: "Launch".into(),
    };
    // One second before the wait ends: performed.
    let mut sim = sim();
    signed_up(&mut sim, "early", "Early");
    sim.advance_until(at(branch - 1));
    sim.track("early", &project);
    // Exactly when the wait ends: the clock reaching that time ran the branch first.
    signed_up(&mut sim, "late", "Late");
    let late_start = sim.now();
    sim.advance_until(Timestamp::from_unix(
        late_start.as_unix() + i64::try_from(branch).unwrap(),
    ));
    sim.track("late", &project);
    sim.advance(secs(DAY));
    assert!(sim
        .deliveries_to("early")
        .all(|d| d.message != "activation_nudge"));
    let nudge = only(&sim, "late", "activation_nudge");
    assert_eq!(nudge.time, sim.events_of("late").last().unwrap().time);
}
