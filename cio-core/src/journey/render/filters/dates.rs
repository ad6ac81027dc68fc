//! Dates: Customer.io stores timestamps as Unix seconds. `date` formats them with
//! strftime in UTC or in the named IANA zone given as second argument;
//! `add_*`/`subtract_*` take and give Unix seconds (months and years on the UTC
//! calendar, clamped to the month's last day); `date_to_*` are Jekyll's formats.

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan, Zoned};

use super::{number, string, text, Args, Outcome};
use liquid_core::{Value, ValueView};

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
        .filter(|f| f.is_finite() && f.abs() < 1e15)
        .map(|f| f.floor() as i64)
}

/// The input as a zoned time: Unix seconds in `zone` (UTC without one), or a date
/// the standard library reads (`2024-01-31 10:00:00 +0100`), at its own offset
/// unless a zone is given. `None` when it is neither.
fn zoned(input: &Value, zone: Option<&str>) -> Result<Option<Zoned>, String> {
    let tz = match zone {
        None | Some("") => None,
        Some(name) => Some(
            jiff::tz::db()
                .get(name)
                .map_err(|_| format!("unknown time zone `{name}`"))?,
        ),
    };
    let (secs, offset) = match seconds(input) {
        Some(secs) => (secs, 0),
        None => match input.as_scalar().and_then(|s| s.to_date_time()) {
            Some(dt) => (dt.unix_timestamp(), dt.offset().whole_seconds()),
            None => return Ok(None),
        },
    };
    let at = Timestamp::from_second(secs).map_err(|e| e.to_string())?;
    let tz = match tz {
        Some(tz) => tz,
        None => jiff::tz::Offset::from_seconds(offset)
            .map(TimeZone::fixed)
            .map_err(|e| e.to_string())?,
    };
    Ok(Some(at.to_zoned(tz)))
}

fn format(when: &Zoned, format: &str) -> Outcome {
    jiff::fmt::strtime::format(format, when)
        .map(string)
        .map_err(|_| format!("invalid date format `{format}`"))
}

/// `date: format` and `date: format, 'America/New_York'`. Unreadable input is
/// printed unchanged, as the standard library does.
pub(super) fn date(input: &Value, args: &Args) -> Outcome {
    let pattern = args.text(0).unwrap_or_default();
    let zone = args.text(1);
    match zoned(input, zone.as_deref())? {
        Some(when) if !pattern.is_empty() => format(&when, &pattern),
        _ => Ok(input.clone()),
    }
}

fn shift(input: &Value, by: jiff::Span) -> Outcome {
    let when = zoned(input, None)?
        .ok_or_else(|| format!("expects Unix seconds, got `{}`", text(input)))?;
    let moved = when.checked_add(by).map_err(|e| e.to_string())?;
    Ok(Value::scalar(moved.timestamp().as_second()))
}

/// The first argument (1 when absent), bounded so that no span of days overflows.
fn count(args: &Args) -> f64 {
    args.first()
        .and_then(number)
        .unwrap_or(1.0)
        .clamp(-1e5, 1e5)
}

#[allow(clippy::cast_possible_truncation)]
fn days(args: &Args, sign: f64) -> jiff::Span {
    ((sign * count(args) * 86_400.0) as i64).seconds()
}

#[allow(clippy::cast_possible_truncation)]
fn whole(args: &Args, sign: f64) -> i64 {
    (sign * count(args)) as i64
}

/// `n` calendar months as a span: jiff's `months()` panics beyond its range, so the
/// checked constructor, whose error is the filter's.
fn months(n: i64) -> Result<jiff::Span, String> {
    jiff::Span::new().try_months(n).map_err(|e| e.to_string())
}

/// `n` calendar years as a span: jiff allows ±19,998 (`years()` panics beyond), and
/// no shift that large stays within its dates anyway, so the error is the filter's.
fn years(n: i64) -> Result<jiff::Span, String> {
    jiff::Span::new().try_years(n).map_err(|e| e.to_string())
}

/// `add_day: n`: Unix seconds `n` days (of 24 hours; `0.5` is 12 hours) later.
pub(super) fn add_day(input: &Value, args: &Args) -> Outcome {
    shift(input, days(args, 1.0))
}

/// `subtract_day: n`: Unix seconds `n` days earlier.
pub(super) fn subtract_day(input: &Value, args: &Args) -> Outcome {
    shift(input, days(args, -1.0))
}

/// `add_month: n`: Unix seconds `n` calendar months later (UTC).
pub(super) fn add_month(input: &Value, args: &Args) -> Outcome {
    shift(input, months(whole(args, 1.0))?)
}

/// `subtract_month: n`: Unix seconds `n` calendar months earlier (UTC).
pub(super) fn subtract_month(input: &Value, args: &Args) -> Outcome {
    shift(input, months(whole(args, -1.0))?)
}

/// `add_year: n`: Unix seconds `n` years later (UTC).
pub(super) fn add_year(input: &Value, args: &Args) -> Outcome {
    shift(input, years(whole(args, 1.0))?)
}

/// `subtract_year: n`: Unix seconds `n` years earlier (UTC).
pub(super) fn subtract_year(input: &Value, args: &Args) -> Outcome {
    shift(input, years(whole(args, -1.0))?)
}

fn preset(input: &Value, pattern: &str) -> Outcome {
    match zoned(input, None)? {
        Some(when) => format(&when, pattern),
        None => Ok(input.clone()),
    }
}

/// `14 Nov 2023`.
pub(super) fn to_string(input: &Value, _: &Args) -> Outcome {
    preset(input, "%d %b %Y")
}

/// `14 November 2023`.
pub(super) fn to_long_string(input: &Value, _: &Args) -> Outcome {
    preset(input, "%d %B %Y")
}

/// `Tue, 14 Nov 2023 22:13:20 +0000`.
pub(super) fn to_rfc822(input: &Value, _: &Args) -> Outcome {
    preset(input, "%a, %d %b %Y %H:%M:%S %z")
}

/// `2023-11-14T22:13:20+00:00`.
pub(super) fn to_xmlschema(input: &Value, _: &Args) -> Outcome {
    preset(input, "%Y-%m-%dT%H:%M:%S%:z")
}
