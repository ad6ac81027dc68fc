//! A server that answers with an endless body: the client reads at most about 1 MB
//! of it and reports the status, instead of reading until its timeout (or memory)
//! runs out.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod client_support;

use std::time::Duration;

use cio_core::client::{Customer, Error, TrackClient};
use client_support::{bounded, quick_retries};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

/// Answers every connection on 127.0.0.1 with `status` and a chunked body of `x`
/// that never ends (until the client hangs up).
async fn endless_body(status: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let head = format!("HTTP/1.1 {status}\r\ntransfer-encoding: chunked\r\n\r\n");
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = format!("10000\r\n{}\r\n", "x".repeat(0x10000));
                while socket.write_all(chunk.as_bytes()).await.is_ok() {}
            });
        }
    });
    origin
}

#[tokio::test]
async fn an_endless_error_body_is_cut_and_the_status_reported() {
    bounded(async {
        let origin = endless_body("400 Bad Request").await;
        let client = TrackClient::builder("site", "key")
            .base_url(origin)
            .timeout(Duration::from_secs(5))
            .retry(quick_retries(0))
            .build()
            .unwrap();
        let err = client.delete(&Customer::id("1")).await.unwrap_err();
        let Error::Status {
            status, message, ..
        } = &err
        else {
            panic!("expected the 400, got {err:?}");
        };
        assert_eq!(*status, 400);
        assert!(message.starts_with("xxxx"), "{message}");
        assert!(message.len() <= 504, "{}", message.len());
    })
    .await;
}

#[tokio::test]
async fn an_endless_success_body_does_not_hold_the_call() {
    bounded(async {
        let origin = endless_body("200 OK").await;
        let client = TrackClient::builder("site", "key")
            .base_url(origin)
            .timeout(Duration::from_secs(5))
            .retry(quick_retries(0))
            .build()
            .unwrap();
        client.delete(&Customer::id("1")).await.unwrap();
    })
    .await;
}
