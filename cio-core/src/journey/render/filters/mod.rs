//! Customer.io's filters that the `liquid` crate's standard library lacks, or
//! renders differently (`date` on Unix seconds, `default` with `allow_false`),
//! or computes unsafely (the arithmetic, checked here), implemented for rendering. Each submodule holds one family.

use std::fmt;

use liquid_core::model::{KString, Scalar};
use liquid_core::parser::{FilterArguments, ParameterReflection};
use liquid_core::{
    Error, Expression, Filter, FilterReflection, ParseFilter, Result, Runtime, Value, ValueView,
};

mod arrays;
mod dates;
mod encode;
mod math;
mod numbers;
mod text;

/// The arguments a filter was given, evaluated: positional ones by index (the
/// type derefs to them), keyword ones by name.
#[derive(Debug, Default)]
pub(super) struct Args {
    positional: Vec<Value>,
    keyword: Vec<(String, Value)>,
}

impl std::ops::Deref for Args {
    type Target = [Value];
    fn deref(&self) -> &[Value] {
        &self.positional
    }
}

impl Args {
    /// The keyword argument `name`, if given.
    pub(super) fn keyword(&self, name: &str) -> Option<&Value> {
        self.keyword.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The positional argument `i` as text, if given.
    pub(super) fn text(&self, i: usize) -> Option<String> {
        self.positional.get(i).map(text)
    }
}

type Outcome = std::result::Result<Value, String>;
type Func = fn(&Value, &Args) -> Outcome;

const TABLE: &[(&str, Func)] = &[
    ("default", default),
    // dates (Unix seconds)
    ("date", dates::date),
    ("add_day", dates::add_day),
    ("subtract_day", dates::subtract_day),
    ("add_month", dates::add_month),
    ("subtract_month", dates::subtract_month),
    ("add_year", dates::add_year),
    ("subtract_year", dates::subtract_year),
    ("date_to_long_string", dates::to_long_string),
    ("date_to_rfc822", dates::to_rfc822),
    ("date_to_string", dates::to_string),
    ("date_to_xmlschema", dates::to_xmlschema),
    // JSON
    ("json", encode::json),
    ("to_json", encode::json),
    ("from_json", encode::from_json),
    // encoding and hashing
    ("base64", encode::base64_encode),
    ("base64_encode", encode::base64_encode),
    ("base64_decode", encode::base64_decode),
    ("base64_url_safe_encode", encode::base64_url_safe_encode),
    ("base64_url_safe_decode", encode::base64_url_safe_decode),
    ("hex_base64", encode::hex_base64),
    ("md5", encode::md5),
    ("sha1", encode::sha1),
    ("sha256", encode::sha256),
    ("hmac_sha1", encode::hmac_sha1),
    ("hmac_sha256", encode::hmac_sha256),
    // arithmetic, checked (liquid-lib's overflows)
    ("plus", math::plus),
    ("minus", math::minus),
    ("times", math::times),
    ("divided_by", math::divided_by),
    ("modulo", math::modulo),
    ("abs", math::abs),
    // numbers and money
    ("pluralize", numbers::pluralize),
    ("format_number", numbers::format_number),
    ("currency", numbers::currency),
    ("rounded_currency", numbers::rounded_currency),
    ("random", numbers::random),
    // strings
    ("array_to_sentence_string", text::array_to_sentence_string),
    ("cgi_escape", text::cgi_escape),
    ("uri_escape", text::uri_escape),
    ("xml_escape", text::xml_escape),
    ("contains", text::contains),
    ("normalize_whitespace", text::normalize_whitespace),
    ("number_of_words", text::number_of_words),
    ("remove_last", text::remove_last),
    ("replace_last", text::replace_last),
    ("slugify", text::slugify),
    ("titlecase", text::titlecase),
    // arrays
    ("find", arrays::find),
    ("find_exp", arrays::find_exp),
    ("group_by", arrays::group_by),
    ("group_by_exp", arrays::group_by_exp),
    ("json_array_uniq", arrays::uniq),
    ("limit", arrays::limit),
    ("pop", arrays::pop),
    ("push", arrays::push),
    ("shift", arrays::shift),
    ("unshift", arrays::unshift),
    ("sum", arrays::sum),
    ("where_exp", arrays::where_exp),
    ("where_not", arrays::where_not),
];

/// The names of the filters registered on top of (or instead of) the standard
/// library's.
pub const FILTERS: &[&str] = &{
    let mut names = [""; TABLE.len()];
    let mut i = 0;
    while i < TABLE.len() {
        names[i] = TABLE[i].0;
        i += 1;
    }
    names
};

/// Registers Customer.io's filters on `builder`.
pub(super) fn register(mut builder: liquid::ParserBuilder) -> liquid::ParserBuilder {
    for &(name, func) in TABLE {
        builder = builder.filter(Cio { name, func });
    }
    builder
}

/// `default: value` (nil, `false`, empty text or list take the default), and
/// Customer.io's `default: value, allow_false: true` (`false` stays `false`).
fn default(input: &Value, args: &Args) -> Outcome {
    let allow_false = args
        .keyword("allow_false")
        .is_some_and(|v| v.as_scalar().and_then(|s| s.to_bool()) == Some(true));
    if allow_false && input.as_scalar().and_then(|s| s.to_bool()) == Some(false) {
        return Ok(input.clone());
    }
    if input.query_state(liquid_core::model::State::DefaultValue) {
        Ok(args.first().cloned().unwrap_or(Value::Nil))
    } else {
        Ok(input.clone())
    }
}

/// The value as text (`nil` is empty).
pub(super) fn text(v: &Value) -> String {
    if v.is_nil() {
        return String::new();
    }
    v.to_kstr().into_owned().to_string()
}

/// A text value.
pub(super) fn string(s: String) -> Value {
    Value::Scalar(Scalar::new(KString::from(s)))
}

/// The value as a number, if it is one (or text of one).
pub(super) fn number(v: &Value) -> Option<f64> {
    v.as_scalar().and_then(|s| s.to_float())
}

#[derive(Clone)]
struct Cio {
    name: &'static str,
    func: Func,
}

impl FilterReflection for Cio {
    fn name(&self) -> &str {
        self.name
    }
    fn description(&self) -> &str {
        "Customer.io filter"
    }
    fn positional_parameters(&self) -> &'static [ParameterReflection] {
        &[]
    }
    fn keyword_parameters(&self) -> &'static [ParameterReflection] {
        &[]
    }
}

impl ParseFilter for Cio {
    fn parse(&self, arguments: FilterArguments<'_>) -> Result<Box<dyn Filter>> {
        let keyword = arguments
            .keyword
            .map(|(name, e)| (name.to_string(), e))
            .collect();
        Ok(Box::new(Bound {
            name: self.name,
            func: self.func,
            positional: arguments.positional.collect(),
            keyword,
        }))
    }
    fn reflection(&self) -> &dyn FilterReflection {
        self
    }
}

struct Bound {
    name: &'static str,
    func: Func,
    positional: Vec<Expression>,
    keyword: Vec<(String, Expression)>,
}

impl fmt::Debug for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl Filter for Bound {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> Result<Value> {
        let positional = self
            .positional
            .iter()
            .map(|e| e.evaluate(runtime).map(|v| v.into_owned()))
            .collect::<Result<Vec<_>>>()?;
        let keyword = self
            .keyword
            .iter()
            .map(|(k, e)| e.evaluate(runtime).map(|v| (k.clone(), v.into_owned())))
            .collect::<Result<Vec<_>>>()?;
        let args = Args {
            positional,
            keyword,
        };
        (self.func)(&input.to_value(), &args)
            .map_err(|message| Error::with_msg(format!("filter `{}`: {message}", self.name)))
    }
}

#[cfg(test)]
mod tests;
