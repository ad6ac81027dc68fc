//! The emulator runs journeys on what it receives (Track v1 and v2), on a clock a
//! test moves, and serves the deliveries as JSON and the inbox as HTML.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use cio_core::journey::{Campaign, Channel, Condition, Journeys, Message, Path, Step};
use cio_core::Timestamp;
use cio_emulator::Emulator;
use serde_json::{json, Value};

const START: Timestamp = Timestamp::from_unix(1_700_000_000);

static VERIFIED: Condition = Condition::Truthy(Path::Customer("email_verified"));

static JOURNEYS: Journeys = Journeys {
    campaigns: &[Campaign {
        name: "onboarding",
        trigger: "signed_up",
        steps: &[
            Step::Wait(300),
            Step::Send("welcome"),
            Step::Wait(86_400),
            Step::Branch(&VERIFIED, &[], &[Step::Send("verify")]),
        ],
    }],
    messages: &[
        Message {
            name: "welcome",
            channel: Channel::Email,
            subject: Some("Welcome, {{ customer.first_name }}!"),
            body:
                "<h1>Hi {{ customer.first_name }}</h1><p>You signed up with {{ event.method }}.</p>",
        },
        Message {
            name: "verify",
            channel: Channel::Sms,
            subject: None,
            body: "{{ customer.first_name }}, please verify <now>",
        },
    ],
};

/// A reqwest client (ring as its TLS provider, for loopback HTTP only).
fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

struct Api {
    http: reqwest::Client,
    emulator: Emulator,
}

impl Api {
    async fn start() -> Api {
        let emulator = Emulator::builder()
            .journeys(&JOURNEYS)
            .clock_start(START)
            .start()
            .await
            .unwrap();
        Api {
            http: http(),
            emulator,
        }
    }

    async fn send(&self, method: &str, path: &str, body: Value) -> u16 {
        let url = format!("{}{path}", self.emulator.base_url());
        let request = match method {
            "PUT" => self.http.put(url),
            _ => self.http.post(url),
        };
        request
            .basic_auth(self.emulator.site_id(), Some(self.emulator.api_key()))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    async fn get(&self, path: &str) -> (u16, String, String) {
        let response = self
            .http
            .get(format!("{}{path}", self.emulator.base_url()))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let csp = response
            .headers()
            .get("content-security-policy")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (status, csp, response.text().await.unwrap())
    }

    async fn json(&self, path: &str) -> Value {
        let (status, _, body) = self.get(path).await;
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    }

    async fn clock(&self, body: &str) -> (u16, Value) {
        let response = self
            .http
            .post(format!("{}/__clock", self.emulator.base_url()))
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (
            status,
            serde_json::from_str(&response.text().await.unwrap()).unwrap(),
        )
    }
}

async fn within<F: std::future::Future<Output = ()>>(test: F) {
    tokio::time::timeout(Duration::from_secs(30), test)
        .await
        .expect("the test took more than 30 s");
}

#[tokio::test]
async fn v1_calls_run_the_journey_on_the_test_clock() {
    within(async {
        let api = Api::start().await;
        let jane = json!({"first_name": "Jane", "email": "jane@example.com"});
        assert_eq!(api.send("PUT", "/api/v1/customers/user-1", jane).await, 200);
        let signed_up = json!({"name": "signed_up", "data": {"method": "google"}});
        assert_eq!(
            api.send("POST", "/api/v1/customers/user-1/events", signed_up)
                .await,
            200
        );
        assert!(api.emulator.deliveries().is_empty());
        assert_eq!(api.emulator.now(), Some(START));

        api.emulator.advance(Duration::from_secs(299));
        assert!(
            api.emulator.deliveries().is_empty(),
            "sent before the wait ends"
        );
        api.emulator.advance(Duration::from_secs(1));
        let deliveries = api.emulator.deliveries();
        assert_eq!(deliveries.len(), 1);
        let welcome = &deliveries[0];
        assert_eq!(welcome.person, "user-1");
        assert_eq!(welcome.campaign, "onboarding");
        assert_eq!(welcome.message, "welcome");
        assert_eq!(welcome.time, Timestamp::from_unix(START.as_unix() + 300));
        assert_eq!(welcome.subject.as_deref(), Some("Welcome, Jane!"));
        assert!(
            welcome.body.contains("You signed up with google."),
            "{}",
            welcome.body
        );

        // The same over HTTP.
        let listed = api.json("/__deliveries").await;
        assert_eq!(
            listed,
            json!([{
                "time": START.as_unix() + 300,
                "person": "user-1",
                "campaign": "onboarding",
                "message": "welcome",
                "channel": "email",
                "subject": "Welcome, Jane!",
                "body": welcome.body,
                "error": null,
            }])
        );
        assert_eq!(api.json("/__deliveries?person=user-2").await, json!([]));
        assert_eq!(api.json("/__deliveries?person=user-1").await, listed);
        api.emulator.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn v2_calls_and_the_clock_route_take_the_branch_on_the_profile_at_that_time() {
    within(async {
        let api = Api::start().await;
        let batch = json!({"batch": [
            {"type": "person", "action": "identify", "identifiers": {"id": "a"},
             "attributes": {"first_name": "Ann"}},
            {"type": "person", "action": "event", "identifiers": {"id": "a"},
             "name": "signed_up", "attributes": {"method": "email"}},
            {"type": "person", "action": "identify", "identifiers": {"id": "b"},
             "attributes": {"first_name": "Bo"}},
            {"type": "person", "action": "event", "identifiers": {"id": "b"},
             "name": "signed_up", "attributes": {"method": "github"}},
        ]});
        assert_eq!(api.send("POST", "/api/v2/batch", batch).await, 200);
        // Bo verifies between the trigger and the branch: no reminder for Bo.
        let verified = json!({"type": "person", "action": "identify",
            "identifiers": {"id": "b"}, "attributes": {"email_verified": true}});
        assert_eq!(api.send("POST", "/api/v2/entity", verified).await, 200);

        let clock = api.json("/__clock").await;
        assert_eq!(
            clock,
            json!({"now": START.as_unix(), "next_due": START.as_unix() + 300})
        );
        let (status, clock) = api.clock(r#"{"advance": "next"}"#).await;
        assert_eq!(status, 200);
        assert_eq!(clock["now"], START.as_unix() + 300);
        assert_eq!(api.emulator.deliveries().len(), 2);
        let end = START.as_unix() + 300 + 86_400;
        let (status, clock) = api.clock(&format!(r#"{{"until": {end}}}"#)).await;
        assert_eq!(status, 200);
        assert_eq!(clock, json!({"now": end, "next_due": null}));

        let deliveries = api.emulator.deliveries();
        let sent: Vec<(&str, &str)> = deliveries
            .iter()
            .map(|d| (d.person.as_str(), d.message))
            .collect();
        assert_eq!(sent, [("a", "welcome"), ("b", "welcome"), ("a", "verify")]);
        assert_eq!(deliveries[2].body, "Ann, please verify <now>");
        assert_eq!(deliveries[2].subject, None);

        for bad in ["{", r#"{"advance": -1}"#, r#"{"later": 1}"#] {
            assert_eq!(api.clock(bad).await.0, 400, "{bad}");
        }
        api.emulator.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn the_inbox_shows_people_journeys_and_messages_escaped() {
    within(async {
        let api = Api::start().await;
        let profile = json!({"first_name": "<script>alert(1)</script>", "email": "x@example.com"});
        assert_eq!(
            api.send("PUT", "/api/v1/customers/o'brien%2F1", profile)
                .await,
            200
        );
        let event = json!({"name": "signed_up", "data": {"method": "\"quoted\""}});
        assert_eq!(
            api.send("POST", "/api/v1/customers/o'brien%2F1/events", event)
                .await,
            200
        );
        api.emulator.advance(Duration::from_secs(300));

        let (status, csp, index) = api.get("/").await;
        assert_eq!(status, 200);
        assert!(csp.contains("script-src 'self'"), "{csp}");
        assert!(index.contains("href=\"/people/o%27brien%2F1\""), "{index}");
        assert!(
            index.contains("Welcome, &lt;script&gt;alert(1)&lt;/script&gt;!"),
            "{index}"
        );
        assert!(!index.contains("<script>alert"), "{index}");
        assert!(
            index.contains("onboarding: <span class=\"chip waiting\">waiting until"),
            "{index}"
        );

        let (status, _, person) = api.get("/people/o%27brien%2F1").await;
        assert_eq!(status, 200, "{person}");
        assert!(!person.contains("<script>alert"), "{person}");
        // The email body is in a sandboxed srcdoc iframe, escaped once for the
        // attribute. Liquid (like Customer.io) does not escape what it interpolates, so
        // the attribute's markup is part of the email's HTML: the sandbox keeps it inert.
        let frame = person
            .split("<iframe")
            .nth(1)
            .and_then(|f| f.split("></iframe>").next())
            .unwrap_or_else(|| panic!("no iframe in {person}"));
        assert!(frame.contains("sandbox=\"\""), "{frame}");
        assert!(
            frame.contains(
                "srcdoc=\"&lt;h1&gt;Hi &lt;script&gt;alert(1)&lt;/script&gt;&lt;/h1&gt;\
                 &lt;p&gt;You signed up with &quot;quoted&quot;.&lt;/p&gt;\""
            ),
            "{frame}"
        );
        assert!(
            person.contains("event <strong>signed_up</strong>"),
            "{person}"
        );
        assert!(
            person.contains("&quot;\\&quot;quoted\\&quot;&quot;"),
            "{person}"
        );

        let (status, _, message) = api.get("/messages/0").await;
        assert_eq!(status, 200);
        assert!(
            message.contains("<iframe class=\"body\" sandbox=\"\""),
            "{message}"
        );
        assert_eq!(api.get("/messages/1").await.0, 404);
        assert_eq!(api.get("/people/nobody").await.0, 404);
        assert_eq!(api.get("/__nothing").await.0, 404);

        // The inbox is not the Track API: no credentials, no request counted.
        assert_eq!(api.emulator.request_count(), 2);
        api.emulator.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn clear_forgets_the_journeys_and_an_emulator_without_journeys_says_so() {
    within(async {
        let api = Api::start().await;
        let event = json!({"name": "signed_up", "data": {"method": "email"}});
        assert_eq!(
            api.send("POST", "/api/v1/customers/c/events", event).await,
            200
        );
        api.emulator.advance(Duration::from_secs(600));
        assert_eq!(api.emulator.deliveries().len(), 1);
        api.emulator.clear();
        assert!(api.emulator.deliveries().is_empty());
        assert_eq!(api.emulator.now(), Some(START));
        assert_eq!(api.json("/__deliveries").await, json!([]));
        api.emulator.shutdown().await;

        let plain = Emulator::start().await.unwrap();
        assert!(plain.deliveries().is_empty());
        assert_eq!(plain.now(), None);
        let http = http();
        let clock = http
            .post(format!("{}/__clock", plain.base_url()))
            .body(r#"{"advance": 5}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(clock.status(), 404);
        let index = http.get(plain.inbox_url()).send().await.unwrap();
        assert_eq!(index.status(), 200);
        assert!(index.text().await.unwrap().contains("no journeys"));
        plain.shutdown().await;
    })
    .await;
}
