//! The emulator's web inbox in a real browser: headless Chromium, driven over
//! chromedriver's WebDriver API on loopback, loads the inbox while the main
//! example's events flow in, and finds the welcome email's rendered subject once the
//! journeys' clock reaches it; message bodies run no script. A screenshot is kept at
//! `target/tmp/inbox.png`.
//!
//! Without `chromium` and `chromedriver` installed the test says it did not run; in
//! CI (`CI=true`) it fails instead (`.ci/run` installs them).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod browser;

use std::path::Path;
use std::time::Duration;

use cio::client::TrackClient;
use cio::journey::{Campaign, Channel, Journeys, Message, Step};
use cio::Timestamp;
use cio_emulator::Emulator;

use browser::Browser;

#[path = "../examples/shared/messaging.rs"]
mod messaging;

use messaging::events::{Plan, SignupMethod};
use messaging::{demo_users, MessagingService};

const START: Timestamp = Timestamp::from_unix(1_700_000_000);

/// Chromium, or `None` (after saying so) when it is not installed outside CI.
async fn browser() -> Option<Browser> {
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR"));
    match Browser::launch(scratch).await {
        Ok(Some(browser)) => Some(browser),
        Ok(None) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("CI=true but chromium or chromedriver is missing: the inbox browser test must run in CI")
        }
        Ok(None) => {
            println!(
                "inbox browser test did NOT run: chromium and chromedriver are not installed \
                 (apt-get install chromium chromium-driver)"
            );
            None
        }
        Err(e) => panic!("cannot drive Chromium: {e}"),
    }
}

async fn post_clock(emulator: &Emulator, body: serde_json::Value) -> serde_json::Value {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let answer = reqwest::Client::new()
        .post(format!("{}/__clock", emulator.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    answer.json().await.unwrap()
}

async fn main_example_in_the_inbox(browser: &Browser) -> Result<(), String> {
    let emulator = Emulator::builder()
        .journeys(&messaging::events::taxonomy::JOURNEYS)
        .clock_start(START)
        .start()
        .await
        .map_err(|e| e.to_string())?;
    browser.goto(&emulator.inbox_url()).await?;
    let empty = browser.text().await?;
    assert!(empty.contains("Nobody yet."), "{empty}");
    assert!(empty.contains("No messages yet."), "{empty}");

    // The main example's signups arrive while the page is open.
    let client = TrackClient::builder(emulator.site_id(), emulator.api_key())
        .base_url(emulator.base_url())
        .build()
        .map_err(|e| e.to_string())?;
    let service = MessagingService::new(client);
    let users = demo_users();
    let e = |e: cio::client::Error| e.to_string();
    for user in &users {
        service
            .on_signup(user, SignupMethod::Google)
            .await
            .map_err(e)?;
        service.on_email_verified(&user.id).await.map_err(e)?;
        service
            .on_feature_used(&user.id, "export", None)
            .await
            .map_err(e)?;
    }
    service
        .on_upgrade(&users[0].id, Plan::Free, Plan::Pro, 49.0)
        .await
        .map_err(e)?;
    service
        .on_cancellation(&users[1].id, "too_expensive")
        .await
        .map_err(e)?;
    let text = browser
        .wait_for_text("jane@example.com", Duration::from_secs(20))
        .await
        .map_err(|seen| format!("the inbox never showed Jane; it showed: {seen}"))?;
    assert!(text.contains("onboarding: waiting until"), "{text}");
    assert!(text.contains("win_back: waiting until"), "{text}");
    assert!(
        !text.contains("Welcome, Jane!"),
        "sent before its wait: {text}"
    );

    // Five minutes later on the journeys' clock, the welcome email is sent.
    let clock = post_clock(&emulator, serde_json::json!({"advance": 300})).await;
    assert_eq!(clock["now"], START.as_unix() + 300);
    let text = browser
        .wait_for_text("Welcome, Jane!", Duration::from_secs(20))
        .await
        .map_err(|seen| format!("the inbox never showed the welcome email; it showed: {seen}"))?;
    assert!(text.contains("Welcome, Raj!"), "{text}");
    assert_eq!(emulator.deliveries().len(), 2);

    // Jane's page: attributes, timeline, journey and the email rendered as HTML.
    browser
        .goto(&format!("{}people/user-1", emulator.inbox_url()))
        .await?;
    let page = browser.text().await?;
    for expected in ["first_name", "signed_up", "onboarding", "Welcome, Jane!"] {
        assert!(page.contains(expected), "no {expected:?} in {page}");
    }
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("inbox.png");
    browser.screenshot(&shot).await?;
    println!("inbox screenshot: {}", shot.display());
    let reachable = browser
        .execute("return document.querySelector('iframe.body').contentDocument === null;")
        .await?;
    assert_eq!(reachable, true, "the message frame is not sandboxed");
    browser.enter_frame("iframe.body").await?;
    let body = browser.text().await?;
    browser.leave_frames().await?;
    let delivered = &emulator.deliveries()[0];
    assert_eq!(delivered.subject.as_deref(), Some("Welcome, Jane!"));
    assert!(!body.trim().is_empty(), "the email body is blank");
    assert!(!body.contains('<'), "the email body shows markup: {body}");
    emulator.shutdown().await;
    Ok(())
}

static HOSTILE: Journeys = Journeys {
    campaigns: &[Campaign {
        name: "hostile",
        trigger: "signed_up",
        steps: &[Step::Send("probe")],
    }],
    messages: &[Message {
        name: "probe",
        channel: Channel::Email,
        subject: Some("<b>probe</b> subject"),
        body: "<p id=\"probe\">inert</p><script>document.getElementById('probe').textContent = 'script ran'; try { parent.document.title = 'owned'; } catch (e) {}</script>",
    }],
};

async fn message_bodies_run_no_script(browser: &Browser) -> Result<(), String> {
    let emulator = Emulator::builder()
        .journeys(&HOSTILE)
        .clock_start(START)
        .start()
        .await
        .map_err(|e| e.to_string())?;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let answer = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/customers/mallory/events",
            emulator.base_url()
        ))
        .basic_auth(emulator.site_id(), Some(emulator.api_key()))
        .json(&serde_json::json!({"name": "signed_up"}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(answer.status(), 200);
    browser
        .goto(&format!("{}messages/0", emulator.inbox_url()))
        .await?;
    let page = browser.text().await?;
    assert!(
        page.contains("<b>probe</b> subject"),
        "the subject is not escaped: {page}"
    );
    let title = browser.execute("return document.title;").await?;
    assert_eq!(title, "<b>probe</b> subject");
    browser.enter_frame("iframe.body").await?;
    let body = browser.text().await?;
    browser.leave_frames().await?;
    assert_eq!(body.trim(), "inert", "a message body ran a script");
    emulator.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_shows_the_main_examples_rendered_messages_in_chromium() {
    let Some(browser) = browser().await else {
        return;
    };
    let outcome = tokio::time::timeout(Duration::from_secs(120), async {
        main_example_in_the_inbox(&browser).await?;
        message_bodies_run_no_script(&browser).await
    })
    .await;
    browser.quit().await;
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(e)) => panic!("{e}"),
        Err(_) => panic!("the browser test took more than 120 s"),
    }
}
