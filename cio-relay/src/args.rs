//! The command line of `cio-relay`.

use std::time::Duration;

/// What the command was asked to do.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Args {
    pub(crate) database_url: String,
    pub(crate) namespace: String,
    pub(crate) base_url: Option<String>,
    pub(crate) lease: Duration,
    pub(crate) poll: Duration,
    pub(crate) requests_per_second: Option<u32>,
    pub(crate) drain: bool,
    pub(crate) max_batch_bytes: Option<usize>,
    pub(crate) burst: Option<u32>,
}

pub(crate) const USAGE: &str =
    "usage: cio-relay [--database-url URL] [--namespace NAME] [--base-url URL]
                 [--lease-secs N] [--poll-ms N] [--requests-per-second N | --unlimited-rate]
                 [--burst N] [--max-batch-kb N] [--drain]

Delivers the rows of a cio outbox to Customer.io until SIGTERM or Ctrl-C (with --drain:
until no row is pending).

  --database-url  sqlite:PATH or postgres://...; default: $DATABASE_URL
  --namespace     the outbox's schema (PostgreSQL) or table prefix (SQLite); default cio_outbox
  --base-url      the Track API origin (e.g. a local emulator); default: the region's
  --lease-secs    how long claimed rows are reserved (default 30)
  --poll-ms       how often to look for rows when not woken (default 500)
  --requests-per-second  total over all relays of the outbox (default 1000)
  --burst         requests that may start at once after an idle period (default 10)
  --max-batch-kb  the size of one /batch body, 33 to 500 (default 500)

Credentials: CUSTOMERIO_SITE_ID, CUSTOMERIO_TRACK_API_KEY, CUSTOMERIO_REGION (us or eu).";

/// Parses the arguments after the program name; `Err` holds what to print.
pub(crate) fn parse(
    args: impl IntoIterator<Item = String>,
    database_url_env: Option<String>,
) -> Result<Args, String> {
    let mut parsed = Args {
        database_url: database_url_env.unwrap_or_default(),
        namespace: "cio_outbox".to_owned(),
        base_url: None,
        lease: Duration::from_secs(30),
        poll: Duration::from_millis(500),
        requests_per_second: Some(1000),
        drain: false,
        max_batch_bytes: None,
        burst: None,
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("`{arg}` needs a value\n\n{USAGE}"))
        };
        let number = |text: String| {
            text.parse::<u64>()
                .map_err(|_| format!("`{text}` is not a whole number\n\n{USAGE}"))
        };
        match arg.as_str() {
            "--database-url" => parsed.database_url = value()?,
            "--namespace" => parsed.namespace = value()?,
            "--base-url" => parsed.base_url = Some(value()?),
            "--lease-secs" => parsed.lease = Duration::from_secs(number(value()?)?),
            "--poll-ms" => parsed.poll = Duration::from_millis(number(value()?)?),
            "--requests-per-second" => {
                let rate = number(value()?)?;
                parsed.requests_per_second = Some(u32::try_from(rate).unwrap_or(u32::MAX));
            }
            "--unlimited-rate" => parsed.requests_per_second = None,
            "--burst" => parsed.burst = Some(u32::try_from(number(value()?)?).unwrap_or(u32::MAX)),
            "--max-batch-kb" => {
                let kb = usize::try_from(number(value()?)?).unwrap_or(usize::MAX);
                parsed.max_batch_bytes = Some(kb.saturating_mul(1024));
            }
            "--drain" => parsed.drain = true,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument `{other}`\n\n{USAGE}")),
        }
    }
    if parsed.database_url.is_empty() {
        return Err(format!(
            "no database: pass --database-url or set DATABASE_URL\n\n{USAGE}"
        ));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn flags_and_defaults() {
        let parsed = parse(
            args(&["--lease-secs", "2", "--unlimited-rate", "--drain"]),
            Some("sqlite:x.db".to_owned()),
        )
        .unwrap();
        assert_eq!(parsed.database_url, "sqlite:x.db");
        assert_eq!(parsed.lease, Duration::from_secs(2));
        assert_eq!(parsed.requests_per_second, None);
        assert!(parsed.drain);
        assert_eq!(parsed.namespace, "cio_outbox");
    }

    #[test]
    fn mistakes_are_explained() {
        let missing = parse(args(&[]), None).unwrap_err();
        assert!(missing.starts_with("no database"), "{missing}");
        let bad = parse(args(&["--lease-secs", "soon"]), Some("x".into())).unwrap_err();
        assert!(bad.starts_with("`soon` is not a whole number"), "{bad}");
        let unknown = parse(args(&["--fast"]), Some("x".into())).unwrap_err();
        assert!(
            unknown.starts_with("unknown argument `--fast`"),
            "{unknown}"
        );
        let dangling = parse(args(&["--namespace"]), Some("x".into())).unwrap_err();
        assert!(
            dangling.starts_with("`--namespace` needs a value"),
            "{dangling}"
        );
    }
}
