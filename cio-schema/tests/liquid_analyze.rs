//! The Liquid analyzer: every construct that can read `event.*`, `customer.*` or
//! `trigger.*`, with the exact reads found (and so the ones not found) and their guard
//! status.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cio_schema::liquid::{analyze, UseKind};

/// Each read as `root.path:kind`, `+g` when guarded, in source order.
fn reads(src: &str) -> Vec<String> {
    let analysis = analyze(src).unwrap_or_else(|e| panic!("{src:?}: {e}"));
    analysis
        .uses
        .iter()
        .map(|u| {
            let kind = match u.kind {
                UseKind::Render => "render",
                UseKind::Test => "test",
                UseKind::Dynamic => "dynamic",
            };
            let path = if u.kind == UseKind::Dynamic {
                format!("{}[]", u.dotted())
            } else {
                u.dotted()
            };
            let guard = if u.guarded { "+g" } else { "" };
            format!("{path}:{kind}{guard}")
        })
        .collect()
}

fn assert_reads(src: &str, expected: &[&str]) {
    assert_eq!(reads(src), expected, "template: {src:?}");
}

// ---- output tags --------------------------------------------------------------

#[test]
fn t01_plain_outputs() {
    assert_reads(
        "Hi {{ customer.first_name }}, thanks for {{event.method}}!",
        &["customer.first_name:render", "event.method:render"],
    );
}

#[test]
fn t02_text_without_markup_reads_nothing() {
    assert_reads("Hello customer.first_name and event.x, { not liquid }", &[]);
}

#[test]
fn t03_nested_path_keeps_all_segments() {
    assert_reads(
        "{{ event.metadata.plan.name }}",
        &["event.metadata.plan.name:render"],
    );
}

#[test]
fn t04_trigger_is_read_like_event() {
    assert_reads("{{ trigger.order_id }}", &["trigger.order_id:render"]);
}

#[test]
fn t05_other_customerio_objects_are_not_data() {
    assert_reads(
        "{{ campaign.name }} {{ message.subject }} {{ layout.id }} {{ content }} \
         {{ snippets.footer }} {{ delivery_id }} {{ event_timestamp }} {{ workspace.brand }} {{ anything.else }}",
        &[],
    );
}

#[test]
fn t06_bare_root_is_a_read_with_an_empty_path() {
    assert_reads("{{ customer }}", &["customer:render"]);
}

#[test]
fn t07_names_that_only_start_like_roots_are_not_roots() {
    assert_reads(
        "{{ events.x }} {{ customers.y }} {{ event_timestamp }} {{ my.event.x }}",
        &[],
    );
}

#[test]
fn t08_whitespace_control() {
    assert_reads(
        "{{- customer.first_name -}} {%- if event.plan -%}{{- event.plan -}}{%- endif -%}",
        &[
            "customer.first_name:render",
            "event.plan:test",
            "event.plan:render+g",
        ],
    );
}

#[test]
fn t09_multiline_markup() {
    assert_reads(
        "{{\n  event.amount\n  | currency: \"en-us\"\n}}",
        &["event.amount:render"],
    );
}

// ---- brackets ---------------------------------------------------------------

#[test]
fn t10_bracket_with_a_string_is_a_field() {
    assert_reads(
        "{{ event[\"plan\"] }} {{ customer['first_name'] }}",
        &["event.plan:render", "customer.first_name:render"],
    );
}

#[test]
fn t11_bracket_with_a_variable_is_dynamic_and_reads_the_key() {
    assert_reads(
        "{% assign k = 'plan' %}{{ customer[k] }} {{ event[event.key] }}",
        &["customer[]:dynamic", "event[]:dynamic", "event.key:render"],
    );
}

#[test]
fn t12_index_and_dynamic_below_a_field() {
    assert_reads(
        "{{ event.items[0].name }} {% assign i = 1 %}{{ event.items[i].name }}",
        &["event.items.0.name:render", "event.items:render"],
    );
}

#[test]
fn t13_bracket_then_dot() {
    assert_reads(
        "{{ event['metadata'].plan }}",
        &["event.metadata.plan:render"],
    );
}

// ---- filters and default --------------------------------------------------------

#[test]
fn t14_filter_arguments_are_read() {
    assert_reads(
        "{{ 'Hi ' | append: customer.first_name | append: event.suffix }}",
        &["customer.first_name:render", "event.suffix:render"],
    );
}

#[test]
fn t15_default_guards_its_input() {
    assert_reads(
        "{{ customer.first_name | default: 'there' }}",
        &["customer.first_name:render+g"],
    );
}

#[test]
fn t16_default_anywhere_later_in_the_chain_guards() {
    assert_reads(
        "{{ customer.last_name | upcase | strip | default: '' }}",
        &["customer.last_name:render+g"],
    );
}

#[test]
fn t17_default_argument_itself_is_not_guarded() {
    assert_reads(
        "{{ customer.nickname | default: customer.first_name }}",
        &["customer.nickname:render+g", "customer.first_name:render"],
    );
}

#[test]
fn t18_filters_after_default_are_not_guarded() {
    assert_reads(
        "{{ event.a | default: 'x' | append: event.b }}",
        &["event.a:render+g", "event.b:render"],
    );
}

#[test]
fn t19_filter_names_and_keyword_names_are_not_variables() {
    assert_reads(
        "{{ event.when | date: format: 'x', event: 1 }}",
        &["event.when:render"],
    );
}

#[test]
fn t20_customerio_filters_parse() {
    assert_reads(
        "{{ event.total | currency: 'en-us' }} {{ event.n | format_number: 'de' }} \
         {{ customer.created_at | add_day: 3 | date: '%B', 'UTC' }} \
         {{ customer.email | hmac_sha256: 'k' | url_encode }}",
        &[
            "event.total:render",
            "event.n:render",
            "customer.created_at:render",
            "customer.email:render",
        ],
    );
}

#[test]
fn t21_default_with_allow_false() {
    assert_reads(
        "{{ event.opted_in | default: true, allow_false: true }}",
        &["event.opted_in:render+g"],
    );
}

// ---- if / elsif / else / unless -------------------------------------------------

#[test]
fn t22_if_truthy_guards_the_body_only() {
    assert_reads(
        "{% if customer.last_name %}{{ customer.last_name }}{% endif %}{{ customer.last_name }}",
        &[
            "customer.last_name:test",
            "customer.last_name:render+g",
            "customer.last_name:render",
        ],
    );
}

#[test]
fn t23_not_blank_and_not_nil_guard() {
    assert_reads(
        "{% if event.a != blank %}{{ event.a }}{% endif %}{% if event.b != nil %}{{ event.b }}{% endif %}\
         {% if nil != event.c %}{{ event.c }}{% endif %}",
        &[
            "event.a:test",
            "event.a:render+g",
            "event.b:test",
            "event.b:render+g",
            "event.c:test",
            "event.c:render+g",
        ],
    );
}

#[test]
fn t24_else_branch_is_not_guarded() {
    assert_reads(
        "{% if customer.last_name %}{{ customer.last_name }}{% else %}{{ customer.last_name }}{% endif %}",
        &[
            "customer.last_name:test",
            "customer.last_name:render+g",
            "customer.last_name:render",
        ],
    );
}

#[test]
fn t25_else_of_equals_blank_is_guarded() {
    assert_reads(
        "{% if customer.last_name == blank %}there{% else %}{{ customer.last_name }}{% endif %}",
        &["customer.last_name:test", "customer.last_name:render+g"],
    );
}

#[test]
fn t26_and_guards_both() {
    assert_reads(
        "{% if event.x and event.y != blank %}{{ event.x }}{{ event.y }}{% endif %}",
        &[
            "event.x:test",
            "event.y:test",
            "event.x:render+g",
            "event.y:render+g",
        ],
    );
}

#[test]
fn t27_or_does_not_guard_its_operands() {
    assert_reads(
        "{% if event.x or event.y %}{{ event.x }}{{ event.y }}{% endif %}",
        &[
            "event.x:test",
            "event.y:test",
            "event.x:render",
            "event.y:render",
        ],
    );
}

#[test]
fn t28_or_guards_what_both_sides_establish() {
    assert_reads(
        "{% if event.x == 'a' or event.x == 'b' %}{{ event.x }}{% endif %}",
        &["event.x:test", "event.x:test", "event.x:render+g"],
    );
}

#[test]
fn t29_elsif_branches() {
    assert_reads(
        "{% if event.a == blank %}A{% elsif event.b %}{{ event.a }}{{ event.b }}{% else %}{{ event.a }}{{ event.b }}{% endif %}",
        &[
            "event.a:test",
            "event.b:test",
            "event.a:render+g",
            "event.b:render+g",
            "event.a:render+g",
            "event.b:render",
        ],
    );
}

#[test]
fn t30_unless_equals_blank_guards_the_body() {
    assert_reads(
        "{% unless customer.last_name == blank %}{{ customer.last_name }}{% endunless %}",
        &["customer.last_name:test", "customer.last_name:render+g"],
    );
}

#[test]
fn t31_unless_truthy_guards_only_the_else() {
    assert_reads(
        "{% unless event.x %}{{ event.x }}{% else %}{{ event.x }}{% endunless %}",
        &["event.x:test", "event.x:render", "event.x:render+g"],
    );
}

#[test]
fn t32_comparison_with_a_value_guards() {
    assert_reads(
        "{% if event.plan == \"pro\" %}{{ event.plan }}{% endif %}{% if event.n > 3 %}{{ event.n }}{% endif %}",
        &[
            "event.plan:test",
            "event.plan:render+g",
            "event.n:test",
            "event.n:render",
        ],
    );
}

#[test]
fn t33_comparing_two_data_paths_reads_both() {
    assert_reads(
        "{% if event.a == customer.b %}x{% endif %}",
        &["event.a:test", "customer.b:test"],
    );
}

#[test]
fn t34_contains_guards_its_left_side() {
    assert_reads(
        "{% if event.tags contains 'vip' %}{{ event.tags }}{% endif %}",
        &["event.tags:test", "event.tags:render+g"],
    );
}

#[test]
fn t35_guard_on_a_field_guards_deeper_paths() {
    assert_reads(
        "{% if event.metadata %}{{ event.metadata.plan }}{% endif %}",
        &["event.metadata:test", "event.metadata.plan:render+g"],
    );
}

#[test]
fn t36_nested_blocks_keep_outer_guards() {
    assert_reads(
        "{% if event.a %}{% if event.b %}{{ event.a }}{{ event.b }}{% endif %}{{ event.b }}{% endif %}",
        &[
            "event.a:test",
            "event.b:test",
            "event.a:render+g",
            "event.b:render+g",
            "event.b:render",
        ],
    );
}

#[test]
fn t37_guard_of_event_does_not_guard_trigger_or_customer() {
    assert_reads(
        "{% if event.plan %}{{ trigger.plan }}{{ customer.plan }}{% endif %}",
        &[
            "event.plan:test",
            "trigger.plan:render",
            "customer.plan:render",
        ],
    );
}

// ---- case / when -----------------------------------------------------------------

#[test]
fn t38_case_subject_and_when_values_are_tests() {
    assert_reads(
        "{% case event.plan %}{% when customer.plan %}{{ event.plan }}{% when 'pro', 'free' %}{{ event.plan }}{% else %}{{ event.plan }}{% endcase %}",
        &[
            "event.plan:test",
            "customer.plan:test",
            "event.plan:render",
            "event.plan:render+g",
            "event.plan:render",
        ],
    );
}

#[test]
fn t39_when_with_or() {
    assert_reads(
        "{% case customer.plan %}{% when 'pro' or 'enterprise' %}{{ customer.plan }}{% endcase %}",
        &["customer.plan:test", "customer.plan:render+g"],
    );
}

// ---- for / tablerow / cycle ---------------------------------------------------------

#[test]
fn t40_for_collection_is_read_and_the_loop_variable_is_local() {
    assert_reads(
        "{% for item in event.items %}{{ item.name }} {{ forloop.index }}{% endfor %}",
        &["event.items:render"],
    );
}

#[test]
fn t41_for_limit_offset_and_reversed() {
    assert_reads(
        "{% for item in event.items limit: event.max offset: customer.skip reversed %}{{ item }}{% endfor %}",
        &[
            "event.items:render",
            "event.max:render",
            "customer.skip:render",
        ],
    );
}

#[test]
fn t42_for_over_a_range() {
    assert_reads(
        "{% for i in (1..event.count) %}{{ i }}{% endfor %}",
        &["event.count:render"],
    );
}

#[test]
fn t43_for_else_and_loop_scope_ends() {
    assert_reads(
        "{% for event in customer.orders %}{{ event.id }}{% else %}none{% endfor %}{{ event.id }}",
        &["customer.orders:render", "event.id:render"],
    );
}

#[test]
fn t44_tablerow() {
    assert_reads(
        "{% tablerow p in event.products cols: event.cols %}{{ p.title }}{{ tablerowloop.col }}{% endtablerow %}",
        &["event.products:render", "event.cols:render"],
    );
}

#[test]
fn t45_cycle_values() {
    assert_reads(
        "{% for i in (1..3) %}{% cycle 'odd', event.even_class %}{% endfor %}",
        &["event.even_class:render"],
    );
}

#[test]
fn t46_break_and_continue() {
    assert_reads(
        "{% for x in event.items %}{% if x.skip %}{% continue %}{% endif %}{% break %}{% endfor %}",
        &["event.items:render"],
    );
}

// ---- assign / capture / increment ----------------------------------------------------

#[test]
fn t47_assign_reads_its_right_side_and_the_name_is_local() {
    assert_reads(
        "{% assign plan = event.plan | upcase %}{{ plan }} {{ plan.size }}",
        &["event.plan:render"],
    );
}

#[test]
fn t48_assign_with_default_is_guarded() {
    assert_reads(
        "{% assign name = customer.first_name | default: 'there' %}Hi {{ name }}",
        &["customer.first_name:render+g"],
    );
}

#[test]
fn t49_assign_can_shadow_a_root() {
    assert_reads(
        "{{ customer.a }}{% assign customer = 'x' %}{{ customer.b }}",
        &["customer.a:render"],
    );
}

#[test]
fn t50_capture_body_is_read_and_the_name_is_local() {
    assert_reads(
        "{% capture greeting %}Hi {{ customer.first_name }}{% endcapture %}{{ greeting }}",
        &["customer.first_name:render"],
    );
}

#[test]
fn t51_increment_and_decrement_names_are_local() {
    assert_reads("{% increment event %}{{ event }}", &[]);
}

// ---- raw / comment / other tags --------------------------------------------------------

#[test]
fn t52_raw_and_comment_are_ignored() {
    assert_reads(
        "{% raw %}{{ event.a }}{% endraw %}{% comment %}{{ event.b }}{% if event.c %}{{ broken {% endcomment %}{{ event.d }}",
        &["event.d:render"],
    );
}

#[test]
fn t52b_inline_comments_are_ignored() {
    assert_reads(
        "{% # {{ event.a }} is not read %}{{ event.b }}{%- #another -%}{%# x %}",
        &["event.b:render"],
    );
}

#[test]
fn t53_customerio_tags() {
    assert_reads(
        "<a href=\"{% unsubscribe_url %}\">u</a> <a href=\"{% view_in_browser_url %}\">v</a> {% manage_subscription_preferences_url %}",
        &[],
    );
}

#[test]
fn t54_echo_include_and_render_arguments() {
    assert_reads(
        "{% echo event.a | default: 'x' %}{% include 'footer' name: customer.b %}{% render 'card', title: event.c %}",
        &["event.a:render+g", "customer.b:render", "event.c:render"],
    );
}

#[test]
fn t55_strings_that_look_like_variables_are_not() {
    assert_reads(
        "{{ 'event.a' | append: \"customer.b }}\" }} {% if 'x' == \"event.c\" %}{% endif %}",
        &[],
    );
}

#[test]
fn t56_literals_in_conditions() {
    assert_reads(
        "{% if true and event.a != empty %}{{ event.a }}{% endif %}",
        &["event.a:test", "event.a:render"],
    );
}

// ---- positions ---------------------------------------------------------------------

#[test]
fn offsets_and_lengths_point_at_the_path() {
    let src = "Hi {{ customer[\"first_name\"] }}\n{% if event.plan %}x{% endif %}";
    let a = analyze(src).unwrap();
    let spans: Vec<&str> = a
        .uses
        .iter()
        .map(|u| &src[u.offset..u.offset + u.len])
        .collect();
    assert_eq!(spans, ["customer[\"first_name\"]", "event.plan"]);
}

#[test]
fn the_seed_templates_read_what_they_should() {
    assert_reads(
        "Welcome, {{ customer.first_name }}!",
        &["customer.first_name:render"],
    );
    assert_reads(
        "Hi {{ customer.first_name | default: \"there\" }},\n\
         {% if customer.plan == \"pro\" %}Thanks for being Pro.{% endif %}\n\
         You signed up with {{ event.method }}.\n\
         <a href=\"{% unsubscribe_url %}\">Unsubscribe</a>",
        &[
            "customer.first_name:render+g",
            "customer.plan:test",
            "event.method:render",
        ],
    );
}

// ---- guards of a second segment (an object's attributes) ----------------------

/// Each read as `root.path`, `+g` when guarded, `+n` when its first two segments are.
fn nested(src: &str) -> Vec<String> {
    let analysis = analyze(src).unwrap_or_else(|e| panic!("{src:?}: {e}"));
    analysis
        .uses
        .iter()
        .filter(|u| u.kind == UseKind::Render)
        .map(|u| {
            let g = if u.guarded { "+g" } else { "" };
            let n = if u.guarded_nested { "+n" } else { "" };
            format!("{}{g}{n}", u.dotted())
        })
        .collect()
}

#[test]
fn n01_a_test_of_two_segments_guards_them() {
    assert_eq!(
        nested("{% if trigger.company.domain %}{{ trigger.company.domain }}{{ trigger.company.name }}{% endif %}"),
        ["trigger.company.domain+g+n", "trigger.company.name+g"]
    );
}

#[test]
fn n02_a_test_of_the_first_field_guards_only_it() {
    assert_eq!(
        nested(
            "{% if trigger.company %}{{ trigger.company.domain }}{{ trigger.company }}{% endif %}"
        ),
        ["trigger.company.domain+g", "trigger.company+g+n"]
    );
}

#[test]
fn n03_default_guards_every_segment() {
    assert_eq!(
        nested(
            "{{ trigger.relationship.role | default: 'member' }}{{ trigger.relationship.role }}"
        ),
        ["trigger.relationship.role+g+n", "trigger.relationship.role"]
    );
}

#[test]
fn n04_or_keeps_the_common_first_field() {
    assert_eq!(
        nested("{% if event.a.x or event.a.y %}{{ event.a.x }}{% endif %}{% if event.a.x or event.a.x %}{{ event.a.x }}{% endif %}"),
        ["event.a.x+g", "event.a.x+g+n"]
    );
}

#[test]
fn n05_case_when_guards_the_subject_path() {
    assert_eq!(
        nested("{% case trigger.company.tier %}{% when 'gold' %}{{ trigger.company.tier }}{% endcase %}"),
        ["trigger.company.tier+g+n"]
    );
}

#[test]
fn n06_else_of_a_nil_test_guards_both_segments() {
    assert_eq!(
        nested("{% if trigger.company.domain == nil %}-{% else %}{{ trigger.company.domain }}{% endif %}"),
        ["trigger.company.domain+g+n"]
    );
}
