//! Objects, relationships and topic preferences as raw requests over HTTP on
//! 127.0.0.1, in the shapes the Track API (v1 `cio_relationships`, v2 `object`
//! operations and `add_relationships`/`delete_relationships`) and the Data
//! Pipelines API (`group`, `Relationship Deleted`, `Object Deleted`) document;
//! and the App API's `in_app` and `inbox_message` transactional sends.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use serde_json::{json, Map, Value};
use support::Pipelines;

fn map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

#[tokio::test]
async fn a_v2_object_identify_relates_the_people_it_names() {
    let api = Pipelines::start().await;
    let status = api
        .track_api(
            "POST",
            "/api/v2/entity",
            json!({
                "type": "object",
                "action": "identify",
                "identifiers": {"object_type_id": "1", "object_id": "acme"},
                "attributes": {"name": "Acme", "seats": 3},
                "cio_relationships": [
                    {"identifiers": {"id": "ana"}, "relationship_attributes": {"role": "admin"}},
                    {"identifiers": {"email": "bo@example.com"}},
                ],
            }),
        )
        .await;
    assert_eq!(status, 200);
    let record = api.emulator.record();
    assert_eq!(
        record.object(1, "acme"),
        Some(&map(json!({"name": "Acme", "seats": 3})))
    );
    assert_eq!(
        record.relationship("ana", 1, "acme"),
        Some(&map(json!({"role": "admin"})))
    );
    assert_eq!(
        record.relationship("bo@example.com", 1, "acme"),
        Some(&Map::new())
    );

    // An update keeps the attributes it does not name; `null` removes one.
    let status = api
        .track_api(
            "POST",
            "/api/v2/entity",
            json!({
                "type": "object",
                "action": "identify",
                "identifiers": {"object_type_id": "1", "object_id": "acme"},
                "attributes": {"seats": null, "domain": "acme.test"},
            }),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        api.emulator.record().object(1, "acme"),
        Some(&map(json!({"name": "Acme", "domain": "acme.test"})))
    );

    // The object's side of a relationship, removed.
    let status = api
        .track_api(
            "POST",
            "/api/v2/entity",
            json!({
                "type": "object",
                "action": "delete_relationships",
                "identifiers": {"object_type_id": "1", "object_id": "acme"},
                "cio_relationships": [{"identifiers": {"id": "ana"}}],
            }),
        )
        .await;
    assert_eq!(status, 200);
    let record = api.emulator.record();
    assert_eq!(record.relationship("ana", 1, "acme"), None);
    assert!(record.relationship("bo@example.com", 1, "acme").is_some());
}

#[tokio::test]
async fn a_v2_batch_relates_unrelates_and_deletes() {
    let api = Pipelines::start().await;
    let relate = |action: &str, id: &str| {
        json!({
            "type": "person",
            "action": action,
            "identifiers": {"id": "ana"},
            "cio_relationships": [{
                "identifiers": {"object_type_id": "2", "object_id": id},
                "relationship_attributes": {"role": "owner"},
            }],
        })
    };
    let batch = json!({"batch": [
        relate("add_relationships", "p-1"),
        relate("add_relationships", "p-2"),
        relate("delete_relationships", "p-1"),
        {"type": "object", "action": "delete", "identifiers": {"object_type_id": "2", "object_id": "p-2"}},
        {"type": "object", "action": "identify", "identifiers": {"object_type_id": "x", "object_id": "p-3"}},
    ]});
    let status = api.track_api("POST", "/api/v2/batch", batch).await;
    assert_eq!(status, 207, "the last operation has a bad object_type_id");
    let record = api.emulator.record();
    assert_eq!(record.relationships_of("ana").count(), 0);
    assert_eq!(record.object(2, "p-1"), Some(&Map::new()));
    assert_eq!(record.object(2, "p-2"), None);
    assert_eq!(record.object(2, "p-3"), None);
}

#[tokio::test]
async fn identifies_relate_in_v1_and_v2() {
    let api = Pipelines::start().await;
    let status = api
        .track_api(
            "PUT",
            "/api/v1/customers/ana",
            json!({
                "plan": "pro",
                "cio_relationships": {
                    "action": "add_relationships",
                    "relationships": [{
                        "identifiers": {"object_type_id": "1", "object_id": "acme"},
                        "relationship_attributes": {"role": "admin"},
                    }],
                },
            }),
        )
        .await;
    assert_eq!(status, 200);
    let status = api
        .track_api(
            "POST",
            "/api/v2/entity",
            json!({
                "type": "person",
                "action": "identify",
                "identifiers": {"id": "bo"},
                "attributes": {"plan": "free"},
                "cio_relationships": [{"identifiers": {"object_type_id": "1", "object_id": "acme"}}],
            }),
        )
        .await;
    assert_eq!(status, 200);
    let record = api.emulator.record();
    assert_eq!(record.profile("ana"), Some(&map(json!({"plan": "pro"}))));
    assert_eq!(
        record.relationship("ana", 1, "acme"),
        Some(&map(json!({"role": "admin"})))
    );
    assert!(record.relationship("bo", 1, "acme").is_some());

    // v1 removes it.
    let status = api
        .track_api(
            "PUT",
            "/api/v1/customers/ana",
            json!({"cio_relationships": {
                "action": "delete_relationships",
                "relationships": [{"identifiers": {"object_type_id": "1", "object_id": "acme"}}],
            }}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(api.emulator.record().relationship("ana", 1, "acme"), None);
}

#[tokio::test]
async fn malformed_objects_and_relationships_are_refused() {
    let api = Pipelines::start().await;
    let refused = [
        json!({"type": "object", "action": "identify", "identifiers": {"object_id": "acme"}}),
        json!({"type": "object", "action": "identify", "identifiers": {"object_type_id": "1", "object_id": ""}}),
        json!({"type": "object", "action": "merge", "identifiers": {"object_type_id": "1", "object_id": "a"}}),
        json!({"type": "person", "action": "add_relationships", "identifiers": {"id": "ana"}}),
        json!({"type": "person", "action": "add_relationships", "identifiers": {"id": "ana"}, "cio_relationships": {"identifiers": {}}}),
        json!({"type": "person", "action": "add_relationships", "identifiers": {"id": "ana"},
               "cio_relationships": [{"identifiers": {"object_type_id": "1", "object_id": "a"}, "relationship_attributes": 3}]}),
    ];
    for body in refused {
        let status = api.track_api("POST", "/api/v2/entity", body.clone()).await;
        assert_eq!(status, 400, "{body}");
    }
    let status = api
        .track_api(
            "PUT",
            "/api/v1/customers/ana",
            json!({"cio_relationships": {"action": "relate", "relationships": []}}),
        )
        .await;
    assert_eq!(status, 400);
    let record = api.emulator.record();
    assert!(record.object_attributes.is_empty());
    assert!(record.relationships.is_empty());
}

#[tokio::test]
async fn topic_preferences_are_kept_nested_one_topic_at_a_time() {
    let api = Pipelines::start().await;
    let identify = |attributes: Value| json!({"type": "person", "action": "identify", "identifiers": {"id": "ana"}, "attributes": attributes});
    let steps = [
        identify(
            json!({"cio_subscription_preferences": {"topics": {"topic_1": true, "topic_2": true}}}),
        ),
        identify(json!({"cio_subscription_preferences.topics.topic_2": false})),
        identify(
            json!({"cio_subscription_preferences": {"topics": {"topic_3": false}}, "plan": "pro"}),
        ),
    ];
    for body in steps {
        let status = api.track_api("POST", "/api/v2/entity", body).await;
        assert_eq!(status, 200);
    }
    let record = api.emulator.record();
    assert_eq!(
        record.topics_of("ana").into_iter().collect::<Vec<_>>(),
        [(1, true), (2, false), (3, false)]
    );
    assert_eq!(
        record.profile("ana"),
        Some(&map(json!({
            "plan": "pro",
            "cio_subscription_preferences": {"topics": {"topic_1": true, "topic_2": false, "topic_3": false}},
        })))
    );
}

#[tokio::test]
async fn pipelines_groups_update_objects_and_relate_people() {
    let api = Pipelines::start().await;
    api.each(&[
        (
            "group",
            json!({"userId": "ana", "groupId": "acme", "traits": {
                "object_type_id": "1", "name": "Acme",
                "relationshipAttributes": {"role": "admin"},
            }}),
        ),
        (
            "group",
            json!({"anonymousId": "a-1", "groupId": "acme", "traits": {"object_type_id": "1", "seats": 4}}),
        ),
        (
            "group",
            json!({"userId": "bo", "groupId": "p-1", "traits": {"object_type_id": "2"}}),
        ),
        (
            "identify",
            json!({"userId": "bo", "traits": {"cio_subscription_preferences.topics.topic_7": false}}),
        ),
    ])
    .await;
    let record = api.emulator.record();
    assert_eq!(
        record.object(1, "acme"),
        Some(&map(json!({"name": "Acme", "seats": 4})))
    );
    assert_eq!(
        record.relationship("ana", 1, "acme"),
        Some(&map(json!({"role": "admin"})))
    );
    assert_eq!(record.relationship("bo", 2, "p-1"), Some(&Map::new()));
    assert_eq!(record.topics_of("bo").get(&7), Some(&false));
    assert_eq!(
        record.groups().count(),
        3,
        "the calls are kept as they came"
    );

    api.each(&[
        (
            "track",
            json!({"userId": "bo", "event": "Relationship Deleted",
                   "properties": {"objectId": "p-1", "objectTypeId": 2}}),
        ),
        (
            "track",
            json!({"anonymousId": "a-2", "event": "Object Deleted",
                   "properties": {"objectId": "acme", "objectTypeId": 1}}),
        ),
    ])
    .await;
    let record = api.emulator.record();
    assert_eq!(record.relationships_of("bo").count(), 0);
    assert_eq!(record.relationships_of("ana").count(), 0);
    assert_eq!(record.object(1, "acme"), None);
    assert!(record.object(2, "p-1").is_some());
    assert_eq!(record.objects.len(), 5);
}

#[tokio::test]
async fn in_app_and_inbox_sends_are_recorded() {
    let api = Pipelines::start().await;
    let http = reqwest::Client::new();
    for channel in ["in_app", "inbox_message"] {
        let response = http
            .post(format!("{}/v1/send/{channel}", api.emulator.base_url()))
            .bearer_auth(api.emulator.app_api_key())
            .header("content-type", "application/json")
            .body(
                json!({
                    "transactional_message_id": "team_invite",
                    "identifiers": {"id": "ana"},
                    "message_data": {"company": "Acme"},
                })
                .to_string(),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200, "{channel}");
        let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        assert!(body["delivery_id"].is_string(), "{body}");
    }
    let record = api.emulator.record();
    let channels: Vec<&str> = record.sends.iter().map(|s| s.channel.as_str()).collect();
    assert_eq!(channels, ["in_app", "inbox_message"]);
    assert_eq!(
        record.sends[1].message_data,
        map(json!({"company": "Acme"}))
    );
    assert_eq!(record.sends[1].identifiers, map(json!({"id": "ana"})));
}

#[tokio::test]
async fn the_inbox_shows_an_object_with_its_people() {
    let api = Pipelines::start().await;
    api.each(&[
        (
            "group",
            json!({"userId": "ana", "groupId": "acme", "traits": {
                "object_type_id": "1", "name": "Acme <Inc>",
                "relationshipAttributes": {"role": "admin"},
            }}),
        ),
        (
            "identify",
            json!({"userId": "ana", "traits": {"cio_subscription_preferences.topics.topic_2": false}}),
        ),
    ])
    .await;
    let get = |path: &str| {
        let url = format!("{}{path}", api.emulator.base_url());
        async move {
            let response = reqwest::get(url).await.unwrap();
            let status = response.status().as_u16();
            (status, response.text().await.unwrap())
        }
    };
    let (status, page) = get("/objects/1/acme").await;
    assert_eq!(status, 200);
    assert!(page.contains("Acme &lt;Inc&gt;"), "{page}");
    assert!(page.contains("href=\"/people/ana\""), "{page}");
    assert!(
        page.contains("&quot;role&quot;:&quot;admin&quot;"),
        "{page}"
    );
    let (status, _) = get("/objects/1/nobody").await;
    assert_eq!(status, 404);
    let (status, person) = get("/people/ana").await;
    assert_eq!(status, 200);
    assert!(person.contains("href=\"/objects/1/acme\""), "{person}");
    assert!(person.contains("topic 2: unsubscribed"), "{person}");
}
