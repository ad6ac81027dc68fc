//! A template that makes the `liquid` crate panic (an integer literal past 64 bits
//! trips one of its internal `expect`s) gets cio's own syntax error, and the panic
//! prints nothing: the check runs in a child process whose stderr is inspected.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

const CHILD: &str = "CIO_SCHEMA_DEPENDENCY_PANIC_CHILD";

const SOURCE: &str = r#"
[events.signed_up]

[campaigns.onboarding]
trigger = "signed_up"
steps = [{ send = "welcome" }]

[messages.welcome]
channel = "email"
subject = "Hi"
body = "You are number {{ 99999999999999999999 }}"
"#;

#[test]
fn a_panic_in_the_liquid_parser_prints_nothing_but_our_error() {
    if std::env::var_os(CHILD).is_some() {
        let errors = cio_schema::parse_str(SOURCE, "events.toml", None).unwrap_err();
        for error in &errors {
            eprintln!("error: {error}");
        }
        return;
    }
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_panic_in_the_liquid_parser_prints_nothing_but_our_error",
            "--nocapture",
        ])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.starts_with(
            "error: message `welcome`: the body is not valid Liquid: \
             the number `99999999999999999999` does not fit in 64 bits\n  --> events.toml:11:27\n"
        ),
        "{stderr}"
    );
    assert_eq!(stderr.matches("error:").count(), 1, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
