//! The emulator's web inbox in a real browser: headless Chromium, driven over
//! chromedriver's WebDriver API on loopback, loads the inbox while the main
//! example's events flow in and the journeys' clock moves, and sees the page update
//! itself in place (a marker set on `window` survives: no reload). It finds the
//! welcome email in its three views (rendered, plain text, Liquid source), each
//! person's journey drawn as the campaign's flow with the side each `if` took and
//! the value that decided it, and searches people by name and email, as typed and
//! as `?q=`; message bodies run no script. With a webhook URL (an axum app on
//! 127.0.0.1 that verifies the signatures), a message lists the `sent` and
//! `delivered` webhooks the app received, a click on "opened" reports it and the page
//! shows it without reloading, the buttons' form works without script too, and the
//! attributes `events.toml` types `timestamp` show as dates. Screenshots are kept
//! under `target/tmp/inbox-screenshots/`.
//!
//! Without `chromium` and `chromedriver` installed the test says it did not run; in
//! CI (`CI=true`) it fails instead (`.ci/run` installs them).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod browser;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;

use cio::client::TrackClient;
use cio::journey::{Campaign, Channel, Journeys, Message, Step};
use cio::webhook::{CustomerIoWebhook, ReportingEvent, ReportingVerifier};
use cio::Timestamp;
use cio_emulator::Emulator;

use browser::Browser;

#[path = "../examples/shared/messaging.rs"]
mod messaging;

use messaging::events::{Plan, SignupMethod};
use messaging::{demo_users, MessagingService};

const START: Timestamp = Timestamp::from_unix(1_700_000_000);

/// How long the page may take to show a change.
const SOON: Duration = Duration::from_secs(20);

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

/// Saves a screenshot as `NAME.png` under `target/tmp/inbox-screenshots/`.
async fn screenshot(browser: &Browser, name: &str) -> Result<PathBuf, String> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("inbox-screenshots");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let shot = dir.join(format!("{name}.png"));
    browser.screenshot(&shot).await?;
    println!("inbox screenshot: {}", shot.display());
    Ok(shot)
}

/// Marks the page: the mark survives as long as the page is not reloaded.
async fn mark(browser: &Browser) -> Result<(), String> {
    browser
        .execute("window.__inboxMark = 'not reloaded'; return true;")
        .await
        .map(drop)
}

async fn assert_not_reloaded(browser: &Browser, when: &str) -> Result<(), String> {
    let mark = browser
        .execute("return window.__inboxMark || null;")
        .await?;
    if mark == "not reloaded" {
        Ok(())
    } else {
        Err(format!("the page was reloaded {when}"))
    }
}

/// Waits until `script` holds, else fails with `what` and the page's text.
async fn wait(browser: &Browser, script: &str, what: &str) -> Result<(), String> {
    match browser.wait_until(script, SOON).await {
        Ok(()) => Ok(()),
        Err(last) => Err(format!(
            "{what} (the check returned {last}); the page shows: {}",
            browser.text().await.unwrap_or_default()
        )),
    }
}

async fn main_example_in_the_inbox(browser: &Browser) -> Result<(), String> {
    let emulator = Emulator::builder()
        .journeys(&messaging::events::taxonomy::JOURNEYS)
        .clock_start(START)
        .start()
        .await
        .map_err(|e| e.to_string())?;
    browser.resize(1280, 1100).await?;
    browser.goto(&emulator.inbox_url()).await?;
    let empty = browser.text().await?;
    assert!(empty.contains("Nobody yet."), "{empty}");
    assert!(empty.contains("No messages yet."), "{empty}");
    mark(browser).await?;

    // The main example's signups arrive while the page is open; only Jane verifies
    // her email address.
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
        service
            .on_feature_used(&user.id, "export", None)
            .await
            .map_err(e)?;
    }
    service.on_email_verified(&users[0].id).await.map_err(e)?;
    service
        .on_upgrade(&users[0].id, Plan::Free, Plan::Pro, 49.0)
        .await
        .map_err(e)?;
    service
        .on_cancellation(&users[1].id, "too_expensive")
        .await
        .map_err(e)?;
    let text = browser
        .wait_for_text("raj@example.com", SOON)
        .await
        .map_err(|seen| format!("the inbox never showed Raj; it showed: {seen}"))?;
    assert_not_reloaded(browser, "when people arrived").await?;
    assert!(text.contains("jane@example.com"), "{text}");
    assert!(text.contains("onboarding: waiting until"), "{text}");
    assert!(text.contains("win_back: waiting until"), "{text}");
    assert!(
        !text.contains("Welcome, Jane!"),
        "sent before its wait: {text}"
    );

    // Five minutes later on the journeys' clock, the welcome emails are sent: the
    // open page shows them without reloading.
    let clock = post_clock(&emulator, serde_json::json!({"advance": 300})).await;
    assert_eq!(clock["now"], START.as_unix() + 300);
    let text = browser
        .wait_for_text("Welcome, Jane!", SOON)
        .await
        .map_err(|seen| format!("the inbox never showed the welcome email; it showed: {seen}"))?;
    assert!(text.contains("Welcome, Raj!"), "{text}");
    assert_not_reloaded(browser, "when the clock moved").await?;
    assert_eq!(emulator.deliveries().len(), 2);
    screenshot(browser, "index").await?;

    // The search, as typed: instant, and kept in the address.
    browser.type_into("#search", "RAJ@").await?;
    wait(
        browser,
        "return document.getElementById('person-user-1').hidden === true \
           && document.getElementById('person-user-2').hidden === false;",
        "typing RAJ@ did not leave Raj alone",
    )
    .await?;
    let text = browser.text().await?;
    assert!(!text.contains("jane@example.com"), "{text}");
    assert!(
        text.contains("Welcome, Raj!") && !text.contains("Welcome, Jane!"),
        "{text}"
    );
    assert!(browser.url().await?.ends_with("/?q=RAJ%40"));
    screenshot(browser, "search").await?;
    assert_not_reloaded(browser, "while searching").await?;
    // And as `?q=`, on the server.
    browser
        .goto(&format!("{}?q=Jane%40example", emulator.inbox_url()))
        .await?;
    let found = browser
        .execute(
            "return [document.getElementById('person-user-1') !== null, \
                     document.getElementById('person-user-2') !== null, \
                     document.getElementById('search').value];",
        )
        .await?;
    assert_eq!(found, serde_json::json!([true, false, "Jane@example"]));

    // Jane's page: attributes, timeline, journey and the email rendered as HTML.
    browser
        .goto(&format!("{}people/user-1", emulator.inbox_url()))
        .await?;
    let page = browser.text().await?;
    for expected in ["first_name", "signed_up", "onboarding", "Welcome, Jane!"] {
        assert!(page.contains(expected), "no {expected:?} in {page}");
    }
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

    // The journey as the campaign's flow: the wait and the send done, waiting in
    // the day's wait, the `if` ahead.
    let step = |path: &str| {
        format!("document.querySelector('#journey-0 [data-step=\"{path}\"]').className")
    };
    let classes = browser
        .execute(&format!(
            "return [{}, {}, {}, {}];",
            step("0"),
            step("1"),
            step("2"),
            step("3")
        ))
        .await?;
    assert_eq!(
        classes,
        serde_json::json!([
            "step wait done",
            "step send done",
            "step wait here",
            "step if todo"
        ])
    );
    let page = browser.text().await?;
    assert!(
        page.contains("waits here until 2023-11-15 22:18:20 UTC (+1d)"),
        "{page}"
    );

    // The welcome email's three views, as a user clicks through them.
    mark(browser).await?;
    let visible = |selector: &str| {
        format!("return document.querySelector('{selector}').offsetParent !== null;")
    };
    assert_eq!(
        browser.execute(&visible("#message-0 iframe.body")).await?,
        true
    );
    browser.click("label[for='view-0-text']").await?;
    assert_eq!(
        browser.execute(&visible("#message-0 iframe.body")).await?,
        false
    );
    let text = browser
        .execute("return document.querySelector('#message-0 .view-text').innerText;")
        .await?;
    let text = text.as_str().unwrap_or_default();
    assert!(
        text.starts_with("Hi Jane,\n\nThanks for signing up with google."),
        "{text}"
    );
    browser
        .execute("document.getElementById('message-0').scrollIntoView(); return true;")
        .await?;
    screenshot(browser, "message-text").await?;
    browser.click("label[for='view-0-liquid']").await?;
    let liquid = browser
        .execute("return document.querySelector('#message-0 .view-liquid').innerText;")
        .await?;
    let liquid = liquid.as_str().unwrap_or_default();
    assert!(
        liquid.contains("Welcome, {{ customer.first_name }}!"),
        "{liquid}"
    );
    assert!(
        liquid.contains("Thanks for signing up with {{ event.method }}."),
        "{liquid}"
    );
    let webhooks = browser
        .execute("return document.getElementById('message-0-webhooks').innerText;")
        .await?;
    assert_eq!(webhooks, "Webhooks: no webhook reported yet");
    let note = browser
        .execute("return document.getElementById('message-0-report').innerText;")
        .await?;
    assert!(
        note.as_str().unwrap_or_default().contains("--webhook-url"),
        "{note}"
    );
    screenshot(browser, "message-liquid").await?;

    // A day later the `if` is decided while the page is open: Jane verified, so
    // `then` (nothing to send), and she waits three days; the tab she chose stays.
    post_clock(&emulator, serde_json::json!({"advance": 86_400})).await;
    wait(
        browser,
        &format!("return {} === 'step wait here';", step("4")),
        "Jane's page never showed her in the 3-day wait",
    )
    .await?;
    assert_not_reloaded(browser, "when the journey moved").await?;
    let decided = browser
        .execute(&format!(
            "return [{}, document.querySelector('#journey-0 [data-step=\"3\"] .decision').innerText, \
                     document.querySelector('#journey-0 [data-step=\"3\"] .branch.taken .side').innerText, \
                     document.getElementById('view-0-liquid').checked];",
            step("3")
        ))
        .await?;
    assert_eq!(
        decided,
        serde_json::json!([
            "step if done",
            "customer.email_verified = true → then",
            "THEN",
            true
        ])
    );
    browser
        .execute("document.getElementById('journeys-section').scrollIntoView(); return true;")
        .await?;
    screenshot(browser, "journey-then").await?;

    // Raj did not verify: `else`, and the reminder was sent.
    browser
        .goto(&format!("{}people/user-2", emulator.inbox_url()))
        .await?;
    let onboarding = browser
        .execute(
            "var j = Array.from(document.querySelectorAll('.journey'))\
               .find(function (j) { return j.querySelector('h3').innerText.startsWith('onboarding'); });\
             return [j.querySelector('[data-step=\"3\"] .decision').innerText, \
                     j.querySelector('[data-step=\"3.else.0\"]').className, \
                     j.querySelector('[data-step=\"3\"] .branch.then').className];",
        )
        .await?;
    assert_eq!(
        onboarding,
        serde_json::json!([
            "customer.email_verified = not set → else",
            "step send done",
            "branch then skipped"
        ])
    );
    let page = browser.text().await?;
    assert!(page.contains("Please verify your email address"), "{page}");
    screenshot(browser, "journey-else").await?;

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

/// The test app's webhook endpoint: verifies each webhook, keeps its metric.
#[derive(Clone)]
struct App {
    verifier: ReportingVerifier,
    received: Arc<Mutex<Vec<String>>>,
}

impl FromRef<App> for ReportingVerifier {
    fn from_ref(app: &App) -> Self {
        app.verifier.clone()
    }
}

async fn reporting(
    State(app): State<App>,
    CustomerIoWebhook(event): CustomerIoWebhook<ReportingEvent>,
) -> StatusCode {
    app.received
        .lock()
        .unwrap()
        .push(event.metric.name().to_owned());
    StatusCode::NO_CONTENT
}

/// Serves `app` on 127.0.0.1; returns its webhook URL.
async fn serve(app: &App) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = Router::new()
        .route("/webhooks/customerio", post(reporting))
        .with_state(app.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}/webhooks/customerio")
}

/// Waits until the app received `metric`.
async fn received(app: &App, metric: &str) -> Result<(), String> {
    let deadline = tokio::time::Instant::now() + SOON;
    loop {
        if app.received.lock().unwrap().iter().any(|m| m == metric) {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!(
                "the app never received {metric}: {:?}",
                app.received.lock().unwrap()
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn webhooks_in_the_inbox(browser: &Browser) -> Result<(), String> {
    const KEY: &str = "the inbox test's signing key";
    let app = App {
        verifier: ReportingVerifier::new(KEY).map_err(|e| e.to_string())?,
        received: Arc::default(),
    };
    let url = serve(&app).await;
    let emulator = Emulator::builder()
        .journeys(&messaging::events::taxonomy::JOURNEYS)
        .timestamps(messaging::events::taxonomy::TIMESTAMPS)
        .clock_start(START)
        .webhook(url, KEY)
        .start()
        .await
        .map_err(|e| e.to_string())?;
    let client = TrackClient::builder(emulator.site_id(), emulator.api_key())
        .base_url(emulator.base_url())
        .build()
        .map_err(|e| e.to_string())?;
    let service = MessagingService::new(client);
    let jane = &demo_users()[0];
    service
        .on_signup(jane, SignupMethod::Google)
        .await
        .map_err(|e| e.to_string())?;
    post_clock(&emulator, serde_json::json!({"advance": 300})).await;
    received(&app, "delivered").await?;

    // Jane's page: the welcome email's webhooks, as the app answered them.
    browser.resize(1280, 1300).await?;
    browser
        .goto(&format!("{}people/user-1", emulator.inbox_url()))
        .await?;
    mark(browser).await?;
    let webhooks = "document.getElementById('message-0-webhooks').innerText";
    wait(
        browser,
        &format!(
            "var t = {webhooks}; return t.indexOf('sent') >= 0 && t.indexOf('delivered') >= 0 \
               && t.indexOf('→ 204') >= 0;"
        ),
        "the welcome email never listed its sent and delivered webhooks",
    )
    .await?;

    // created_at is a timestamp in events.toml: a date, the Unix seconds beside it.
    let created = browser
        .execute(
            "var row = Array.from(document.querySelectorAll('#attributes tr'))\
               .find(function (r) { return r.cells[0].innerText === 'created_at'; });\
             var t = row.querySelector('time.ts');\
             return [t.innerText, t.getAttribute('datetime'), row.querySelector('code.raw').innerText];",
        )
        .await?;
    let date = created[0].as_str().unwrap_or_default();
    let seconds: i64 = created[2].as_str().unwrap_or_default().parse().unwrap();
    assert!(
        date.len() == "2023-11-14 22:13:20 UTC".len() && date.ends_with(" UTC"),
        "{created}"
    );
    assert!(seconds > START.as_unix(), "{created}");
    assert!(
        created[1].as_str().unwrap_or_default().ends_with('Z'),
        "{created}"
    );
    screenshot(browser, "attributes-dates").await?;

    // A click on "opened": reported to the app, and shown without reloading.
    browser.click("#report-0-opened").await?;
    received(&app, "opened").await?;
    wait(
        browser,
        &format!("return {webhooks}.indexOf('opened') >= 0;"),
        "the page never showed the opened webhook",
    )
    .await?;
    assert_not_reloaded(browser, "when opened was reported").await?;
    browser
        .execute("document.getElementById('message-0').scrollIntoView(); return true;")
        .await?;
    screenshot(browser, "message-webhooks").await?;

    // Without script, the button's form reports and sends the browser back.
    let answer = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?
        .post(format!("{}/messages/0/report", emulator.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("metric=clicked&back=%2Fpeople%2Fuser-1")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(answer.status(), 303);
    assert_eq!(answer.headers()["location"], "/people/user-1");
    received(&app, "clicked").await?;
    wait(
        browser,
        &format!("return {webhooks}.indexOf('clicked') >= 0;"),
        "the page never showed the clicked webhook",
    )
    .await?;
    assert_not_reloaded(browser, "when clicked was reported").await?;
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
        message_bodies_run_no_script(&browser).await?;
        webhooks_in_the_inbox(&browser).await
    })
    .await;
    browser.quit().await;
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(e)) => panic!("{e}"),
        Err(_) => panic!("the browser test took more than 120 s"),
    }
}
