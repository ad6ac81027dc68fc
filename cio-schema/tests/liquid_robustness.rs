//! No template, however malformed, panics the analyzer or the syntax check: every
//! prefix and suffix of real templates, and deterministic garbage built from Liquid
//! fragments.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cio_schema::liquid::{analyze, check_syntax};

const REAL: &[&str] = &[
    "Hi {{ customer.first_name | default: \"there\" }},\n\n\
     {% if customer.company %}Here is how teams at {{ customer.company }} get started:{% else %}Here is how to get started:{% endif %}\n\
     You signed up with {{ event.method }}. <a href=\"{% unsubscribe_url %}\">Unsubscribe</a>",
    "{%- assign total = 0 -%}\n{% for item in event.items limit: 3 offset: event.skip reversed %}\
     {{ forloop.index }}. {{ item.name | upcase | truncate: 20 }} {{ item.price | currency: 'en-us' }}\
     {% cycle 'odd', 'even' %}{% assign total = total | plus: item.price %}\
     {% else %}nothing{% endfor %}\n\
     {% case customer.plan %}{% when 'pro', \"enterprise\" %}VIP{% when customer.other %}?{% else %}{% endcase %}\
     {% capture msg %}{{ event['title'] }} – {{ customer[k] }}{% endcapture %}{{ msg | strip }}\
     {% raw %}{{ not parsed }}{% endraw %}{% comment %}{% if x %}{% endif %}{% endcomment %}\
     {% tablerow p in event.products cols: 2 %}{{ p.title }}{% endtablerow %}\
     {% unless event.coupon == blank %}{{ event.coupon }}{% endunless %}{% for i in (1..event.n) %}{{ i }}{% endfor %}",
    "Hi {{ customer.first_name }},\n\nWhen you left, you told us: \"{{ event.reason }}\".\n\
     {% if customer.cancelled_at %}Your projects are kept until you decide.{% endif %}",
    "é–{{ 'ü\"}}' | append: \"%}\" }}{% if a == 'x' and b != nil or c contains \"d\" %}ok{% elsif e %}{% endif %}",
];

/// Analyzes `src` and checks the invariants of the result; with `syntax`, also that
/// `check_syntax` agrees.
fn exercise_with(src: &str, syntax: bool) {
    match analyze(src) {
        Ok(a) => {
            for u in &a.uses {
                assert!(u.offset + u.len <= src.len(), "{src:?}: {u:?}");
                assert!(src.is_char_boundary(u.offset), "{src:?}: {u:?}");
            }
            if syntax {
                assert_eq!(check_syntax(src), Ok(()));
            }
        }
        Err(e) => {
            assert!(e.offset <= src.len(), "{src:?}: {e:?}");
            assert!(!e.message.is_empty(), "{src:?}");
            if syntax {
                assert_eq!(check_syntax(src), Err(e));
            }
        }
    }
}

fn exercise(src: &str) {
    exercise_with(src, false);
}

#[test]
fn real_templates_parse() {
    for src in REAL {
        analyze(src).unwrap_or_else(|e| panic!("{src:?}: {e}"));
    }
}

#[test]
fn every_prefix_and_suffix_of_real_templates() {
    let mut count = 0;
    for src in REAL {
        for (n, (i, _)) in src.char_indices().chain([(src.len(), ' ')]).enumerate() {
            exercise_with(&src[..i], n % 16 == 0);
            exercise(&src[i..]);
            count += 2;
        }
    }
    assert!(count > 1000, "{count}");
}

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const FRAGMENTS: &[&str] = &[
    "{{",
    "}}",
    "{%",
    "%}",
    "{{-",
    "-}}",
    "{%-",
    "-%}",
    "if",
    "elsif",
    "else",
    "endif",
    "for",
    "endfor",
    "in",
    "unless",
    "endunless",
    "case",
    "when",
    "endcase",
    "assign",
    "capture",
    "endcapture",
    "raw",
    "endraw",
    "comment",
    "endcomment",
    "tablerow",
    "endtablerow",
    "cycle",
    "event",
    "customer",
    "trigger",
    ".",
    "..",
    "[",
    "]",
    "(",
    ")",
    "|",
    ":",
    ",",
    "default",
    "upcase",
    "currency",
    "x",
    "plan",
    "\"",
    "'",
    "==",
    "!=",
    "and",
    "or",
    "contains",
    "nil",
    "blank",
    " ",
    "\n",
    "1",
    "-",
    "=",
    "é",
    "–",
    "limit",
    "offset",
    "reversed",
    "unsubscribe_url",
    "#",
    "forloop",
    "{",
    "}",
    "%",
];

#[test]
fn deterministic_garbage() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut ok = 0;
    for n in 0..2000 {
        let len = rng.below(40);
        let mut src = String::new();
        for _ in 0..len {
            src.push_str(FRAGMENTS[rng.below(FRAGMENTS.len())]);
        }
        if analyze(&src).is_ok() {
            ok += 1;
        }
        exercise_with(&src, n % 16 == 0);
    }
    // Some garbage is valid Liquid (plain text); most is not.
    assert!(ok > 0 && ok < 2000, "{ok}");
}

#[test]
fn structured_garbage_inside_markup() {
    let mut rng = Rng(42);
    for _ in 0..1000 {
        let mut src = String::from(if rng.below(2) == 0 { "{{ " } else { "{% if " });
        for _ in 0..rng.below(12) {
            src.push_str(FRAGMENTS[rng.below(FRAGMENTS.len())]);
            src.push(' ');
        }
        src.push_str(if src.starts_with("{{") {
            "}}"
        } else {
            "%}x{% endif %}"
        });
        exercise(&src);
    }
}

#[test]
fn deep_nesting_and_long_input_do_not_overflow() {
    let nested = |n: usize| "{% if event.a %}".repeat(n) + &"{% endif %}".repeat(n);
    assert_eq!(analyze(&nested(64)).unwrap().uses.len(), 64);
    let err = analyze(&nested(2000)).unwrap_err();
    assert_eq!(err.message, "blocks nested more than 64 levels deep");
    assert_eq!(err.offset, 64 * "{% if event.a %}".len());
    let brackets = |n: usize| format!("{{{{ customer{}{} }}}}", "[event".repeat(n), "]".repeat(n));
    assert_eq!(analyze(&brackets(60)).unwrap().uses.len(), 61);
    let err = analyze(&brackets(5000)).unwrap_err();
    assert_eq!(
        err.message,
        "brackets or parentheses nested more than 64 levels deep"
    );
    exercise(&format!("{{{{ event{} }}}}", "[".repeat(5000)));
    let long = "{{ customer.first_name }} ".repeat(5000);
    assert_eq!(analyze(&long).unwrap().uses.len(), 5000);
}
