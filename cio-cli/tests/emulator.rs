//! `cio-cli emulator` serves the Track API on 127.0.0.1 and prints each request it
//! receives, what it stored and what the journeys delivered. Every wait is bounded.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Ends the emulator however the test ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A running `cio-cli emulator` and the lines it prints.
struct Server {
    _running: Running,
    lines: mpsc::Receiver<String>,
    /// `127.0.0.1:PORT`.
    addr: String,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cio-cli"))
            .arg("emulator")
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            // The lines printed are compared in order; a coverage folder adds one.
            .env_remove("CIO_COVERAGE_DIR")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let running = Running(child);
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                if tx.send(line.unwrap_or_default()).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            _running: running,
            lines,
            addr: String::new(),
        };
        let url = server.next();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        server.addr = url.trim_start_matches("http://").to_owned();
        server
    }

    /// The next line printed (at most 20 s away).
    fn next(&self) -> String {
        self.lines.recv_timeout(Duration::from_secs(20)).unwrap()
    }

    /// Every line printed up to and including the first that `done` accepts.
    fn until(&self, done: impl Fn(&str) -> bool) -> Vec<String> {
        let mut seen = Vec::new();
        loop {
            let line = self.next();
            let last = done(&line);
            seen.push(line);
            if last {
                return seen;
            }
        }
    }

    /// Sends one request; returns the whole answer.
    fn request(&self, method: &str, path: &str, body: &str) -> String {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        // Basic auth of `site:key`.
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Basic c2l0ZTprZXk=\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    }
}

#[test]
fn prints_what_it_receives() {
    let server = Server::start(&["--site-id", "site", "--api-key", "key"]);
    assert_eq!(
        server.next(),
        "site id: site  api key: key  write key: emulator-write-key  (Ctrl-C stops)"
    );
    // No events.toml in cio-cli/: the emulator runs without journeys.
    assert_eq!(
        server.next(),
        "journeys: none (no events.toml here; --taxonomy PATH runs its campaigns)"
    );

    let body = r#"{"name":"signed_up","data":{"method":"email"}}"#;
    let answer = server.request("POST", "/api/v1/customers/u1/events", body);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    assert_eq!(
        server.next(),
        format!(
            "POST /api/v1/customers/u1/events -> 200 ({} bytes)",
            body.len()
        )
    );
    assert_eq!(
        server.next(),
        r#"  event `signed_up` for u1: {"method":"email"}"#
    );
}

#[test]
fn prints_request_strings_with_control_characters_escaped() {
    let server = Server::start(&["--site-id", "site", "--api-key", "key"]);
    server.until(|l| l.starts_with("journeys: "));
    // OSC 52 (writes the clipboard) as the event name, a colour as the customer id.
    let body = r#"{"name":"\u001b]52;c;SGk=\u0007","data":{"k":"\u009b2J"}}"#;
    let answer = server.request("POST", "/api/v1/customers/u%1B%5B31m/events", body);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let lines = server.until(|l| l.starts_with("  event "));
    let event = lines.last().unwrap();
    assert_eq!(
        event,
        r#"  event `\u{1b}]52;c;SGk=\u{7}` for u\u{1b}[31m: {"k":"\u{9b}2J"}"#
    );
    assert!(lines.iter().all(|l| !l.contains('\u{1b}')), "{lines:?}");
}

#[test]
fn prints_the_deliveries_of_the_journeys() {
    let server = Server::start(&[
        "--taxonomy",
        "tests/fixtures/journeys.toml",
        "--site-id",
        "site",
        "--api-key",
        "key",
    ]);
    assert_eq!(
        server.next(),
        "site id: site  api key: key  write key: emulator-write-key  (Ctrl-C stops)"
    );
    let inbox = format!("http://{}/", server.addr);
    assert_eq!(
        server.next(),
        format!(
            "journeys of tests/fixtures/journeys.toml: 2 campaigns, 5 messages; inbox: {inbox}"
        )
    );

    let profile = r#"{"email":"jane@example.com","first_name":"Jane","plan":"free"}"#;
    let answer = server.request("PUT", "/api/v1/customers/jane", profile);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let event = r#"{"name":"signed_up","data":{"method":"google"}}"#;
    let answer = server.request("POST", "/api/v1/customers/jane/events", event);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // The onboarding campaign sends `welcome` as soon as `signed_up` is tracked.
    let lines = server.until(|l| l.starts_with("  delivery "));
    let delivery = lines.last().unwrap();
    assert!(
        delivery.starts_with("  delivery `welcome` (email) to jane from campaign `onboarding` at "),
        "{lines:?}"
    );
    // `email` and `first_name` are `pii = true`: their values never show, not even
    // inside a rendered subject.
    assert!(delivery.ends_with("Z: Welcome, <redacted>!"), "{lines:?}");
    assert!(
        lines.contains(&"  event `signed_up` for jane: {\"method\":\"google\"}".to_owned()),
        "{lines:?}"
    );
    assert!(
        lines.contains(
            &"  profile jane: {\"email\":\"<redacted>\",\"first_name\":\"<redacted>\",\"plan\":\"free\"}"
                .to_owned()
        ),
        "{lines:?}"
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("Jane") || l.contains("jane@")),
        "{lines:?}"
    );

    // The printed inbox address serves the inbox, which shows the delivery.
    let page = server.request("GET", "/", "");
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("Welcome, Jane!"), "{page}");
}

#[test]
fn the_segments_of_the_taxonomy_exist() {
    let server = Server::start(&[
        "--taxonomy",
        "tests/fixtures/segments.toml",
        "--site-id",
        "site",
        "--api-key",
        "key",
    ]);
    server.until(|l| l.starts_with("journeys of "));
    let ids = r#"{"ids":["u1"]}"#;
    let answer = server.request("POST", "/api/v1/segments/7/add_customers", ids);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // A segment the file does not declare does not exist.
    let answer = server.request("POST", "/api/v1/segments/8/add_customers", ids);
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
}

#[test]
fn an_invalid_taxonomy_is_reported_before_serving() {
    let out = Command::new(env!("CARGO_BIN_EXE_cio-cli"))
        .args(["emulator", "--taxonomy", "tests/fixtures/bad.toml"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.ends_with("error: tests/fixtures/bad.toml: 3 errors\n"),
        "{stderr}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_cio-cli"))
        .args(["emulator", "--taxonomy", "tests/fixtures/none.toml"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_cio-cli"))
        .args(["emulator", "--port", &port])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(&format!("error: cannot listen on 127.0.0.1:{port}: ")),
        "{stderr}"
    );
}
