//! Customer.io's filters that the `liquid` crate's standard library lacks, or
//! renders differently (`date` on Unix seconds), implemented for rendering.

use std::fmt;
use std::time::Duration;

use liquid_core::model::{DateTime, KString, Scalar};
use liquid_core::parser::{FilterArguments, ParameterReflection};
use liquid_core::{
    Error, Expression, Filter, FilterReflection, ParseFilter, Result, Runtime, Value, ValueView,
};

type Func = fn(&Value, &[Value]) -> std::result::Result<Value, String>;

const TABLE: &[(&str, Func)] = &[
    ("date", date),
    ("add_day", add_day),
    ("subtract_day", subtract_day),
    ("json", json),
    ("to_json", json),
    ("pluralize", pluralize),
    ("format_number", format_number),
    ("currency", currency),
];

/// The names of the filters registered on top of (or instead of) the standard
/// library's.
pub const FILTERS: &[&str] = &[
    "date",
    "add_day",
    "subtract_day",
    "json",
    "to_json",
    "pluralize",
    "format_number",
    "currency",
];

/// Registers Customer.io's filters on `builder`.
pub(super) fn register(mut builder: liquid::ParserBuilder) -> liquid::ParserBuilder {
    for &(name, func) in TABLE {
        builder = builder.filter(Cio { name, func });
    }
    builder
}

fn text(v: &Value) -> String {
    if v.is_nil() {
        return String::new();
    }
    v.to_kstr().into_owned().to_string()
}

fn string(s: String) -> Value {
    Value::Scalar(Scalar::new(KString::from(s)))
}

fn number(v: &Value) -> Option<f64> {
    v.as_scalar().and_then(|s| s.to_float())
}

/// Unix seconds from an integer, a float, text of digits, or `now`.
fn seconds(v: &Value) -> Option<i64> {
    let s = v.as_scalar()?;
    if let Some(i) = s.to_integer() {
        return Some(i);
    }
    let t = s.to_kstr();
    if t.as_str() == "now" || t.as_str() == "today" {
        return Some(crate::Timestamp::now().as_unix());
    }
    #[allow(clippy::cast_possible_truncation)]
    s.to_float()
        .filter(|f| f.is_finite())
        .map(|f| f.floor() as i64)
}

/// `date: format` and `date: format, 'UTC'`: Unix seconds (what Customer.io
/// stores timestamps as) formatted with strftime, in UTC. Other input falls back
/// to the standard library's date parsing; unreadable input is printed unchanged.
fn date(input: &Value, args: &[Value]) -> std::result::Result<Value, String> {
    let format = args.first().map(text).unwrap_or_default();
    if let Some(zone) = args.get(1).map(text) {
        if !matches!(zone.as_str(), "UTC" | "Etc/UTC" | "GMT" | "Z" | "") {
            return Err(format!(
                "time zone `{zone}` is not supported yet (UTC only)"
            ));
        }
    }
    let when = match seconds(input) {
        Some(secs) => {
            let mut dt = DateTime::from_ymd(1970, 1, 1);
            let by = Duration::from_secs(secs.unsigned_abs());
            if secs >= 0 {
                *dt += by;
            } else {
                *dt -= by;
            }
            Some(dt)
        }
        None => input.as_scalar().and_then(|s| s.to_date_time()),
    };
    match when {
        Some(dt) if !format.is_empty() => dt
            .format(&format)
            .map(string)
            .map_err(|_| format!("invalid date format `{format}`")),
        _ => Ok(input.clone()),
    }
}

fn shift_days(input: &Value, args: &[Value], sign: i64) -> std::result::Result<Value, String> {
    let secs =
        seconds(input).ok_or_else(|| format!("expects Unix seconds, got `{}`", text(input)))?;
    let days = args.first().and_then(number).unwrap_or(1.0);
    #[allow(clippy::cast_possible_truncation)]
    let delta = (days * 86_400.0) as i64;
    Ok(Value::scalar(
        secs.saturating_add(sign.saturating_mul(delta)),
    ))
}

/// `add_day: n`: Unix seconds `n` days later.
fn add_day(input: &Value, args: &[Value]) -> std::result::Result<Value, String> {
    shift_days(input, args, 1)
}

/// `subtract_day: n`: Unix seconds `n` days earlier.
fn subtract_day(input: &Value, args: &[Value]) -> std::result::Result<Value, String> {
    shift_days(input, args, -1)
}

fn to_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Value::Nil | Value::State(_) => J::Null,
        Value::Array(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Object(map) => J::Object(
            map.iter()
                .map(|(k, v)| (k.to_string(), to_json(v)))
                .collect(),
        ),
        Value::Scalar(s) => match s.type_name() {
            "whole number" => s.to_integer().map_or(J::Null, J::from),
            "fractional number" => s
                .to_float()
                .and_then(serde_json::Number::from_f64)
                .map_or(J::Null, J::Number),
            "boolean" => J::Bool(s.to_bool().unwrap_or(false)),
            _ => J::String(s.to_kstr().into_owned().to_string()),
        },
    }
}

/// The value as JSON text.
fn json(input: &Value, _: &[Value]) -> std::result::Result<Value, String> {
    Ok(string(to_json(input).to_string()))
}

/// `3 | pluralize: 'item', 'items'` → `3 items` (the plural defaults to the
/// singular followed by `s`).
fn pluralize(input: &Value, args: &[Value]) -> std::result::Result<Value, String> {
    let count = number(input).ok_or_else(|| format!("expects a number, got `{}`", text(input)))?;
    let singular = args.first().map(text).ok_or("expects the singular word")?;
    let plural = args.get(1).map_or_else(|| format!("{singular}s"), text);
    let word = if count == 1.0 { singular } else { plural };
    Ok(string(format!("{} {word}", text(input))))
}

/// `1234567.891 | format_number` → `1,234,567.89`; `format_number: 0` sets the
/// decimals.
fn format_number(input: &Value, args: &[Value]) -> std::result::Result<Value, String> {
    let n = number(input).ok_or_else(|| format!("expects a number, got `{}`", text(input)))?;
    let whole = input
        .as_scalar()
        .is_some_and(|s| s.type_name() == "whole number");
    let decimals = match args.first().and_then(number) {
        Some(d) => d.clamp(0.0, 10.0) as usize,
        None if whole => 0,
        None => 2,
    };
    Ok(string(grouped(n, decimals)))
}

/// `12.5 | currency` → `$12.50`; `currency: 'EUR'` → `€12.50`.
fn currency(input: &Value, args: &[Value]) -> std::result::Result<Value, String> {
    let n = number(input).ok_or_else(|| format!("expects a number, got `{}`", text(input)))?;
    let code = args
        .first()
        .map(text)
        .unwrap_or_default()
        .to_ascii_uppercase();
    let symbol = match code.as_str() {
        "EUR" => "€",
        "GBP" => "£",
        "JPY" => "¥",
        _ => "$",
    };
    let sign = if n < 0.0 { "-" } else { "" };
    Ok(string(format!("{sign}{symbol}{}", grouped(n.abs(), 2))))
}

fn grouped(n: f64, decimals: usize) -> String {
    let fixed = format!("{:.*}", decimals, n.abs());
    let (int, frac) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    if n < 0.0 {
        out.insert(0, '-');
    }
    out
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
        arguments.keyword.for_each(drop);
        Ok(Box::new(Bound {
            name: self.name,
            func: self.func,
            positional: arguments.positional.collect(),
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
        let args = self
            .positional
            .iter()
            .map(|e| e.evaluate(runtime).map(|v| v.into_owned()))
            .collect::<Result<Vec<_>>>()?;
        (self.func)(&input.to_value(), &args)
            .map_err(|message| Error::with_msg(format!("filter `{}`: {message}", self.name)))
    }
}

#[cfg(test)]
mod tests {
    fn render(source: &str) -> String {
        let template = super::super::parse(source).unwrap_or_else(|e| panic!("{e}"));
        let globals = liquid::object!({ "t": 1_700_000_000_i64, "n": 3, "one": 1, "x": 1234567.891, "list": ["a", 2] });
        template.render(&globals).unwrap_or_else(|e| panic!("{e}"))
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
            render("{{ 12.5 | currency }} {{ x | currency: 'EUR' }}"),
            "$12.50 €1,234,567.89"
        );
        let unsupported = super::super::parse("{{ t | date: '%H', 'America/New_York' }}").unwrap();
        assert!(unsupported.render(&liquid::object!({ "t": 0 })).is_err());
    }
}
