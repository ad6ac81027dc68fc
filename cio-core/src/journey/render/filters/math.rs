//! The standard library's arithmetic (`plus`, `minus`, `times`, `divided_by`,
//! `modulo`, `abs`) with checked integers.
//!
//! liquid-lib computes on `i64` unchecked: `i64::MIN | divided_by: -1` panics in
//! every build, and the others panic in debug builds, with operands that can come
//! from event data. Here an integer result that does not fit an `i64` is the
//! render error "integer overflow" (Customer.io's Ruby would grow a big integer;
//! it documents nothing for this). Everything else is as liquid-lib does it: two
//! integers (or text of integers) give an integer, truncated toward zero for
//! `divided_by` and with the dividend's sign for `modulo`; otherwise both as
//! floats; a zero divisor is an error.

use liquid_core::model::ScalarCow;
use liquid_core::{Value, ValueView};

use super::{Args, Outcome};

/// An integer operation that returns `None` when the result overflows.
type Checked = fn(i64, i64) -> Option<i64>;

fn scalar<'a>(value: &'a Value, what: &str) -> Result<ScalarCow<'a>, String> {
    value
        .as_scalar()
        .ok_or_else(|| format!("{what}: number expected"))
}

fn operation(input: &Value, args: &Args, int: Checked, float: fn(f64, f64) -> f64) -> Outcome {
    let input = scalar(input, "input")?;
    let operand = scalar(args.first().unwrap_or(&Value::Nil), "operand")?;
    if let (Some(i), Some(o)) = (input.to_integer(), operand.to_integer()) {
        return int(i, o)
            .map(Value::scalar)
            .ok_or_else(|| "integer overflow".to_string());
    }
    match (input.to_float(), operand.to_float()) {
        (Some(i), Some(o)) => Ok(Value::scalar(float(i, o))),
        _ => Err("operand: number expected".into()),
    }
}

/// A division's divisor must not be zero, integer or float.
fn division(input: &Value, args: &Args, int: Checked, float: fn(f64, f64) -> f64) -> Outcome {
    if let Some(operand) = args.first().and_then(Value::as_scalar) {
        let zero = match operand.to_integer() {
            Some(o) => o == 0,
            None => operand.to_float() == Some(0.0),
        };
        if zero {
            return Err("operand: cannot divide by zero".into());
        }
    }
    operation(input, args, int, float)
}

/// `a | plus: b`.
pub(super) fn plus(input: &Value, args: &Args) -> Outcome {
    operation(input, args, i64::checked_add, |i, o| i + o)
}

/// `a | minus: b`.
pub(super) fn minus(input: &Value, args: &Args) -> Outcome {
    operation(input, args, i64::checked_sub, |i, o| i - o)
}

/// `a | times: b`.
pub(super) fn times(input: &Value, args: &Args) -> Outcome {
    operation(input, args, i64::checked_mul, |i, o| i * o)
}

/// `a | divided_by: b`: integer division of two integers.
pub(super) fn divided_by(input: &Value, args: &Args) -> Outcome {
    division(input, args, i64::checked_div, |i, o| i / o)
}

/// `a | modulo: b`.
pub(super) fn modulo(input: &Value, args: &Args) -> Outcome {
    division(input, args, i64::checked_rem, |i, o| i % o)
}

/// `a | abs`.
pub(super) fn abs(input: &Value, _: &Args) -> Outcome {
    let input = scalar(input, "input")?;
    if let Some(i) = input.to_integer() {
        return i
            .checked_abs()
            .map(Value::scalar)
            .ok_or_else(|| "integer overflow".to_string());
    }
    input
        .to_float()
        .map(|f| Value::scalar(f.abs()))
        .ok_or_else(|| "input: number expected".into())
}
