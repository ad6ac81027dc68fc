//! A web page cannot drive the emulator: a request addressed to another name (DNS
//! rebinding) gets `403` and nothing of the inbox, and a browser's `POST` from
//! another origin (CSRF) cannot move the journeys' clock, while the inbox's own
//! form, SDKs and test clients work as before. Over HTTP on 127.0.0.1.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cio_core::journey::Journeys;
use cio_core::Timestamp;
use cio_emulator::Emulator;

const START: Timestamp = Timestamp::from_unix(1_700_000_000);

static JOURNEYS: Journeys = Journeys {
    campaigns: &[],
    messages: &[],
};

async fn emulator() -> Emulator {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Emulator::builder()
        .journeys(&JOURNEYS)
        .clock_start(START)
        .start()
        .await
        .unwrap()
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_request_addressed_to_another_name_is_refused() {
    let emu = emulator().await;
    let port = emu.addr().port();
    for path in ["/", "/__deliveries", "/__clock"] {
        let answer = http()
            .get(format!("{}{path}", emu.base_url()))
            .header("host", format!("rebound.example:{port}"))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 403, "{path}");
        let text = answer.text().await.unwrap();
        assert!(text.contains("Host"), "{text}");
    }
    let answer = http()
        .put(format!("{}/api/v1/customers/42", emu.base_url()))
        .basic_auth(emu.site_id(), Some(emu.api_key()))
        .header("host", format!("rebound.example:{port}"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 403);
    assert!(emu.record().profiles.is_empty());
    // The loopback names are answered.
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}")] {
        let answer = http()
            .get(emu.base_url())
            .header("host", host.as_str())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "{host}");
    }
}

/// `POST /__clock` as the inbox's "+1 hour" button posts it, with these headers.
async fn press_button(emu: &Emulator, headers: &[(&str, &str)]) -> u16 {
    let mut request = http()
        .post(format!("{}/__clock", emu.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("advance=3600");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn a_form_posted_from_another_site_does_not_move_the_clock() {
    let emu = emulator().await;
    let cross_site: [&[(&str, &str)]; 3] = [
        &[
            ("origin", "https://attacker.example"),
            ("sec-fetch-site", "cross-site"),
        ],
        &[("origin", "https://attacker.example")],
        &[("origin", "null"), ("sec-fetch-site", "cross-site")],
    ];
    for headers in cross_site {
        assert_eq!(press_button(&emu, headers).await, 403, "{headers:?}");
    }
    assert_eq!(emu.now(), Some(START));
    // The inbox's own button, as Chromium posts it.
    let origin = emu.base_url();
    let same = [
        ("origin", origin.as_str()),
        ("sec-fetch-site", "same-origin"),
    ];
    assert_eq!(press_button(&emu, &same).await, 303);
    assert_eq!(
        emu.now(),
        Some(Timestamp::from_unix(START.as_unix() + 3600))
    );
    // A test client or SDK: no Origin, no Sec-Fetch-Site.
    assert_eq!(press_button(&emu, &[]).await, 303);
    assert_eq!(
        emu.now(),
        Some(Timestamp::from_unix(START.as_unix() + 7200))
    );
}
