//! `cio-cli simulate` delivers what the library's `Simulation` delivers for the same
//! people and steps, run on the journeys `cio::taxonomy!()` generates.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;
use std::time::Duration;

use cio::journey::Simulation;
use cio::Timestamp;
use serde_json::{json, Map, Value};

mod plan {
    cio::taxonomy!("tests/fixtures/journeys.toml");
}

mod workspace {
    cio::taxonomy!("../events.toml");
}

fn object(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap()
}

/// What the binary printed for `scenario`, as JSON.
fn simulate(scenario: &str) -> Value {
    simulate_on(scenario, "tests/fixtures/journeys.toml")
}

/// What the binary printed for `scenario` on the journeys of `taxonomy`, as JSON.
fn simulate_on(scenario: &str, taxonomy: &str) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_cio-cli"))
        .args([
            "simulate",
            scenario,
            "--taxonomy",
            taxonomy,
            "--format",
            "json",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The deliveries of `simulation` as the binary prints them.
fn deliveries(simulation: &Simulation) -> Value {
    simulation
        .deliveries()
        .iter()
        .map(|d| {
            json!([
                d.time.as_unix(),
                d.person,
                d.campaign,
                d.message,
                d.channel.as_str(),
                d.subject,
                d.body
            ])
        })
        .collect()
}

fn printed(document: &Value) -> Value {
    document["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            json!([
                d["time"],
                d["person"],
                d["campaign"],
                d["message"],
                d["channel"],
                d["subject"],
                d["body"]
            ])
        })
        .collect()
}

#[test]
fn onboarding_scenario_matches_the_library() {
    // tests/fixtures/simulate/onboarding.toml, step by step.
    let start = 1_772_442_000; // 2026-03-02T09:00:00Z
    let mut sim = Simulation::new(&plan::taxonomy::JOURNEYS, Timestamp::from_unix(start));
    sim.identify_json(
        "jane",
        object(json!({ "email": "jane@example.com", "first_name": "Jane", "plan": "free" })),
    );
    sim.identify_json(
        "sam",
        object(json!({
            "email": "sam@example.com", "first_name": "Sam", "plan": "free", "company": "Acme"
        })),
    );
    sim.track_json("jane", "signed_up", object(json!({ "method": "google" })));
    sim.advance_until(Timestamp::from_unix(start + 2 * 3_600));
    sim.track_json(
        "sam",
        "signed_up",
        object(json!({ "method": "email", "seats": 5 })),
    );
    sim.advance_until(Timestamp::from_unix(start + 5 * 3_600));
    sim.track_json(
        "jane",
        "project_created",
        object(json!({ "name": "Launch", "tags": ["web"] })),
    );
    sim.advance_until(Timestamp::from_unix(start + 2 * 86_400));
    sim.identify_json("sam", object(json!({ "plan": "pro" })));
    sim.track_json(
        "sam",
        "order_paid",
        object(json!({ "amount": 49.5, "paid_at": start + 2 * 86_400 })),
    );
    sim.advance(Duration::from_secs(3 * 86_400));

    let document = simulate("tests/fixtures/simulate/onboarding.toml");
    assert_eq!(printed(&document), deliveries(&sim));
    assert_eq!(document["start"], json!(start));
    assert_eq!(document["end"], json!(sim.now().as_unix()));
    assert_eq!(sim.deliveries().len(), 6);
}

#[test]
fn team_scenario_matches_the_library() {
    // tests/fixtures/simulate/team.toml: objects and relationships.
    use workspace::{Company, CompanyRelationship, Plan};
    let start = 1_772_442_000;
    let mut sim = Simulation::new(&workspace::taxonomy::JOURNEYS, Timestamp::from_unix(start));
    for (id, name, plan) in [("ana", "Ana", "pro"), ("bo", "Bo", "free")] {
        sim.identify_json(
            id,
            object(json!({
                "email": format!("{id}@example.com"), "first_name": name, "plan": plan,
                "created_at": start,
            })),
        );
    }
    let acme = Company {
        name: "Acme".into(),
        plan: Some(Plan::Pro),
        seats: Some(12),
    };
    sim.object("acme", &acme);
    sim.advance_until(Timestamp::from_unix(start + 3_600));
    let admin = CompanyRelationship {
        role: Some("admin".into()),
        invited_by: Some("Bo".into()),
    };
    sim.relate("ana", "acme", &admin);
    sim.advance_until(Timestamp::from_unix(start + 2 * 3_600));
    let none = CompanyRelationship {
        role: None,
        invited_by: None,
    };
    sim.relate("bo", "acme", &none);
    sim.advance(Duration::from_secs(86_400));

    let document = simulate_on("tests/fixtures/simulate/team.toml", "../events.toml");
    assert_eq!(printed(&document), deliveries(&sim));
    assert_eq!(sim.deliveries().len(), 2);
    assert!(sim.deliveries()[1].body.contains("as member."));
}

#[test]
fn waiting_scenario_matches_the_library() {
    let start = 1_767_225_600;
    let mut sim = Simulation::new(&plan::taxonomy::JOURNEYS, Timestamp::from_unix(start));
    sim.identify_json(
        "jane",
        object(json!({ "email": "jane@example.com", "first_name": "Jane", "plan": "pro" })),
    );
    sim.advance_until(Timestamp::from_unix(start + 1_800));
    sim.track_json("jane", "signed_up", object(json!({ "method": "email" })));
    sim.advance(Duration::from_secs(3_600));

    let document = simulate("tests/fixtures/simulate/waiting.toml");
    assert_eq!(printed(&document), deliveries(&sim));
    let journey = sim.journeys_all().next().unwrap();
    assert_eq!(
        document["journeys"],
        json!([{
            "person": "jane",
            "campaign": "onboarding",
            "started": journey.started.as_unix(),
            "status": "waiting",
            "time": sim.next_due().unwrap().as_unix(),
        }])
    );
}
