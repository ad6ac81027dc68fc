//! Did-you-mean for every reference (messages, events, attributes, data fields, enum
//! values) chooses among every declared name, including declarations that have errors
//! of their own: a typo's target is suggested even when it is broken too.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

/// Every error message of `src`.
fn messages(src: &str) -> Vec<String> {
    match cio_schema::parse_str(src, "events.toml", None) {
        Ok(_) => panic!("expected errors:\n{src}"),
        Err(diagnostics) => diagnostics.iter().map(|d| d.message.clone()).collect(),
    }
}

/// Asserts that some error of `src` is exactly `expected`.
fn has(src: &str, expected: &str) {
    let found = messages(src);
    assert!(
        found.iter().any(|m| m == expected),
        "{expected:?} not in {found:#?}"
    );
}

#[test]
fn a_message_with_its_own_error_is_suggested() {
    // `welcome` has no body (its own error) yet is declared: the typo names it.
    let src = r#"
[events.signed_up]

[campaigns.onboarding]
trigger = "signed_up"
steps = [{ send = "welcom" }]

[messages.welcome]
subject = "Hi"
"#;
    has(
        src,
        "unknown message `welcom` sent by campaign `onboarding`; did you mean `welcome`?",
    );
    has(
        src,
        "message `welcome` has neither `body` nor `file`; give it one",
    );
}

#[test]
fn an_event_with_its_own_error_is_suggested_as_trigger_and_in_conditions() {
    let src = r#"
[events]
signed_up = "not a table"
first_project_created = 1

[campaigns.onboarding]
trigger = "sign_up"
steps = [{ if = "performed first_projct_created", then = [] }]
"#;
    has(
        src,
        "unknown event `sign_up` as the trigger of campaign `onboarding`; did you mean `signed_up`?",
    );
    has(
        src,
        "unknown event `first_projct_created` in a condition of campaign `onboarding`; did you mean `first_project_created`?",
    );
}

#[test]
fn attributes_and_fields_with_their_own_errors_are_suggested() {
    let src = r#"
[profile]
email = "email"
email_verified = "boolean?"

[events.signed_up]
data = { method = "strng", plan = "string" }

[campaigns.onboarding]
trigger = "signed_up"
steps = [
  { if = "customer.email_verifed", then = [] },
  { if = "event.methd == \"google\"", then = [] },
]
"#;
    has(
        src,
        "unknown profile attribute `email_verifed` in a condition of campaign `onboarding`; did you mean `email_verified`?",
    );
    has(
        src,
        "event `signed_up` has no data field `methd` (in a condition of campaign `onboarding`); did you mean `method`?",
    );
}

#[test]
fn enum_values_of_an_enum_with_its_own_error_are_suggested() {
    let src = r#"
[enums]
plan = ["free", "pro", "Pro Plan"]

[profile]
plan = "plan"

[events.signed_up]

[campaigns.onboarding]
trigger = "signed_up"
steps = [{ if = "customer.plan == \"fre\"", then = [] }]
"#;
    has(
        src,
        "`fre` is not a value of enum `plan`; did you mean `free`?",
    );
}

#[test]
fn an_enum_with_its_own_error_is_suggested_and_not_reported_again() {
    let src = r#"
[enums]
plan = 5

[profile]
plan = "plan"
tier = "plna"
"#;
    assert_eq!(
        messages(src),
        [
            "enum `plan` must be a list of strings or a table `{ values = [...], doc = \"...\" }`, found an integer",
            "unknown type `plna` for profile attribute `tier`; did you mean `plan`?",
        ]
    );
}
