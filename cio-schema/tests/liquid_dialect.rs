//! Customer.io's Liquid, pinned: the filters, tags and objects of its published tag
//! list for the latest Liquid (docs.customer.io/journeys/liquid-tag-list), how legacy
//! Liquid differs (docs.customer.io/journeys/liquid-upgrade), and what cio does with a
//! name that is not on the list. A change to the dialect must change this file.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cio_schema::liquid::{
    analyze, check_syntax, CUSTOMERIO_FILTERS, CUSTOMERIO_OBJECTS, CUSTOMERIO_TAGS,
    LEGACY_ONLY_FILTERS, STANDARD_FILTERS,
};

/// Every filter of the published list (latest Liquid), by the list's groups.
const PUBLISHED_FILTERS: [&str; 104] = [
    // string
    "append",
    "prepend",
    "capitalize",
    "upcase",
    "downcase",
    "titlecase",
    "truncate",
    "truncatewords",
    "replace",
    "replace_first",
    "replace_last",
    "remove",
    "remove_first",
    "remove_last",
    "split",
    "strip",
    "lstrip",
    "rstrip",
    "strip_html",
    "strip_newlines",
    "normalize_whitespace",
    "newline_to_br",
    "slice",
    "slugify",
    "pluralize",
    "number_of_words",
    "array_to_sentence_string",
    "contains",
    "escape",
    "escape_once",
    "xml_escape",
    "cgi_escape",
    "uri_escape",
    "url_encode",
    "url_decode",
    "base64",
    "base64_encode",
    "base64_decode",
    "base64_url_safe_encode",
    "base64_url_safe_decode",
    "hex_base64",
    "md5",
    "sha1",
    "sha256",
    "hmac_sha1",
    "hmac_sha256",
    // number
    "abs",
    "ceil",
    "floor",
    "round",
    "at_least",
    "at_most",
    "plus",
    "minus",
    "times",
    "divided_by",
    "modulo",
    "format_number",
    "currency",
    "rounded_currency",
    "random",
    // array
    "compact",
    "concat",
    "find",
    "find_exp",
    "first",
    "last",
    "group_by",
    "group_by_exp",
    "join",
    "json_array_uniq",
    "limit",
    "map",
    "pop",
    "push",
    "shift",
    "unshift",
    "reverse",
    "size",
    "sort",
    "sort_natural",
    "sum",
    "uniq",
    "where",
    "where_exp",
    "where_not",
    // utility
    "default",
    "from_json",
    "to_json",
    "json",
    // date
    "date",
    "date_to_long_string",
    "date_to_string",
    "date_to_rfc822",
    "date_to_xmlschema",
    "add_day",
    "add_month",
    "add_year",
    "subtract_day",
    "subtract_month",
    "subtract_year",
    // `remove` is listed under both strings and arrays; `random` is also a tag.
    "remove",
    "sum",
    "random",
];

const PUBLISHED_TAGS: [&str; 12] = [
    "cio_link",
    "cio_link_id",
    "view_in_browser_url",
    "unsubscribe",
    "unsubscribe_url",
    "manage_subscription_preferences_url",
    "tracking_consent_url",
    "subscription_topic_name",
    "generate_uuid",
    "random",
    "render_liquid",
    "countdown",
];

const PUBLISHED_OBJECTS: [&str; 11] = [
    "customer",
    "event",
    "trigger",
    "journey",
    "campaign",
    "message",
    "layout",
    "snippets",
    "content",
    "delivery_id",
    "event_timestamp",
];

fn sorted(names: impl IntoIterator<Item = &'static str>) -> Vec<&'static str> {
    let mut names: Vec<&str> = names.into_iter().collect();
    names.sort_unstable();
    names.dedup();
    names
}

#[test]
fn the_filters_are_exactly_the_published_ones() {
    let known = sorted(STANDARD_FILTERS.iter().chain(CUSTOMERIO_FILTERS).copied());
    assert_eq!(known, sorted(PUBLISHED_FILTERS));
    // Customer.io's own take any arguments (the standard ones keep the `liquid`
    // crate's argument checks).
    for filter in CUSTOMERIO_FILTERS {
        let src = format!("{{{{ customer.name | {filter} }}}} {{{{ 1 | {filter}: 'a', 2 }}}}");
        check_syntax(&src).unwrap_or_else(|e| panic!("{src}: {e}"));
    }
}

#[test]
fn the_tags_and_objects_are_exactly_the_published_ones() {
    assert_eq!(
        sorted(CUSTOMERIO_TAGS.iter().copied()),
        sorted(PUBLISHED_TAGS)
    );
    for tag in CUSTOMERIO_TAGS {
        let src = format!("{{% {tag} %}} {{% {tag} 'arg', key: 1 %}}");
        check_syntax(&src).unwrap_or_else(|e| panic!("{src}: {e}"));
    }
    assert_eq!(
        sorted(CUSTOMERIO_OBJECTS.iter().copied()),
        sorted(PUBLISHED_OBJECTS)
    );
}

#[test]
fn customerio_objects_other_than_the_taxonomys_pass_unchecked() {
    let src = "{{ campaign.name }} {{ journey.step }} {{ message.subject }} {{ layout.id }} \
               {{ snippets.footer }} {{ snippets['x'] }} {{ content }} {{ delivery_id }} \
               {{ event_timestamp | date: '%F' }} {{ event.plan }}";
    let analysis = analyze(src).unwrap();
    let reads: Vec<String> = analysis.uses.iter().map(|u| u.dotted()).collect();
    assert_eq!(
        reads,
        ["event.plan"],
        "only the taxonomy's objects are data reads"
    );
}

fn syntax_error(src: &str) -> String {
    check_syntax(src).unwrap_err().message
}

#[test]
fn an_unknown_filter_names_the_nearest_real_one() {
    // Customer.io has no `format_date`: it is unknown, and never suggested.
    let message = syntax_error("{{ customer.created_at | format_date: '%B' }}");
    assert!(
        message.starts_with("unknown filter `format_date`"),
        "{message}"
    );
    let message = syntax_error("{{ event.price | format_money }}");
    assert_eq!(
        message,
        "unknown filter `format_money`; did you mean `format_number`?"
    );
    assert_eq!(
        syntax_error("{{ event.d | add_days: 2 }}"),
        "unknown filter `add_days`; did you mean `add_day`?"
    );
    assert_eq!(
        syntax_error("{{ x | titlecaes }}"),
        "unknown filter `titlecaes`; did you mean `titlecase`?"
    );
}

#[test]
fn legacy_only_filters_name_their_replacement() {
    assert_eq!(
        sorted(LEGACY_ONLY_FILTERS.iter().map(|(name, _)| *name)),
        ["htmlencode", "timezone"]
    );
    let message = syntax_error("{{ customer.created_at | timezone: 'UTC' | date: '%H' }}");
    assert_eq!(
        message,
        "`timezone` is a filter of legacy Liquid only, which Customer.io's latest Liquid dropped: \
         give `date` the time zone as its second argument: `date: '%H:%M', 'America/New_York'`"
    );
    assert!(syntax_error("{{ x | htmlencode }}").ends_with("use `escape`"));
    // The latest form of both.
    check_syntax("{{ customer.created_at | date: '%H:%M', 'America/New_York' | escape }}").unwrap();
}
