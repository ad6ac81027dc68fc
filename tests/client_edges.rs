//! Client inputs at their edges, each side of every documented limit, over real HTTP
//! to the emulator: what passes reaches the customer named, exactly as given; what fails
//! is a typed error and no request. The results are documented on `Customer::validate`
//! and `Limit`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod client_support;

use cio_core::client::{Customer, Error, Limit, Operation, TrackClient, View};
use cio_core::{Event, Tracked};
use cio_emulator::Emulator;
use client_support::*;
use serde_json::json;

/// The limit error `limit` of `size`, refused before sending.
fn assert_limit(result: Result<impl std::fmt::Debug, Error>, limit: Limit, size: usize) {
    match result {
        Err(Error::Limit {
            limit: l, size: s, ..
        }) => assert_eq!((l, s), (limit, size)),
        other => panic!("expected {limit:?} of {size}, got {other:?}"),
    }
}

/// Identifiers that pass, with characters that could change a path or a body.
const ODD_BUT_VALID: [&str; 12] = [
    "a/b",
    "q?x=1&y=2",
    "frag#ment",
    "100%",
    "%2F%00",
    "a..b",
    "../admin",
    "with space",
    " padded ",
    "jürgen@müller.de",
    "日本語",
    "emoji🎉",
];

#[tokio::test]
async fn odd_identifiers_reach_exactly_the_customer_named() {
    bounded(async {
        let emu = emulator().await;
        let client = client(&emu);
        for id in ODD_BUT_VALID {
            let customer = Customer::id(id);
            // v1: the identifier is a path segment.
            client.track(&customer, signed_up("v1")).await.unwrap();
            client
                .identify(&customer, &loose([("n".to_owned(), json!(id))]))
                .await
                .unwrap();
            // v2: the identifier is a JSON string in the body.
            let op = Operation::event(&customer, &Tracked::new(signed_up("v2"))).unwrap();
            assert!(client.batch(&[op]).await.unwrap().is_complete());
        }
        let record = emu.record();
        for id in ODD_BUT_VALID {
            let plans: Vec<_> = record
                .events_of(id)
                .iter()
                .map(|e| e.data.clone())
                .collect();
            assert_eq!(
                plans,
                [json!({"plan": "v1"}), json!({"plan": "v2"})],
                "{id:?}"
            );
            assert_eq!(record.profile(id).unwrap()["n"], json!(id), "{id:?}");
        }
        assert_eq!(
            record.events.len(),
            ODD_BUT_VALID.len(),
            "no stray customer"
        );
    })
    .await;
}

#[tokio::test]
async fn identifiers_that_cannot_be_sent_are_refused_before_any_request() {
    bounded(async {
        let emu = emulator().await;
        let client = client(&emu);
        let refused = [
            Customer::id(""),
            Customer::id("."),
            Customer::id(".."),
            Customer::id("nul\0byte"),
            Customer::id("\0"),
            Customer::email("tab\t@x.de"),
            Customer::id("line\nbreak"),
            Customer::id("del\u{7f}"),
            Customer::cio_id("ab/c"),
            Customer::cio_id("ab cd"),
        ];
        for customer in &refused {
            let err = client.track(customer, signed_up("x")).await.unwrap_err();
            assert!(
                matches!(err, Error::InvalidIdentifier(_)),
                "{customer:?}: {err:?}"
            );
            assert!(err.is_validation());
            let err = Operation::delete(customer).unwrap_err();
            assert!(
                matches!(err, Error::InvalidIdentifier(_)),
                "{customer:?}: {err:?}"
            );
            let err = client
                .merge(&Customer::id("ok"), customer)
                .await
                .unwrap_err();
            assert!(
                matches!(err, Error::InvalidIdentifier(_)),
                "{customer:?}: {err:?}"
            );
        }
        let err = client
            .track(&Customer::id("nul\0"), signed_up("x"))
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid customer identifier: the customer's id contains the control character '\\0'"
        );
        assert_eq!(emu.request_count(), 0);
    })
    .await;
}

#[tokio::test]
async fn identifiers_at_150_bytes_pass_and_at_151_fail() {
    bounded(async {
        let emu = emulator().await;
        let client = client(&emu);
        // 150 bytes: ASCII, two-byte and three-byte characters (75 and 50 of them).
        let fits = ["i".repeat(150), "é".repeat(75), "日".repeat(50)];
        for id in &fits {
            assert_eq!(id.len(), 150);
            client
                .track(&Customer::id(id), signed_up("ok"))
                .await
                .unwrap();
            client
                .identify(&Customer::email(id), &loose([("a".to_owned(), json!(1))]))
                .await
                .unwrap();
        }
        let record = emu.record();
        for id in &fits {
            assert_eq!(record.events_of(id).len(), 1, "tracked by id {id}");
            assert!(record.profile(id).is_some(), "identified by email {id}");
        }
        for id in &fits {
            let op = Operation::suppress(&Customer::id(id)).unwrap();
            assert!(client.batch(&[op]).await.unwrap().is_complete());
        }
        client
            .track_anonymous(&"a".repeat(150), signed_up("anon"))
            .await
            .unwrap();
        let record = emu.record();
        for id in &fits {
            assert!(
                record.suppressed.contains(id.as_str()),
                "suppressed by id {id}"
            );
        }
        assert_eq!(record.anonymous_events.len(), 1);
        let sent = emu.request_count();

        // 151 bytes, however they are made: counted in bytes, not characters.
        let over = [
            "i".repeat(151),
            format!("{}a", "é".repeat(75)),
            format!("{}a", "日".repeat(50)),
        ];
        for id in &over {
            assert_eq!(id.len(), 151);
            assert_limit(
                client.track(&Customer::id(id), signed_up("x")).await,
                Limit::Identifier,
                151,
            );
            assert_limit(
                Operation::delete(&Customer::email(id)),
                Limit::Identifier,
                151,
            );
        }
        assert_limit(
            client
                .track_anonymous(&"a".repeat(151), signed_up("x"))
                .await,
            Limit::Identifier,
            151,
        );
        // A control character in an anonymous id is refused as in any identifier.
        for bad in ["a\0b", "tab\there", "line\n", "del\u{7f}"] {
            let refused = client.track_anonymous(bad, signed_up("x")).await;
            assert!(
                matches!(refused, Err(Error::InvalidIdentifier(_))),
                "{bad:?}: {refused:?}"
            );
        }
        assert_eq!(emu.request_count(), sent);
    })
    .await;
}

#[tokio::test]
async fn attribute_names_values_and_counts_at_their_limits() {
    bounded(async {
        let emu = emulator().await;
        let client = client(&emu);
        let c = Customer::id("edge");
        let identify = |pairs: Vec<(String, serde_json::Value)>| {
            let client: TrackClient = client.clone();
            let c = c.clone();
            async move { client.identify(&c, &loose(pairs)).await }
        };

        // Names: 150 bytes pass (ASCII or not), 151 fail.
        identify(vec![("n".repeat(150), json!(1))]).await.unwrap();
        identify(vec![("é".repeat(75), json!(2))]).await.unwrap();
        assert_limit(
            identify(vec![("n".repeat(151), json!(1))]).await,
            Limit::AttributeName,
            151,
        );
        assert_limit(
            identify(vec![(format!("{}x", "é".repeat(75)), json!(1))]).await,
            Limit::AttributeName,
            151,
        );

        // Values: 1,000 bytes of serialized JSON pass, 1,001 fail (quotes and escapes count).
        let values_that_fit = [
            json!("v".repeat(998)),
            json!("é".repeat(499)),
            json!("\"".repeat(499)),
            json!(["x".repeat(996)]),
        ];
        for value in &values_that_fit {
            assert_eq!(value.to_string().len(), 1000);
            identify(vec![("bio".to_owned(), value.clone())])
                .await
                .unwrap();
        }
        for (value, size) in [
            (json!("v".repeat(999)), 1001),
            (json!(format!("{}x", "é".repeat(499))), 1001),
            (json!("\"".repeat(500)), 1002),
            (json!({"k": "x".repeat(993)}), 1001),
        ] {
            assert_limit(
                identify(vec![("bio".to_owned(), value)]).await,
                Limit::AttributeValue,
                size,
            );
        }

        // Counts: 300 attributes pass, 301 fail.
        let attrs = |n: usize| {
            (0..n)
                .map(|i| (format!("a{i}"), json!(i)))
                .collect::<Vec<_>>()
        };
        identify(attrs(300)).await.unwrap();
        assert_limit(identify(attrs(301)).await, Limit::AttributeCount, 301);
        assert_limit(
            Operation::identify(&c, &loose(attrs(301))),
            Limit::AttributeCount,
            301,
        );
        assert!(Operation::identify(&c, &loose(attrs(300))).is_ok());

        let record = emu.record();
        let profile = record.profile("edge").unwrap();
        assert_eq!(profile[&"n".repeat(150)], json!(1));
        assert_eq!(profile[&"é".repeat(75)], json!(2));
        assert_eq!(profile["bio"], values_that_fit[3]);
        assert_eq!(profile["a299"], json!(299));
        assert_eq!(
            emu.request_count(),
            2 + 4 + 1,
            "only the calls that passed were sent"
        );
    })
    .await;
}

#[derive(serde::Serialize)]
struct Name100 {}

impl Event for Name100 {
    const NAME: &'static str = "an_event_name_of_exactly_one_hundred_bytes_which_customer_io_still_accepts_as_the_longest_allowed_xy";
}

#[derive(serde::Serialize)]
struct Name101 {}

impl Event for Name101 {
    const NAME: &'static str = "an_event_name_of_one_hundred_and_one_bytes_which_customer_io_refuses_as_one_byte_too_long_for_it_xyzw";
}

#[tokio::test]
async fn event_names_at_100_bytes_pass_and_at_101_fail() {
    bounded(async {
        assert_eq!((Name100::NAME.len(), Name101::NAME.len()), (100, 101));
        let emu = emulator().await;
        let client = client(&emu);
        let c = Customer::id("names");
        client.track(&c, Name100 {}).await.unwrap();
        let op = Operation::event(&c, &Tracked::new(Name100 {})).unwrap();
        client.entity(&op).await.unwrap();
        client.view(&c, &View::page("p".repeat(100))).await.unwrap();
        client
            .view(&c, &View::screen("é".repeat(50)))
            .await
            .unwrap();
        assert_eq!(emu.record().events_of("names").len(), 4);

        assert_limit(client.track(&c, Name101 {}).await, Limit::EventName, 101);
        assert_limit(
            Operation::event(&c, &Tracked::new(Name101 {})),
            Limit::EventName,
            101,
        );
        assert_limit(
            client.page(&c, &"p".repeat(101)).await,
            Limit::EventName,
            101,
        );
        assert_limit(
            Operation::view(&c, &View::screen(format!("{}x", "é".repeat(50)))),
            Limit::EventName,
            101,
        );
        assert_eq!(emu.request_count(), 4);
    })
    .await;
}

/// Data of `len` serialized bytes: `{"blob":"…"}` is 11 bytes plus the string.
fn blob_of(len: usize) -> Blob {
    Blob {
        blob: "x".repeat(len - 11),
    }
}

#[tokio::test]
async fn v1_event_data_at_100_000_bytes_passes_and_at_100_001_fails() {
    bounded(async {
        let emu = emulator().await;
        let client = client(&emu);
        let c = Customer::id("data");
        client.track(&c, blob_of(100_000)).await.unwrap();
        client
            .track_anonymous("anon", blob_of(100_000))
            .await
            .unwrap();
        assert_limit(
            client.track(&c, blob_of(100_001)).await,
            Limit::EventData,
            100_001,
        );
        assert_limit(
            client.track_anonymous("anon", blob_of(100_001)).await,
            Limit::EventData,
            100_001,
        );
        let record = emu.record();
        assert_eq!(
            record.events_of("data")[0].data["blob"]
                .as_str()
                .unwrap()
                .len(),
            100_000 - 11
        );
        assert_eq!(record.anonymous_events.len(), 1);
        assert_eq!(emu.request_count(), 2);
    })
    .await;
}

/// An event operation of exactly `len` bytes.
fn operation_of(customer: &Customer, len: usize) -> Result<Operation, Error> {
    let base = Operation::event(
        customer,
        &Tracked::new(Blob {
            blob: String::new(),
        }),
    )?
    .len();
    let blob = "x".repeat(len - base);
    Operation::event(customer, &Tracked::new(Blob { blob }))
}

#[tokio::test]
async fn an_operation_at_32_kb_passes_and_one_byte_more_fails() {
    bounded(async {
        let emu = Emulator::start().await.unwrap();
        let client = client(&emu);
        let c = Customer::id("big");
        let fits = operation_of(&c, 32 * 1024).unwrap();
        assert_eq!(fits.len(), 32_768);
        assert!(client
            .batch(std::slice::from_ref(&fits))
            .await
            .unwrap()
            .is_complete());
        let again = operation_of(&c, 32 * 1024).unwrap();
        client.entity(&again).await.unwrap();
        assert_eq!(emu.record().events_of("big").len(), 2);

        assert_limit(
            operation_of(&c, 32 * 1024 + 1),
            Limit::BatchOperation,
            32_769,
        );
        assert_eq!(emu.request_count(), 2);
    })
    .await;
}
