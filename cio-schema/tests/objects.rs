//! `[objects]` and the campaigns a relationship triggers (with their Liquid): the
//! model read from a valid file, and each rule with its exact message and
//! `events.toml:LINE:COL`. (`[topics]` and the `in_app`/`inbox` channels are in
//! `app_messages.rs`.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cio_schema::{AppChannel, FieldType, TriggerKind};

/// The example of issue 24.
const VALID: &str = r#"
[enums]
tier = ["free", "growth", "enterprise"]

[profile]
email = "email"

[objects.company]
type_id = 1
doc = "A customer's company account."
attributes = { name = "string", tier = "tier", seats = { type = "int", min = 1 }, domain = "string?" }
relationship = { role = "string?", invited_by = "string?" }

[campaigns.team_welcome]
trigger = { relationship_added = "company" }
steps = [{ send = "team_welcome" }]

[messages.team_welcome]
subject = "Welcome to {{ trigger.company.name }}"
body = "You joined as {{ trigger.relationship.role | default: 'member' }}."

[topics]
product_updates = 1
newsletter = 2

[transactional.new_follower]
id = "new_follower"
channel = "in_app"
data = { follower = "string" }
body = "{{ trigger.follower }} follows you"
"#;

fn parse(src: &str) -> cio_schema::Taxonomy {
    match cio_schema::parse_str(src.trim_start(), "events.toml", None) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    }
}

/// Every error of `src` (its first line is line 1), as (position, message).
fn errors(src: &str) -> Vec<(String, String)> {
    let src = src.strip_prefix('\n').unwrap_or(src);
    match cio_schema::parse_str(src, "events.toml", None) {
        Ok(_) => panic!("expected errors, the taxonomy is valid:\n{src}"),
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

#[test]
fn the_issue_example_is_read() {
    let t = parse(VALID);
    let company = t.object("company").unwrap();
    assert_eq!(company.type_id, 1);
    assert_eq!(
        company.doc.as_deref(),
        Some("A customer's company account.")
    );
    let names: Vec<&str> = company.attributes.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["name", "tier", "seats", "domain"]);
    assert_eq!(
        company.attribute("tier").unwrap().ty,
        FieldType::Enum("tier".into())
    );
    assert_eq!(company.attribute("seats").unwrap().min, Some(1.0));
    assert!(company.attribute("domain").unwrap().optional);
    let rel: Vec<&str> = company
        .relationship
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(rel, ["role", "invited_by"]);
    assert!(company.relationship_attribute("role").unwrap().optional);

    let campaign = &t.campaigns[0];
    assert_eq!(campaign.trigger_kind, TriggerKind::RelationshipAdded);
    assert_eq!(campaign.relationship_object(), Some("company"));
    assert_eq!(campaign.trigger_event(), None);
    assert_eq!(t.campaigns_related_to("company").count(), 1);
    assert_eq!(t.campaigns_triggered_by("company").count(), 0);

    let topics: Vec<(&str, u64)> = t.topics.iter().map(|t| (t.name.as_str(), t.id)).collect();
    assert_eq!(topics, [("product_updates", 1), ("newsletter", 2)]);

    assert_eq!(t.transactional[0].channel, AppChannel::InApp);
}

#[test]
fn type_ids() {
    expect(
        r#"
[objects.company]
attributes = { name = "string" }

[objects.team]
type_id = "2"

[objects.account]
type_id = 0

[objects.org]
type_id = 3
typeid = 4

[objects.group]
type_id = 3
"#,
        &[
            (
                "1:10",
                "object type `company` has no `type_id`: give its object_type_id in Customer.io",
            ),
            (
                "5:11",
                "`type_id` of object type `team` must be its object_type_id in Customer.io, a positive integer, found a string",
            ),
            (
                "8:11",
                "`type_id` of object type `account` must be a positive integer",
            ),
            (
                "12:1",
                "unknown key `typeid` in object type `org`; did you mean `type_id`?",
            ),
            (
                "15:11",
                "object type `group` has the type_id 3 of object type `org`; each object type has its own type_id",
            ),
        ],
    );
}

#[test]
fn attributes_follow_the_field_rules() {
    expect(
        r#"
[objects.company]
type_id = 1
attributes = { name = "strng", seats = { type = "int", min = 1.5 } }
relationship = { role = "string", roleName = "string", since = { type = "timestamp", max_length = 3 } }
doc = 7
"#,
        &[
            (
                "3:24",
                "unknown type `strng` for attribute `name` of object type `company`; did you mean `string`?",
            ),
            (
                "3:62",
                "`min` of attribute `seats` of object type `company` must be a whole number, as the field is `int`",
            ),
            (
                "4:86",
                "`max_length` applies only to `string`, `email` and `url`, but relationship attribute `since` of object type `company` is `timestamp`",
            ),
            ("5:7", "`doc` of object type `company` must be a string, found an integer"),
        ],
    );
    expect(
        r#"
[objects.company]
type_id = 1
relationship = { role_name = "string", roleName = "string" }
"#,
        &[(
            "3:40",
            "relationship attribute `role_name` of object type `company` and relationship attribute `roleName` of object type `company` both become the Rust field `role_name`",
        )],
    );
}

#[test]
fn names_and_rust_types() {
    expect(
        r#"
[objects.relationship]
type_id = 1

[objects.profile]
type_id = 2

[objects.signed_up]
type_id = 3
attributes = { plan = { enum = ["a", "b"] } }

[events.signed_up_relationship]

[events.signed_up_plan]

[objects."9lives"]
type_id = 4
"#,
        &[
            (
                "1:10",
                "an object type cannot be named `relationship`: Liquid reads the attributes of a relationship as `trigger.relationship.*`; choose another name",
            ),
            (
                "4:10",
                "object type `profile` becomes the Rust type `Profile`, which is reserved for the profile attributes",
            ),
            (
                "11:9",
                "the relationship of object type `signed_up` and event `signed_up_relationship` both become the Rust type `SignedUpRelationship`",
            ),
            (
                "13:9",
                "the inline enum of attribute `plan` of object type `signed_up` and event `signed_up_plan` both become the Rust type `SignedUpPlan`",
            ),
            (
                "15:10",
                "object type `9lives` cannot become a Rust identifier: it starts with a digit",
            ),
        ],
    );
    expect(
        r#"
[objects.company]
type_id = 1

[events.company]
"#,
        &[(
            "4:9",
            "object type `company` and event `company` both become the Rust type `Company`",
        )],
    );
}

#[test]
fn relationship_triggers() {
    expect(
        r#"
[objects.company]
type_id = 1

[events.signed_up]
data = { plan = "string" }

[campaigns.a]
trigger = { relationship_added = "compny" }

[campaigns.b]
trigger = { relationship_add = "company" }

[campaigns.c]
trigger = {}

[campaigns.d]
trigger = 3

[campaigns.e]
trigger = { relationship_added = "company" }
steps = [{ if = "event.plan == 'x'", then = [{ wait = "1d" }] }]

[campaigns.f]
trigger = "company"

[campaigns.g]
trigger = { relationship_added = 1 }
"#,
        &[
            (
                "8:35",
                "unknown object type `compny` as the trigger of campaign `a`; did you mean `company`?",
            ),
            (
                "11:13",
                "unknown key `relationship_add` in the trigger of campaign `b`; did you mean `relationship_added`?",
            ),
            (
                "14:11",
                "the trigger of campaign `c` names nothing: write `trigger = \"EVENT\"` or `trigger = { relationship_added = \"OBJECT_TYPE\" }`",
            ),
            (
                "17:11",
                "`trigger` of campaign `d` must be an event's name or `{ relationship_added = \"OBJECT_TYPE\" }`, found an integer",
            ),
            (
                "21:24",
                "`event.plan` in a condition of campaign `e`: a relationship to a `company` triggers it, not an event, so there is no `event` to read; test `customer.*` or `performed EVENT`",
            ),
            (
                "24:12",
                "unknown event `company` as the trigger of campaign `f`; `company` is an object type: a campaign that a relationship to one starts has `trigger = { relationship_added = \"company\" }`",
            ),
            (
                "27:34",
                "`relationship_added` of campaign `g` must be a string, found an integer",
            ),
        ],
    );
}

#[test]
fn an_object_type_with_an_error_is_not_unknown() {
    // Its own error is reported, not the trigger naming it.
    expect(
        r#"
[objects.company]
attributes = { name = "string" }

[campaigns.a]
trigger = { relationship_added = "company" }
"#,
        &[(
            "1:10",
            "object type `company` has no `type_id`: give its object_type_id in Customer.io",
        )],
    );
}

const LIQUID: &str = r#"
[profile]
email = "email"

[objects.company]
type_id = 1
attributes = { name = "string", domain = "string?", meta = "object" }
relationship = { role = "string?", since = "timestamp" }

[objects.team]
type_id = 2

[events.signed_up]
data = { plan = "string" }

[campaigns.team_welcome]
trigger = { relationship_added = "company" }
steps = [{ send = "m" }, { send = "shared" }]

[campaigns.team_joined]
trigger = { relationship_added = "team" }
steps = [{ send = "empty" }]

[campaigns.onboarding]
trigger = "signed_up"
steps = [{ send = "shared" }]

[messages.shared]
body = "{{ event.plan }}"

[messages.empty]
body = "{{ trigger.team.name }}{{ trigger.relationship.role }}"

"#;

/// The errors of `LIQUID` plus `[messages.m]` with `body`: (column, message) on
/// the body's line, which must hold them all.
fn liquid_errors(body: &str) -> Vec<(String, String)> {
    let src = format!("{LIQUID}[messages.m]\nbody = \"{body}\"\n");
    errors(&src)
}

#[test]
fn liquid_reads_trigger_object_and_relationship() {
    let errors = liquid_errors(
        "{{ trigger.company.nme }} {{ trigger.company.domain }} {{ event.plan }} {{ trigger.compny.name }} {{ trigger.relationship.rol }} {{ trigger.relationship.role }} {{ trigger.company.name.x }}",
    );
    let who =
        "message `m` (campaign `team_welcome`, triggered when a person is related to a `company`)";
    let expected = [
        ("28:12", format!("{who} reads `event.plan`, but a relationship triggers the campaign, not an event: read `trigger.company.*` (the company's attributes) or `trigger.relationship.*` (the relationship's)").replace("message `m`", "message `shared`")),
        ("31:12", "message `empty` (campaign `team_joined`, triggered when a person is related to a `team`) reads `trigger.team.name`, but object type `team` declares no attributes".to_string()),
        ("31:35", "message `empty` (campaign `team_joined`, triggered when a person is related to a `team`) reads `trigger.relationship.role`, but object type `team` declares no relationship attributes".to_string()),
        ("34:12", format!("{who} reads `trigger.company.nme`, which is not an attribute of object type `company`; did you mean `trigger.company.name`?")),
        ("34:38", format!("{who} reads optional `trigger.company.domain` without a `default` filter or an `if` guard")),
        ("34:67", format!("{who} reads `event.plan`, but a relationship triggers the campaign, not an event: read `trigger.company.*` (the company's attributes) or `trigger.relationship.*` (the relationship's)")),
        ("34:84", format!("{who} reads `trigger.compny.name`, but its trigger carries `trigger.company` (the company's attributes) and `trigger.relationship` (the relationship's); did you mean `trigger.company`?")),
        ("34:110", format!("{who} reads `trigger.relationship.rol`, which is not a relationship attribute of object type `company`; did you mean `trigger.relationship.role`?")),
        ("34:141", format!("{who} reads optional `trigger.relationship.role` without a `default` filter or an `if` guard")),
        ("34:173", format!("{who} reads `trigger.company.name.x`, but `name` is a `string`, which has no `x`")),
    ];
    let expected: Vec<(String, String)> = expected
        .into_iter()
        .map(|(p, m)| (format!("events.toml:{p}"), m))
        .collect();
    assert_eq!(errors, expected);
}

#[test]
fn optional_attributes_are_guarded_by_their_own_test() {
    let guarded = [
        "{% if trigger.company.domain %}{{ trigger.company.domain }}{% endif %}",
        "{% if trigger.company.domain != blank %}{{ trigger.company.domain }}{% endif %}",
        "{% unless trigger.company.domain == blank %}{{ trigger.company.domain }}{% endunless %}",
        "{% if trigger.company.domain == nil %}none{% else %}{{ trigger.company.domain }}{% endif %}",
        "{{ trigger.company.domain | default: 'none' }}",
        "{% case trigger.company.domain %}{% when 'a.com' %}{{ trigger.company.domain }}{% endcase %}",
        "{{ trigger.relationship.role | default: 'member' }}",
        "{% if trigger.relationship.role %}{{ trigger.relationship.role | upcase }}{% endif %}",
        "{{ trigger.company }} {{ trigger.company.meta.plan }} {{ trigger.relationship.since }}",
    ];
    for body in guarded {
        let errors = liquid_errors(body);
        let own: Vec<_> = errors
            .iter()
            .filter(|(p, _)| p.starts_with("events.toml:34:"))
            .collect();
        assert!(own.is_empty(), "{body}: {own:?}");
    }
    // A test of the object alone (always present) does not guard its attribute.
    let errors = liquid_errors("{% if trigger.company %}{{ trigger.company.domain }}{% endif %}");
    assert!(
        errors.iter().any(|(p, m)| p == "events.toml:34:36"
            && m.ends_with("reads optional `trigger.company.domain` without a `default` filter or an `if` guard")),
        "{errors:?}"
    );
    // Nor does a test of another attribute.
    let errors =
        liquid_errors("{% if trigger.company.name %}{{ trigger.company.domain }}{% endif %}");
    assert!(
        errors.iter().any(|(p, _)| p == "events.toml:34:41"),
        "{errors:?}"
    );
}

#[test]
fn a_message_sent_on_both_kinds_of_trigger_is_checked_against_each() {
    let src = r#"
[objects.company]
type_id = 1
attributes = { name = "string" }

[events.signed_up]
data = { plan = "string" }

[campaigns.team_welcome]
trigger = { relationship_added = "company" }
steps = [{ send = "hello" }]

[campaigns.onboarding]
trigger = "signed_up"
steps = [{ send = "hello" }]

[messages.hello]
body = "{{ trigger.company.name }}"
"#;
    expect(
        src,
        &[(
            "17:12",
            "message `hello` (campaign `onboarding`, triggered by `signed_up`) reads `trigger.company.name`, which `signed_up` does not carry",
        )],
    );
}

#[test]
fn relationship_campaigns_add_no_liquid_fields_to_events() {
    let src = r#"
[objects.signed_up]
type_id = 1
attributes = { plan = "string" }

[campaigns.a]
trigger = { relationship_added = "signed_up" }
steps = [{ send = "m" }]

[messages.m]
body = "{{ trigger.signed_up.plan }}"
"#;
    let t = parse(src);
    assert!(cio_schema::liquid::liquid_fields(&t).is_empty());
}
