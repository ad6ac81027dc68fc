//! The emulator's coverage: which events it received, which messages the journeys
//! rendered, which transactional messages and broadcasts were sent, which branches
//! were taken; and the file it keeps current in its coverage folder, without waiting
//! for a drop.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::time::Duration;

use cio_core::journey::{Campaign, Channel, Condition, Journeys, Message, Path, Step};
use cio_core::Timestamp;
use cio_emulator::{Branch, Coverage, Emulator};
use serde_json::{json, Value};

static PRO: Condition = Condition::Truthy(Path::Customer("pro"));

static JOURNEYS: Journeys = Journeys {
    campaigns: &[Campaign {
        name: "onboarding",
        trigger: "signed_up",
        steps: &[
            Step::Send("welcome"),
            Step::Wait(60),
            Step::Branch(&PRO, &[Step::Send("pro_tips")], &[Step::Send("broken")]),
        ],
    }],
    messages: &[
        Message {
            name: "welcome",
            channel: Channel::Email,
            subject: Some("Welcome"),
            body: "Hi {{ customer.first_name }}",
        },
        Message {
            name: "pro_tips",
            channel: Channel::Email,
            subject: None,
            body: "Tips",
        },
        Message {
            name: "broken",
            channel: Channel::Email,
            subject: None,
            body: "{{ customer.first_name | no_such_filter }}",
        },
    ],
};

/// A folder of its own for one test, empty.
fn fresh_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The coverage files in `dir`, read.
fn files_in(dir: &std::path::Path) -> Vec<Coverage> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(
        files.iter().all(|f| f.extension().unwrap() == "json"),
        "{files:?}"
    );
    files
        .iter()
        .map(|f| Coverage::from_json(&std::fs::read_to_string(f).unwrap()).unwrap())
        .collect()
}

fn names(set: &std::collections::BTreeSet<String>) -> Vec<&str> {
    set.iter().map(String::as_str).collect()
}

struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    fn new(emulator: &Emulator) -> Client {
        let _ = rustls::crypto::ring::default_provider().install_default();
        Client {
            http: reqwest::Client::new(),
            base: emulator.base_url(),
        }
    }

    async fn track(&self, method: &str, path: &str, body: Value) {
        let request = match method {
            "PUT" => self.http.put(format!("{}{path}", self.base)),
            _ => self.http.post(format!("{}{path}", self.base)),
        };
        let response = request
            .basic_auth(
                cio_emulator::DEFAULT_SITE_ID,
                Some(cio_emulator::DEFAULT_API_KEY),
            )
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200, "{path}");
    }

    async fn app(&self, path: &str, body: Value) {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(cio_emulator::DEFAULT_APP_API_KEY)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        assert_eq!(status, 200, "{path}: {}", response.text().await.unwrap());
    }
}

#[tokio::test]
async fn the_emulator_records_what_was_exercised_and_keeps_its_file_current() {
    tokio::time::timeout(Duration::from_secs(30), async {
        let dir = fresh_dir("coverage-recorded");
        let emulator = Emulator::builder()
            .journeys(&JOURNEYS)
            .clock_start(Timestamp::from_unix(1_700_000_000))
            .coverage_dir(Some(dir.clone()))
            .start()
            .await
            .unwrap();
        let file = emulator.coverage_file().unwrap().to_owned();
        assert!(file.starts_with(&dir));
        assert!(!file.exists(), "nothing seen yet, nothing written");
        let client = Client::new(&emulator);

        // Two people through the campaign: one pro (then), one not (else, whose
        // message fails to render and so is not counted).
        for (id, pro) in [("1", true), ("2", false)] {
            let profile = json!({"first_name": "Jane", "email": "j@example.com", "pro": pro});
            client
                .track("PUT", &format!("/api/v1/customers/{id}"), profile)
                .await;
            let event = json!({"name": "signed_up", "data": {"method": "google"}});
            client
                .track("POST", &format!("/api/v1/customers/{id}/events"), event)
                .await;
        }
        // An anonymous event counts; a page view is not an event.
        client
            .track(
                "POST",
                "/api/v1/events",
                json!({"name": "visited", "anonymous_id": "a1"}),
            )
            .await;
        let page = json!({"name": "/pricing", "type": "page"});
        client
            .track("POST", "/api/v1/customers/1/events", page)
            .await;
        // v2 batch.
        let batch = json!({"batch": [{"type": "person", "identifiers": {"id": "1"},
            "action": "event", "name": "upgraded", "attributes": {}}]});
        client.track("POST", "/api/v2/batch", batch).await;
        // App API.
        let send = json!({"transactional_message_id": "password_reset",
            "identifiers": {"id": "1"}, "message_data": {}});
        client.app("/v1/send/email", send).await;
        let trigger = json!({"ids": ["1"], "data": {"headline": "News"}});
        client.app("/v1/campaigns/42/triggers", trigger).await;

        // The file is current before the clock moves and long before any drop.
        let written = files_in(&dir);
        assert_eq!(written.len(), 1);
        assert!(written[0].events.contains("upgraded"), "{:?}", written[0]);
        let ours = Coverage::journeys_id(&JOURNEYS);
        let rendered = written[0].of_journeys(&ours).messages;
        assert!(rendered.contains("welcome"), "{:?}", written[0]);

        emulator.advance(Duration::from_secs(60));
        let seen = emulator.coverage();

        assert_eq!(names(&seen.events), ["signed_up", "upgraded", "visited"]);
        assert_eq!(seen.journeys.len(), 1, "one emulator, one set of journeys");
        let journeys = seen.of_journeys(&ours);
        assert_eq!(names(&journeys.messages), ["pro_tips", "welcome"]);
        assert_eq!(names(&seen.transactional), ["password_reset"]);
        assert_eq!(seen.broadcasts.iter().copied().collect::<Vec<_>>(), [42]);
        let branch = |held| Branch {
            campaign: "onboarding".to_owned(),
            step: "2".to_owned(),
            held,
        };
        assert_eq!(
            journeys.branches.iter().cloned().collect::<Vec<_>>(),
            [branch(false), branch(true)]
        );
        assert_eq!(
            files_in(&dir),
            std::slice::from_ref(&seen),
            "the clock move was written"
        );

        // Clearing forgets the record, not what was exercised.
        emulator.clear();
        assert_eq!(emulator.coverage(), seen);
        emulator.shutdown().await;
        assert_eq!(files_in(&dir), [seen]);
    })
    .await
    .expect("the test took more than 30 s");
}

#[tokio::test]
async fn each_emulator_writes_a_file_of_its_own_even_when_it_saw_nothing() {
    let dir = fresh_dir("coverage-two");
    let first = Emulator::builder()
        .coverage_dir(Some(dir.join("nested")))
        .start()
        .await
        .unwrap();
    let second = Emulator::builder()
        .coverage_dir(Some(dir.join("nested")))
        .start()
        .await
        .unwrap();
    assert_ne!(first.coverage_file(), second.coverage_file());
    let client = Client::new(&first);
    client
        .track(
            "POST",
            "/api/v1/events",
            json!({"name": "visited", "anonymous_id": "a"}),
        )
        .await;
    drop(first);
    second.shutdown().await;
    let files = files_in(&dir.join("nested"));
    assert_eq!(files.len(), 2);
    assert!(files.iter().any(|c| c.events.contains("visited")));
    assert!(files.iter().any(|c| *c == Coverage::default()));
}

#[tokio::test]
async fn a_coverage_folder_that_cannot_be_created_stops_the_start() {
    let dir = fresh_dir("coverage-blocked");
    std::fs::create_dir_all(&dir).unwrap();
    let blocker = dir.join("a-file");
    std::fs::write(&blocker, b"").unwrap();
    let error = Emulator::builder()
        .coverage_dir(Some(blocker.join("inside")))
        .start()
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("cannot create the coverage folder"),
        "{error}"
    );
}
