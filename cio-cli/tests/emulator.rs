//! `cio emulator` serves the Track API on 127.0.0.1 and prints each request it
//! receives and what it stored. Every wait is bounded.

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

#[test]
fn prints_what_it_receives() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cio"))
        .args(["emulator", "--site-id", "site", "--api-key", "key"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _running = Running(child);
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    let next = || lines.recv_timeout(Duration::from_secs(20)).unwrap();
    let url = next();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_eq!(next(), "site id: site  api key: key  (Ctrl-C stops)");

    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    let body = r#"{"name":"signed_up","data":{"method":"email"}}"#;
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    // Basic auth of `site:key`.
    write!(
        stream,
        "POST /api/v1/customers/u1/events HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Basic c2l0ZTprZXk=\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    assert_eq!(
        next(),
        format!(
            "POST /api/v1/customers/u1/events -> 200 ({} bytes)",
            body.len()
        )
    );
    assert_eq!(next(), r#"  event `signed_up` for u1: {"method":"email"}"#);
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_cio"))
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
