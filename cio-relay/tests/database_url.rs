//! What `cio-relay` prints about its database URL: never the password (in the user
//! info or in the query), and a warning when PostgreSQL across a network is reached
//! without TLS. Waits are bounded; none sleeps for timing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, Command};

fn relay(url: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_cio-relay"))
        .args(["--database-url", url, "--drain"])
        .env("CUSTOMERIO_SITE_ID", "site")
        .env("CUSTOMERIO_TRACK_API_KEY", "key")
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap()
}

/// Runs `cio-relay` on `url` to its end (nothing listens: it fails) and returns its
/// standard error.
async fn stderr_of_failed_run(url: &str) -> String {
    let output = tokio::time::timeout(Duration::from_secs(60), relay(url).wait_with_output())
        .await
        .expect("cio-relay did not end")
        .unwrap();
    assert!(!output.status.success(), "{url}: cio-relay succeeded");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A port on 127.0.0.1 that nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_password_is_never_printed() {
    let port = closed_port();
    let urls = [
        format!("postgres://127.0.0.1:{port}/x?password=s3cret"),
        format!("postgres://app:s3cret@127.0.0.1:{port}/x"),
        format!("postgres://app:s3/cret@127.0.0.1:{port}/x"),
        format!("mysql://app:s3cret@127.0.0.1:{port}/x"),
    ];
    let runs: Vec<_> = urls
        .iter()
        .map(|url| tokio::spawn(stderr_of_failed_run_owned(url.clone())))
        .collect();
    for (url, run) in urls.iter().zip(runs) {
        let stderr = run.await.unwrap();
        assert!(
            stderr.contains("cannot open the outbox database")
                || stderr.contains("unsupported outbox database URL"),
            "{url}: {stderr}"
        );
        assert!(!stderr.contains("s3cret"), "{url}: {stderr}");
        assert!(!stderr.contains("s3/cret"), "{url}: {stderr}");
        assert!(
            !stderr.contains("WARN"),
            "{url}: loopback needs no TLS: {stderr}"
        );
    }
}

async fn stderr_of_failed_run_owned(url: String) -> String {
    stderr_of_failed_run(&url).await
}

/// The first line of standard error that contains `needle`, or all of it.
async fn wait_for_line(child: &mut Child, needle: &str) -> String {
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let mut seen = String::new();
    let found = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if line.contains(needle) {
                return Some(line);
            }
            seen.push_str(&line);
            seen.push('\n');
        }
        None
    })
    .await
    .expect("cio-relay printed nothing in time");
    found.unwrap_or(seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remote_database_without_tls_is_warned_about() {
    // 192.0.2.1 is reserved for documentation (never routed): the warning comes
    // before the connection, which is not waited for.
    for mode in ["disable", "prefer"] {
        let url = format!("postgres://app:s3cret@192.0.2.1:5432/x?sslmode={mode}");
        let mut child = relay(&url);
        let line = wait_for_line(&mut child, "WARN").await;
        child.kill().await.unwrap();
        assert!(line.contains("WARN"), "{mode}: no warning: {line}");
        assert!(line.contains("without TLS"), "{line}");
        assert!(line.contains(&format!("sslmode={mode}")), "{line}");
        assert!(!line.contains("s3cret"), "{line}");
    }
}
