//! Objects, relationships and subscription topics end to end: each operation of
//! issue 24 (`Operation::object`, `relate`, `unrelate`, `delete_object`, `topic`),
//! typed by `taxonomy!()` from the workspace's events.toml, sent by the Track client
//! and by the Data Pipelines client to the emulator over 127.0.0.1, leaves the same
//! state in it; a relationship added starts the `team_welcome` campaign, rendered
//! with the company's name and the relationship's role (or its default).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use cio::client::{Customer, Destination, ObjectRef, Operation, PipelinesClient, TrackClient};
use cio::Timestamp;
use cio_emulator::{Emulator, ObjectKey};
use serde_json::json;

mod events {
    cio::taxonomy!();
}

use events::*;

/// Where the journeys' clock starts.
const START: i64 = 1_772_442_000;

/// Which client sends.
#[derive(Debug, Clone, Copy)]
enum Api {
    Track,
    Pipelines,
}

async fn emulator() -> Emulator {
    Emulator::builder()
        .journeys(&taxonomy::JOURNEYS)
        .object_types(taxonomy::OBJECT_TYPES)
        .clock_start(Timestamp::from_unix(START))
        .start()
        .await
        .unwrap()
}

fn destination(api: Api, emulator: &Emulator) -> Destination {
    match api {
        Api::Track => TrackClient::builder(emulator.site_id(), emulator.api_key())
            .base_url(emulator.base_url())
            .build()
            .unwrap()
            .into(),
        Api::Pipelines => PipelinesClient::builder(emulator.write_key())
            .base_url(emulator.base_url())
            .build()
            .unwrap()
            .into(),
    }
}

fn acme() -> Company {
    Company {
        name: "Acme".into(),
        plan: Some(Plan::Pro),
        seats: Some(12),
    }
}

fn profile(email: &str, first_name: &str) -> Profile {
    Profile::new(
        email.to_owned(),
        first_name.to_owned(),
        Plan::Free,
        Timestamp::from_unix(START),
    )
}

/// Runs `test` or fails after 30 seconds.
async fn bounded(test: impl std::future::Future<Output = ()>) {
    tokio::time::timeout(Duration::from_secs(30), test)
        .await
        .expect("the test took more than 30 s");
}

async fn every_operation_is_stored(api: Api) {
    let emulator = emulator().await;
    let client = destination(api, &emulator);
    let ana = Customer::id("ana");
    client
        .identify(&ana, &profile("ana@example.com", "Ana"))
        .await
        .unwrap();

    // An object, then a relationship to it with attributes.
    let object = Operation::object("acme", &acme()).unwrap();
    client.entity(&object).await.unwrap();
    let relationship = CompanyRelationship {
        role: Some("admin".into()),
        invited_by: Some("Bo".into()),
    };
    let relate = Operation::relate(&ana, "acme", &relationship).unwrap();
    client.entity(&relate).await.unwrap();
    let record = emulator.record();
    assert_eq!(
        record.object(1, "acme"),
        Some(
            json!({"name": "Acme", "plan": "pro", "seats": 12})
                .as_object()
                .unwrap()
        ),
        "{api:?}"
    );
    assert_eq!(
        record.relationship("ana", 1, "acme"),
        Some(
            json!({"role": "admin", "invited_by": "Bo"})
                .as_object()
                .unwrap()
        ),
        "{api:?}"
    );
    let key = ObjectKey::new("1", "acme");
    let people: Vec<&str> = record.people_of(&key).map(|(p, _)| p).collect();
    assert_eq!(people, ["ana"], "{api:?}");

    // Topics: one at a time, the others kept, stored nested.
    let topic = Operation::topic(&ana, Topic::Newsletter, false).unwrap();
    client.entity(&topic).await.unwrap();
    let topic = Operation::topic(&ana, Topic::ProductUpdates, true).unwrap();
    client.entity(&topic).await.unwrap();
    let record = emulator.record();
    assert_eq!(
        record.topics_of("ana").into_iter().collect::<Vec<_>>(),
        [(1, true), (2, false)],
        "{api:?}"
    );
    let profile = record.profile("ana").unwrap();
    assert_eq!(
        profile["cio_subscription_preferences"],
        json!({"topics": {"topic_1": true, "topic_2": false}}),
        "{api:?}"
    );
    assert!(
        !profile
            .keys()
            .any(|k| k.starts_with("cio_subscription_preferences.")),
        "{profile:?}"
    );

    // The relationship ends; then the object goes.
    let unrelate = Operation::unrelate(&ana, &ObjectRef::of::<Company>("acme")).unwrap();
    client.entity(&unrelate).await.unwrap();
    let record = emulator.record();
    assert_eq!(record.relationships_of("ana").count(), 0, "{api:?}");
    assert!(record.object(1, "acme").is_some(), "{api:?}");
    client.entity(&relate).await.unwrap();
    let delete = Operation::delete_object(&ObjectRef::of::<Company>("acme")).unwrap();
    client.entity(&delete).await.unwrap();
    let record = emulator.record();
    assert_eq!(record.object(1, "acme"), None, "{api:?}");
    assert_eq!(record.relationships_of("ana").count(), 0, "{api:?}");
    emulator.shutdown().await;
}

#[tokio::test]
async fn every_object_operation_is_stored_through_the_track_api() {
    bounded(every_operation_is_stored(Api::Track)).await;
}

#[tokio::test]
async fn every_object_operation_is_stored_through_the_pipelines_api() {
    bounded(every_operation_is_stored(Api::Pipelines)).await;
}

async fn a_relationship_starts_team_welcome(api: Api) {
    let emulator = emulator().await;
    let client = destination(api, &emulator);
    for (id, name) in [("bo", "Bo"), ("cy", "Cy")] {
        let person = Customer::id(id);
        let email = format!("{id}@example.com");
        client
            .identify(&person, &profile(&email, name))
            .await
            .unwrap();
    }
    client
        .entity(&Operation::object("acme", &acme()).unwrap())
        .await
        .unwrap();
    let with_role = CompanyRelationship {
        role: Some("viewer".into()),
        invited_by: Some("Ana".into()),
    };
    let relate = Operation::relate(&Customer::id("bo"), "acme", &with_role).unwrap();
    client.entity(&relate).await.unwrap();
    let without = CompanyRelationship {
        role: None,
        invited_by: None,
    };
    let relate = Operation::relate(&Customer::id("cy"), "acme", &without).unwrap();
    client.entity(&relate).await.unwrap();
    // Relating Bo again updates the relationship: no second welcome.
    let relate = Operation::relate(&Customer::id("bo"), "acme", &with_role).unwrap();
    client.entity(&relate).await.unwrap();

    let deliveries = emulator.deliveries();
    let welcomes: Vec<_> = deliveries
        .iter()
        .filter(|d| d.campaign == "team_welcome")
        .collect();
    assert_eq!(welcomes.len(), 2, "{api:?}: {deliveries:?}");
    let bo = welcomes.iter().find(|d| d.person == "bo").unwrap();
    assert_eq!(bo.error, None);
    assert_eq!(bo.subject.as_deref(), Some("You joined Acme"));
    assert!(
        bo.body
            .contains("Hi Bo,\n\nYou are now on the Acme team as viewer.\nAna invited you."),
        "{}",
        bo.body
    );
    let cy = welcomes.iter().find(|d| d.person == "cy").unwrap();
    assert!(
        cy.body.contains("You are now on the Acme team as member.") && !cy.body.contains("invited"),
        "{}",
        cy.body
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_relationship_through_the_track_api_starts_team_welcome() {
    bounded(a_relationship_starts_team_welcome(Api::Track)).await;
}

#[tokio::test]
async fn a_relationship_through_the_pipelines_api_starts_team_welcome() {
    bounded(a_relationship_starts_team_welcome(Api::Pipelines)).await;
}

#[tokio::test]
async fn without_object_types_relationships_are_stored_and_start_nothing() {
    bounded(async {
        let emulator = Emulator::builder()
            .journeys(&taxonomy::JOURNEYS)
            .start()
            .await
            .unwrap();
        let client = destination(Api::Track, &emulator);
        let relationship = CompanyRelationship {
            role: None,
            invited_by: None,
        };
        let relate = Operation::relate(&Customer::id("bo"), "acme", &relationship).unwrap();
        client.entity(&relate).await.unwrap();
        assert!(emulator.record().relationship("bo", 1, "acme").is_some());
        assert!(emulator.deliveries().is_empty());
        emulator.shutdown().await;
    })
    .await;
}
