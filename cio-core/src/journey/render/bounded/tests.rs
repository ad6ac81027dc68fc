//! Rendering within limits.

use super::{render_bounded, Limits};

fn render(source: &str, limits: Limits) -> Result<String, String> {
    let globals = liquid::object!({
        "trigger": { "items": ["a", "b", "c"], "n": 1_000_000_000, "big": i64::MAX, "none": [] },
        "customer": { "name": "Ann" },
    });
    render_bounded(source, globals, &["customer", "trigger"], limits)
}

#[test]
fn loops_render_as_liquid_does() {
    let limits = Limits::default();
    let cases = [
        ("{% for i in (1..3) %}{{ i }}{% endfor %}", "123"),
        ("{% for x in trigger.items reversed %}{{ x }}{% endfor %}", "cba"),
        ("{% for x in trigger.items limit: 2 offset: 1 %}{{ x }}{% endfor %}", "bc"),
        ("{% for x in trigger.none %}{{ x }}{% else %}none{% endfor %}", "none"),
        ("{% for i in (3..1) %}x{% else %}empty{% endfor %}", "empty"),
        ("{% for i in (1..3) limit: -1 %}{{ i }}{% endfor %}", "123"),
        ("{% for i in (1..3) offset: -1 %}{{ i }}{% else %}none{% endfor %}", "none"),
        (
            "{% for x in trigger.items %}{{ forloop.index }}/{{ forloop.length }}{% if forloop.last %}.{% else %},{% endif %}{% endfor %}",
            "1/3,2/3,3/3.",
        ),
        (
            "{% for i in (1..2) %}{% for j in (1..2) %}{{ forloop.parentloop.index }}{{ j }} {% endfor %}{% endfor %}",
            "11 12 21 22 ",
        ),
        ("{% for i in (1..9) %}{% if i == 3 %}{% break %}{% endif %}{{ i }}{% endfor %}", "12"),
        ("{% for i in (1..4) %}{% if i == 2 %}{% continue %}{% endif %}{{ i }}{% endfor %}", "134"),
    ];
    for (source, expected) in cases {
        assert_eq!(render(source, limits).as_deref(), Ok(expected), "{source}");
    }
}

#[test]
fn huge_ranges_are_refused_before_they_are_built() {
    let limits = Limits::default();
    for source in [
        "{% for i in (1..1000000000) %}{% endfor %}",
        "{% for i in (1..trigger.n) %}{% endfor %}",
        "{% for i in (-9223372036854775807..trigger.big) %}{% endfor %}",
        "{% for i in (1..1000) %}{% for j in (1..1000) %}{% endfor %}{% endfor %}",
    ] {
        let error = render(source, limits).unwrap_err();
        assert!(error.contains("iterations"), "{source}: {error}");
    }
    // Within the budget, and a limit that keeps a large range small.
    assert!(render(
        "{% for i in (1..100) %}{% for j in (1..100) %}{% endfor %}{% endfor %}",
        limits
    )
    .is_ok());
    assert_eq!(
        render(
            "{% for i in (1..1000000000) limit: 2 %}{{ i }}{% endfor %}",
            limits
        )
        .as_deref(),
        Ok("12")
    );
}

#[test]
fn output_is_capped() {
    let limits = Limits {
        output_bytes: 10,
        iterations: 1000,
    };
    assert_eq!(render("0123456789", limits).as_deref(), Ok("0123456789"));
    let error = render("{% for i in (1..100) %}{{ i }}{% endfor %}", limits).unwrap_err();
    assert!(error.contains("larger than 10 bytes"), "{error}");
}

#[test]
fn tablerow_is_refused() {
    let error = render(
        "{% tablerow i in (1..3) %}{{ i }}{% endtablerow %}",
        Limits::default(),
    )
    .unwrap_err();
    assert!(error.contains("tablerow"), "{error}");
}
