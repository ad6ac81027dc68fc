//! Talking to an emulator's Data Pipelines API over HTTP on 127.0.0.1, as a client
//! does: Basic auth of the write key, JSON bodies, `X-Strict-Mode` when asked.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use cio_emulator::Emulator;
use serde_json::{json, Value};

/// An emulator and an HTTP client for its Pipelines API.
pub struct Pipelines {
    pub emulator: Emulator,
    http: reqwest::Client,
}

/// How a request is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// With `X-Strict-Mode: 1`.
    Strict,
    /// Without the header.
    Permissive,
    /// With `X-Strict-Mode` set to this value.
    Header(&'static str),
}

/// An answer: the status and the body as JSON (`Null` if it is not JSON).
pub type Answer = (u16, Value);

impl Pipelines {
    /// A fresh emulator with the default write key.
    pub async fn start() -> Pipelines {
        Pipelines::with(Emulator::builder()).await
    }

    /// A fresh emulator made by `builder`.
    pub async fn with(builder: cio_emulator::EmulatorBuilder) -> Pipelines {
        let _ = rustls::crypto::ring::default_provider().install_default();
        Pipelines {
            emulator: builder.start().await.unwrap(),
            http: reqwest::Client::new(),
        }
    }

    /// `POST /v1/{call}` with `body`, authenticated.
    pub async fn post(&self, call: &str, body: &Value, mode: Mode) -> Answer {
        self.post_bytes(call, body.to_string().into_bytes(), mode)
            .await
    }

    /// `POST /v1/{call}` with raw bytes, authenticated.
    pub async fn post_bytes(&self, call: &str, body: Vec<u8>, mode: Mode) -> Answer {
        let key = self.emulator.write_key().to_owned();
        self.send("POST", call, body, mode, Some(&format!("{key}:")))
            .await
    }

    /// A request to `/v1/{call}` with `basic` (`user:password`) as Basic auth, if any.
    pub async fn send(
        &self,
        method: &str,
        call: &str,
        body: Vec<u8>,
        mode: Mode,
        basic: Option<&str>,
    ) -> Answer {
        self.send_with(method, call, body, mode, basic, &[]).await
    }

    /// [`Pipelines::send`] with these headers too.
    pub async fn send_with(
        &self,
        method: &str,
        call: &str,
        body: Vec<u8>,
        mode: Mode,
        basic: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let url = format!("{}/v1/{call}", self.emulator.base_url());
        let mut request = self
            .http
            .request(method.parse().unwrap(), url)
            .header("content-type", "application/json")
            .body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(credentials) = basic {
            let (user, password) = credentials.split_once(':').unwrap();
            request = request.basic_auth(user, Some(password));
        }
        match mode {
            Mode::Strict => request = request.header("x-strict-mode", "1"),
            Mode::Header(value) => request = request.header("x-strict-mode", value),
            Mode::Permissive => {}
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let bytes = response.bytes().await.unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// A Track API request with the emulator's site id and API key: the status.
    pub async fn track_api(&self, method: &str, path: &str, body: Value) -> u16 {
        let url = format!("{}{path}", self.emulator.base_url());
        let response = self
            .http
            .request(method.parse().unwrap(), url)
            .basic_auth(self.emulator.site_id(), Some(self.emulator.api_key()))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        response.status().as_u16()
    }

    /// Sends `calls` (each a call type and its body) one request each, asserting `200 {}`.
    pub async fn each(&self, calls: &[(&str, Value)]) {
        for (call, body) in calls {
            let answer = self.post(call, body, Mode::Strict).await;
            assert_eq!(answer, (200, json!({})), "{call}: {body}");
        }
    }

    /// Sends `calls` as one `/v1/batch`, asserting `200 {}`.
    pub async fn batch(&self, calls: &[(&str, Value)]) {
        let answer = self.post("batch", &batch_of(calls), Mode::Strict).await;
        assert_eq!(answer, (200, json!({})));
    }

    /// Sends `calls` one by one or as one batch.
    pub async fn apply(&self, calls: &[(&str, Value)], as_batch: bool) {
        if as_batch {
            self.batch(calls).await;
        } else {
            self.each(calls).await;
        }
    }
}

/// `{"batch": [each call with its "type"]}`.
pub fn batch_of(calls: &[(&str, Value)]) -> Value {
    let items: Vec<Value> = calls
        .iter()
        .map(|(call, body)| {
            let mut item = body.clone();
            item["type"] = json!(call);
            item
        })
        .collect();
    json!({ "batch": items })
}

/// A `track` call of `event` by `user_id`.
pub fn track(user_id: &str, event: &str, extra: Value) -> Value {
    merged(json!({"userId": user_id, "event": event}), extra)
}

/// `base` with the keys of `extra` (an object) set over it.
pub fn merged(mut base: Value, extra: Value) -> Value {
    if let (Some(base), Value::Object(extra)) = (base.as_object_mut(), extra) {
        base.extend(extra);
    }
    base
}
