//! Every Track API call over real HTTP against the emulator.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod client_support;

use cio_core::client::{Customer, Device, Error, Operation, Platform, Region, TrackClient, View};
use cio_core::{EventId, Timestamp, Tracked};
use cio_emulator::{Emulator, Fault};
use client_support::*;
use serde_json::json;

#[tokio::test]
async fn identify_stores_the_attributes() {
    bounded(async {
        let emu = emulator().await;
        let client = client(&emu);
        client
            .identify(&Customer::id("42"), &profile("jane@example.com"))
            .await
            .unwrap();
        let record = emu.record();
        let attrs = record.profile("42").unwrap();
        assert_eq!(attrs["email"], json!("jane@example.com"));
        assert_eq!(attrs["mrr"], json!(10.0));
        assert_eq!(attrs["created_at"], json!(1_700_000_000));
        assert_eq!(record.requests.len(), 1);
        assert_eq!(record.requests[0].method, "PUT");
        assert_eq!(record.requests[0].path, "/api/v1/customers/42");
        assert_eq!(record.requests[0].retry_count, None);
        assert_eq!(
            record.requests[0].user_agent.as_deref(),
            Some(cio_core::client::DEFAULT_USER_AGENT)
        );
    })
    .await;
}

#[tokio::test]
async fn track_sends_name_data_id_and_timestamp() {
    bounded(async {
        let emu = emulator().await;
        let client = client(&emu);
        let tracked = Tracked::new(signed_up("pro")).at(Timestamp::from_unix(1_700_000_123));
        let expected = tracked.id();
        let id = client.track(&Customer::id("42"), tracked).await.unwrap();
        assert_eq!(id, expected);
        let record = emu.record();
        let events = record.events_of("42");
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].name, "signed_up");
        assert_eq!(events[0].kind, "event");
        assert_eq!(events[0].id.as_deref(), Some(id.to_text().as_str()));
        assert_eq!(events[0].data, json!({"plan": "pro"}));
        assert_eq!(events[0].timestamp, Some(1_700_000_123));
    })
    .await;
}

#[tokio::test]
async fn anonymous_events_carry_their_anonymous_id() {
    bounded(async {
        let emu = emulator().await;
        let client = client(&emu);
        let id = client
            .track_anonymous("anon-7", signed_up("free"))
            .await
            .unwrap();
        client
            .track_anonymous("", signed_up("invite"))
            .await
            .unwrap();
        let record = emu.record();
        assert_eq!(record.anonymous_events.len(), 2);
        assert_eq!(
            record.anonymous_events[0].anonymous_id.as_deref(),
            Some("anon-7")
        );
        assert_eq!(record.anonymous_events[0].id, Some(id.to_text()));
        assert_eq!(record.anonymous_events[1].anonymous_id, None);
        assert_eq!(record.anonymous_events[1].data, json!({"plan": "invite"}));
    })
    .await;
}

#[tokio::test]
async fn page_and_screen_views() {
    bounded(async {
        let emu = emulator().await;
        let client = client(&emu);
        let c = Customer::email("jane@example.com");
        client
            .page(&c, "https://example.com/pricing")
            .await
            .unwrap();
        client.screen(&c, "Settings").await.unwrap();
        let view = View::page("/docs")
            .with_data(&json!({"referrer": "search"}))
            .unwrap()
            .at(Timestamp::from_unix(1_700_000_000));
        let id = client.view(&c, &view).await.unwrap();
        assert_eq!(id, view.id());
        let record = emu.record();
        let events = record.events_of("jane@example.com");
        let summary: Vec<(&str, &str)> = events
            .iter()
            .map(|e| (e.kind.as_str(), e.name.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                ("page", "https://example.com/pricing"),
                ("screen", "Settings"),
                ("page", "/docs")
            ]
        );
        assert_eq!(events[2].data, json!({"referrer": "search"}));
        assert_eq!(events[2].timestamp, Some(1_700_000_000));
    })
    .await;
}

#[tokio::test]
async fn delete_suppress_unsuppress() {
    bounded(async {
        let emu = emulator().await;
        let client = client(&emu);
        let a = Customer::id("a");
        let b = Customer::cio_id("b1");
        client
            .identify(&a, &profile("a@example.com"))
            .await
            .unwrap();
        client
            .identify(&b, &profile("b@example.com"))
            .await
            .unwrap();
        client.delete(&a).await.unwrap();
        client.suppress(&b).await.unwrap();
        let record = emu.record();
        assert!(record.profile("a").is_none());
        assert!(record.profile("cio_b1").is_none());
        assert!(record.suppressed.contains("cio_b1"));
        assert_eq!(record.deleted, ["a", "cio_b1"]);
        // A suppressed identifier cannot come back until it is unsuppressed.
        client
            .identify(&b, &profile("b@example.com"))
            .await
            .unwrap();
        assert!(emu.record().profile("cio_b1").is_none());
        client.unsuppress(&b).await.unwrap();
        client
            .identify(&b, &profile("b@example.com"))
            .await
            .unwrap();
        let record = emu.record();
        assert!(record.suppressed.is_empty());
        assert!(record.profile("cio_b1").is_some());
    })
    .await;
}

#[tokio::test]
async fn merge_moves_the_secondary_into_the_primary() {
    bounded(async {
        let emu = emulator().await;
        let client = client(&emu);
        let primary = Customer::id("p");
        let secondary = Customer::email("s@example.com");
        client.identify(&primary, &profile("p@example.com")).await.unwrap();
        client
            .identify(&secondary, &loose([("extra".to_owned(), json!(1))]))
            .await
            .unwrap();
        client.track(&secondary, signed_up("pro")).await.unwrap();
        client.merge(&primary, &secondary).await.unwrap();
        let record = emu.record();
        assert_eq!(record.merges, [("p".to_owned(), "s@example.com".to_owned())]);
        assert_eq!(record.profile("p").unwrap()["extra"], json!(1));
        assert_eq!(record.profile("p").unwrap()["email"], json!("p@example.com"));
        assert_eq!(record.events_of("p").len(), 1);
        assert!(record.profile("s@example.com").is_none());

        // The primary must exist: the API answers 400, which is not retried.
        let err = client
            .merge(&Customer::id("nobody"), &Customer::id("p"))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Status { status: 400, attempts: 1, message, .. } if message == "the primary customer does not exist"),
            "{err}"
        );
    })
    .await;
}

#[tokio::test]
async fn devices_are_added_and_deleted() {
    bounded(async {
        let emu = emulator().await;
        let client = client(&emu);
        let c = Customer::id("42");
        let device = Device::new("tok/1 ?", Platform::Ios)
            .last_used(Timestamp::from_unix(1_700_000_000))
            .attribute("app_version", "1.2");
        client.add_device(&c, &device).await.unwrap();
        client
            .add_device(&c, &Device::new("tok-2", Platform::Android))
            .await
            .unwrap();
        let record = emu.record();
        let devices = &record.devices["42"];
        assert_eq!(devices.len(), 2);
        assert_eq!(devices["tok/1 ?"].platform, "ios");
        assert_eq!(devices["tok/1 ?"].last_used, Some(1_700_000_000));
        assert_eq!(devices["tok/1 ?"].attributes["app_version"], json!("1.2"));
        client.delete_device(&c, "tok/1 ?").await.unwrap();
        let record = emu.record();
        assert_eq!(record.devices["42"].keys().collect::<Vec<_>>(), ["tok-2"]);
        assert_eq!(
            record.requests.last().unwrap().path,
            "/api/v1/customers/42/devices/tok%2F1%20%3F"
        );
    })
    .await;
}

#[tokio::test]
async fn batch_applies_every_operation() {
    bounded(async {
        let emu = emulator().await;
        let client = client(&emu);
        let c = Customer::id("42");
        let tracked = Tracked::new(signed_up("pro"));
        let ops = vec![
            Operation::identify(&c, &profile("jane@example.com")).unwrap(),
            Operation::event(&c, &tracked).unwrap(),
            Operation::view(&c, &View::screen("Home")).unwrap(),
            Operation::identify(&Customer::id("43"), &profile("x@example.com")).unwrap(),
            Operation::delete(&Customer::id("43")).unwrap(),
        ];
        assert_eq!(ops[1].event_id(), Some(tracked.id()));
        let outcome = client.batch(&ops).await.unwrap();
        assert!(outcome.is_complete());
        let record = emu.record();
        assert_eq!(record.profile("42").unwrap()["name"], json!("Jane"));
        let events = record.events_of("42");
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].data, json!({"plan": "pro"}));
        assert_eq!(events[0].id, Some(tracked.id().to_text()));
        assert_eq!(events[1].kind, "screen");
        assert!(record.profile("43").is_none());
        assert_eq!(record.requests_to("/api/v2/batch").count(), 1);

        client
            .entity(&Operation::suppress(&c).unwrap())
            .await
            .unwrap();
        assert!(emu.record().suppressed.contains("42"));
    })
    .await;
}

#[tokio::test]
async fn batch_reports_the_items_refused_and_applies_the_rest() {
    bounded(async {
        let emu = emulator().await;
        let client = client(&emu);
        let ok = Operation::event(&Customer::id("1"), &Tracked::new(signed_up("a"))).unwrap();
        let outcome = client.batch(&[ok]).await.unwrap();
        assert!(outcome.is_complete());
        // The client cannot build an invalid item, so send hand-made JSON: items 1
        // (no name) and 2 (no identifiers) are refused, items 0 applied.
        let raw = raw_http()
            .post(format!("{}/api/v2/batch", emu.base_url()))
            .basic_auth(emu.site_id(), Some(emu.api_key()))
            .body(format!(
                r#"{{"batch":[{},{{"type":"person","action":"event","identifiers":{{"id":"2"}}}},{{"type":"person","action":"identify"}}]}}"#,
                std::str::from_utf8(
                    Operation::event(&Customer::id("3"), &Tracked::new(signed_up("b")))
                        .unwrap()
                        .as_bytes()
                )
                .unwrap()
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(raw.status().as_u16(), 207);
        let body: serde_json::Value = serde_json::from_slice(&raw.bytes().await.unwrap()).unwrap();
        assert_eq!(body["errors"][0]["batch_index"], json!(1));
        assert_eq!(body["errors"][0]["field"], json!("name"));
        assert_eq!(body["errors"][1]["batch_index"], json!(2));
        assert_eq!(body["errors"][1]["field"], json!("identifiers"));
        let record = emu.record();
        assert_eq!(record.events_of("1").len(), 1);
        assert_eq!(record.events_of("3").len(), 1);
        assert_eq!(record.events_of("2").len(), 0);

        // Through the client: a poison event and a merge into a missing primary.
        let emu = Emulator::builder().reject_event("blob").start().await.unwrap();
        let client = client_support::client(&emu);
        let c = Customer::id("9");
        let ops = [
            Operation::event(&c, &Tracked::new(signed_up("a"))).unwrap(),
            Operation::event(&c, &Tracked::new(Blob { blob: "x".into() })).unwrap(),
            Operation::merge(&Customer::id("missing"), &c).unwrap(),
            Operation::event(&c, &Tracked::new(signed_up("b"))).unwrap(),
        ];
        let outcome = client.batch(&ops).await.unwrap();
        let failed: Vec<(usize, &str)> = outcome
            .failures
            .iter()
            .map(|f| (f.batch_index, f.field.as_str()))
            .collect();
        assert_eq!(failed, [(1, "name"), (2, "")]);
        assert_eq!(outcome.failures[0].reason, "invalid");
        assert_eq!(outcome.failures[0].message, "events named `blob` are refused");
        assert!(outcome.failures[1].message.contains("primary customer does not exist"));
        let names: Vec<_> = emu.record().events_of("9").iter().map(|e| e.data.clone()).collect();
        assert_eq!(names, [json!({"plan": "a"}), json!({"plan": "b"})]);
    })
    .await;
}

#[tokio::test]
async fn identifiers_reach_the_right_customer() {
    bounded(async {
        let emu = emulator().await;
        let client = client(&emu);
        let ids = [
            "a/b",
            "../admin",
            "q?x=1",
            "frag#ment",
            "100%",
            "%2F",
            "with space",
            "plus+sign",
            "jürgen@müller.de",
            "日本語",
            "emoji🎉",
        ];
        for id in ids {
            client
                .track(&Customer::id(id), signed_up(id))
                .await
                .unwrap();
            client
                .identify(&Customer::email(id), &loose([("n".to_owned(), json!(id))]))
                .await
                .unwrap();
        }
        let record = emu.record();
        for id in ids {
            let events = record.events_of(id);
            assert_eq!(events.len(), 1, "{id}");
            assert_eq!(events[0].data, json!({"plan": id}), "{id}");
            assert_eq!(record.profile(id).unwrap()["n"], json!(id), "{id}");
        }
        assert_eq!(record.events.len(), ids.len());
        for request in &record.requests {
            assert!(
                request.path.starts_with("/api/v1/customers/"),
                "{}",
                request.path
            );
            let rest = &request.path["/api/v1/customers/".len()..];
            assert!(
                rest.split('/').count() <= 2 && !rest.contains('?') && !rest.contains('#'),
                "{}",
                request.path
            );
        }
    })
    .await;
}

#[tokio::test]
async fn a_redirect_is_a_wrong_region_error() {
    bounded(async {
        let emu = Emulator::builder()
            .wrong_region(true)
            .start()
            .await
            .unwrap();
        let client = client(&emu);
        let err = client
            .track(&Customer::id("42"), signed_up("pro"))
            .await
            .unwrap_err();
        let Error::WrongRegion { status, location } = &err else {
            panic!("expected WrongRegion, got {err:?}");
        };
        assert_eq!(*status, 301);
        assert_eq!(location, "https://track-eu.customer.io");
        assert!(!err.is_transient());
        assert_eq!(
            emu.request_count(),
            1,
            "redirects are not followed or retried"
        );
        assert!(err.to_string().contains("another region"));

        let emu = emulator().await;
        emu.script([Fault::WrongRegion(307)]);
        let err = client_support::client(&emu).batch(&[]).await.unwrap_err();
        assert!(
            matches!(err, Error::WrongRegion { status: 307, .. }),
            "{err:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn wrong_credentials_are_refused_once() {
    bounded(async {
        let emu = emulator().await;
        let client = TrackClient::builder(emu.site_id(), "wrong-key")
            .base_url(emu.base_url())
            .retry(quick_retries(3))
            .build()
            .unwrap();
        let err = client.delete(&Customer::id("1")).await.unwrap_err();
        assert!(
            matches!(&err, Error::Status { status: 401, attempts: 1, message, .. } if message == "Unauthorized request"),
            "{err:?}"
        );
        assert_eq!(emu.request_count(), 1);
    })
    .await;
}

#[tokio::test]
async fn plain_http_is_refused_unless_loopback() {
    for url in [
        "http://track.customer.io",
        "http://192.168.1.10:8080",
        "http://localhost.example.com",
    ] {
        let err = TrackClient::builder("site", "key")
            .base_url(url)
            .build()
            .unwrap_err();
        assert!(
            matches!(&err, Error::Config(m) if m.contains("plain http://")),
            "{url}: {err}"
        );
    }
    for url in [
        "http://127.0.0.1:1",
        "http://127.8.9.10",
        "http://[::1]:8080",
        "http://localhost:3000",
    ] {
        let client = TrackClient::builder("site", "key")
            .base_url(url)
            .build()
            .unwrap();
        assert_eq!(client.base_url(), url);
    }
}

#[tokio::test]
async fn regions_and_environment() {
    let us = TrackClient::new("site", "key", Region::Us).unwrap();
    assert_eq!(us.base_url(), "https://track.customer.io");
    let eu = TrackClient::new("site", "key", Region::Eu).unwrap();
    assert_eq!(eu.base_url(), "https://track-eu.customer.io");
    assert_eq!("EU".parse::<Region>().unwrap(), Region::Eu);
    assert!(matches!("mars".parse::<Region>(), Err(Error::Config(_))));
    assert!(matches!(
        TrackClient::new("", "key", Region::Us),
        Err(Error::Config(_))
    ));
    let _ = EventId::new();
}
