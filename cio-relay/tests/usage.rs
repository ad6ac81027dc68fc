//! The `cio-relay` command line as a user meets it: mistakes are usage errors (exit
//! 2) said before anything connects, and the help names every setting, the
//! environment and the exit codes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Command, Output};

/// Runs `cio-relay` with `args`, a database and credentials in the environment only
/// when `env` says so.
fn relay(args: &[&str], env: bool) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cio-relay"));
    command
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("CUSTOMERIO_SITE_ID")
        .env_remove("CUSTOMERIO_TRACK_API_KEY")
        .env_remove("CUSTOMERIO_PIPELINES_WRITE_KEY")
        .env_remove("CUSTOMERIO_API")
        .env_remove("CUSTOMERIO_REGION");
    if env {
        command
            .env("DATABASE_URL", "sqlite:never-opened.db")
            .env("CUSTOMERIO_SITE_ID", "site")
            .env("CUSTOMERIO_TRACK_API_KEY", "key");
    }
    command.output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn out_of_range_values_are_usage_errors() {
    for (args, why) in [
        (&["--lease", "0s"][..], "must be between 1s and 1d (got 0s)"),
        (&["--lease", "30"][..], "`30` is not a duration"),
        (&["--poll-interval", "5h"][..], "must be between 1ms and 1h"),
        (
            &["--max-batch-bytes", "600KB"][..],
            "must be between 32832 and 512000",
        ),
        (
            &["--lease-secs", "2"][..],
            "unexpected argument '--lease-secs'",
        ),
        (
            &["--unlimited-rate", "--requests-per-second", "5"][..],
            "cannot be used with",
        ),
    ] {
        let output = relay(args, true);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(why),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            !std::path::Path::new("never-opened.db").exists(),
            "a usage error opened the database"
        );
    }
}

#[test]
fn a_missing_database_or_credential_is_a_usage_error() {
    let output = relay(&[], false);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--database-url <URL>"),
        "{}",
        stderr(&output)
    );
    // Each API names the credentials it needs.
    let database = ["--database-url", "sqlite:never-opened.db"];
    for (api, missing) in [
        ("track", &["--site-id", "--track-api-key"][..]),
        ("pipelines", &["--write-key"][..]),
    ] {
        let output = relay(&[&database[..], &["--api", api]].concat(), false);
        assert_eq!(output.status.code(), Some(2), "{api}");
        let text = stderr(&output);
        for flag in missing {
            assert!(text.contains(flag), "{api}: {text}");
        }
    }
}

#[test]
fn the_help_names_the_settings_the_environment_and_the_exit_codes() {
    let output = relay(&["--help"], false);
    assert_eq!(output.status.code(), Some(0));
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--lease",
        "--poll-interval",
        "--claim-limit",
        "--max-batch-bytes",
        "--max-in-flight",
        "--requests-per-second",
        "--burst",
        "--unlimited-rate",
        "--retention",
        "--prune-interval",
        "DATABASE_URL",
        "CUSTOMERIO_SITE_ID",
        "CUSTOMERIO_TRACK_API_KEY",
        "CUSTOMERIO_PIPELINES_WRITE_KEY",
        "CUSTOMERIO_API",
        "--api <API>",
        "CUSTOMERIO_REGION",
        "Exit codes: 0",
        "2 a usage problem",
    ] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
}
