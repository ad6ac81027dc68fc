//! One malformed taxonomy per rule the parser and validator enforce, each asserting
//! the exact message and the exact `events.toml:LINE:COL`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

/// Parses `src` (one leading newline removed, so that line 1 is the first line after
/// `r#"`) and returns every error as (position, message).
fn errors_in(src: &str, base_dir: Option<&Path>) -> Vec<(String, String)> {
    let src = src.strip_prefix('\n').unwrap_or(src);
    match cio_schema::parse_str(src, "events.toml", base_dir) {
        Ok(_) => panic!("expected errors, the taxonomy is valid:\n{src}"),
        Err(diagnostics) => diagnostics
            .iter()
            .map(|d| (d.position().unwrap_or_default(), d.message.clone()))
            .collect(),
    }
}

fn errors(src: &str) -> Vec<(String, String)> {
    errors_in(src, None)
}

/// Asserts that `src` has exactly these errors, in this order.
fn expect(src: &str, expected: &[(&str, &str)]) {
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(p, m)| (format!("events.toml:{p}"), m.to_string()))
        .collect();
    assert_eq!(errors(src), expected);
}

// ── TOML ─────────────────────────────────────────────────────────────────────────

#[test]
fn invalid_toml() {
    expect(
        "\n[events.signed_up\ndoc = \"x\"\n",
        &[("1:18", "invalid TOML: unclosed table, expected `]`")],
    );
}

#[test]
fn duplicate_key() {
    expect(
        r#"
[events.signed_up]
doc = "a"
doc = "b"
"#,
        &[(
            "3:1",
            "duplicate key `doc`; each name may be declared only once",
        )],
    );
}

#[test]
fn duplicate_table() {
    expect(
        r#"
[events.signed_up]
[events.signed_up]
"#,
        &[(
            "2:9",
            "duplicate key `signed_up`; each name may be declared only once",
        )],
    );
}

#[test]
fn unknown_section() {
    expect(
        r#"
[event.signed_up]
"#,
        &[("1:2", "unknown section `event`; did you mean `events`?")],
    );
}

#[test]
fn unknown_section_without_suggestion() {
    expect(
        r#"
[workflows]
"#,
        &[(
            "1:2",
            "unknown section `workflows`; sections are `enums`, `profile`, `events`, `campaigns`, `messages`, `transactional`, `broadcasts`, `segments`, `objects` and `topics`",
        )],
    );
}

#[test]
fn section_not_a_table() {
    expect(
        r#"
events = 3
"#,
        &[("1:10", "`events` must be a table, found an integer")],
    );
}

// ── Enums ────────────────────────────────────────────────────────────────────────

#[test]
fn empty_enum() {
    expect(
        r#"
[enums]
plan = []
"#,
        &[("2:8", "enum `plan` has no values")],
    );
}

#[test]
fn duplicate_enum_value() {
    expect(
        r#"
[enums]
plan = ["free", "pro", "free"]
"#,
        &[("2:25", "duplicate value `free` in enum `plan`")],
    );
}

#[test]
fn enum_value_not_a_string() {
    expect(
        r#"
[enums]
plan = ["free", 3]
"#,
        &[(
            "2:17",
            "each value of enum `plan` must be a string, found an integer",
        )],
    );
}

#[test]
fn enum_of_wrong_shape() {
    expect(
        r#"
[enums]
plan = "free"
"#,
        &[(
            "2:8",
            "enum `plan` must be a list of strings or a table `{ values = [...], doc = \"...\" }`, found a string",
        )],
    );
}

#[test]
fn enum_long_form_unknown_key() {
    expect(
        r#"
[enums]
plan = { values = ["free"], dok = "Plans." }
"#,
        &[(
            "2:29",
            "unknown key `dok` in enum `plan`; did you mean `doc`?",
        )],
    );
}

#[test]
fn enum_long_form_without_values() {
    expect(
        r#"
[enums]
plan = { doc = "Plans." }
"#,
        &[("2:1", "enum `plan` has no `values`")],
    );
}

#[test]
fn enum_named_like_a_builtin_type() {
    expect(
        r#"
[enums]
string = ["a", "b"]
"#,
        &[(
            "2:1",
            "enum `string` has the name of a built-in type; choose another name",
        )],
    );
}

#[test]
fn enum_name_not_an_identifier() {
    expect(
        r#"
[enums]
"2fa" = ["sms", "app"]
"#,
        &[(
            "2:1",
            "enum `2fa` cannot become a Rust identifier: it starts with a digit",
        )],
    );
}

#[test]
fn enum_value_not_an_identifier() {
    expect(
        r#"
[enums]
discount = ["10%", "20"]
"#,
        &[
            (
                "2:14",
                "value `10%` of enum `discount` cannot become a Rust variant: it contains `%`",
            ),
            (
                "2:21",
                "value `20` of enum `discount` cannot become a Rust variant: it starts with a digit",
            ),
        ],
    );
}

#[test]
fn enum_values_collide_as_variants() {
    expect(
        r#"
[enums]
plan = ["pro_plan", "proPlan"]
"#,
        &[(
            "2:22",
            "values `pro_plan` and `proPlan` of enum `plan` both become the Rust variant `ProPlan`",
        )],
    );
}

// ── Types ────────────────────────────────────────────────────────────────────────

#[test]
fn unknown_type() {
    expect(
        r#"
[events.signed_up]
data = { plan = "strng" }
"#,
        &[(
            "2:18",
            "unknown type `strng` for field `plan` of event `signed_up`; did you mean `string`?",
        )],
    );
}

#[test]
fn unknown_type_suggests_a_named_enum() {
    expect(
        r#"
[enums]
signup_method = ["google", "email"]

[profile]
method = "signup_methd?"
"#,
        &[(
            "5:11",
            "unknown type `signup_methd` for profile attribute `method`; did you mean `signup_method`?",
        )],
    );
}

#[test]
fn list_type_missing_bracket() {
    expect(
        r#"
[events.e]
data = { counts = "[int" }
"#,
        &[(
            "2:20",
            "malformed type `[int` for field `counts` of event `e`: missing `]`",
        )],
    );
}

#[test]
fn double_optional_marker() {
    expect(
        r#"
[events.e]
data = { count = "int??" }
"#,
        &[(
            "2:19",
            "malformed type `int??` for field `count` of event `e`: `?` may appear only once, at the end",
        )],
    );
}

#[test]
fn optional_list_elements() {
    expect(
        r#"
[events.e]
data = { tags = "[string?]" }
"#,
        &[(
            "2:18",
            "malformed type `[string?]` for field `tags` of event `e`: list elements cannot be optional; write `[T]?` for an optional list",
        )],
    );
}

#[test]
fn list_of_lists() {
    expect(
        r#"
[events.e]
data = { grid = "[[int]]" }
"#,
        &[(
            "2:18",
            "malformed type `[[int]]` for field `grid` of event `e`: lists of lists are not supported",
        )],
    );
}

#[test]
fn empty_type() {
    expect(
        r#"
[events.e]
data = { x = "" }
"#,
        &[("2:14", "the type of field `x` of event `e` is empty")],
    );
}

#[test]
fn type_of_wrong_kind() {
    expect(
        r#"
[events.e]
data = { x = 3 }
"#,
        &[(
            "2:14",
            "the type of field `x` of event `e` must be a string such as \"string\" or a table { type = \"...\" }, found an integer",
        )],
    );
}

#[test]
fn field_table_without_type() {
    expect(
        r#"
[events.e]
data = { x = { doc = "An x." } }
"#,
        &[(
            "2:10",
            "field `x` of event `e` has no `type` (or `enum = [...]` for an inline enum)",
        )],
    );
}

#[test]
fn unknown_field_key() {
    expect(
        r#"
[events.subscription_cancelled]
data = { reason = { type = "string", max_len = 500 } }
"#,
        &[(
            "2:38",
            "unknown key `max_len` in field `reason` of event `subscription_cancelled`; did you mean `max_length`?",
        )],
    );
}

#[test]
fn min_on_a_string() {
    expect(
        r#"
[profile]
name = { type = "string", min = 1 }
"#,
        &[(
            "2:27",
            "`min` applies only to `int` and `float`, but profile attribute `name` is `string`",
        )],
    );
}

#[test]
fn max_on_a_timestamp() {
    expect(
        r#"
[profile]
created_at = { type = "timestamp", max = 10 }
"#,
        &[(
            "2:36",
            "`max` applies only to `int` and `float`, but profile attribute `created_at` is `timestamp`",
        )],
    );
}

#[test]
fn max_length_on_an_int() {
    expect(
        r#"
[profile]
age = { type = "int?", max_length = 3 }
"#,
        &[(
            "2:24",
            "`max_length` applies only to `string`, `email` and `url`, but profile attribute `age` is `int`",
        )],
    );
}

#[test]
fn min_greater_than_max() {
    expect(
        r#"
[profile]
score = { type = "float", min = 10, max = 5.5 }
"#,
        &[(
            "2:37",
            "`min` (10) is greater than `max` (5.5) for profile attribute `score`",
        )],
    );
}

#[test]
fn min_not_a_number() {
    expect(
        r#"
[profile]
score = { type = "int", min = "0" }
"#,
        &[(
            "2:31",
            "`min` of profile attribute `score` must be a number, found a string",
        )],
    );
}

#[test]
fn fractional_bound_on_an_int() {
    expect(
        r#"
[profile]
seats = { type = "int", min = 0.5 }
"#,
        &[(
            "2:31",
            "`min` of profile attribute `seats` must be a whole number, as the field is `int`",
        )],
    );
}

#[test]
fn max_length_not_positive() {
    expect(
        r#"
[profile]
bio = { type = "string", max_length = 0 }
"#,
        &[(
            "2:39",
            "`max_length` of profile attribute `bio` must be a positive whole number",
        )],
    );
}

#[test]
fn pii_not_a_boolean() {
    expect(
        r#"
[profile]
email = { type = "email", pii = "yes" }

[events.signed_up]
data = { reason = { type = "string", pii = 1 } }
"#,
        &[
            (
                "2:33",
                "`pii` of profile attribute `email` must be true or false, found a string",
            ),
            (
                "5:44",
                "`pii` of field `reason` of event `signed_up` must be true or false, found an integer",
            ),
        ],
    );
}

#[test]
fn pii_misspelt() {
    expect(
        r#"
[profile]
email = { type = "email", pi = true }
"#,
        &[(
            "2:27",
            "unknown key `pi` in profile attribute `email`; did you mean `pii`?",
        )],
    );
}

#[test]
fn type_and_inline_enum_together() {
    expect(
        r#"
[profile]
tier = { type = "string", enum = ["a", "b"] }
"#,
        &[(
            "2:27",
            "profile attribute `tier` has both `type` and `enum`; keep one",
        )],
    );
}

#[test]
fn optional_key_outside_inline_enum() {
    expect(
        r#"
[profile]
nickname = { type = "string", optional = true }
"#,
        &[(
            "2:31",
            "`optional` applies only to inline enums; write `?` after the type of profile attribute `nickname`",
        )],
    );
}

#[test]
fn empty_inline_enum() {
    expect(
        r#"
[events.invited_teammate]
data = { role = { enum = [] } }
"#,
        &[(
            "2:26",
            "the enum of field `role` of event `invited_teammate` has no values",
        )],
    );
}

#[test]
fn inline_enum_values_collide() {
    expect(
        r#"
[events.invited_teammate]
data = { role = { enum = ["team-admin", "team_admin"] } }
"#,
        &[(
            "2:42",
            "values `team-admin` and `team_admin` of the enum of field `role` of event `invited_teammate` both become the Rust variant `TeamAdmin`",
        )],
    );
}

// ── Events ───────────────────────────────────────────────────────────────────────

#[test]
fn event_not_a_table() {
    expect(
        r#"
[events]
signed_up = 3
"#,
        &[(
            "2:13",
            "event `signed_up` must be a table, found an integer",
        )],
    );
}

#[test]
fn unknown_event_key() {
    expect(
        r#"
[events.signed_up]
dat = { method = "string" }
"#,
        &[(
            "2:1",
            "unknown key `dat` in event `signed_up`; did you mean `data`?",
        )],
    );
}

#[test]
fn event_data_not_a_table() {
    expect(
        r#"
[events.signed_up]
data = ["method"]
"#,
        &[(
            "2:8",
            "`data` of event `signed_up` must be a table, found an array",
        )],
    );
}

#[test]
fn event_doc_not_a_string() {
    expect(
        r#"
[events.signed_up]
doc = 3
"#,
        &[(
            "2:7",
            "`doc` of event `signed_up` must be a string, found an integer",
        )],
    );
}

#[test]
fn event_name_not_an_identifier() {
    expect(
        r#"
[events."signed up!"]
"#,
        &[(
            "1:9",
            "event `signed up!` cannot become a Rust identifier: it contains `!`",
        )],
    );
}

#[test]
fn event_names_collide_after_conversion() {
    expect(
        r#"
[events.sign_up]
[events.signUp]
"#,
        &[(
            "2:9",
            "event `sign_up` and event `signUp` both become the Rust type `SignUp`",
        )],
    );
}

#[test]
fn event_collides_with_an_enum() {
    expect(
        r#"
[enums]
plan = ["free", "pro"]

[events.plan]
"#,
        &[(
            "4:9",
            "enum `plan` and event `plan` both become the Rust type `Plan`",
        )],
    );
}

#[test]
fn event_named_profile() {
    expect(
        r#"
[events.profile]
[events.profile_update]
"#,
        &[
            (
                "1:9",
                "event `profile` becomes the Rust type `Profile`, which is reserved for the profile attributes",
            ),
            (
                "2:9",
                "event `profile_update` becomes the Rust type `ProfileUpdate`, which is reserved for profile updates",
            ),
        ],
    );
}

#[test]
fn inline_enum_type_collides_with_an_event() {
    expect(
        r#"
[events.signed_up]
data = { method = { enum = ["google", "email"] } }

[events.signed_up_method]
"#,
        &[(
            "4:9",
            "the inline enum of field `method` of event `signed_up` and event `signed_up_method` both become the Rust type `SignedUpMethod`",
        )],
    );
}

#[test]
fn field_names_collide_after_conversion() {
    expect(
        r#"
[events.signed_up]
data = { first_name = "string", firstName = "string" }
"#,
        &[(
            "2:33",
            "field `first_name` of event `signed_up` and field `firstName` of event `signed_up` both become the Rust field `first_name`",
        )],
    );
}

#[test]
fn profile_attribute_not_an_identifier() {
    expect(
        r#"
[profile]
"first name!" = "string"
"#,
        &[(
            "2:1",
            "profile attribute `first name!` cannot become a Rust identifier: it contains `!`",
        )],
    );
}

#[test]
fn profile_attribute_named_self() {
    expect(
        r#"
[profile]
self = "string"
"#,
        &[(
            "2:1",
            "profile attribute `self` cannot become a Rust identifier: it becomes `self`, which Rust does not allow as a name",
        )],
    );
}

// ── Campaigns ────────────────────────────────────────────────────────────────────

const EVENTS: &str = r#"
[enums]
plan = ["free", "pro", "enterprise"]

[profile]
email = "email"
plan = "plan"
email_verified = "bool?"
created_at = "timestamp"

[events.signed_up]
data = { method = "string", seats = "int" }

[events.first_project_created]

[messages.welcome]
body = "Hi"
"#;

/// `EVENTS` (lines 1-16) followed by `more` (its first line is line 17).
fn with_events(more: &str) -> String {
    format!(
        "{}{}",
        EVENTS.strip_prefix('\n').unwrap(),
        more.strip_prefix('\n').unwrap()
    )
}

#[test]
fn campaign_without_trigger() {
    expect(
        &with_events(
            r#"
[campaigns.onboarding]
steps = [{ send = "welcome" }]
"#,
        ),
        &[(
            "17:12",
            "campaign `onboarding` has no `trigger` (the event that starts it)",
        )],
    );
}

#[test]
fn campaign_with_unknown_trigger() {
    expect(
        &with_events(
            r#"
[campaigns.onboarding]
trigger = "sign_up"
"#,
        ),
        &[(
            "18:12",
            "unknown event `sign_up` as the trigger of campaign `onboarding`; did you mean `signed_up`?",
        )],
    );
}

#[test]
fn unknown_campaign_key() {
    expect(
        &with_events(
            r#"
[campaigns.onboarding]
trigger = "signed_up"
step = []
"#,
        ),
        &[(
            "19:1",
            "unknown key `step` in campaign `onboarding`; did you mean `steps`?",
        )],
    );
}

#[test]
fn steps_not_an_array() {
    expect(
        &with_events(
            r#"
[campaigns.onboarding]
trigger = "signed_up"
steps = { wait = "5m" }
"#,
        ),
        &[(
            "19:9",
            "`steps` of campaign `onboarding` must be an array, found a table",
        )],
    );
}

#[test]
fn step_not_a_table() {
    expect(
        &with_events(
            r#"
[campaigns.onboarding]
trigger = "signed_up"
steps = ["wait 5m"]
"#,
        ),
        &[(
            "19:10",
            "a step of campaign `onboarding` must be a table such as { wait = \"1d\" }, { send = \"welcome\" } or { if = \"...\" }, found a string",
        )],
    );
}

#[test]
fn unknown_step_key() {
    expect(
        &with_events(
            r#"
[campaigns.onboarding]
trigger = "signed_up"
steps = [{ wiat = "5m" }]
"#,
        ),
        &[
            (
                "19:10",
                "a step of campaign `onboarding` has none of `wait`, `send` or `if`; each step needs one",
            ),
            (
                "19:12",
                "unknown key `wiat` in a step of campaign `onboarding`; did you mean `wait`?",
            ),
        ],
    );
}

#[test]
fn step_doing_two_things() {
    expect(
        &with_events(
            r#"
[campaigns.onboarding]
trigger = "signed_up"
steps = [{ wait = "5m", send = "welcome" }]
"#,
        ),
        &[(
            "19:25",
            "a step of campaign `onboarding` has both `wait` and `send`; a step does one thing",
        )],
    );
}

#[test]
fn else_without_if() {
    expect(
        &with_events(
            r#"
[campaigns.onboarding]
trigger = "signed_up"
steps = [{ send = "welcome", else = [] }]
"#,
        ),
        &[("19:30", "`else` belongs to an `if` step, not a `send` step")],
    );
}

#[test]
fn duration_with_unknown_unit() {
    expect(
        &with_events(
            r#"
[campaigns.onboarding]
trigger = "signed_up"
steps = [{ wait = "5x" }]
"#,
        ),
        &[(
            "19:20",
            "invalid duration `5x` in campaign `onboarding`: the unit must be one of `s`, `m`, `h`, `d` or `w`",
        )],
    );
}

#[test]
fn empty_duration() {
    expect(
        &with_events(
            r#"
[campaigns.onboarding]
trigger = "signed_up"
steps = [{ wait = "" }]
"#,
        ),
        &[(
            "19:19",
            "invalid duration `` in campaign `onboarding`: it is empty; write a number and a unit, such as `5m`",
        )],
    );
}

#[test]
fn zero_duration() {
    expect(
        &with_events(
            r#"
[campaigns.onboarding]
trigger = "signed_up"
steps = [{ wait = "0m" }]
"#,
        ),
        &[(
            "19:20",
            "invalid duration `0m` in campaign `onboarding`: a wait must be longer than zero",
        )],
    );
}

#[test]
fn duration_overflow() {
    expect(
        &with_events(
            r#"
[campaigns.onboarding]
trigger = "signed_up"
steps = [{ wait = "99999999999999999999d" }]
"#,
        ),
        &[(
            "19:20",
            "invalid duration `99999999999999999999d` in campaign `onboarding`: the number is too large",
        )],
    );
}

#[test]
fn duration_without_unit() {
    expect(
        &with_events(
            r#"
[campaigns.onboarding]
trigger = "signed_up"
steps = [{ wait = "5" }]
"#,
        ),
        &[(
            "19:20",
            "invalid duration `5` in campaign `onboarding`: the unit is missing; add `s`, `m`, `h`, `d` or `w`",
        )],
    );
}

#[test]
fn send_of_unknown_message() {
    expect(
        &with_events(
            r#"
[campaigns.onboarding]
trigger = "signed_up"
steps = [{ wait = "5m" }, { send = "welcom" }]
"#,
        ),
        &[(
            "19:37",
            "unknown message `welcom` sent by campaign `onboarding`; did you mean `welcome`?",
        )],
    );
}

#[test]
fn send_of_unknown_message_in_a_branch() {
    expect(
        &with_events(
            r#"
[campaigns.onboarding]
trigger = "signed_up"
steps = [
  { if = "customer.email_verified", else = [{ send = "verify_reminder" }] },
]
"#,
        ),
        &[(
            "20:55",
            "unknown message `verify_reminder` sent by campaign `onboarding`",
        )],
    );
}

#[test]
fn condition_that_does_not_parse() {
    expect(
        &with_events(
            r#"
[campaigns.onboarding]
trigger = "signed_up"
steps = [{ if = "customer.plan ==" }]
"#,
        ),
        &[(
            "19:34",
            "cannot parse condition `customer.plan ==` in campaign `onboarding`: expected a value after `==`",
        )],
    );
}

#[test]
fn condition_on_unknown_object() {
    expect(
        &with_events(
            r#"
[campaigns.onboarding]
trigger = "signed_up"
steps = [{ if = "user.email_verified" }]
"#,
        ),
        &[(
            "19:18",
            "cannot parse condition `user.email_verified` in campaign `onboarding`: unknown object `user`; a condition reads `customer.NAME`, `event.NAME` or `performed EVENT`",
        )],
    );
}

#[test]
fn condition_single_equals() {
    expect(
        &with_events(
            r#"
[campaigns.onboarding]
trigger = "signed_up"
steps = [{ if = "customer.plan = 'pro'" }]
"#,
        ),
        &[(
            "19:32",
            "cannot parse condition `customer.plan = 'pro'` in campaign `onboarding`: write `==` to compare",
        )],
    );
}

#[test]
fn condition_number_too_large() {
    // 309 digits and more overflow an f64: the number would be infinite.
    let number = format!("1{}", "0".repeat(400));
    let condition = format!("event.seats > {number}");
    expect(
        &with_events(&format!(
            r#"
[campaigns.onboarding]
trigger = "signed_up"
steps = [{{ if = "{condition}" }}]
"#
        )),
        &[(
            "19:32",
            &format!(
                "cannot parse condition `{condition}` in campaign `onboarding`: number too large"
            ),
        )],
    );
}

#[test]
fn condition_naming_unknown_attribute() {
    expect(
        &with_events(
            r#"
[campaigns.onboarding]
trigger = "signed_up"
steps = [{ if = "customer.email_verifed" }]
"#,
        ),
        &[(
            "19:27",
            "unknown profile attribute `email_verifed` in a condition of campaign `onboarding`; did you mean `email_verified`?",
        )],
    );
}

#[test]
fn condition_naming_unknown_event_field() {
    expect(
        &with_events(
            r#"
[campaigns.onboarding]
trigger = "signed_up"
steps = [{ if = "event.methd == 'google'" }]
"#,
        ),
        &[(
            "19:24",
            "event `signed_up` has no data field `methd` (in a condition of campaign `onboarding`); did you mean `method`?",
        )],
    );
}

#[test]
fn condition_naming_unknown_event() {
    expect(
        &with_events(
            r#"
[campaigns.onboarding]
trigger = "signed_up"
steps = [{ if = "not performed first_project" }]
"#,
        ),
        &[(
            "19:32",
            "unknown event `first_project` in a condition of campaign `onboarding`; did you mean `first_project_created`?",
        )],
    );
}

#[test]
fn condition_naming_unknown_enum_value() {
    expect(
        &with_events(
            r#"
[campaigns.onboarding]
trigger = "signed_up"
steps = [{ if = "customer.plan == 'prof'" }]
"#,
        ),
        &[(
            "19:35",
            "`prof` is not a value of enum `plan`; did you mean `pro`?",
        )],
    );
}

#[test]
fn condition_comparing_different_types() {
    expect(
        &with_events(
            r#"
[campaigns.onboarding]
trigger = "signed_up"
steps = [{ if = "event.seats > 'many'" }]
"#,
        ),
        &[(
            "19:32",
            "`event.seats` is `int` and cannot be compared with a string; compare it with a number",
        )],
    );
}

#[test]
fn condition_ordering_a_string() {
    expect(
        &with_events(
            r#"
[campaigns.onboarding]
trigger = "signed_up"
steps = [{ if = "event.method < 'm' and customer.created_at > 0" }]
"#,
        ),
        &[(
            "19:33",
            "`event.method` is `string`; only numbers and timestamps can be ordered with `<`, `>`, `<=`, `>=`",
        )],
    );
}

#[test]
fn condition_comparing_a_list() {
    expect(
        &with_events(
            r#"
[events.tagged]
data = { tags = "[string]" }

[campaigns.tagging]
trigger = "tagged"
steps = [{ if = "event.tags == 'a'" }]
"#,
        ),
        &[(
            "22:32",
            "`event.tags` is `[string]`, which a condition cannot compare; test it alone for presence",
        )],
    );
}

#[test]
fn duration_without_number() {
    expect(
        &with_events(
            r#"
[campaigns.onboarding]
trigger = "signed_up"
steps = [{ wait = "m" }]
"#,
        ),
        &[(
            "19:20",
            "invalid duration `m` in campaign `onboarding`: it must start with a whole number, such as `5m`",
        )],
    );
}

#[test]
fn campaign_name_not_an_identifier() {
    expect(
        &with_events(
            r#"
[campaigns."on boarding!"]
trigger = "signed_up"
"#,
        ),
        &[(
            "17:12",
            "campaign `on boarding!` cannot become a Rust identifier: it contains `!`",
        )],
    );
}

#[test]
fn condition_reading_into_a_field_that_is_not_an_object() {
    expect(
        &with_events(
            r#"
[events.feature_used]
data = { feature = "string", metadata = "object?" }

[campaigns.power_users]
trigger = "feature_used"
steps = [{ if = "event.metadata.plan == 'pro' or event.feature.name" }]
"#,
        ),
        &[(
            "22:56",
            "`event.feature` is `string`, not an `object`, so `event.feature.name` cannot be read (in a condition of campaign `power_users`)",
        )],
    );
}

// ── Messages ─────────────────────────────────────────────────────────────────────

#[test]
fn message_without_body_or_file() {
    expect(
        r#"
[messages.welcome]
subject = "Hi"
"#,
        &[(
            "1:11",
            "message `welcome` has neither `body` nor `file`; give it one",
        )],
    );
}

#[test]
fn message_with_body_and_file() {
    expect(
        r#"
[messages.welcome]
body = "Hi"
file = "templates/welcome.liquid"
"#,
        &[(
            "3:1",
            "message `welcome` has both `body` and `file`; keep one",
        )],
    );
}

#[test]
fn unknown_channel() {
    expect(
        r#"
[messages.welcome]
channel = "e-mail"
body = "Hi"
"#,
        &[(
            "2:12",
            "unknown channel `e-mail` for message `welcome`; did you mean `email`?",
        )],
    );
}

#[test]
fn subject_on_a_channel_without_one() {
    expect(
        r#"
[messages.welcome]
channel = "sms"
subject = "Hi"
body = "Welcome aboard"
"#,
        &[(
            "3:1",
            "message `welcome` is sent on channel `sms`, which has no subject; remove `subject`",
        )],
    );
}

#[test]
fn unknown_message_key() {
    expect(
        r#"
[messages.welcome]
subjet = "Hi"
body = "Welcome aboard"
"#,
        &[(
            "2:1",
            "unknown key `subjet` in message `welcome`; did you mean `subject`?",
        )],
    );
}

#[test]
fn invalid_allow_entry() {
    expect(
        r#"
[messages.welcome]
body = "Hi"
allow = ["event.items", "user.*"]
"#,
        &[(
            "3:26",
            "invalid `allow` entry `user.*` in message `welcome`: write `event.NAME`, `customer.NAME`, `event.*` or `customer.*`",
        )],
    );
}

#[test]
fn template_file_without_a_folder() {
    expect(
        r#"
[messages.win_back]
file = "templates/win_back.liquid"
"#,
        &[(
            "2:9",
            "message `win_back` names the template file `templates/win_back.liquid`, but no folder was given to read it from",
        )],
    );
}

#[test]
fn template_file_outside_the_folder() {
    expect(
        r#"
[messages.win_back]
file = "../secrets/win_back.liquid"
"#,
        &[(
            "2:9",
            "template path `../secrets/win_back.liquid` of message `win_back` must be relative to the folder of events.toml and stay inside it (no leading `/`, no `..`)",
        )],
    );
}

#[test]
fn template_file_missing() {
    let src = r#"
[messages.win_back]
file = "templates/missing.liquid"
"#;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert_eq!(
        errors_in(src, Some(dir)),
        [(
            "events.toml:2:9".to_string(),
            "cannot read template file `templates/missing.liquid` of message `win_back`: it does not exist".to_string(),
        )]
    );
}

#[test]
fn message_name_not_an_identifier() {
    expect(
        r#"
[messages."welcome!"]
body = "Hi"
"#,
        &[(
            "1:11",
            "message `welcome!` cannot become a Rust identifier: it contains `!`",
        )],
    );
}

#[test]
fn missing_events_toml() {
    let loaded = cio_schema::load(Path::new("/nonexistent/events.toml"), "events.toml");
    let diagnostics = loaded.result.unwrap_err();
    let only: Vec<_> = diagnostics.iter().collect();
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].position(), None);
    assert_eq!(
        only[0].message,
        "cannot read events.toml (/nonexistent/events.toml): No such file or directory (os error 2)"
    );
    assert!(loaded.files.is_empty());
}

// ── A broken declaration is reported once, not again where it is used ──────────

#[test]
fn references_to_broken_declarations_are_not_reported_again() {
    expect(
        r#"
[profile]
plan = "plann"

[events.signed_up]
data = { method = 3 }

[events.first_project_created]
doc = 1

[campaigns.onboarding]
trigger = "signed_up"
steps = [
  { if = "customer.plan == 'pro' and event.method and performed first_project_created" },
  { send = "welcome" },
]

[messages.welcome]
channel = "mail"
body = "Hi"
"#,
        &[
            (
                "2:9",
                "unknown type `plann` for profile attribute `plan`",
            ),
            (
                "5:19",
                "the type of field `method` of event `signed_up` must be a string such as \"string\" or a table { type = \"...\" }, found an integer",
            ),
            (
                "8:7",
                "`doc` of event `first_project_created` must be a string, found an integer",
            ),
            (
                "18:12",
                "unknown channel `mail` for message `welcome`; did you mean `email`?",
            ),
        ],
    );
}

// ── Every error of a file, in order ──────────────────────────────────────────────

#[test]
fn every_mistake_is_reported_in_source_order() {
    expect(
        r#"
[enums]
plan = ["free", "pro", "free"]
empty = []

[profile]
email = "emial"
mrr = { type = "float?", min = 10, max = 1 }

[events.signed_up]
data = { method = "[string", plan = "plan" }
dok = "oops"

[campaigns.onboarding]
trigger = "sign_up"
steps = [
  { wait = "5x" },
  { send = "welcom" },
  { if = "customer.plann == 'pro'" },
]

[messages.welcome]
channel = "sms"
subject = "Hi"
body = "Welcome"
"#,
        &[
            ("2:25", "duplicate value `free` in enum `plan`"),
            ("3:9", "enum `empty` has no values"),
            (
                "6:10",
                "unknown type `emial` for profile attribute `email`; did you mean `email`?",
            ),
            (
                "7:36",
                "`min` (10) is greater than `max` (1) for profile attribute `mrr`",
            ),
            (
                "10:20",
                "malformed type `[string` for field `method` of event `signed_up`: missing `]`",
            ),
            (
                "11:1",
                "unknown key `dok` in event `signed_up`; did you mean `doc`?",
            ),
            (
                "14:12",
                "unknown event `sign_up` as the trigger of campaign `onboarding`; did you mean `signed_up`?",
            ),
            (
                "16:13",
                "invalid duration `5x` in campaign `onboarding`: the unit must be one of `s`, `m`, `h`, `d` or `w`",
            ),
            (
                "17:13",
                "unknown message `welcom` sent by campaign `onboarding`; did you mean `welcome`?",
            ),
            (
                "18:20",
                "unknown profile attribute `plann` in a condition of campaign `onboarding`",
            ),
            (
                "23:1",
                "message `welcome` is sent on channel `sms`, which has no subject; remove `subject`",
            ),
        ],
    );
}
