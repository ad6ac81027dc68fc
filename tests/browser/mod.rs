//! A small WebDriver client for the inbox's browser test: chromedriver on loopback
//! driving a headless Chromium with its own empty profile.
//!
//! [`Browser::launch`] answers `Ok(None)` when `chromium` or `chromedriver` is not
//! installed, so that the test can say it did not run (and fail in CI).

#![allow(dead_code, unreachable_pub)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};

/// The key of an element reference in WebDriver answers.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// How long chromedriver may take to come up, and any one command to answer.
const DEADLINE: Duration = Duration::from_secs(30);

/// The Chromium flags the test machines need (no network, no GPU, no sandbox).
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,1000",
];

/// A headless Chromium session.
pub struct Browser {
    driver: Child,
    origin: String,
    session: String,
    http: reqwest::Client,
    profile: PathBuf,
}

/// The first of `names` found on `PATH`.
fn find(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

impl Browser {
    /// Starts chromedriver and a Chromium session with a new empty profile under
    /// `scratch`; `Ok(None)` when Chromium or chromedriver is not installed.
    pub async fn launch(scratch: &Path) -> Result<Option<Browser>, String> {
        let (Some(chromium), Some(driver)) = (
            find(&["chromium", "chromium-browser"]),
            find(&["chromedriver"]),
        ) else {
            return Ok(None);
        };
        let port = free_port()?;
        let profile = scratch.join(format!("chromium-profile-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile).map_err(|e| e.to_string())?;
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start chromedriver: {e}"))?;
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(DEADLINE)
            .no_proxy()
            .build()
            .map_err(|e| e.to_string())?;
        let mut browser = Browser {
            driver: child,
            origin: format!("http://127.0.0.1:{port}"),
            session: String::new(),
            http,
            profile,
        };
        browser.wait_ready().await?;
        let mut args: Vec<String> = FLAGS.iter().map(|f| (*f).to_owned()).collect();
        args.push(format!("--user-data-dir={}", browser.profile.display()));
        let answer = browser
            .call(
                "POST",
                "/session",
                Some(json!({"capabilities": {"alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {"binary": chromium, "args": args},
                }}})),
            )
            .await?;
        browser.session = answer["sessionId"]
            .as_str()
            .ok_or_else(|| format!("no session id in {answer}"))?
            .to_owned();
        Ok(Some(browser))
    }

    async fn wait_ready(&self) -> Result<(), String> {
        let started = Instant::now();
        loop {
            let ready = self
                .http
                .get(format!("{}/status", self.origin))
                .send()
                .await
                .ok();
            if let Some(response) = ready {
                let status: Value = response.json().await.unwrap_or(Value::Null);
                if status["value"]["ready"] == true {
                    return Ok(());
                }
            }
            if started.elapsed() > DEADLINE {
                return Err("chromedriver did not come up in 30 s".to_owned());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// One WebDriver command; its `value`.
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let url = format!("{}{path}", self.origin);
        let request = match method {
            "GET" => self.http.get(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.post(url).json(&body.unwrap_or_else(|| json!({}))),
        };
        let response = request
            .send()
            .await
            .map_err(|e| format!("{method} {path}: {e}"))?;
        let status = response.status();
        let answer: Value = response
            .json()
            .await
            .map_err(|e| format!("{method} {path}: {e}"))?;
        if !status.is_success() {
            return Err(format!("{method} {path}: {status} {answer}"));
        }
        Ok(answer.get("value").cloned().unwrap_or(Value::Null))
    }

    fn at(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    /// Loads `url`.
    pub async fn goto(&self, url: &str) -> Result<(), String> {
        self.call("POST", &self.at("/url"), Some(json!({ "url": url })))
            .await
            .map(drop)
    }

    /// Runs `script` (a function body) in the current frame; its return value.
    pub async fn execute(&self, script: &str) -> Result<Value, String> {
        self.call(
            "POST",
            &self.at("/execute/sync"),
            Some(json!({"script": script, "args": []})),
        )
        .await
    }

    /// The visible text of the current frame's body.
    pub async fn text(&self) -> Result<String, String> {
        let text = self
            .execute("return document.body ? document.body.innerText : '';")
            .await?;
        Ok(text.as_str().unwrap_or_default().to_owned())
    }

    /// Waits (up to `within`) until `script` (a function body) returns `true`;
    /// what it returned last when it never does.
    pub async fn wait_until(&self, script: &str, within: Duration) -> Result<(), Value> {
        let started = Instant::now();
        loop {
            let last = self.execute(script).await.unwrap_or(Value::Null);
            if last == true {
                return Ok(());
            }
            if started.elapsed() > within {
                return Err(last);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The first element matching the CSS `selector`.
    async fn element(&self, selector: &str) -> Result<String, String> {
        let element = self
            .call(
                "POST",
                &self.at("/element"),
                Some(json!({"using": "css selector", "value": selector})),
            )
            .await?;
        element[ELEMENT]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("no element for {selector}: {element}"))
    }

    /// Clicks the first element matching the CSS `selector`, as a user would.
    pub async fn click(&self, selector: &str) -> Result<(), String> {
        let id = self.element(selector).await?;
        self.call("POST", &self.at(&format!("/element/{id}/click")), None)
            .await
            .map(drop)
    }

    /// Types `text` into the first element matching the CSS `selector`.
    pub async fn type_into(&self, selector: &str, text: &str) -> Result<(), String> {
        let id = self.element(selector).await?;
        self.call(
            "POST",
            &self.at(&format!("/element/{id}/value")),
            Some(json!({ "text": text })),
        )
        .await
        .map(drop)
    }

    /// The address of the current page.
    pub async fn url(&self) -> Result<String, String> {
        let url = self.call("GET", &self.at("/url"), None).await?;
        Ok(url.as_str().unwrap_or_default().to_owned())
    }

    /// Sets the window's size in CSS pixels.
    pub async fn resize(&self, width: u32, height: u32) -> Result<(), String> {
        self.call(
            "POST",
            &self.at("/window/rect"),
            Some(json!({ "width": width, "height": height })),
        )
        .await
        .map(drop)
    }

    /// Waits (up to `within`) until the page's text contains `needle`, while the
    /// page updates itself; the text last seen when it never does.
    pub async fn wait_for_text(&self, needle: &str, within: Duration) -> Result<String, String> {
        let started = Instant::now();
        loop {
            // A navigation in progress makes a command fail once: try again.
            if let Ok(text) = self.text().await {
                if text.contains(needle) {
                    return Ok(text);
                }
                if started.elapsed() > within {
                    return Err(text);
                }
            } else if started.elapsed() > within {
                return Err(String::new());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Enters the first element matching the CSS `selector` (an iframe).
    pub async fn enter_frame(&self, selector: &str) -> Result<(), String> {
        let id = self.element(selector).await?;
        self.call(
            "POST",
            &self.at("/frame"),
            Some(json!({"id": {ELEMENT: id}})),
        )
        .await
        .map(drop)
    }

    /// Back to the top-level document.
    pub async fn leave_frames(&self) -> Result<(), String> {
        self.call("POST", &self.at("/frame"), Some(json!({ "id": null })))
            .await
            .map(drop)
    }

    /// Saves a PNG screenshot of the window to `path`.
    pub async fn screenshot(&self, path: &Path) -> Result<(), String> {
        let data = self.call("GET", &self.at("/screenshot"), None).await?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap_or_default())
            .map_err(|e| e.to_string())?;
        if !png.starts_with(b"\x89PNG") {
            return Err("the screenshot is not a PNG".to_owned());
        }
        std::fs::write(path, png).map_err(|e| e.to_string())
    }

    /// Ends the session and chromedriver.
    pub async fn quit(mut self) {
        let _ = self.call("DELETE", &self.at(""), None).await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
