//! Every documented limit and taxonomy constraint is rejected before any byte is
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! sent: the emulator sees no request.

mod client_support;

use cio_core::client::{Customer, Error, Limit, Operation, View};
use cio_core::constraint::Problem;
use cio_core::{Timestamp, Tracked};
use client_support::*;
use serde_json::json;

fn assert_limit(err: &Error, limit: Limit, size: usize) {
    match err {
        Error::Limit {
            limit: l,
            size: s,
            max,
            ..
        } => {
            assert_eq!((*l, *s, *max), (limit, size, limit.max()), "{err}");
        }
        other => panic!("expected a {limit:?} limit error, got {other:?}"),
    }
    assert!(err.is_validation());
    assert!(!err.is_transient());
}

#[tokio::test]
async fn event_limits() {
    bounded(async {
        let emu = emulator().await;
        let client = client(&emu);
        let c = Customer::id("1");

        let err = client.track(&c, LongName {}).await.unwrap_err();
        assert_limit(&err, Limit::EventName, LongName::NAME_LEN);

        // {"blob":"..."} is 11 bytes plus the string.
        let big = Blob { blob: "x".repeat(100_000 - 10) };
        let err = client.track(&c, big).await.unwrap_err();
        assert_limit(&err, Limit::EventData, 100_001);
        let fits = Blob { blob: "x".repeat(100_000 - 11) };
        let err = client.track(&c, fits.clone()).await;
        assert!(err.is_ok(), "exactly 100,000 bytes is allowed: {err:?}");
        assert_eq!(emu.request_count(), 1);
        emu.clear();

        let err = client
            .track(&c, Tracked::new(signed_up("x")).at(Timestamp::from_unix(1_700_000_000_000)))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::MillisecondTimestamp { field, value: 1_700_000_000_000 } if field == "timestamp"),
            "{err:?}"
        );

        let err = client
            .view(&c, &View::page("x".repeat(101)))
            .await
            .unwrap_err();
        assert_limit(&err, Limit::EventName, 101);
        let err = View::screen("s").with_data(&json!([1, 2])).unwrap_err();
        assert!(matches!(err, Error::Serialize(_)), "{err:?}");

        let err = client
            .track_anonymous(&"a".repeat(151), signed_up("x"))
            .await
            .unwrap_err();
        assert_limit(&err, Limit::Identifier, 151);
        assert_eq!(emu.request_count(), 0);
    })
    .await;
}

trait NameLen {
    const NAME_LEN: usize;
}

impl NameLen for LongName {
    const NAME_LEN: usize = <LongName as cio_core::Event>::NAME.len();
}

#[tokio::test]
async fn identifier_limits() {
    bounded(async {
        let emu = emulator().await;
        let client = client(&emu);
        let err = client
            .identify(&Customer::id("i".repeat(151)), &profile("a@b.co"))
            .await
            .unwrap_err();
        assert_limit(&err, Limit::Identifier, 151);
        for bad in [
            Customer::id(""),
            Customer::email(""),
            Customer::id(".."),
            Customer::id("."),
            Customer::cio_id("a/b"),
        ] {
            let err = client.delete(&bad).await.unwrap_err();
            assert!(
                matches!(err, Error::InvalidIdentifier(_)),
                "{bad:?}: {err:?}"
            );
            let err = client.track(&bad, signed_up("x")).await.unwrap_err();
            assert!(
                matches!(err, Error::InvalidIdentifier(_)),
                "{bad:?}: {err:?}"
            );
        }
        let err = client
            .merge(&Customer::id("ok"), &Customer::email(""))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidIdentifier(_)));
        let err = client
            .delete_device(&Customer::id("ok"), "")
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidIdentifier(_)));
        assert_eq!(emu.request_count(), 0);
    })
    .await;
}

#[tokio::test]
async fn attribute_limits() {
    bounded(async {
        let emu = emulator().await;
        let client = client(&emu);
        let c = Customer::id("1");

        let err = client
            .identify(&c, &loose([("n".repeat(151), json!(1))]))
            .await
            .unwrap_err();
        assert_limit(&err, Limit::AttributeName, 151);
        assert!(err.to_string().contains(&"n".repeat(151)));

        // A string value of 999 characters serializes to 1,001 bytes.
        let err = client
            .identify(&c, &loose([("bio".to_owned(), json!("v".repeat(999)))]))
            .await
            .unwrap_err();
        assert_limit(&err, Limit::AttributeValue, 1001);

        let many = loose((0..301).map(|i| (format!("a{i}"), json!(i))));
        let err = client.identify(&c, &many).await.unwrap_err();
        assert_limit(&err, Limit::AttributeCount, 301);
        assert_eq!(
            err.to_string(),
            "the attribute count is 301 attributes, over the Track API limit of 300 attributes"
        );
        let exactly = loose((0..300).map(|i| (format!("a{i}"), json!(i))));
        assert!(Operation::identify(&c, &exactly).is_ok());

        let mut ms = profile("a@b.co");
        ms.created_at = Some(Timestamp::from_unix(1_700_000_000_000));
        let err = client.identify(&c, &ms).await.unwrap_err();
        assert!(
            matches!(&err, Error::MillisecondTimestamp { field, .. } if field == "created_at"),
            "{err:?}"
        );
        let err = client
            .identify(
                &c,
                &loose([("_timestamp".to_owned(), json!(1_700_000_000_000_i64))]),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, Error::MillisecondTimestamp { .. }), "{err:?}");
        assert_eq!(emu.request_count(), 0);
    })
    .await;
}

#[tokio::test]
async fn taxonomy_constraints() {
    bounded(async {
        let emu = emulator().await;
        let client = client(&emu);
        let c = Customer::id("1");
        let mut p = profile("not-an-email");
        let err = client.identify(&c, &p).await.unwrap_err();
        assert!(
            matches!(&err, Error::Violation(v) if v.field == "email" && v.problem == Problem::NotAnEmail),
            "{err:?}"
        );
        p.email = "a@b.co".to_owned();
        p.name = "x".repeat(41);
        let err = client.identify(&c, &p).await.unwrap_err();
        assert!(
            matches!(&err, Error::Violation(v) if v.problem == Problem::TooLong { max_length: 40, length: 41 }),
            "{err:?}"
        );
        p.name = "ok".to_owned();
        p.mrr = -1.0;
        let err = client.identify(&c, &p).await.unwrap_err();
        assert_eq!(err.to_string(), "invalid value: `mrr` is -1, below its minimum 0");
        assert!(Operation::identify(&c, &p).is_err());
        assert_eq!(emu.request_count(), 0);
    })
    .await;
}

#[tokio::test]
async fn v2_size_limits() {
    bounded(async {
        let emu = emulator().await;
        let client = client(&emu);
        let c = Customer::id("1");
        let err = Operation::event(
            &c,
            &Tracked::new(Blob {
                blob: "x".repeat(40_000),
            }),
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Limit {
                    limit: Limit::BatchOperation,
                    max: 32_768,
                    ..
                }
            ),
            "{err:?}"
        );
        let op = Operation::event(
            &c,
            &Tracked::new(Blob {
                blob: "x".repeat(30_000),
            }),
        )
        .unwrap();
        let ops = vec![op; 18];
        let size = cio_core::client::batch_body_len(&ops);
        assert!(size > 500 * 1024);
        let err = client.batch(&ops).await.unwrap_err();
        assert_limit(&err, Limit::BatchRequest, size);
        let err = client.batch_once(&ops).await.unwrap_err();
        assert_limit(&err, Limit::BatchRequest, size);
        assert_eq!(emu.request_count(), 0);
        let outcome = client.batch(&ops[..16]).await.unwrap();
        assert!(outcome.is_complete());
        assert_eq!(
            emu.record().events_of("1").len(),
            1,
            "16 copies of one ULID"
        );
    })
    .await;
}
