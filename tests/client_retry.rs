//! Retries over real HTTP: what is retried, what is not, `Retry-After`, and the same
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! ULID on every attempt so the emulator keeps each event once.

mod client_support;

use std::time::Duration;

use cio_core::client::{Customer, Error, Operation, RetryPolicy};
use cio_core::Tracked;
use cio_emulator::{Fault, Faults};
use client_support::*;

#[tokio::test]
async fn transient_statuses_are_retried_with_a_retry_count() {
    bounded(async {
        for status in [408, 429, 500, 502, 503, 504] {
            let emu = emulator().await;
            emu.script([Fault::Status(status), Fault::Status(status)]);
            let client = client(&emu);
            client
                .identify(&Customer::id("1"), &profile("a@example.com"))
                .await
                .unwrap_or_else(|e| panic!("{status}: {e}"));
            let record = emu.record();
            let answers: Vec<_> = record
                .requests
                .iter()
                .map(|r| (r.status, r.retry_count))
                .collect();
            assert_eq!(
                answers,
                [
                    (Some(status), None),
                    (Some(status), Some(1)),
                    (Some(200), Some(2))
                ],
                "{status}"
            );
            assert!(record.profile("1").is_some());
        }
    })
    .await;
}

#[tokio::test]
async fn other_client_errors_are_not_retried() {
    bounded(async {
        for status in [400, 401, 403, 404, 409, 413, 422] {
            let emu = emulator().await;
            emu.script([Fault::Status(status)]);
            let err = client(&emu).delete(&Customer::id("1")).await.unwrap_err();
            assert!(
                matches!(err, Error::Status { status: s, attempts: 1, .. } if s == status),
                "{status}: {err:?}"
            );
            assert!(!err.is_transient());
            assert_eq!(emu.request_count(), 1, "{status}");
        }
    })
    .await;
}

#[tokio::test]
async fn retries_stop_after_the_maximum() {
    bounded(async {
        let emu = emulator().await;
        emu.script(vec![Fault::Status(503); 10]);
        let err = client_with(&emu, quick_retries(2))
            .delete(&Customer::id("1"))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Status { status: 503, attempts: 3, message, .. } if message == "service unavailable"),
            "{err:?}"
        );
        assert!(err.is_transient());
        assert_eq!(emu.request_count(), 3);

        let emu = emulator().await;
        emu.script([Fault::Status(503)]);
        let err = client_with(&emu, RetryPolicy::none())
            .delete(&Customer::id("1"))
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(503));
        assert_eq!(emu.request_count(), 1);
    })
    .await;
}

#[tokio::test]
async fn connection_resets_are_retried() {
    bounded(async {
        let emu = emulator().await;
        emu.script([Fault::Reset, Fault::Reset]);
        let client = client(&emu);
        let id = client
            .track(&Customer::id("1"), signed_up("pro"))
            .await
            .unwrap();
        let record = emu.record();
        let statuses: Vec<_> = record.requests.iter().map(|r| r.status).collect();
        assert_eq!(statuses, [None, None, Some(200)]);
        assert_eq!(record.events_of("1")[0].id, Some(id.to_text()));

        emu.script(vec![Fault::Reset; 4]);
        let err = client.delete(&Customer::id("1")).await.unwrap_err();
        assert!(
            matches!(err, Error::Transport { attempts: 4, .. }),
            "{err:?}"
        );
        assert!(err.is_transient());
    })
    .await;
}

#[tokio::test]
async fn timeouts_are_retried_and_reported() {
    bounded(async {
        let emu = emulator().await;
        emu.script(vec![Fault::Delay(Duration::from_secs(5)); 2]);
        let client = cio_core::client::TrackClient::builder(emu.site_id(), emu.api_key())
            .base_url(emu.base_url())
            .timeout(Duration::from_millis(100))
            .retry(quick_retries(1))
            .build()
            .unwrap();
        let err = client.delete(&Customer::id("1")).await.unwrap_err();
        assert!(matches!(err, Error::Timeout { attempts: 2 }), "{err:?}");
        assert!(err.is_transient());
    })
    .await;
}

#[tokio::test]
async fn retry_after_is_honoured() {
    bounded(async {
        let emu = emulator().await;
        emu.script([Fault::TooManyRequests {
            retry_after: "1".to_owned(),
        }]);
        client(&emu)
            .track(&Customer::id("1"), signed_up("pro"))
            .await
            .unwrap();
        let record = emu.record();
        assert_eq!(record.requests.len(), 2);
        assert_eq!(record.requests[0].status, Some(429));
        let gap = record.requests[1].arrived - record.requests[0].arrived;
        assert!(gap >= Duration::from_secs(1), "retried after {gap:?}");
        assert_eq!(record.events_of("1").len(), 1);
    })
    .await;
}

#[tokio::test]
async fn retry_after_beyond_the_budget_gives_up_at_once() {
    bounded(async {
        let emu = emulator().await;
        emu.script([Fault::TooManyRequests {
            retry_after: "120".to_owned(),
        }]);
        let policy = quick_retries(3).total_budget(Duration::from_secs(2));
        let err = client_with(&emu, policy).batch(&[]).await.unwrap_err();
        assert_eq!(err.status(), Some(429));
        assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
        assert!(err.to_string().contains("Retry-After 120s"), "{err}");
        assert_eq!(emu.request_count(), 1);
    })
    .await;
}

/// `Retry-After` values at the edges: huge, negative, far-future and year-0 dates,
/// garbage. None may panic or overflow, and every honoured wait is clamped to the cap
/// (unclamped, the far-future ones would outlast the test's 30 s bound).
const EDGE_RETRY_AFTERS: [&str; 9] = [
    "18446744073709551615",
    "99999999999999999999999999",
    "-1",
    "-99999999999999999999",
    "Sun, 06 Nov 99999 08:49:37 GMT",
    "Sun, 06 Nov 99999999999999999999999 08:49:37 GMT",
    "Sat, 01 Jan 0000 00:00:00 GMT",
    "31536000000",
    "soon, maybe",
];

#[tokio::test]
async fn extreme_retry_after_values_are_clamped_to_the_cap() {
    bounded(async {
        let emu = emulator().await;
        let policy = quick_retries(1).retry_after_cap(Duration::from_millis(10));
        let client = client_with(&emu, policy);
        for (n, value) in EDGE_RETRY_AFTERS.iter().enumerate() {
            emu.script([Fault::TooManyRequests {
                retry_after: (*value).to_owned(),
            }]);
            let customer = Customer::id(format!("c{n}"));
            client.track(&customer, signed_up("pro")).await.unwrap();
            assert_eq!(emu.record().events_of(&format!("c{n}")).len(), 1, "{value}");
        }
        assert_eq!(emu.request_count(), 2 * EDGE_RETRY_AFTERS.len() as u64);

        // Reported as parsed by a single attempt: saturated, not wrapped.
        emu.script([Fault::TooManyRequests {
            retry_after: "99999999999999999999999999".to_owned(),
        }]);
        let err = client.batch_once(&[]).await.unwrap_err();
        assert_eq!(err.retry_after(), Some(Duration::from_secs(u64::MAX)));
        assert!(
            err.to_string()
                .contains("Retry-After 18446744073709551615s"),
            "{err}"
        );

        // With no cap at all, a wait of centuries is past the budget: one attempt.
        let uncapped = quick_retries(3).retry_after_cap(Duration::MAX);
        emu.script([Fault::TooManyRequests {
            retry_after: "Sun, 06 Nov 99999 08:49:37 GMT".to_owned(),
        }]);
        let err = client_with(&emu, uncapped).batch(&[]).await.unwrap_err();
        assert_eq!(err.status(), Some(429));
        assert_eq!(err.retry_after(), Some(Duration::MAX));
    })
    .await;
}

#[tokio::test]
async fn a_lost_answer_is_retried_with_the_same_ulid_and_stored_once() {
    bounded(async {
        let emu = emulator().await;
        emu.script([Fault::StatusAfterApply(500), Fault::StatusAfterApply(502)]);
        let client = client(&emu);
        let tracked = Tracked::new(signed_up("pro"));
        let id = client
            .track(&Customer::id("1"), tracked.clone())
            .await
            .unwrap();
        assert_eq!(id, tracked.id());
        let record = emu.record();
        assert_eq!(record.requests.len(), 3, "applied, lost, retried twice");
        let events = record.events_of("1");
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].id, Some(id.to_text()));
        assert_eq!(record.duplicates_ignored, 2);

        // The same through v2 /batch.
        let op = Operation::event(&Customer::id("2"), &Tracked::new(signed_up("b"))).unwrap();
        emu.script([Fault::StatusAfterApply(503)]);
        let outcome = client.batch(std::slice::from_ref(&op)).await.unwrap();
        assert!(outcome.is_complete());
        let record = emu.record();
        assert_eq!(record.events_of("2").len(), 1);
        assert_eq!(
            record.events_of("2")[0].id,
            op.event_id().map(|id| id.to_text())
        );
        assert_eq!(record.duplicates_ignored, 3);
    })
    .await;
}

#[tokio::test]
async fn batch_once_makes_one_attempt() {
    bounded(async {
        let emu = emulator().await;
        emu.script([Fault::TooManyRequests {
            retry_after: "3".to_owned(),
        }]);
        let client = client(&emu);
        let op = Operation::event(&Customer::id("1"), &Tracked::new(signed_up("a"))).unwrap();
        let err = client
            .batch_once(std::slice::from_ref(&op))
            .await
            .unwrap_err();
        assert!(err.is_transient());
        assert_eq!(err.retry_after(), Some(Duration::from_secs(3)));
        assert_eq!(emu.request_count(), 1);
        let outcome = client.batch_once(&[op]).await.unwrap();
        assert!(outcome.is_complete());
        assert_eq!(emu.record().events_of("1").len(), 1);
    })
    .await;
}

#[tokio::test]
async fn random_faults_lose_and_double_nothing() {
    bounded(async {
        let faults = Faults {
            server_errors: 0.2,
            too_many_requests: 0.1,
            retry_after_secs: 0,
            connection_resets: 0.05,
            errors_after_apply: 0.1,
            ..Faults::NONE
        };
        let emu = faulty(faults, 7).await;
        let client = client_with(&emu, quick_retries(20));
        let mut ids = Vec::new();
        for i in 0..200 {
            let c = Customer::id(format!("c{}", i % 10));
            ids.push(client.track(&c, signed_up("x")).await.unwrap().to_text());
        }
        let record = emu.record();
        let mut stored: Vec<String> = record.all_events().filter_map(|e| e.id.clone()).collect();
        stored.sort();
        ids.sort();
        assert_eq!(stored, ids);
        assert!(record.requests.len() > 200, "faults were injected");
        assert!(
            record.duplicates_ignored > 0,
            "some answers were lost after apply"
        );
    })
    .await;
}

#[tokio::test]
async fn a_207_that_does_not_say_what_failed_is_ambiguous_not_complete() {
    bounded(async {
        let emu = emulator().await;
        let client = client(&emu);
        let ops = [
            Operation::event(&Customer::id("1"), &Tracked::new(signed_up("a"))).unwrap(),
            Operation::event(&Customer::id("2"), &Tracked::new(signed_up("b"))).unwrap(),
        ];
        let bodies = [
            ("not json", "not a JSON object"),
            (
                r#"{"errors":[{"batch_index":2}]}"#,
                "outside the batch of 2",
            ),
            (r#"{"errors":[{"message":"?"}]}"#, "no valid `batch_index`"),
        ];
        for (body, why) in bodies {
            emu.script([Fault::Answer {
                status: 207,
                body: body.to_owned(),
                apply: false,
            }]);
            let outcome = client.batch(&ops).await.unwrap();
            assert!(!outcome.is_complete(), "{body}");
            assert!(outcome.failures.is_empty(), "{body}");
            let ambiguity = outcome.ambiguity.unwrap_or_default();
            assert!(ambiguity.contains(why), "{ambiguity}");
        }
        assert_eq!(
            emu.request_count(),
            3,
            "a 207 is an answer, not retried by the client"
        );
    })
    .await;
}
