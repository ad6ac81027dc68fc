//! Customer.io's Liquid dialect: the tags and filters accepted on top of the `liquid`
//! crate's standard library, registered as parse-only plugins (they are never
//! rendered here; only the syntax matters), and the objects Customer.io provides.
//!
//! The lists follow Customer.io's published tag list for its **latest** Liquid
//! (docs.customer.io/journeys/liquid-tag-list), the default of every account created
//! since 2023-11-28 and of upgraded messages; `docs/events-toml.md` says where legacy
//! Liquid differs (docs.customer.io/journeys/liquid-upgrade) and what cio does there.
//! `tests/liquid_dialect.rs` pins every list.

use std::fmt;
use std::io::Write;

use liquid_core::parser::FilterArguments;
use liquid_core::{
    Filter, FilterReflection, Language, ParseFilter, ParseTag, Renderable, Result, Runtime,
    TagReflection, TagTokenIter, Value, ValueView,
};

/// Filters of the `liquid` crate's standard library (every one is also in
/// Customer.io's list).
pub const STANDARD_FILTERS: &[&str] = &[
    "abs",
    "append",
    "at_least",
    "at_most",
    "capitalize",
    "ceil",
    "compact",
    "concat",
    "date",
    "default",
    "divided_by",
    "downcase",
    "escape",
    "escape_once",
    "first",
    "floor",
    "join",
    "last",
    "lstrip",
    "map",
    "minus",
    "modulo",
    "newline_to_br",
    "plus",
    "prepend",
    "remove",
    "remove_first",
    "replace",
    "replace_first",
    "reverse",
    "round",
    "rstrip",
    "size",
    "slice",
    "sort",
    "sort_natural",
    "split",
    "strip",
    "strip_html",
    "strip_newlines",
    "times",
    "truncate",
    "truncatewords",
    "uniq",
    "upcase",
    "url_decode",
    "url_encode",
    "where",
];

/// The filters of Customer.io's latest Liquid that the `liquid` crate lacks, accepted
/// with any arguments. Customer.io has no `format_date`: dates go through `date`.
pub const CUSTOMERIO_FILTERS: &[&str] = &[
    // strings
    "array_to_sentence_string",
    "cgi_escape",
    "contains",
    "normalize_whitespace",
    "number_of_words",
    "pluralize",
    "remove_last",
    "replace_last",
    "slugify",
    "titlecase",
    "uri_escape",
    "xml_escape",
    // encoding and hashing
    "base64",
    "base64_decode",
    "base64_encode",
    "base64_url_safe_decode",
    "base64_url_safe_encode",
    "hex_base64",
    "hmac_sha1",
    "hmac_sha256",
    "md5",
    "sha1",
    "sha256",
    // numbers and money
    "currency",
    "format_number",
    "random",
    "rounded_currency",
    // arrays
    "find",
    "find_exp",
    "group_by",
    "group_by_exp",
    "json_array_uniq",
    "limit",
    "pop",
    "push",
    "shift",
    "sum",
    "unshift",
    "where_exp",
    "where_not",
    // JSON
    "from_json",
    "json",
    "to_json",
    // dates (Unix seconds)
    "add_day",
    "add_month",
    "add_year",
    "date_to_long_string",
    "date_to_rfc822",
    "date_to_string",
    "date_to_xmlschema",
    "subtract_day",
    "subtract_month",
    "subtract_year",
];

/// Filters of legacy Liquid only, dropped by the latest: each is an error saying what
/// replaces it.
pub const LEGACY_ONLY_FILTERS: &[(&str, &str)] = &[
    (
        "timezone",
        "give `date` the time zone as its second argument: `date: '%H:%M', 'America/New_York'`",
    ),
    ("htmlencode", "use `escape`"),
];

/// The tags Customer.io adds (any arguments): links, subscription, and utilities.
pub const CUSTOMERIO_TAGS: &[&str] = &[
    "cio_link",
    "cio_link_id",
    "countdown",
    "generate_uuid",
    "manage_subscription_preferences_url",
    "random",
    "render_liquid",
    "subscription_topic_name",
    "tracking_consent_url",
    "unsubscribe",
    "unsubscribe_url",
    "view_in_browser_url",
];

/// The top-level objects Customer.io provides to a message. `customer`, `event` and
/// `trigger` are the taxonomy's data and are checked; the others are Customer.io's own
/// and pass unchecked, like the template's local names.
pub const CUSTOMERIO_OBJECTS: &[&str] = &[
    "campaign",
    "content",
    "customer",
    "delivery_id",
    "event",
    "event_timestamp",
    "journey",
    "layout",
    "message",
    "snippets",
    "trigger",
];

/// Every tag name the dialect knows, block ends and branch tags included.
pub(crate) const KNOWN_TAGS: &[&str] = &[
    "assign",
    "break",
    "capture",
    "case",
    "comment",
    "continue",
    "cycle",
    "decrement",
    "echo",
    "else",
    "elsif",
    "endcapture",
    "endcase",
    "endcomment",
    "endfor",
    "endif",
    "endifchanged",
    "endraw",
    "endtablerow",
    "endunless",
    "for",
    "if",
    "ifchanged",
    "include",
    "increment",
    "raw",
    "render",
    "tablerow",
    "unless",
    "when",
    "cio_link",
    "cio_link_id",
    "countdown",
    "generate_uuid",
    "manage_subscription_preferences_url",
    "random",
    "render_liquid",
    "subscription_topic_name",
    "tracking_consent_url",
    "unsubscribe",
    "unsubscribe_url",
    "view_in_browser_url",
];

/// Every filter name the dialect knows.
pub(crate) static KNOWN_FILTERS: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| {
        let mut all: Vec<&'static str> = STANDARD_FILTERS
            .iter()
            .chain(CUSTOMERIO_FILTERS)
            .copied()
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    });

/// `true` when `name` is a known filter.
pub(crate) fn is_known_filter(name: &str) -> bool {
    KNOWN_FILTERS.binary_search(&name).is_ok()
}

/// What replaces `name` when it is a filter of legacy Liquid only.
pub(crate) fn legacy_only_filter(name: &str) -> Option<&'static str> {
    LEGACY_ONLY_FILTERS
        .iter()
        .find(|(legacy, _)| *legacy == name)
        .map(|(_, instead)| *instead)
}

/// `true` when `name` is a known tag.
pub(crate) fn is_known_tag(name: &str) -> bool {
    KNOWN_TAGS.contains(&name)
}

/// The `liquid` parser for Customer.io templates.
pub(crate) fn parser() -> Result<liquid::Parser> {
    let mut builder = liquid::ParserBuilder::with_stdlib();
    for &name in CUSTOMERIO_FILTERS {
        builder = builder.filter(ParseOnlyFilter { name });
    }
    // Customer.io's `date` also takes a time zone, and Liquid 5's `default` takes
    // `allow_false: true`: accept any arguments.
    builder = builder
        .filter(ParseOnlyFilter { name: "date" })
        .filter(ParseOnlyFilter { name: "default" });
    for &name in CUSTOMERIO_TAGS {
        builder = builder.tag(ParseOnlyTag { name });
    }
    builder.tag(EchoTag).build()
}

/// A filter that accepts any arguments and passes its input through.
#[derive(Clone)]
struct ParseOnlyFilter {
    name: &'static str,
}

impl FilterReflection for ParseOnlyFilter {
    fn name(&self) -> &str {
        self.name
    }
    fn description(&self) -> &str {
        "Customer.io filter (parse-only)"
    }
    fn positional_parameters(&self) -> &'static [liquid_core::parser::ParameterReflection] {
        &[]
    }
    fn keyword_parameters(&self) -> &'static [liquid_core::parser::ParameterReflection] {
        &[]
    }
}

impl ParseFilter for ParseOnlyFilter {
    fn parse(&self, arguments: FilterArguments<'_>) -> Result<Box<dyn Filter>> {
        arguments.positional.for_each(drop);
        arguments.keyword.for_each(drop);
        Ok(Box::new(Passthrough { name: self.name }))
    }
    fn reflection(&self) -> &dyn FilterReflection {
        self
    }
}

#[derive(Debug)]
struct Passthrough {
    name: &'static str,
}

impl fmt::Display for Passthrough {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl Filter for Passthrough {
    fn evaluate(&self, input: &dyn ValueView, _runtime: &dyn Runtime) -> Result<Value> {
        Ok(input.to_value())
    }
}

/// A tag that accepts any arguments and renders nothing.
#[derive(Clone)]
struct ParseOnlyTag {
    name: &'static str,
}

impl TagReflection for ParseOnlyTag {
    fn tag(&self) -> &str {
        self.name
    }
    fn description(&self) -> &str {
        "Customer.io tag (parse-only)"
    }
}

impl ParseTag for ParseOnlyTag {
    fn parse(
        &self,
        mut arguments: TagTokenIter<'_>,
        _options: &Language,
    ) -> Result<Box<dyn Renderable>> {
        while arguments.next().is_some() {}
        Ok(Box::new(Nothing))
    }
    fn reflection(&self) -> &dyn TagReflection {
        self
    }
}

#[derive(Debug)]
struct Nothing;

impl Renderable for Nothing {
    fn render_to(&self, _writer: &mut dyn Write, _runtime: &dyn Runtime) -> Result<()> {
        Ok(())
    }
}

/// `{% echo expression | filters %}` (Liquid 5).
#[derive(Clone)]
struct EchoTag;

impl TagReflection for EchoTag {
    fn tag(&self) -> &str {
        "echo"
    }
    fn description(&self) -> &str {
        "Outputs an expression, like `{{ }}`"
    }
}

impl ParseTag for EchoTag {
    fn parse(
        &self,
        mut arguments: TagTokenIter<'_>,
        options: &Language,
    ) -> Result<Box<dyn Renderable>> {
        let chain = arguments
            .expect_next("an expression is expected")?
            .expect_filter_chain(options)
            .into_result()?;
        arguments.expect_nothing()?;
        Ok(Box::new(chain))
    }
    fn reflection(&self) -> &dyn TagReflection {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use liquid::reflection::ParserReflection;

    #[test]
    fn standard_filter_list_matches_the_liquid_stdlib() {
        let builder = liquid::ParserBuilder::with_stdlib();
        let mut names: Vec<&str> = builder.filters().map(|f| f.name()).collect();
        names.sort_unstable();
        assert_eq!(names, STANDARD_FILTERS);
        let mut tags: Vec<&str> = builder
            .tags()
            .map(|t| t.tag())
            .chain(builder.blocks().map(|b| b.start_tag()))
            .collect();
        tags.sort_unstable();
        for tag in tags {
            assert!(is_known_tag(tag), "{tag}");
        }
    }

    #[test]
    fn known_filters_are_sorted_for_lookup() {
        assert!(is_known_filter("currency"));
        assert!(is_known_filter("default"));
        assert!(!is_known_filter("defualt"));
    }

    #[test]
    fn customerio_tags_and_filters_parse_and_render() {
        let parser = parser().unwrap();
        let t = parser
            .parse("{% unsubscribe_url %}{% echo 'a' | upcase %}{{ 3 | currency: 'en-us' | add_day: 2 }}{{ 'x' | date: '%Y', 'UTC' }}")
            .unwrap();
        assert_eq!(t.render(&liquid::Object::new()).unwrap(), "A3x");
    }
}
