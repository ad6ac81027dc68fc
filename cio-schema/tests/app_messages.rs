//! `[transactional]`, `[broadcasts]` and `[segments]`: the model read from a valid file,
//! and each rule with its exact message and `events.toml:LINE:COL`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cio_schema::{AppChannel, AppMessageId, AppMessageKind, FieldType};

const PROFILE: &str = r#"
[profile]
email = "email"
first_name = "string"
nickname = "string?"
"#;

/// Every error of `PROFILE` + `src` (whose first non-blank line is line 5), as (position, message).
fn errors(src: &str) -> Vec<(String, String)> {
    let full = format!("{}{}", PROFILE.trim_start(), src.trim_start());
    match cio_schema::parse_str(&full, "events.toml", None) {
        Ok(_) => panic!("expected errors, the taxonomy is valid:\n{full}"),
        Err(diagnostics) => diagnostics
            .iter()
            .map(|d| (d.position().unwrap_or_default(), d.message.clone()))
            .collect(),
    }
}

fn expect(src: &str, expected: &[(&str, &str)]) {
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(p, m)| (format!("events.toml:{p}"), m.to_string()))
        .collect();
    assert_eq!(errors(src), expected);
}

const VALID: &str = r#"
[transactional.password_reset]
id = "password_reset"
channel = "email"
doc = "Sent when a user asks to reset their password."
data = { reset_url = "url", expires_in_minutes = "int", device = "string?" }
subject = "Reset your password, {{ customer.first_name }}"
body = "Open {{ trigger.reset_url }} within {{ trigger.expires_in_minutes }} minutes{% if trigger.device %} on {{ trigger.device }}{% endif %}."

[transactional.login_code]
id = 12
channel = "sms"
data = { code = "string" }
body = "Your code: {{ trigger.code }}"

[broadcasts.product_update]
id = 42
data = { headline = "string", link = "url" }
subject = "{{ trigger.headline }}"
body = "Read more: {{ trigger.link }}"

[segments]
beta_testers = 7
churn_risk = { id = 9, doc = "People likely to cancel." }
"#;

#[test]
fn a_valid_file_reads_into_the_model() {
    let full = format!("{}{}", PROFILE.trim_start(), VALID);
    let taxonomy = cio_schema::parse_str(&full, "events.toml", None).unwrap();
    let reset = &taxonomy.transactional[0];
    assert_eq!(reset.name.as_str(), "password_reset");
    assert_eq!(reset.kind, AppMessageKind::Transactional);
    assert_eq!(reset.id, AppMessageId::Text("password_reset".into()));
    assert_eq!(reset.channel, AppChannel::Email);
    assert_eq!(reset.data.len(), 3);
    assert_eq!(reset.field("reset_url").unwrap().ty, FieldType::Url);
    assert!(reset.field("device").unwrap().optional);
    assert!(reset.subject.is_some() && reset.body.is_some());
    let code = &taxonomy.transactional[1];
    assert_eq!(
        (code.id.clone(), code.channel),
        (AppMessageId::Number(12), AppChannel::Sms)
    );
    let update = &taxonomy.broadcasts[0];
    assert_eq!(update.kind, AppMessageKind::Broadcast);
    assert_eq!(update.id, AppMessageId::Number(42));
    let segments: Vec<(&str, u64)> = taxonomy
        .segments
        .iter()
        .map(|s| (s.name.as_str(), s.id))
        .collect();
    assert_eq!(segments, [("beta_testers", 7), ("churn_risk", 9)]);
    assert_eq!(
        taxonomy.segments[1].doc.as_deref(),
        Some("People likely to cancel.")
    );
}

#[test]
fn trigger_reads_must_be_data_fields() {
    expect(
        r#"
[transactional.password_reset]
id = "password_reset"
data = { reset_url = "url" }
body = "Open {{ trigger.reset_ulr }}"
"#,
        &[(
            "8:17",
            "transactional message `password_reset` reads `trigger.reset_ulr`, which is not a field of its `data`; did you mean `trigger.reset_url`?",
        )],
    );
}

#[test]
fn optional_trigger_fields_need_a_default_or_a_guard() {
    expect(
        r#"
[broadcasts.product_update]
id = 42
data = { headline = "string?" }
subject = "{{ trigger.headline }}"
body = "{{ trigger.headline | default: 'News' }}{% if trigger.headline %}{{ trigger.headline }}{% endif %}"
"#,
        &[(
            "8:15",
            "broadcast `product_update` reads optional `trigger.headline` without a `default` filter or an `if` guard",
        )],
    );
}

#[test]
fn event_reads_say_to_use_trigger() {
    expect(
        r#"
[transactional.password_reset]
id = "password_reset"
data = { reset_url = "url" }
body = "Open {{ event.reset_url }}"
"#,
        &[(
            "8:17",
            "transactional message `password_reset` reads `event.reset_url`, but it is sent with its own data, not an event: read `trigger.reset_url`",
        )],
    );
}

#[test]
fn customer_reads_must_be_profile_attributes() {
    expect(
        r#"
[transactional.password_reset]
id = "password_reset"
subject = "Hi {{ customer.first_nam }}, {{ customer.nickname }}"
"#,
        &[
            (
                "7:18",
                "transactional message `password_reset` reads `customer.first_nam`, which is not a profile attribute; did you mean `customer.first_name`?",
            ),
            (
                "7:44",
                "transactional message `password_reset` reads optional `customer.nickname` without a `default` filter or an `if` guard",
            ),
        ],
    );
}

#[test]
fn no_data_and_bad_liquid() {
    expect(
        r#"
[broadcasts.news]
id = 3
body = "{{ trigger.x }}"

[broadcasts.broken]
id = 4
body = "{% if %}"
"#,
        &[
            ("7:12", "broadcast `news` reads `trigger.x`, but it declares no `data`"),
            (
                "11:9",
                "broadcast `broken`: the body is not valid Liquid: `{% if %}` is never closed: add `{% endif %}`",
            ),
        ],
    );
}

#[test]
fn ids_and_channels() {
    expect(
        r#"
[transactional.a]
channel = "email"

[transactional.b]
id = 0

[transactional.c]
id = ""

[transactional.d]
id = 1
channel = "slack"

[transactional.e]
id = 2
channel = "sms"
subject = "x"

[broadcasts.f]
id = "f"

[transactional.g]
id = 3
channel = "emial"
"#,
        &[
            ("5:16", "transactional message `a` has no `id`: give its id in Customer.io"),
            ("9:6", "`id` of transactional message `b` must be a positive integer"),
            ("12:6", "`id` of transactional message `c` is empty"),
            (
                "16:12",
                "transactional message `d` is sent on channel `slack`; transactional messages are sent by email, push, sms, in_app or inbox",
            ),
            (
                "21:1",
                "transactional message `e` is sent on channel `sms`, which has no subject; remove `subject`",
            ),
            (
                "24:6",
                "`id` of broadcast `f` must be the broadcast's id, a positive integer, found a string",
            ),
            (
                "28:12",
                "unknown channel `emial` for transactional message `g`; did you mean `email`?",
            ),
        ],
    );
}

#[test]
fn unknown_keys_and_sections() {
    expect(
        r#"
[transactional.a]
id = 1
dta = { x = "string" }

[transactionals.b]
id = 2
"#,
        &[
            (
                "7:1",
                "unknown key `dta` in transactional message `a`; did you mean `data`?",
            ),
            (
                "9:2",
                "unknown section `transactionals`; did you mean `transactional`?",
            ),
        ],
    );
}

#[test]
fn segments_rules() {
    expect(
        r#"
[segments]
a = 7
b = 7
c = "x"
d = { doc = "no id" }
e = 0
"#,
        &[
            (
                "7:5",
                "segment `b` has the id 7 of segment `a`; each segment is declared once",
            ),
            (
                "8:5",
                "segment `c` must be the segment's id (a positive integer) or `{ id = 7, doc = \"...\" }`, found a string",
            ),
            ("9:1", "segment `d` has no `id`"),
            ("10:5", "the id of segment `e` must be a positive integer"),
        ],
    );
}

#[test]
fn names_and_types_must_not_collide() {
    expect(
        r#"
[events.password_reset]

[transactional.password_reset]
id = 1

"#,
        &[
            (
                "7:16",
                "event `password_reset` and transactional message `password_reset` both become the Rust type `PasswordReset`",
            ),
        ],
    );
}

#[test]
fn pii_is_read_on_profile_event_and_message_fields() {
    let src = r#"
[profile]
email = { type = "email", pii = true }
plan = "string"

[events.cancelled]
data = { reason = { type = "string?", pii = true }, plan = { type = "string", pii = false } }

[transactional.receipt]
id = 1
channel = "email"
subject = "Receipt"
body = "{{ trigger.name }}"
data = { name = { type = "string", pii = true } }
"#;
    let taxonomy = cio_schema::parse_str(src, "events.toml", None).unwrap();
    let pii = |fields: &[cio_schema::Field]| -> Vec<(String, bool)> {
        fields
            .iter()
            .map(|f| (f.name.value.clone(), f.pii))
            .collect()
    };
    assert_eq!(
        pii(&taxonomy.profile),
        [("email".to_owned(), true), ("plan".to_owned(), false)]
    );
    let event = taxonomy.event("cancelled").unwrap();
    assert_eq!(
        pii(&event.data),
        [("reason".to_owned(), true), ("plan".to_owned(), false)]
    );
    assert_eq!(
        pii(&taxonomy.transactional[0].data),
        [("name".to_owned(), true)]
    );
}

#[test]
fn in_app_and_inbox_channels() {
    let src = r#"
[transactional.new_follower]
id = "new_follower"
channel = "in_app"
data = { follower = "string" }
body = "{{ trigger.follower }} follows you"

[transactional.weekly_digest]
id = 31
channel = "inbox"
body = "Your week"

[broadcasts.launch]
id = 5
channel = "inbox"
body = "We launched"
"#;
    let taxonomy = cio_schema::parse_str(src, "events.toml", None).unwrap();
    let channels: Vec<AppChannel> = taxonomy
        .transactional
        .iter()
        .chain(&taxonomy.broadcasts)
        .map(|m| m.channel)
        .collect();
    assert_eq!(
        channels,
        [AppChannel::InApp, AppChannel::Inbox, AppChannel::Inbox]
    );
    assert!(AppChannel::Inbox.is_transactional() && !AppChannel::Slack.is_transactional());
    assert_eq!(AppChannel::InApp.as_str(), "in_app");
}

#[test]
fn in_app_and_inbox_rules() {
    expect(
        r#"
[transactional.b]
id = 2
channel = "in_app"
subject = "s"
body = "x"

[transactional.d]
id = 4
channel = "inbx"
body = "x"

[messages.f]
channel = "inbox"
body = "x"
"#,
        &[
            (
                "8:1",
                "transactional message `b` is sent on channel `in_app`, which has no subject; remove `subject`",
            ),
            (
                "13:12",
                "unknown channel `inbx` for transactional message `d`; did you mean `inbox`?",
            ),
            (
                "17:12",
                "message `f` is sent on channel `inbox`, which only transactional messages and broadcasts declare here; campaign messages are sent by email, sms, push, in_app, webhook or slack",
            ),
        ],
    );
}

#[test]
fn topics_are_read() {
    let src = r#"
[topics]
product_updates = 1
newsletter = { id = 2, doc = "The monthly newsletter." }
"#;
    let taxonomy = cio_schema::parse_str(src, "events.toml", None).unwrap();
    let topics: Vec<(&str, u64, Option<&str>)> = taxonomy
        .topics
        .iter()
        .map(|t| (t.name.as_str(), t.id, t.doc.as_deref()))
        .collect();
    assert_eq!(
        topics,
        [
            ("product_updates", 1, None),
            ("newsletter", 2, Some("The monthly newsletter."))
        ]
    );
}

#[test]
fn topics_rules() {
    expect(
        r#"
[topics]
"2fa" = 1
a_b = 2
aB = 3
x = { id = 4, doc = "d", dok = "e" }
y = { doc = "no id" }
z = 2
w = "five"
v = -1

[events.topic]
"#,
        &[
            (
                "6:1",
                "topic `2fa` cannot become a Rust variant: it starts with a digit",
            ),
            (
                "8:1",
                "topics `a_b` and `aB` both become the Rust variant `Topic::AB`",
            ),
            (
                "9:26",
                "unknown key `dok` in topic `x`; did you mean `doc`?",
            ),
            ("10:1", "topic `y` has no `id`"),
            (
                "11:5",
                "topic `z` has the id 2 of topic `a_b`; each topic has its own id",
            ),
            (
                "12:5",
                "topic `w` must be the topic's id (a positive integer) or `{ id = 1, doc = \"...\" }`, found a string",
            ),
            ("13:5", "the id of topic `v` must be a positive integer"),
            (
                "15:9",
                "event `topic` becomes the Rust type `Topic`, which is reserved for the subscription topics",
            ),
        ],
    );
}
