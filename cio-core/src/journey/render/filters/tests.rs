//! The Customer.io filters, rendered.

fn render(source: &str) -> String {
    let template = crate::journey::render::parse(source).unwrap_or_else(|e| panic!("{e}"));
    let globals = liquid::object!({
        "t": 1_700_000_000_i64, "n": 3, "one": 1, "x": 1234567.891, "list": ["a", 2],
        "no": false, "html": "<a href=\"x\">'</a>",
        "people": [{ "name": "Ann", "plan": "pro", "mrr": 10 }, { "name": "Bo", "plan": "free", "mrr": 0 }, { "name": "Cy", "plan": "pro", "mrr": 2.5 }],
    });
    template
        .render(&globals)
        .unwrap_or_else(|e| panic!("{source}: {e}"))
}

#[test]
#[allow(clippy::panic)]
fn customerio_filters_render() {
    assert_eq!(render("{{ t }}"), "1700000000");
    assert_eq!(
        render("{{ t | date: '%Y-%m-%d %H:%M' }}"),
        "2023-11-14 22:13"
    );
    assert_eq!(render("{{ t | date: '%Y-%m-%d', 'UTC' }}"), "2023-11-14");
    assert_eq!(render("{{ t | add_day: 2 | date: '%d' }}"), "16");
    assert_eq!(render("{{ t | subtract_day: 1 }}"), "1699913600");
    assert_eq!(render("{{ list | json }}"), "[\"a\",2]");
    assert_eq!(
        render("{{ n | pluralize: 'item' }} {{ one | pluralize: 'box', 'boxes' }}"),
        "3 items 1 box"
    );
    assert_eq!(
        render("{{ x | format_number }} {{ 1234 | format_number }}"),
        "1,234,567.89 1,234"
    );
    assert_eq!(
        render("{{ 12.5 | currency }} {{ x | currency: 'EUR' }} {{ 12.5 | rounded_currency }}"),
        "$12.50 €1,234,567.89 $13"
    );
}

#[test]
fn date_takes_a_named_time_zone() {
    // 2023-11-14 22:13:20 UTC is 17:13 in New York (EST, -5) and 07:13 next day in Tokyo.
    assert_eq!(
        render("{{ t | date: '%F %H:%M %Z', 'America/New_York' }}"),
        "2023-11-14 17:13 EST"
    );
    assert_eq!(
        render("{{ t | date: '%F %H:%M', 'Asia/Tokyo' }}"),
        "2023-11-15 07:13"
    );
    // Daylight saving time: July in New York is EDT, -4.
    assert_eq!(
        render("{{ 1720000000 | date: '%H:%M %z', 'America/New_York' }}"),
        "05:46 -0400"
    );
    let unknown = crate::journey::render::parse("{{ t | date: '%H', 'Mars/Olympus' }}")
        .unwrap_or_else(|e| panic!("{e}"));
    let error = unknown
        .render(&liquid::object!({ "t": 0 }))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        error.contains("unknown time zone `Mars/Olympus`"),
        "{error}"
    );
}

#[test]
fn default_with_allow_false_keeps_false() {
    assert_eq!(render("{{ no | default: 'x' }}"), "x");
    assert_eq!(
        render("{{ no | default: 'x', allow_false: true }}"),
        "false"
    );
    assert_eq!(render("{{ '' | default: 'x', allow_false: true }}"), "x");
    assert_eq!(render("{{ n | default: 'x' }}"), "3");
}

#[test]
fn month_and_year_arithmetic_follows_the_calendar() {
    // 2024-01-31 00:00 UTC plus a month is the last day of February.
    assert_eq!(
        render("{{ 1706659200 | add_month: 1 | date: '%F' }}"),
        "2024-02-29"
    );
    assert_eq!(
        render("{{ 1706659200 | subtract_month: 2 | date: '%F' }}"),
        "2023-11-30"
    );
    assert_eq!(render("{{ t | add_year: 1 | date: '%F' }}"), "2024-11-14");
    assert_eq!(render("{{ t | subtract_year | date: '%F' }}"), "2022-11-14");
    assert_eq!(render("{{ t | date_to_string }}"), "14 Nov 2023");
    assert_eq!(render("{{ t | date_to_long_string }}"), "14 November 2023");
    assert_eq!(
        render("{{ t | date_to_rfc822 }}"),
        "Tue, 14 Nov 2023 22:13:20 +0000"
    );
    assert_eq!(
        render("{{ t | date_to_xmlschema }}"),
        "2023-11-14T22:13:20+00:00"
    );
}

#[test]
fn hashing_and_base64_match_the_reference_digests() {
    assert_eq!(
        render("{{ 'abc' | md5 }}"),
        "900150983cd24fb0d6963f7d28e17f72"
    );
    assert_eq!(
        render("{{ 'abc' | sha1 }}"),
        "a9993e364706816aba3e25717850c26c9cd0d89d"
    );
    assert_eq!(
        render("{{ 'abc' | sha256 }}"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    // RFC 4231 test case 2 and its SHA-1 counterpart (RFC 2202).
    assert_eq!(
        render("{{ 'what do ya want for nothing?' | hmac_sha256: 'Jefe' }}"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    assert_eq!(
        render("{{ 'what do ya want for nothing?' | hmac_sha1: 'Jefe' }}"),
        "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
    );
    assert_eq!(
        render("{{ 'hi?>' | base64_encode }} {{ 'aGk/Pg==' | base64_decode }}"),
        "aGk/Pg== hi?>"
    );
    assert_eq!(
        render("{{ 'hi?>' | base64_url_safe_encode }} {{ 'aGk_Pg' | base64_url_safe_decode }}"),
        "aGk_Pg== hi?>"
    );
    assert_eq!(render("{{ '0fff' | hex_base64 }}"), "D/8=");
}

#[test]
fn array_filters_select_group_and_reshape() {
    assert_eq!(
        render("{% assign p = people | find: 'plan', 'free' %}{{ p.name }}"),
        "Bo"
    );
    assert_eq!(
        render("{{ people | where_not: 'plan', 'pro' | map: 'name' | join }}"),
        "Bo"
    );
    assert_eq!(
        render("{{ people | where_exp: 'p', 'p.mrr > 1' | map: 'name' | join: ',' }}"),
        "Ann,Cy"
    );
    assert_eq!(
        render("{% assign p = people | find_exp: 'p', 'p.mrr == 0' %}{{ p.name }}"),
        "Bo"
    );
    assert_eq!(
        render("{% assign gs = people | group_by: 'plan' %}{% for g in gs %}{{ g.name }}={{ g.size }};{% endfor %}"),
        "pro=2;free=1;"
    );
    assert_eq!(
        render("{% assign gs = people | group_by_exp: 'p', 'p.plan | upcase' %}{{ gs | map: 'name' | join: ',' }}"),
        "PRO,FREE"
    );
    assert_eq!(
        render("{{ people | sum: 'mrr' }} {{ list | limit: 1 | join }}"),
        "12.5 a"
    );
    assert_eq!(
        render("{{ list | push: 'z' | unshift: 0 | join: ',' }}"),
        "0,a,2,z"
    );
    assert_eq!(
        render("{{ list | pop | join }} {{ list | shift | join }}"),
        "a 2"
    );
    assert_eq!(
        render("{{ '[1,1,2]' | from_json | json_array_uniq | json }}"),
        "[1,2]"
    );
}

#[test]
fn string_filters_escape_and_reshape_text() {
    assert_eq!(
        render("{{ 'a b&c' | cgi_escape }} {{ 'a b/?é' | uri_escape }}"),
        "a+b%26c a%20b/?%C3%A9"
    );
    assert_eq!(
        render("{{ html | xml_escape }}"),
        "&lt;a href=&quot;x&quot;&gt;&apos;&lt;/a&gt;"
    );
    assert_eq!(
        render("{{ 'abc' | contains: 'b' }} {{ list | contains: 'z' }}"),
        "true false"
    );
    assert_eq!(
        render(
            "{{ ' a \n\t b ' | normalize_whitespace }}|{{ 'one two  three' | number_of_words }}"
        ),
        "a b|3"
    );
    assert_eq!(
        render("{{ 'a-b-c' | remove_last: '-' }} {{ 'a-b-c' | replace_last: '-', '+' }}"),
        "a-bc a-b+c"
    );
    assert_eq!(
        render("{{ 'Hello, World!' | slugify }} {{ 'the big day' | titlecase }}"),
        "hello-world The Big Day"
    );
    assert_eq!(
        render("{{ people | map: 'name' | array_to_sentence_string }}"),
        "Ann, Bo, and Cy"
    );
}

/// The error `source` renders to over `globals`; panics if it renders.
fn render_error(source: &str, globals: &liquid::Object) -> String {
    let template = crate::journey::render::parse(source).unwrap_or_else(|e| panic!("{e}"));
    match template.render(globals) {
        Ok(out) => panic!("{source} rendered `{out}`, expected an error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn integer_arithmetic_that_overflows_is_an_error() {
    let globals = liquid::object!({ "min": i64::MIN, "max": i64::MAX, "minus_one": -1 });
    for source in [
        "{{ min | divided_by: minus_one }}",
        "{{ min | modulo: minus_one }}",
        "{{ max | plus: 1 }}",
        "{{ min | minus: 1 }}",
        "{{ max | times: 2 }}",
        "{{ min | times: minus_one }}",
        "{{ min | abs }}",
    ] {
        let error = render_error(source, &globals);
        assert!(error.contains("integer overflow"), "{source}: {error}");
    }
    let error = render_error("{{ 1 | divided_by: 0 }}", &globals);
    assert!(error.contains("divide by zero"), "{error}");
    let error = render_error("{{ 1 | modulo: 0.0 }}", &globals);
    assert!(error.contains("divide by zero"), "{error}");
}

#[test]
fn integer_and_float_arithmetic_render_as_liquid_does() {
    assert_eq!(
        render("{{ 7 | divided_by: 2 }} {{ 7.0 | divided_by: 2 }}"),
        "3 3.5"
    );
    assert_eq!(
        render("{{ -7 | modulo: 3 }} {{ 7.5 | modulo: 2 }}"),
        "-1 1.5"
    );
    assert_eq!(
        render("{{ n | plus: 2 }} {{ n | minus: 5 }} {{ n | times: 4 }}"),
        "5 -2 12"
    );
    assert_eq!(render("{{ 1.5 | plus: 1 }} {{ x | times: 0 }}"), "2.5 0");
    assert_eq!(
        render("{{ -3 | abs }} {{ -2.5 | abs }} {{ '-4' | abs }}"),
        "3 2.5 4"
    );
    assert_eq!(render("{{ '5' | plus: '1' }}"), "6");
    assert_eq!(
        render("{{ 9223372036854775806 | plus: 1 }} {{ -9223372036854775807 | minus: 1 }}"),
        "9223372036854775807 -9223372036854775808"
    );
}

#[test]
fn year_arithmetic_out_of_range_is_an_error() {
    let globals = liquid::object!({ "t": 0, "huge": 1e300 });
    for source in [
        "{{ t | add_year: 20000 }}",
        "{{ t | subtract_year: 100000 }}",
        "{{ t | add_year: huge }}",
    ] {
        let error = render_error(source, &globals);
        assert!(
            error.contains("add_year") || error.contains("subtract_year"),
            "{source}: {error}"
        );
    }
    let error = render_error("{{ t | add_month: 100000000 }}", &globals);
    assert!(error.contains("add_month"), "{error}");
}
