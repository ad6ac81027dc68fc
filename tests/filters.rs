//! Every filter the checker (cio-schema's Liquid dialect) accepts renders: the test
//! walks cio-schema's own lists, so a filter added there without a renderer (or an
//! example here) fails it instead of leaving a blank in a delivered message.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cio_core::journey::{parse, FILTERS};
use cio_schema::liquid::{check_syntax, CUSTOMERIO_FILTERS, STANDARD_FILTERS};

/// One template per filter and what it renders, over [`globals`].
const EXAMPLES: &[(&str, &str, &str)] = &[
    // The standard library.
    ("abs", "{{ -3 | abs }}", "3"),
    ("append", "{{ 'a' | append: 'b' }}", "ab"),
    ("at_least", "{{ 3 | at_least: 5 }}", "5"),
    ("at_most", "{{ 3 | at_most: 1 }}", "1"),
    ("capitalize", "{{ 'jane' | capitalize }}", "Jane"),
    ("ceil", "{{ 1.2 | ceil }}", "2"),
    ("compact", "{{ holes | compact | join: ',' }}", "a,b"),
    ("concat", "{{ list | concat: list | size }}", "6"),
    (
        "date",
        "{{ t | date: '%F %H:%M', 'America/New_York' }}",
        "2023-11-14 17:13",
    ),
    (
        "default",
        "{{ no | default: 'x', allow_false: true }} {{ '' | default: 'x' }}",
        "false x",
    ),
    ("divided_by", "{{ 7 | divided_by: 2 }}", "3"),
    ("downcase", "{{ 'AB' | downcase }}", "ab"),
    ("escape", "{{ '<b>' | escape }}", "&lt;b&gt;"),
    ("escape_once", "{{ '&lt;b>' | escape_once }}", "&lt;b&gt;"),
    ("first", "{{ list | first }}", "c"),
    ("floor", "{{ 1.8 | floor }}", "1"),
    ("join", "{{ list | join: '-' }}", "c-a-b"),
    ("last", "{{ list | last }}", "b"),
    ("lstrip", "[{{ '  a ' | lstrip }}]", "[a ]"),
    ("map", "{{ people | map: 'name' | join: ',' }}", "Ann,Bo"),
    ("minus", "{{ 5 | minus: 2 }}", "3"),
    ("modulo", "{{ 5 | modulo: 2 }}", "1"),
    ("newline_to_br", "{{ nl | newline_to_br }}", "a<br />\nb"),
    ("plus", "{{ 5 | plus: 2 }}", "7"),
    ("prepend", "{{ 'b' | prepend: 'a' }}", "ab"),
    ("remove", "{{ 'a-b-c' | remove: '-' }}", "abc"),
    ("remove_first", "{{ 'a-b-c' | remove_first: '-' }}", "ab-c"),
    ("replace", "{{ 'a-b' | replace: '-', '+' }}", "a+b"),
    (
        "replace_first",
        "{{ 'a-b-c' | replace_first: '-', '+' }}",
        "a+b-c",
    ),
    ("reverse", "{{ list | reverse | join }}", "b a c"),
    ("round", "{{ 2.567 | round: 2 }}", "2.57"),
    ("rstrip", "[{{ ' a  ' | rstrip }}]", "[ a]"),
    ("size", "{{ list | size }}", "3"),
    ("slice", "{{ 'hello' | slice: 1, 3 }}", "ell"),
    ("sort", "{{ list | sort | join }}", "a b c"),
    ("sort_natural", "{{ mixed | sort_natural | join }}", "a B c"),
    ("split", "{{ 'a,b' | split: ',' | last }}", "b"),
    ("strip", "[{{ ' a ' | strip }}]", "[a]"),
    ("strip_html", "{{ '<p>hi</p>' | strip_html }}", "hi"),
    ("strip_newlines", "{{ nl | strip_newlines }}", "ab"),
    ("times", "{{ 3 | times: 4 }}", "12"),
    ("truncate", "{{ 'abcdefgh' | truncate: 5 }}", "ab..."),
    (
        "truncatewords",
        "{{ 'one two three' | truncatewords: 2 }}",
        "one two...",
    ),
    ("uniq", "{{ twice | uniq | join }}", "a b"),
    ("upcase", "{{ 'ab' | upcase }}", "AB"),
    ("url_decode", "{{ 'a%20b' | url_decode }}", "a b"),
    ("url_encode", "{{ 'a b&c' | url_encode }}", "a%20b%26c"),
    (
        "where",
        "{{ people | where: 'plan', 'pro' | map: 'name' | join }}",
        "Ann",
    ),
    // Customer.io's strings.
    (
        "array_to_sentence_string",
        "{{ list | array_to_sentence_string }}",
        "c, a, and b",
    ),
    ("cgi_escape", "{{ 'a b' | cgi_escape }}", "a+b"),
    ("contains", "{{ 'abc' | contains: 'b' }}", "true"),
    (
        "normalize_whitespace",
        "{{ nl | normalize_whitespace }}",
        "a b",
    ),
    ("number_of_words", "{{ 'a b c' | number_of_words }}", "3"),
    ("pluralize", "{{ 2 | pluralize: 'item' }}", "2 items"),
    ("remove_last", "{{ 'a-b-c' | remove_last: '-' }}", "a-bc"),
    (
        "replace_last",
        "{{ 'a-b-c' | replace_last: '-', '+' }}",
        "a-b+c",
    ),
    ("slugify", "{{ 'Hi There!' | slugify }}", "hi-there"),
    ("titlecase", "{{ 'hi there' | titlecase }}", "Hi There"),
    ("uri_escape", "{{ 'a b/c' | uri_escape }}", "a%20b/c"),
    ("xml_escape", "{{ '<a>' | xml_escape }}", "&lt;a&gt;"),
    // Encoding and hashing.
    ("base64", "{{ 'hi' | base64 }}", "aGk="),
    ("base64_decode", "{{ 'aGk=' | base64_decode }}", "hi"),
    ("base64_encode", "{{ 'hi' | base64_encode }}", "aGk="),
    (
        "base64_url_safe_decode",
        "{{ 'Pz8-' | base64_url_safe_decode }}",
        "??>",
    ),
    (
        "base64_url_safe_encode",
        "{{ '??>' | base64_url_safe_encode }}",
        "Pz8-",
    ),
    ("hex_base64", "{{ 'ff00' | hex_base64 }}", "/wA="),
    (
        "hmac_sha1",
        "{{ 'what do ya want for nothing?' | hmac_sha1: 'Jefe' }}",
        "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
    ),
    (
        "hmac_sha256",
        "{{ 'what do ya want for nothing?' | hmac_sha256: 'Jefe' }}",
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    ),
    ("md5", "{{ '' | md5 }}", "d41d8cd98f00b204e9800998ecf8427e"),
    (
        "sha1",
        "{{ '' | sha1 }}",
        "da39a3ee5e6b4b0d3255bfef95601890afd80709",
    ),
    (
        "sha256",
        "{{ '' | sha256 }}",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ),
    // Numbers and money.
    ("currency", "{{ 1234.5 | currency }}", "$1,234.50"),
    (
        "format_number",
        "{{ 1234567 | format_number }}",
        "1,234,567",
    ),
    ("random", "{{ 1 | random }}", "0"),
    (
        "rounded_currency",
        "{{ 9.99 | rounded_currency: 'EUR' }}",
        "€10",
    ),
    // Arrays.
    (
        "find",
        "{% assign p = people | find: 'plan', 'free' %}{{ p.name }}",
        "Bo",
    ),
    (
        "find_exp",
        "{% assign p = people | find_exp: 'p', \"p.name == 'Bo'\" %}{{ p.plan }}",
        "free",
    ),
    (
        "group_by",
        "{% assign g = people | group_by: 'plan' %}{{ g | map: 'name' | join }}",
        "pro free",
    ),
    (
        "group_by_exp",
        "{% assign g = people | group_by_exp: 'p', 'p.plan | size' %}{{ g | map: 'name' | join }}",
        "3 4",
    ),
    (
        "json_array_uniq",
        "{{ twice | json_array_uniq | json }}",
        "[\"a\",\"b\"]",
    ),
    ("limit", "{{ list | limit: 2 | join }}", "c a"),
    ("pop", "{{ list | pop | join }}", "c a"),
    ("push", "{{ list | push: 'd' | join }}", "c a b d"),
    ("shift", "{{ list | shift | join }}", "a b"),
    ("sum", "{{ people | sum: 'mrr' }}", "12"),
    ("unshift", "{{ list | unshift: 'z' | join }}", "z c a b"),
    (
        "where_exp",
        "{{ people | where_exp: 'p', 'p.mrr > 5' | map: 'name' | join }}",
        "Ann",
    ),
    (
        "where_not",
        "{{ people | where_not: 'plan', 'pro' | map: 'name' | join }}",
        "Bo",
    ),
    // JSON.
    (
        "from_json",
        "{% assign o = '{\"a\":[1,2]}' | from_json %}{{ o.a | last }}",
        "2",
    ),
    (
        "json",
        "{{ people | first | json }}",
        "{\"mrr\":10,\"name\":\"Ann\",\"plan\":\"pro\"}",
    ),
    ("to_json", "{{ list | to_json }}", "[\"c\",\"a\",\"b\"]"),
    // Dates (Unix seconds).
    ("add_day", "{{ t | add_day: 1 | date: '%F' }}", "2023-11-15"),
    (
        "add_month",
        "{{ t | add_month: 3 | date: '%F' }}",
        "2024-02-14",
    ),
    (
        "add_year",
        "{{ t | add_year: 2 | date: '%F' }}",
        "2025-11-14",
    ),
    (
        "date_to_long_string",
        "{{ t | date_to_long_string }}",
        "14 November 2023",
    ),
    (
        "date_to_rfc822",
        "{{ t | date_to_rfc822 }}",
        "Tue, 14 Nov 2023 22:13:20 +0000",
    ),
    ("date_to_string", "{{ t | date_to_string }}", "14 Nov 2023"),
    (
        "date_to_xmlschema",
        "{{ t | date_to_xmlschema }}",
        "2023-11-14T22:13:20+00:00",
    ),
    (
        "subtract_day",
        "{{ t | subtract_day: 14 | date: '%F' }}",
        "2023-10-31",
    ),
    (
        "subtract_month",
        "{{ t | subtract_month: 12 | date: '%F' }}",
        "2022-11-14",
    ),
    (
        "subtract_year",
        "{{ t | subtract_year: 1 | date: '%F' }}",
        "2022-11-14",
    ),
];

fn globals() -> liquid::Object {
    liquid::object!({
        "t": 1_700_000_000_i64,
        "no": false,
        "list": ["c", "a", "b"],
        "mixed": ["c", "a", "B"],
        "twice": ["a", "b", "a"],
        "holes": ["a", nil, "b"],
        "nl": "a\nb",
        "people": [
            { "name": "Ann", "plan": "pro", "mrr": 10 },
            { "name": "Bo", "plan": "free", "mrr": 2 },
        ],
    })
}

#[test]
fn every_filter_the_checker_accepts_renders() {
    let globals = globals();
    let mut failures = Vec::new();
    for &name in STANDARD_FILTERS.iter().chain(CUSTOMERIO_FILTERS) {
        let examples: Vec<_> = EXAMPLES.iter().filter(|(f, _, _)| *f == name).collect();
        if examples.is_empty() {
            failures.push(format!(
                "`{name}`: accepted by the checker, no rendering example"
            ));
        }
        for (_, source, expected) in examples {
            if let Err(e) = check_syntax(source) {
                failures.push(format!("`{name}`: the checker refuses `{source}`: {e}"));
                continue;
            }
            match parse(source).and_then(|t| t.render(&globals).map_err(|e| e.to_string())) {
                Ok(out) if out == *expected => {}
                Ok(out) => failures.push(format!(
                    "`{name}`: `{source}` renders `{out}`, expected `{expected}`"
                )),
                Err(e) => failures.push(format!("`{name}`: `{source}` does not render: {e}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_renderer_adds_only_filters_the_checker_accepts() {
    for name in FILTERS {
        assert!(
            STANDARD_FILTERS.contains(name) || CUSTOMERIO_FILTERS.contains(name),
            "the renderer has `{name}`, the checker refuses it"
        );
    }
    for (name, _, _) in EXAMPLES {
        assert!(
            STANDARD_FILTERS.contains(name) || CUSTOMERIO_FILTERS.contains(name),
            "example of `{name}`, which the checker refuses"
        );
    }
}
