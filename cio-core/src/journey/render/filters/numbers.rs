//! Numbers and money: `pluralize`, `format_number`, `currency`,
//! `rounded_currency`, `random`.

use super::{number, string, text, Args, Outcome};
use liquid_core::{Value, ValueView};

fn expect_number(input: &Value) -> Result<f64, String> {
    number(input).ok_or_else(|| format!("expects a number, got `{}`", text(input)))
}

/// `3 | pluralize: 'item', 'items'` → `3 items` (the plural defaults to the
/// singular followed by `s`).
pub(super) fn pluralize(input: &Value, args: &Args) -> Outcome {
    let count = expect_number(input)?;
    let singular = args.text(0).ok_or("expects the singular word")?;
    let plural = args.text(1).unwrap_or_else(|| format!("{singular}s"));
    let word = if count == 1.0 { singular } else { plural };
    Ok(string(format!("{} {word}", text(input))))
}

/// `1234567.891 | format_number` → `1,234,567.89`; `format_number: 0` sets the
/// decimals.
pub(super) fn format_number(input: &Value, args: &Args) -> Outcome {
    let n = expect_number(input)?;
    let whole = input
        .as_scalar()
        .is_some_and(|s| s.type_name() == "whole number");
    let decimals = match args.first().and_then(number) {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Some(d) => d.clamp(0.0, 10.0) as usize,
        None if whole => 0,
        None => 2,
    };
    Ok(string(grouped(n, decimals)))
}

fn money(input: &Value, args: &Args, decimals: usize) -> Outcome {
    let mut n = expect_number(input)?;
    if decimals == 0 {
        n = n.round(); // half away from zero, not the formatter's half to even
    }
    let code = args.text(0).unwrap_or_default().to_ascii_uppercase();
    let symbol = match code.as_str() {
        "EUR" => "€",
        "GBP" => "£",
        "JPY" => "¥",
        _ => "$",
    };
    let sign = if n < 0.0 { "-" } else { "" };
    Ok(string(format!(
        "{sign}{symbol}{}",
        grouped(n.abs(), decimals)
    )))
}

/// `12.5 | currency` → `$12.50`; `currency: 'EUR'` → `€12.50`.
pub(super) fn currency(input: &Value, args: &Args) -> Outcome {
    money(input, args, 2)
}

/// `12.5 | rounded_currency` → `$13`: [`currency`] without decimals.
pub(super) fn rounded_currency(input: &Value, args: &Args) -> Outcome {
    money(input, args, 0)
}

/// `10 | random` → an integer from 0 to 9 (0 for anything below 1).
pub(super) fn random(input: &Value, _: &Args) -> Outcome {
    let n = expect_number(input)?;
    #[allow(clippy::cast_possible_truncation)]
    let n = n.floor().clamp(0.0, 9.0e15) as i64;
    Ok(Value::scalar(if n < 1 { 0 } else { fastrand::i64(0..n) }))
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
