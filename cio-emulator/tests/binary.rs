//! The `cio-emulator` binary: its flags (the same as `cio-cli emulator`'s), and its
//! coverage file, current even when the process is killed and never drops anything.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use cio_emulator::Coverage;
use serde_json::json;

/// Kills the emulator however the test ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn a_killed_emulator_leaves_a_current_coverage_file() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("coverage-binary");
    let _ = std::fs::remove_dir_all(&dir);
    let taxonomy = concat!(env!("CARGO_MANIFEST_DIR"), "/../events.toml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_cio-emulator"))
        .args(["--taxonomy", taxonomy, "--site-id", "s", "--api-key", "k"])
        .env("CIO_COVERAGE_DIR", &dir)
        .env("CIO_EMULATOR_WRITE_KEY", "wk-env")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut running = Running(child);
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    let next = || lines.recv_timeout(Duration::from_secs(30)).unwrap();
    let base = next();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let credentials = next();
    assert!(
        credentials.starts_with("site id: s  api key: k  write key: wk-env"),
        "{credentials}"
    );
    assert!(next().starts_with("journeys of "));
    let file = PathBuf::from(next().strip_prefix("coverage: ").unwrap());
    assert!(file.starts_with(&dir), "{}", file.display());

    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let send = |path: &str, body: serde_json::Value| {
        let request = if path.ends_with("/1") {
            http.put(format!("{base}{path}"))
        } else {
            http.post(format!("{base}{path}"))
        };
        request
            .basic_auth("s", Some("k"))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
    };
    let profile = json!({"email": "j@example.com", "first_name": "Jane", "plan": "free",
        "created_at": 1_700_000_000});
    let status = send("/api/v1/customers/1", profile).await.unwrap().status();
    assert_eq!(status, 200);
    let event = json!({"name": "signed_up", "data": {"method": "google", "plan": "free"}});
    let status = send("/api/v1/customers/1/events", event)
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);
    // The Pipelines API, with the write key of the environment.
    let identify = http
        .post(format!("{base}/v1/identify"))
        .basic_auth("wk-env", Some(""))
        .header("x-strict-mode", "1")
        .body(r#"{"userId": "2", "traits": {"first_name": "Ann"}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(identify.status(), 200);
    let clock = http
        .post(format!("{base}/__clock"))
        .header("content-type", "application/json")
        .body(r#"{"advance": 300}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(clock.status(), 200);

    // SIGKILL: no drop, no shutdown; the file was written as things were seen.
    running.0.kill().unwrap();
    running.0.wait().unwrap();
    let seen = Coverage::from_json(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert!(seen.events.contains("signed_up"), "{seen:?}");
    // One set of journeys, the seed's, by the id cio-cli computes too.
    assert_eq!(seen.journeys.len(), 1, "{seen:?}");
    let journeys = seen.journeys.values().next().unwrap();
    assert!(journeys.messages.contains("welcome"), "{seen:?}");
}

#[test]
fn usage_errors_exit_with_2_and_the_help_names_every_flag() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cio-emulator"))
            .args(args)
            .env_remove("CIO_COVERAGE_DIR")
            .env_remove("CIO_EMULATOR_WRITE_KEY")
            .env_remove("CIO_EMULATOR_WEBHOOK_URL")
            .env_remove("CIO_EMULATOR_WEBHOOK_KEY")
            .output()
            .unwrap()
    };
    let bad = run(&["--port", "70000"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("invalid value '70000'"));
    let bad_taxonomy = run(&["--taxonomy", "no/such/events.toml"]);
    assert_eq!(bad_taxonomy.status.code(), Some(2));
    // Webhooks only to loopback over plain HTTP, and with a key.
    let remote = run(&[
        "--webhook-url",
        "http://example.com/h",
        "--webhook-key",
        "k",
    ]);
    assert_eq!(remote.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&remote.stderr).contains("not loopback"));
    let keyless = run(&["--webhook-url", "http://127.0.0.1:9/h"]);
    assert_eq!(keyless.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&keyless.stderr).contains("--webhook-key"));
    let help = run(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    let help = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--port",
        "--taxonomy",
        "--site-id",
        "--api-key",
        "--app-api-key",
        "--write-key",
        "--coverage-dir",
        "--webhook-url",
        "--webhook-key",
        "CIO_COVERAGE_DIR",
        "CIO_EMULATOR_WRITE_KEY",
        "CIO_EMULATOR_WEBHOOK_URL",
        "CIO_EMULATOR_WEBHOOK_KEY",
        "X-Strict-Mode",
        "Exit codes: 0",
    ] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
}
