//! The command line of `cio-relay`: one flag per [`RelayConfig`] setting, named as
//! its builder method is (`--poll-interval` sets `poll_interval`), every value checked
//! here so that a mistake is a usage error (exit 2) before anything connects.

use std::time::Duration;

use cio_core::client::Region;
use cio_core::outbox::RelayConfig;
use cio_core::pipeline::{MAX_BATCH_BYTES, MAX_OPERATION_BYTES};
use clap::Parser;

use crate::units;

/// The help's closing part: examples, environment and exit codes.
const AFTER_HELP: &str = "\
Durations are a whole number and a unit: 500ms, 30s, 2m, 1h, 7d.

Environment:
  DATABASE_URL                    the database when --database-url is not given
  CUSTOMERIO_API                  track (default) or pipelines (or --api)
  CUSTOMERIO_SITE_ID              the Track API site id (or --site-id)
  CUSTOMERIO_TRACK_API_KEY        the Track API key (or --track-api-key)
  CUSTOMERIO_PIPELINES_WRITE_KEY  the Data Pipelines write key (or --write-key)
  CUSTOMERIO_REGION               us (default) or eu (or --region)

Rows hold operations, not requests: switching --api delivers the rows already
pending to the other API as they are.

Exit codes: 0 stopped by SIGTERM or Ctrl-C (with --drain: the outbox is empty),
1 a failure at run time (the database or Customer.io cannot be reached),
2 a usage problem (unknown flag, missing or out-of-range value).

Examples:
  DATABASE_URL=postgres://app@127.0.0.1/app cio-relay
  cio-relay --database-url sqlite:app.db --lease 10s --poll-interval 200ms
  cio-relay --database-url sqlite:app.db --base-url http://127.0.0.1:4010 --unlimited-rate --drain
  CUSTOMERIO_PIPELINES_WRITE_KEY=... cio-relay --api pipelines --database-url sqlite:app.db";

/// Delivers the rows of a cio outbox to Customer.io until SIGTERM or Ctrl-C (with
/// --drain: until no row is pending).
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(name = "cio-relay", version, about, after_help = AFTER_HELP)]
pub(crate) struct Args {
    /// The outbox's database: sqlite:PATH or postgres://...
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, value_name = "URL")]
    pub(crate) database_url: String,
    /// The outbox's schema (PostgreSQL) or table prefix (SQLite).
    #[arg(long, default_value = "cio_outbox", value_name = "NAME")]
    pub(crate) namespace: String,
    /// The API to deliver to: track (/api/v2/batch) or pipelines (/v1/batch).
    #[arg(
        long,
        env = "CUSTOMERIO_API",
        default_value = "track",
        value_enum,
        ignore_case = true
    )]
    pub(crate) api: Api,
    /// The API's origin (a local emulator, say) instead of the region's.
    #[arg(long, value_name = "URL")]
    pub(crate) base_url: Option<String>,
    /// The Track API site id (with --api track).
    #[arg(
        long,
        env = "CUSTOMERIO_SITE_ID",
        hide_env_values = true,
        value_name = "ID"
    )]
    pub(crate) site_id: Option<String>,
    /// The Track API key (with --api track; prefer the environment: flags show in
    /// process lists).
    #[arg(
        long,
        env = "CUSTOMERIO_TRACK_API_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    pub(crate) track_api_key: Option<String>,
    /// The Data Pipelines source's write key (with --api pipelines; prefer the
    /// environment).
    #[arg(
        long,
        env = "CUSTOMERIO_PIPELINES_WRITE_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    pub(crate) write_key: Option<String>,
    /// The account's region: us or eu.
    #[arg(
        long,
        env = "CUSTOMERIO_REGION",
        hide_env_values = true,
        default_value = "us",
        value_parser = region
    )]
    pub(crate) region: Region,
    /// How long claimed rows are reserved for this relay (1s to 1d).
    #[arg(long, default_value = "30s", value_parser = lease, value_name = "DURATION")]
    pub(crate) lease: Duration,
    /// How often to look for rows when nothing woke the relay (1ms to 1h).
    #[arg(long, default_value = "500ms", value_parser = poll_interval, value_name = "DURATION")]
    pub(crate) poll_interval: Duration,
    /// How many rows one claim takes at most (1 to 100000).
    #[arg(long, default_value = "2000", value_parser = claim_limit, value_name = "ROWS")]
    pub(crate) claim_limit: usize,
    /// The size of one /batch body, in bytes or with KB (32832 to 500KB).
    #[arg(long, default_value = "500KB", value_parser = max_batch_bytes, value_name = "BYTES")]
    pub(crate) max_batch_bytes: usize,
    /// How many /batch requests this relay keeps in flight (1 to 256).
    #[arg(long, default_value = "4", value_parser = max_in_flight, value_name = "REQUESTS")]
    pub(crate) max_in_flight: usize,
    /// The request rate, a total over every relay of the outbox (1 to 1000000).
    #[arg(long, default_value = "1000", value_parser = rate, value_name = "N")]
    pub(crate) requests_per_second: u32,
    /// How many requests may start at once after an idle period (1 to 1000000).
    #[arg(long, default_value = "10", value_parser = rate, value_name = "REQUESTS")]
    pub(crate) burst: u32,
    /// No rate limit (for a local emulator).
    #[arg(long, conflicts_with = "requests_per_second")]
    pub(crate) unlimited_rate: bool,
    /// How long delivered rows are kept before they are pruned (1s to 3650d).
    #[arg(long, default_value = "7d", value_parser = retention, value_name = "DURATION")]
    pub(crate) retention: Duration,
    /// How often delivered rows past their retention are pruned (1s to 1d).
    #[arg(long, default_value = "10m", value_parser = prune_interval, value_name = "DURATION")]
    pub(crate) prune_interval: Duration,
    /// Stop once no row is pending, instead of at SIGTERM or Ctrl-C.
    #[arg(long)]
    pub(crate) drain: bool,
}

/// The API a relay delivers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Api {
    /// The Track API.
    Track,
    /// The Data Pipelines API.
    Pipelines,
}

/// The credentials of the API chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Credentials<'a> {
    /// The Track API's site id and key.
    Track { site_id: &'a str, api_key: &'a str },
    /// The Data Pipelines API's write key.
    Pipelines { write_key: &'a str },
}

impl Args {
    /// Parses the command line, with the credentials `--api` needs.
    pub(crate) fn parse_checked() -> Result<Args, clap::Error> {
        let args = Args::try_parse()?;
        args.credentials()?;
        Ok(args)
    }

    /// The credentials of the API chosen, or a usage error naming what is missing.
    pub(crate) fn credentials(&self) -> Result<Credentials<'_>, clap::Error> {
        use clap::CommandFactory as _;
        let missing = |what: &str| {
            Args::command().error(
                clap::error::ErrorKind::MissingRequiredArgument,
                format!("--api {} needs {what}", self.api_name()),
            )
        };
        match self.api {
            Api::Track => match (&self.site_id, &self.track_api_key) {
                (Some(site_id), Some(api_key)) => Ok(Credentials::Track { site_id, api_key }),
                _ => Err(missing(
                    "--site-id and --track-api-key (or CUSTOMERIO_SITE_ID and CUSTOMERIO_TRACK_API_KEY)",
                )),
            },
            Api::Pipelines => match &self.write_key {
                Some(write_key) => Ok(Credentials::Pipelines { write_key }),
                None => Err(missing("--write-key (or CUSTOMERIO_PIPELINES_WRITE_KEY)")),
            },
        }
    }

    fn api_name(&self) -> &'static str {
        match self.api {
            Api::Track => "track",
            Api::Pipelines => "pipelines",
        }
    }

    /// The relay's configuration: every setting as the flags give it.
    pub(crate) fn relay_config(&self) -> RelayConfig {
        let config = RelayConfig::default()
            .lease(self.lease)
            .poll_interval(self.poll_interval)
            .claim_limit(self.claim_limit)
            .max_batch_bytes(self.max_batch_bytes)
            .max_in_flight(self.max_in_flight)
            .burst(self.burst)
            .retention(self.retention)
            .prune_interval(self.prune_interval);
        if self.unlimited_rate {
            config.unlimited_rate()
        } else {
            config.requests_per_second(self.requests_per_second)
        }
    }
}

const SECOND: Duration = Duration::from_secs(1);
const DAY: Duration = Duration::from_secs(86_400);

fn lease(text: &str) -> Result<Duration, String> {
    units::duration(text, SECOND..=DAY)
}

fn poll_interval(text: &str) -> Result<Duration, String> {
    units::duration(text, Duration::from_millis(1)..=Duration::from_secs(3600))
}

fn retention(text: &str) -> Result<Duration, String> {
    units::duration(text, SECOND..=DAY * 3650)
}

fn prune_interval(text: &str) -> Result<Duration, String> {
    units::duration(text, SECOND..=DAY)
}

fn claim_limit(text: &str) -> Result<usize, String> {
    units::count(text, 1..=100_000)
}

fn max_in_flight(text: &str) -> Result<usize, String> {
    units::count(text, 1..=256)
}

fn rate(text: &str) -> Result<u32, String> {
    units::count(text, 1..=1_000_000)
}

fn max_batch_bytes(text: &str) -> Result<usize, String> {
    units::bytes(text, MAX_OPERATION_BYTES + 64..=MAX_BATCH_BYTES)
}

fn region(text: &str) -> Result<Region, String> {
    text.parse()
        .map_err(|e: cio_core::client::Error| e.to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use clap::error::ErrorKind;

    /// Parses `flags` after the required ones.
    fn parse(flags: &[&str]) -> Result<Args, clap::Error> {
        let required = [
            "cio-relay",
            "--database-url",
            "sqlite:x.db",
            "--site-id",
            "site",
            "--track-api-key",
            "key",
        ];
        Args::try_parse_from(required.iter().chain(flags))
    }

    #[test]
    fn the_defaults_are_relay_configs() {
        let ours = parse(&[]).unwrap().relay_config();
        let theirs = RelayConfig::default();
        assert_eq!(ours.get_lease(), theirs.get_lease());
        assert_eq!(ours.get_poll_interval(), theirs.get_poll_interval());
        assert_eq!(ours.get_claim_limit(), theirs.get_claim_limit());
        assert_eq!(ours.get_max_batch_bytes(), theirs.get_max_batch_bytes());
        assert_eq!(ours.get_max_in_flight(), theirs.get_max_in_flight());
        assert_eq!(
            ours.get_requests_per_second(),
            theirs.get_requests_per_second()
        );
        assert_eq!(ours.get_burst(), theirs.get_burst());
        assert_eq!(ours.get_retention(), theirs.get_retention());
        assert_eq!(ours.get_prune_interval(), theirs.get_prune_interval());
    }

    #[test]
    fn every_flag_sets_its_setting() {
        let args = parse(&[
            "--lease",
            "2s",
            "--poll-interval",
            "50ms",
            "--claim-limit",
            "300",
            "--max-batch-bytes",
            "33KB",
            "--max-in-flight",
            "2",
            "--burst",
            "3",
            "--retention",
            "1d",
            "--prune-interval",
            "1m",
            "--unlimited-rate",
            "--drain",
            "--region",
            "eu",
        ])
        .unwrap();
        assert!(args.drain);
        assert_eq!(args.region, Region::Eu);
        assert_eq!(args.namespace, "cio_outbox");
        let config = args.relay_config();
        assert_eq!(config.get_lease(), Duration::from_secs(2));
        assert_eq!(config.get_poll_interval(), Duration::from_millis(50));
        assert_eq!(config.get_claim_limit(), 300);
        assert_eq!(config.get_max_batch_bytes(), 33 * 1024);
        assert_eq!(config.get_max_in_flight(), 2);
        assert_eq!(config.get_requests_per_second(), None);
        assert_eq!(config.get_burst(), 3);
        assert_eq!(config.get_retention(), DAY);
        assert_eq!(config.get_prune_interval(), Duration::from_secs(60));
        let paced = parse(&["--requests-per-second", "20"]).unwrap();
        assert_eq!(paced.relay_config().get_requests_per_second(), Some(20));
    }

    #[test]
    fn values_out_of_range_are_usage_errors() {
        for (flag, value, why) in [
            ("--lease", "0s", "must be between 1s and 1d (got 0s)"),
            ("--lease", "2d", "must be between 1s and 1d (got 2d)"),
            ("--lease", "30", "`30` is not a duration"),
            ("--poll-interval", "2h", "must be between 1ms and 1h"),
            ("--claim-limit", "0", "must be between 1 and 100000"),
            (
                "--max-batch-bytes",
                "1KB",
                "must be between 32832 and 512000",
            ),
            ("--max-in-flight", "1000", "must be between 1 and 256"),
            (
                "--requests-per-second",
                "0",
                "must be between 1 and 1000000",
            ),
            (
                "--burst",
                "5000000000",
                "`5000000000` is not a whole number",
            ),
            (
                "--retention",
                "99999999999d",
                "must be between 1s and 3650d",
            ),
            ("--prune-interval", "500ms", "must be between 1s and 1d"),
            ("--region", "mars", "unknown region `mars`"),
        ] {
            let error = parse(&[flag, value]).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::ValueValidation, "{flag} {value}");
            let text = error.to_string();
            assert!(text.contains(why), "{flag} {value}: {text}");
            assert!(text.contains(flag), "{flag} {value}: {text}");
        }
    }

    #[test]
    fn mistakes_are_explained() {
        let conflict = parse(&["--unlimited-rate", "--requests-per-second", "5"]).unwrap_err();
        assert_eq!(conflict.kind(), ErrorKind::ArgumentConflict);
        let unknown = parse(&["--lease-secs", "2"]).unwrap_err();
        assert_eq!(unknown.kind(), ErrorKind::UnknownArgument);
        let dangling = parse(&["--namespace"]).unwrap_err();
        assert_eq!(dangling.kind(), ErrorKind::InvalidValue);
    }

    #[test]
    fn each_api_needs_its_own_credentials() {
        let track = parse(&[]).unwrap();
        assert_eq!(
            track.credentials().unwrap(),
            Credentials::Track {
                site_id: "site",
                api_key: "key"
            }
        );
        let no_key = parse(&["--api", "pipelines"]).unwrap();
        let error = no_key.credentials().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::MissingRequiredArgument);
        assert!(error.to_string().contains("--write-key"), "{error}");
        let pipelines = parse(&["--api", "Pipelines", "--write-key", "wk"]).unwrap();
        assert_eq!(
            pipelines.credentials().unwrap(),
            Credentials::Pipelines { write_key: "wk" }
        );
        let bare = Args::try_parse_from(["cio-relay", "--database-url", "sqlite:x.db"]).unwrap();
        let error = bare.credentials().unwrap_err();
        assert!(error.to_string().contains("--site-id"), "{error}");
    }
}
