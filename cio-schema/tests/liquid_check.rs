//! `check_taxonomy` through `parse_str`: each Liquid error class, its wording, its
//! location in `events.toml` (or in the template file), and `liquid_fields`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use cio_schema::liquid::liquid_fields;
use cio_schema::parse_str;

const BASE: &str = r#"
[profile]
email = "email"
first_name = "string"
last_name = "string?"
created_at = "timestamp"

[events.signed_up]
data = { method = "string", coupon = "string?", metadata = "object?", items = "[string]" }

[events.cancelled]
data = { reason = "string" }

[events.pinged]

[campaigns.onboarding]
trigger = "signed_up"
steps = [{ send = "welcome" }, { send = "shared" }]

[campaigns.churn]
trigger = "cancelled"
steps = [{ send = "shared" }, { send = "bye" }]
"#;

/// The errors of `BASE` + `extra`, each as `line:col: message`.
fn errors(extra: &str) -> Vec<String> {
    let src = format!("{BASE}{extra}");
    match parse_str(&src, "events.toml", None) {
        Ok(_) => Vec::new(),
        Err(diags) => diags
            .iter()
            .map(|d| {
                let loc = d.location.as_ref().expect("located");
                format!("{}:{}: {}", loc.line, loc.column, d.message)
            })
            .collect(),
    }
}

/// The 1-based line of `BASE` + `extra` where `extra` starts.
fn first_line() -> usize {
    BASE.lines().count() + 1
}

fn message(name: &str, body: &str) -> String {
    format!("[messages.{name}]\nbody = {body}\n")
}

/// `[messages.welcome]` written as `welcome` (TOML lines), then the `shared` and `bye`
/// messages the campaigns send, with plain bodies.
fn with_others(welcome: &str) -> String {
    format!(
        "{welcome}{}{}",
        message("shared", r#""x""#),
        message("bye", r#""x""#)
    )
}

/// The message `welcome` with this TOML string as its body, and the others.
fn welcome(body: &str) -> String {
    with_others(&message("welcome", body))
}

/// `ONBOARDING` + the rest of the text: the start of an error of the onboarding campaign.
const ONBOARDING: &str =
    "message `welcome` (campaign `onboarding`, triggered by `signed_up`) reads";

#[test]
fn clean_messages_pass() {
    let extra = message(
        "welcome",
        r#""Hi {{ customer.first_name }}, via {{ event.method }}.""#,
    ) + &message("shared", r#""{{ customer.email }}""#)
        + &message("bye", r#""Because {{ event.reason }}""#);
    assert_eq!(errors(&extra), Vec::<String>::new());
}

#[test]
fn unknown_event_field_names_campaign_trigger_and_suggestion() {
    let extra = welcome(r#""Thanks for {{ event.metod }}""#);
    let l = first_line() + 1;
    assert_eq!(
        errors(&extra),
        [format!(
            "{l}:23: {ONBOARDING} `event.metod`, which `signed_up` does not carry; did you mean `event.method`?"
        )]
    );
}

#[test]
fn unknown_profile_attribute_with_suggestion() {
    let extra = welcome(r#""Hi {{ customer.frist_name }}""#);
    let l = first_line() + 1;
    assert_eq!(
        errors(&extra),
        [format!(
            "{l}:15: message `welcome` reads `customer.frist_name`, which is not a profile \
             attribute; did you mean `customer.first_name`?"
        )]
    );
}

#[test]
fn optional_attribute_unguarded_is_an_error() {
    let extra = welcome(r#""Dear {{ customer.last_name }}""#);
    let l = first_line() + 1;
    assert_eq!(
        errors(&extra),
        [format!(
            "{l}:17: message `welcome` reads optional `customer.last_name` without a `default` \
             filter or an `if` guard"
        )]
    );
}

#[test]
fn optional_values_guarded_every_way_pass() {
    let body = r#""""
{{ customer.last_name | default: 'friend' }}
{% if customer.last_name %}{{ customer.last_name }}{% endif %}
{% if customer.last_name != blank %}{{ customer.last_name }}{% endif %}
{% unless customer.last_name == blank %}{{ customer.last_name }}{% endunless %}
{% if customer.last_name == blank %}friend{% else %}{{ customer.last_name }}{% endif %}
{% if event.coupon and event.metadata %}{{ event.coupon }} {{ event.metadata.plan }}{% endif %}
{% if customer.last_name or event.coupon %}test only{% endif %}
""""#;
    let extra = welcome(body);
    assert_eq!(errors(&extra), Vec::<String>::new());
}

#[test]
fn optional_event_field_unguarded_in_an_or_branch_is_an_error() {
    let body = r#""{% if event.coupon or customer.last_name %}{{ event.coupon }}{% endif %}""#;
    let extra = welcome(body);
    let l = first_line() + 1;
    assert_eq!(
        errors(&extra),
        [format!(
            "{l}:55: message `welcome` (campaign `onboarding`, triggered by `signed_up`) reads \
             optional `event.coupon` without a `default` filter or an `if` guard"
        )]
    );
}

#[test]
fn every_campaign_that_sends_a_message_is_checked() {
    // `shared` is sent by onboarding (signed_up) and churn (cancelled).
    let extra = message("welcome", r#""x""#)
        + &message("shared", r#""{{ event.method }} {{ event.reason }}""#)
        + &message("bye", r#""x""#);
    let l = first_line() + 3;
    assert_eq!(
        errors(&extra),
        [
            format!(
                "{l}:12: message `shared` (campaign `churn`, triggered by `cancelled`) reads \
                 `event.method`, which `cancelled` does not carry"
            ),
            format!(
                "{l}:31: message `shared` (campaign `onboarding`, triggered by `signed_up`) reads \
                 `event.reason`, which `signed_up` does not carry"
            ),
        ]
    );
}

#[test]
fn trigger_is_checked_like_event() {
    let extra = welcome(r#""{{ trigger.method }} {{ trigger.nope }}""#);
    let l = first_line() + 1;
    assert_eq!(
        errors(&extra),
        [format!(
            "{l}:33: {ONBOARDING} `trigger.nope`, which `signed_up` does not carry"
        )]
    );
}

#[test]
fn event_without_data_says_so() {
    let extra = "[campaigns.ping]\ntrigger = \"pinged\"\nsteps = [{ send = \"pong\" }]\n"
        .to_owned()
        + &welcome(r#""x""#)
        + &message("pong", r#""{{ event.id }}""#);
    let l = first_line() + 3 + 6 + 1;
    assert_eq!(
        errors(&extra),
        [format!(
            "{l}:12: message `pong` (campaign `ping`, triggered by `pinged`) reads `event.id`, \
             but `pinged` carries no data"
        )]
    );
}

#[test]
fn a_message_no_campaign_sends_may_read_the_profile_only() {
    let extra = welcome(r#""x""#)
        + &message(
            "orphan",
            r#""{{ customer.first_name }} {{ event.method }}""#,
        );
    let l = first_line() + 7;
    assert_eq!(
        errors(&extra),
        [format!(
            "{l}:38: message `orphan` reads `event.method` but no campaign sends it, so no event \
             provides it; send it from a campaign or add `allow = [\"event.method\"]` to the message"
        )]
    );
}

#[test]
fn deeper_paths() {
    let body = r#""{{ event.metadata.plan.tier | default: '' }} {{ event.items.size }} {{ event.items.first }} {{ event.items[0] }} {{ event.method.size }} {{ event.method.name }} {{ customer.created_at.year }}""#;
    let extra = welcome(body);
    let l = first_line() + 1;
    let errs = errors(&extra);
    assert_eq!(
        errs,
        [
            format!(
                "{l}:149: {ONBOARDING} `event.method.name`, but `method` is a `string`, which has no `name`"
            ),
            format!(
                "{l}:173: message `welcome` reads `customer.created_at.year`, but `created_at` is \
                 a `timestamp`, which has no `year`"
            ),
        ]
    );
}

#[test]
fn allow_list_exempts_matching_reads() {
    let extra = with_others("[messages.welcome]\nbody = \"{{ event.items.anything }} {{ event.custom }} {{ customer[k] }}\"\n\
                 allow = [\"event.items\", \"event.custom\", \"customer.*\"]\n");
    assert_eq!(errors(&extra), Vec::<String>::new());
}

#[test]
fn dynamic_reads_need_the_allow_list() {
    let extra = welcome(r#""{% assign k = 'plan' %}{{ customer[k] }}""#);
    let l = first_line() + 1;
    assert_eq!(
        errors(&extra),
        [format!(
            "{l}:35: message `welcome` reads `customer[…]` with a computed key, which cannot be \
             checked; add `allow = [\"customer.*\"]` to the message to accept it"
        )]
    );
}

#[test]
fn one_error_per_variable_and_template() {
    let extra = message(
        "welcome",
        r#""{{ event.nope }} {{ event.nope }} {{ customer.last_name }} {{ customer.last_name }}""#,
    ) + &message("shared", r#""x""#)
        + &message("bye", r#""x""#);
    assert_eq!(errors(&extra).len(), 2);
}

#[test]
fn syntax_error_in_an_inline_template_points_into_events_toml() {
    let extra = message("welcome", r#""Hi {{ customer.first_name | upcse }}""#)
        + &message("shared", r#""{% if customer.email %}x""#)
        + &message("bye", r#""x""#);
    let l = first_line();
    assert_eq!(
        errors(&extra),
        [
            format!(
                "{}:37: message `welcome`: the body is not valid Liquid: unknown filter `upcse`; \
                 did you mean `upcase`?",
                l + 1
            ),
            format!(
                "{}:9: message `shared`: the body is not valid Liquid: `{{% if %}}` is never \
                 closed: add `{{% endif %}}`",
                l + 3
            ),
        ]
    );
}

#[test]
fn positions_are_exact_after_escapes_and_in_multiline_strings() {
    let extra = with_others(
        "[messages.welcome]\nsubject = \"\\\"Hi\\\" \\u00e9\\t{{ event.metod }}\"\nbody = \"\"\"\n\
                 line one \\\n    {{ customer.frist }}\n\"\"\"\n",
    );
    let l = first_line();
    let errs = errors(&extra);
    assert_eq!(errs.len(), 2, "{errs:?}");
    // subject = "\"Hi\" \u00e9\t{{ event.metod }}": `event` is at column 30.
    assert!(errs[0].starts_with(&format!("{}:30: ", l + 1)), "{errs:?}");
    // the body's second content line, after the line-ending backslash
    assert!(errs[1].starts_with(&format!("{}:8: ", l + 4)), "{errs:?}");
}

#[test]
fn subject_is_checked_too() {
    let extra = with_others("[messages.welcome]\nsubject = \"{{ event.nope }}\"\nbody = \"x\"\n");
    let l = first_line() + 1;
    assert_eq!(
        errors(&extra),
        [format!(
            "{l}:15: {ONBOARDING} `event.nope`, which `signed_up` does not carry"
        )]
    );
}

#[test]
fn template_files_are_located_in_the_file() {
    let dir = std::env::temp_dir().join(format!("cio-liquid-check-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("templates/welcome.liquid"),
        "Hello,\n  {{ customer.last_name }}\n",
    )
    .unwrap();
    let src = format!(
        "{BASE}[messages.welcome]\nfile = \"templates/welcome.liquid\"\n{}{}",
        message("shared", r#""x""#),
        message("bye", r#""x""#)
    );
    let err = parse_str(&src, "events.toml", Some(&dir)).unwrap_err();
    let d = &err.0[0];
    assert_eq!(err.len(), 1);
    assert_eq!(
        d.position().as_deref(),
        Some("templates/welcome.liquid:2:6")
    );
    assert_eq!(d.width, "customer.last_name".len());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn liquid_fields_lists_unguarded_event_reads_per_trigger() {
    let extra = message(
        "welcome",
        r#""{{ event.method }} {{ event.coupon | default: '' }} {% if event.metadata %}{{ event.metadata }}{% endif %} {{ trigger.items }} {{ customer.email }}""#,
    ) + &message("shared", r#""{{ customer.email }}""#)
        + &message("bye", r#""{{ event.reason }}""#);
    let src = format!("{BASE}{extra}");
    let taxonomy = parse_str(&src, "events.toml", None).unwrap();
    let fields = liquid_fields(&taxonomy);
    let set = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(fields.len(), 3);
    assert_eq!(fields["signed_up"], set(&["items", "method"]));
    assert_eq!(fields["cancelled"], set(&["reason"]));
    assert_eq!(fields["pinged"], set(&[]));
}
