//! The emulator's command line, shared by the `cio-emulator` binary and
//! `cio-cli emulator` so that both accept the same flags (the `cli` feature, on by
//! default; turn default features off to use the emulator in tests without clap).

pub mod journeys;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use crate::secret::REDACTED;
use crate::{
    EmulatorBuilder, COVERAGE_DIR_ENV, DEFAULT_API_KEY, DEFAULT_APP_API_KEY, DEFAULT_SITE_ID,
    DEFAULT_WRITE_KEY,
};

/// The file read when no `--taxonomy` is given, if it exists.
pub const DEFAULT_TAXONOMY: &str = "events.toml";

/// The environment variable `--write-key` reads when not given. It is the emulator's
/// own, not the one an app reads its real write key from, so that starting an
/// emulator never prints a production key.
pub const WRITE_KEY_ENV: &str = "CIO_EMULATOR_WRITE_KEY";

/// The environment variable `--webhook-url` reads when not given.
pub const WEBHOOK_URL_ENV: &str = "CIO_EMULATOR_WEBHOOK_URL";

/// The environment variable `--webhook-key` reads when not given: the emulator's own,
/// as for the write key (the app checks the same key under its own name, such as
/// `CUSTOMERIO_WEBHOOK_SIGNING_KEY`).
pub const WEBHOOK_KEY_ENV: &str = "CIO_EMULATOR_WEBHOOK_KEY";

/// The emulator's flags. `Debug` prints the keys as `"<redacted>"`.
#[derive(Clone, PartialEq, Eq, clap::Args)]
pub struct EmulatorArgs {
    /// The port on 127.0.0.1 (an ephemeral one when not given).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// The events.toml whose journeys run (default: ./events.toml, if present).
    #[arg(long, value_name = "PATH")]
    pub taxonomy: Option<PathBuf>,
    /// The site id Track API clients must send.
    #[arg(long, default_value = DEFAULT_SITE_ID, value_name = "ID")]
    pub site_id: String,
    /// The API key Track API clients must send.
    #[arg(long, default_value = DEFAULT_API_KEY, value_name = "KEY")]
    pub api_key: String,
    /// The key App API clients must send (Authorization: Bearer).
    #[arg(long, default_value = DEFAULT_APP_API_KEY, value_name = "KEY")]
    pub app_api_key: String,
    /// The write key Data Pipelines clients must send (Basic auth, empty password).
    #[arg(
        long,
        env = WRITE_KEY_ENV,
        hide_env_values = true,
        default_value = DEFAULT_WRITE_KEY,
        value_name = "KEY"
    )]
    pub write_key: String,
    /// A folder to write what the emulator saw exercised into, for `cio-cli coverage`.
    #[arg(long, env = COVERAGE_DIR_ENV, hide_env_values = true, value_name = "DIR")]
    pub coverage_dir: Option<PathBuf>,
    /// Where to POST reporting webhooks for the journeys' deliveries (sent,
    /// delivered): https://, or http:// to 127.0.0.1, [::1] or localhost.
    #[arg(
        long,
        env = WEBHOOK_URL_ENV,
        hide_env_values = true,
        value_name = "URL",
        value_parser = webhook_url,
        requires = "webhook_key"
    )]
    pub webhook_url: Option<String>,
    /// The key the reporting webhooks are signed with (X-CIO-Signature), as the
    /// app's webhook endpoint checks them.
    #[arg(
        long,
        env = WEBHOOK_KEY_ENV,
        hide_env_values = true,
        value_name = "KEY",
        value_parser = clap::builder::NonEmptyStringValueParser::new(),
        requires = "webhook_url"
    )]
    pub webhook_key: Option<String>,
}

impl std::fmt::Debug for EmulatorArgs {
    /// The flags without their keys: a key given on the command line or in the
    /// environment may be a real one, and `Debug` output ends up in logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorArgs")
            .field("port", &self.port)
            .field("taxonomy", &self.taxonomy)
            .field("site_id", &self.site_id)
            .field("api_key", &REDACTED)
            .field("app_api_key", &REDACTED)
            .field("write_key", &REDACTED)
            .field("coverage_dir", &self.coverage_dir)
            .field("webhook_url", &self.webhook_url)
            .field("webhook_key", &self.webhook_key.as_ref().map(|_| REDACTED))
            .finish()
    }
}

/// Checks `--webhook-url`.
fn webhook_url(url: &str) -> Result<String, String> {
    crate::webhooks::check_url(url).map(|_| url.to_owned())
}

impl EmulatorArgs {
    /// The events.toml to run: `--taxonomy`, else `./events.toml` when it exists.
    pub fn taxonomy_path(&self) -> Option<&Path> {
        match &self.taxonomy {
            Some(path) => Some(path),
            None if Path::new(DEFAULT_TAXONOMY).is_file() => Some(Path::new(DEFAULT_TAXONOMY)),
            None => None,
        }
    }

    /// `builder` with the port, the credentials (and write key), the coverage folder
    /// and the webhook URL and key of the flags.
    pub fn configure(&self, builder: EmulatorBuilder) -> EmulatorBuilder {
        let builder = builder
            .credentials(self.site_id.clone(), self.api_key.clone())
            .app_api_key(self.app_api_key.clone())
            .write_key(self.write_key.clone())
            .bind(SocketAddr::from(([127, 0, 0, 1], self.port)))
            .coverage_dir(self.coverage_dir.clone());
        match (&self.webhook_url, &self.webhook_key) {
            (Some(url), Some(key)) => builder.webhook(url.clone(), key.clone()),
            _ => builder,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Command {
        #[command(flatten)]
        args: EmulatorArgs,
    }

    #[test]
    fn debug_prints_no_key() {
        let [track, app, write, signing] = crate::secret::TEST_KEYS;
        let parsed = Command::try_parse_from([
            "x",
            "--api-key",
            track,
            "--app-api-key",
            app,
            "--write-key",
            write,
            "--webhook-url",
            "http://127.0.0.1:9/hooks",
            "--webhook-key",
            signing,
        ])
        .unwrap();
        let printed = format!("{:?}", parsed.args);
        crate::secret::assert_no_test_key(&printed);
        assert!(printed.contains("http://127.0.0.1:9/hooks"), "{printed}");
        assert!(printed.contains("port: 0"), "{printed}");
    }

    #[test]
    fn defaults_and_flags() {
        let parsed = Command::try_parse_from(["x", "--port", "4010", "--site-id", "s"]).unwrap();
        assert_eq!(parsed.args.port, 4010);
        assert_eq!(parsed.args.site_id, "s");
        assert_eq!(parsed.args.api_key, DEFAULT_API_KEY);
        assert_eq!(parsed.args.app_api_key, DEFAULT_APP_API_KEY);
        let with_key = Command::try_parse_from(["x", "--write-key", "wk"]).unwrap();
        assert_eq!(with_key.args.write_key, "wk");
        let bad = Command::try_parse_from(["x", "--port", "70000"])
            .err()
            .unwrap();
        assert_eq!(bad.kind(), clap::error::ErrorKind::ValueValidation);
    }

    #[test]
    fn webhook_flags_go_together_and_urls_are_checked() {
        let parsed = Command::try_parse_from([
            "x",
            "--webhook-url",
            "http://127.0.0.1:3000/webhooks/customerio",
            "--webhook-key",
            "k",
        ])
        .unwrap();
        assert_eq!(
            parsed.args.webhook_url.as_deref(),
            Some("http://127.0.0.1:3000/webhooks/customerio")
        );
        assert_eq!(parsed.args.webhook_key.as_deref(), Some("k"));
        let alone = Command::try_parse_from(["x", "--webhook-url", "http://localhost/h"])
            .err()
            .unwrap();
        assert_eq!(
            alone.kind(),
            clap::error::ErrorKind::MissingRequiredArgument
        );
        let remote = Command::try_parse_from([
            "x",
            "--webhook-url",
            "http://example.com/h",
            "--webhook-key",
            "k",
        ])
        .err()
        .unwrap();
        assert_eq!(remote.kind(), clap::error::ErrorKind::ValueValidation);
        assert!(remote.to_string().contains("not loopback"), "{remote}");
        let empty = Command::try_parse_from([
            "x",
            "--webhook-url",
            "https://example.com/h",
            "--webhook-key",
            "",
        ])
        .err()
        .unwrap();
        assert_eq!(empty.kind(), clap::error::ErrorKind::InvalidValue);
    }
}
