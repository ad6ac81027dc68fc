//! Runs the built `cio-cli` on the fixtures and compares its exit code, standard output
//! and standard error with the committed `tests/golden/<case>.txt`. `CIO_BLESS=1`
//! rewrites them (review the diff).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

/// Each case: its golden file's name and the arguments.
const CASES: &[(&str, &[&str])] = &[
    ("help", &["--help"]),
    ("help_check", &["check", "--help"]),
    ("help_docs", &["docs", "--help"]),
    ("help_schema", &["schema", "--help"]),
    ("help_diff", &["diff", "--help"]),
    ("help_simulate", &["simulate", "--help"]),
    ("help_emulator", &["emulator", "--help"]),
    ("help_coverage", &["coverage", "--help"]),
    (
        "coverage_gaps",
        &[
            "coverage",
            "--taxonomy",
            "tests/fixtures/coverage.toml",
            "tests/fixtures/coverage/partial",
        ],
    ),
    (
        "coverage_gaps_json",
        &[
            "coverage",
            "--taxonomy",
            "tests/fixtures/coverage.toml",
            "--format",
            "json",
            "tests/fixtures/coverage/partial",
        ],
    ),
    (
        "coverage_gaps_branches",
        &[
            "coverage",
            "--branches",
            "--taxonomy",
            "tests/fixtures/coverage.toml",
            "tests/fixtures/coverage/partial",
        ],
    ),
    (
        "coverage_complete",
        &[
            "coverage",
            "--taxonomy",
            "tests/fixtures/coverage.toml",
            "tests/fixtures/coverage/complete",
        ],
    ),
    (
        "coverage_other_journeys",
        &[
            "coverage",
            "--taxonomy",
            "tests/fixtures/coverage.toml",
            "tests/fixtures/coverage/other",
        ],
    ),
    (
        "coverage_bad_file",
        &[
            "coverage",
            "--taxonomy",
            "tests/fixtures/coverage.toml",
            "tests/fixtures/coverage/bad",
        ],
    ),
    (
        "coverage_no_files",
        &[
            "coverage",
            "--taxonomy",
            "tests/fixtures/coverage.toml",
            "tests/fixtures/simulate",
        ],
    ),
    (
        "coverage_missing_dir",
        &[
            "coverage",
            "--taxonomy",
            "tests/fixtures/coverage.toml",
            "tests/fixtures/coverage/none",
        ],
    ),
    (
        "coverage_bad_taxonomy",
        &[
            "coverage",
            "--taxonomy",
            "tests/fixtures/bad.toml",
            "tests/fixtures/coverage/complete",
        ],
    ),
    ("coverage_no_dir", &["coverage"]),
    ("check_ok", &["check", "tests/fixtures/old.toml"]),
    ("check_errors", &["check", "tests/fixtures/bad.toml"]),
    (
        "check_json",
        &["check", "tests/fixtures/liquid.toml", "--format", "json"],
    ),
    (
        "check_github",
        &["check", "tests/fixtures/liquid.toml", "--format", "github"],
    ),
    ("docs", &["docs", "tests/fixtures/old.toml"]),
    ("docs_errors", &["docs", "tests/fixtures/bad.toml"]),
    ("schema", &["schema", "tests/fixtures/new.toml"]),
    ("docs_objects", &["docs", "tests/fixtures/objects_new.toml"]),
    (
        "schema_objects",
        &["schema", "tests/fixtures/objects_new.toml"],
    ),
    (
        "diff_objects",
        &[
            "diff",
            "tests/fixtures/objects_old.toml",
            "tests/fixtures/objects_new.toml",
        ],
    ),
    (
        "diff_breaking",
        &["diff", "tests/fixtures/old.toml", "tests/fixtures/new.toml"],
    ),
    (
        "diff_allowed",
        &[
            "diff",
            "--allow-breaking",
            "tests/fixtures/old.toml",
            "tests/fixtures/new.toml",
        ],
    ),
    (
        "diff_none",
        &["diff", "tests/fixtures/new.toml", "tests/fixtures/new.toml"],
    ),
    (
        "diff_invalid",
        &["diff", "tests/fixtures/old.toml", "tests/fixtures/bad.toml"],
    ),
    (
        "diff_bad_rev",
        &["diff", "no-such-rev:events.toml", "tests/fixtures/new.toml"],
    ),
    (
        "simulate",
        &[
            "simulate",
            "tests/fixtures/simulate/onboarding.toml",
            "--taxonomy",
            "tests/fixtures/journeys.toml",
        ],
    ),
    (
        "simulate_json",
        &[
            "simulate",
            "tests/fixtures/simulate/onboarding.toml",
            "--taxonomy",
            "tests/fixtures/journeys.toml",
            "--format",
            "json",
        ],
    ),
    (
        "simulate_waiting",
        &[
            "simulate",
            "--taxonomy",
            "tests/fixtures/journeys.toml",
            "tests/fixtures/simulate/waiting.toml",
        ],
    ),
    (
        "simulate_waiting_json",
        &[
            "simulate",
            "--format",
            "json",
            "--taxonomy",
            "tests/fixtures/journeys.toml",
            "tests/fixtures/simulate/waiting.toml",
        ],
    ),
    (
        "simulate_team",
        &[
            "simulate",
            "tests/fixtures/simulate/team.toml",
            "--taxonomy",
            "../events.toml",
        ],
    ),
    (
        "simulate_team_json",
        &[
            "simulate",
            "tests/fixtures/simulate/team.toml",
            "--taxonomy",
            "../events.toml",
            "--format",
            "json",
        ],
    ),
    (
        "simulate_team_errors",
        &[
            "simulate",
            "tests/fixtures/simulate/bad_team.toml",
            "--taxonomy",
            "../events.toml",
        ],
    ),
    (
        "simulate_errors",
        &[
            "simulate",
            "tests/fixtures/simulate/bad.toml",
            "--taxonomy",
            "tests/fixtures/journeys.toml",
        ],
    ),
    (
        "simulate_errors_json",
        &[
            "simulate",
            "tests/fixtures/simulate/bad.toml",
            "--taxonomy",
            "tests/fixtures/journeys.toml",
            "--format",
            "json",
        ],
    ),
    (
        "simulate_syntax",
        &[
            "simulate",
            "tests/fixtures/simulate/syntax.toml",
            "--taxonomy",
            "tests/fixtures/journeys.toml",
        ],
    ),
    (
        "simulate_bad_taxonomy",
        &[
            "simulate",
            "tests/fixtures/simulate/onboarding.toml",
            "--taxonomy",
            "tests/fixtures/bad.toml",
        ],
    ),
    (
        "simulate_missing_scenario",
        &[
            "simulate",
            "tests/fixtures/simulate/none.toml",
            "--taxonomy",
            "tests/fixtures/journeys.toml",
        ],
    ),
    (
        "simulate_missing_taxonomy",
        &["simulate", "tests/fixtures/simulate/onboarding.toml"],
    ),
    (
        "simulate_directory",
        &[
            "simulate",
            "tests/fixtures",
            "--taxonomy",
            "tests/fixtures/journeys.toml",
        ],
    ),
    ("simulate_no_scenario", &["simulate"]),
    ("missing_file", &["check", "tests/fixtures/none.toml"]),
    ("directory", &["docs", "tests"]),
    ("not_utf8", &["schema", "tests/fixtures/latin1.toml"]),
    ("unknown_flag", &["check", "--strict"]),
    ("unknown_format", &["check", "--format", "xml"]),
    ("no_command", &[]),
    ("unknown_command", &["chek"]),
];

/// What one run printed, as the golden file holds it.
fn run(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_cio-cli"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        // The help names the variable; set (as CI sets it), clap would show its value.
        .env_remove("CIO_COVERAGE_DIR")
        .output()
        .unwrap();
    format!(
        "$ cio-cli {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        out.status
            .code()
            .map_or("signal".to_string(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn outputs_match_the_golden_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let bless = std::env::var_os("CIO_BLESS").is_some();
    let mut mismatches = Vec::new();
    for (name, args) in CASES {
        let got = run(args);
        let path = dir.join(format!("{name}.txt"));
        if bless {
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        if got != want {
            mismatches.push(format!("{name}:\n{got}"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "outputs differ from tests/golden (CIO_BLESS=1 rewrites them):\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn exit_codes() {
    let code = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cio-cli"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(code(&["check", "tests/fixtures/old.toml"]), Some(0));
    assert_eq!(code(&["check", "tests/fixtures/bad.toml"]), Some(1));
    assert_eq!(
        code(&["diff", "tests/fixtures/old.toml", "tests/fixtures/new.toml"]),
        Some(1)
    );
    assert_eq!(code(&["check", "tests/fixtures/none.toml"]), Some(2));
    assert_eq!(code(&["check", "--strict"]), Some(2));
    assert_eq!(code(&["--help"]), Some(0));
    let simulate = |scenario: &str, taxonomy: &str| {
        code(&[
            "simulate",
            &format!("tests/fixtures/{scenario}"),
            "--taxonomy",
            &format!("tests/fixtures/{taxonomy}"),
        ])
    };
    assert_eq!(
        simulate("simulate/onboarding.toml", "journeys.toml"),
        Some(0)
    );
    assert_eq!(simulate("simulate/bad.toml", "journeys.toml"), Some(1));
    assert_eq!(simulate("simulate/syntax.toml", "journeys.toml"), Some(1));
    assert_eq!(simulate("simulate/onboarding.toml", "bad.toml"), Some(1));
    assert_eq!(simulate("simulate/none.toml", "journeys.toml"), Some(2));
    assert_eq!(simulate("simulate/onboarding.toml", "none.toml"), Some(2));
    assert_eq!(simulate("latin1.toml", "journeys.toml"), Some(2));
    assert_eq!(code(&["simulate", "--speed", "2"]), Some(2));
    // The scenario the README runs fits the workspace's own events.toml.
    assert_eq!(
        code(&[
            "simulate",
            "scenarios/onboarding.toml",
            "--taxonomy",
            "../events.toml"
        ]),
        Some(0)
    );
}

#[test]
fn schema_and_docs_write_files() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("golden-out");
    let _ = std::fs::remove_dir_all(&dir);
    let page = dir.join("plan.md");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cio-cli"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap()
    };
    let schemas = dir.join("schemas");
    let out = run(&[
        "schema",
        "tests/fixtures/new.toml",
        "--out",
        schemas.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let mut names: Vec<String> = std::fs::read_dir(&schemas)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "event.checkout_started.schema.json",
            "event.feature_used.schema.json",
            "event.page_favorited.schema.json",
            "event.signed_up.schema.json",
            "profile.create.schema.json",
            "profile.update.schema.json",
        ]
    );
    let out = run(&[
        "docs",
        "tests/fixtures/old.toml",
        "--out",
        page.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert_eq!(
        std::fs::read_to_string(&page).unwrap(),
        String::from_utf8(run(&["docs", "tests/fixtures/old.toml"]).stdout).unwrap()
    );
    // A folder that cannot be created: a clear error and exit 2.
    let out = run(&[
        "schema",
        "tests/fixtures/new.toml",
        "--out",
        page.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: cannot create"));
}

/// A revision that looks like an option reaches git as a revision, never as an
/// option: `--output=FILE` would make `git show` write FILE.
#[test]
fn a_revision_is_never_an_option_to_git() {
    // `git show --output=F:events.toml` would write the file `F:events.toml`.
    let written = Path::new(env!("CARGO_TARGET_TMPDIR")).join("diff-option-injection:events.toml");
    let _ = std::fs::remove_file(&written);
    let out = Command::new(env!("CARGO_BIN_EXE_cio-cli"))
        .args([
            "diff",
            "--",
            &format!("--output={}", written.display()),
            "tests/fixtures/new.toml",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(!written.exists(), "git wrote {}", written.display());
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot read --output="), "{stderr}");
}
