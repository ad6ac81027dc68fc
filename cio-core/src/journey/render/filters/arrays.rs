//! Arrays: `find`, `where_not`, `group_by`, their `*_exp` forms (the expression
//! is Liquid, evaluated with the item under the given name and nothing else),
//! `limit`, `push`/`pop`/`shift`/`unshift`, `sum`, `json_array_uniq`.

use liquid_core::{Object, Value, ValueView};

use super::{number, string, text, Args, Outcome};

fn items(input: &Value) -> Vec<Value> {
    match input {
        Value::Array(items) => items.clone(),
        Value::Nil => Vec::new(),
        other => vec![other.clone()],
    }
}

fn property<'a>(item: &'a Value, name: &str) -> Option<&'a Value> {
    match item {
        Value::Object(map) => map.get(name),
        _ => None,
    }
}

fn matches(item: &Value, args: &Args) -> Result<bool, String> {
    let name = args.text(0).ok_or("expects a property name")?;
    let value = property(item, &name);
    Ok(match args.get(1) {
        Some(wanted) => value.is_some_and(|v| v == wanted),
        None => value.is_some_and(|v| v.query_state(liquid_core::model::State::Truthy)),
    })
}

/// `find: 'id', 2`: the first item whose property equals the value (nil if none).
pub(super) fn find(input: &Value, args: &Args) -> Outcome {
    for item in items(input) {
        if matches(&item, args)? {
            return Ok(item);
        }
    }
    Ok(Value::Nil)
}

/// `where_not: 'status', 'done'`: the items whose property differs.
pub(super) fn where_not(input: &Value, args: &Args) -> Outcome {
    let mut kept = Vec::new();
    for item in items(input) {
        if !matches(&item, args)? {
            kept.push(item);
        }
    }
    Ok(Value::Array(kept))
}

fn group(input: &Value, key: impl Fn(&Value) -> Result<String, String>) -> Outcome {
    let mut groups: Vec<(String, Vec<Value>)> = Vec::new();
    for item in items(input) {
        let name = key(&item)?;
        match groups.iter_mut().find(|(n, _)| *n == name) {
            Some((_, members)) => members.push(item),
            None => groups.push((name, vec![item])),
        }
    }
    Ok(Value::Array(
        groups
            .into_iter()
            .map(|(name, members)| {
                let mut object = Object::new();
                object.insert("name".into(), string(name));
                object.insert(
                    "size".into(),
                    Value::scalar(i64::try_from(members.len()).unwrap_or(i64::MAX)),
                );
                object.insert("items".into(), Value::Array(members));
                Value::Object(object)
            })
            .collect(),
    ))
}

/// `group_by: 'plan'`: `[{name, items, size}]` per distinct value, in order.
pub(super) fn group_by(input: &Value, args: &Args) -> Outcome {
    let name = args.text(0).ok_or("expects a property name")?;
    group(input, |item| {
        Ok(property(item, &name).map(text).unwrap_or_default())
    })
}

/// An expression filter's Liquid, rendered for one item.
struct Expression {
    name: String,
    template: liquid::Template,
}

impl Expression {
    fn new(args: &Args, wrap: fn(&str) -> String) -> Result<Self, String> {
        let name = args.text(0).ok_or("expects the item's name")?;
        let expression = args.text(1).ok_or("expects an expression")?;
        let template = crate::journey::render::parse(&wrap(&expression))?;
        Ok(Expression { name, template })
    }

    fn render(&self, item: &Value) -> Result<String, String> {
        let mut globals = Object::new();
        globals.insert(self.name.clone().into(), item.clone());
        self.template.render(&globals).map_err(|e| e.to_string())
    }
}

fn condition(expression: &str) -> String {
    format!("{{% if {expression} %}}1{{% endif %}}")
}

fn output(expression: &str) -> String {
    format!("{{{{ {expression} }}}}")
}

/// `where_exp: 'item', 'item.price > 10'`: the items for which it holds.
pub(super) fn where_exp(input: &Value, args: &Args) -> Outcome {
    let test = Expression::new(args, condition)?;
    let mut kept = Vec::new();
    for item in items(input) {
        if test.render(&item)? == "1" {
            kept.push(item);
        }
    }
    Ok(Value::Array(kept))
}

/// `find_exp: 'item', 'item.price > 10'`: the first item for which it holds.
pub(super) fn find_exp(input: &Value, args: &Args) -> Outcome {
    let test = Expression::new(args, condition)?;
    for item in items(input) {
        if test.render(&item)? == "1" {
            return Ok(item);
        }
    }
    Ok(Value::Nil)
}

/// `group_by_exp: 'item', 'item.plan | upcase'`: groups by the rendered value.
pub(super) fn group_by_exp(input: &Value, args: &Args) -> Outcome {
    let key = Expression::new(args, output)?;
    group(input, |item| key.render(item))
}

fn count(args: &Args) -> usize {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    args.first()
        .and_then(number)
        .map_or(1, |n| n.clamp(0.0, 1e9) as usize)
}

/// `limit: n`: the first `n` items.
pub(super) fn limit(input: &Value, args: &Args) -> Outcome {
    let n = args
        .first()
        .and_then(number)
        .ok_or("expects how many items")?;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let n = n.clamp(0.0, 1e9) as usize;
    Ok(Value::Array(items(input).into_iter().take(n).collect()))
}

/// `pop` / `pop: n`: without the last `n` items (1 by default).
pub(super) fn pop(input: &Value, args: &Args) -> Outcome {
    let mut all = items(input);
    all.truncate(all.len().saturating_sub(count(args)));
    Ok(Value::Array(all))
}

/// `shift` / `shift: n`: without the first `n` items (1 by default).
pub(super) fn shift(input: &Value, args: &Args) -> Outcome {
    Ok(Value::Array(
        items(input).into_iter().skip(count(args)).collect(),
    ))
}

/// `push: x`: with `x` at the end.
pub(super) fn push(input: &Value, args: &Args) -> Outcome {
    let mut all = items(input);
    all.push(args.first().cloned().ok_or("expects the item to add")?);
    Ok(Value::Array(all))
}

/// `unshift: x`: with `x` at the start.
pub(super) fn unshift(input: &Value, args: &Args) -> Outcome {
    let mut all = items(input);
    all.insert(0, args.first().cloned().ok_or("expects the item to add")?);
    Ok(Value::Array(all))
}

/// `sum` / `sum: 'amount'`: the total of the numbers (or of that property).
pub(super) fn sum(input: &Value, args: &Args) -> Outcome {
    let name = args.text(0);
    let mut whole: i64 = 0;
    let mut fractional = 0.0_f64;
    let mut any_float = false;
    for item in items(input) {
        let value = match &name {
            Some(name) => property(&item, name).cloned().unwrap_or(Value::Nil),
            None => item,
        };
        let Some(scalar) = value.as_scalar() else {
            continue;
        };
        match scalar.to_integer() {
            Some(i) if scalar.type_name() == "whole number" => {
                whole = whole.saturating_add(i);
            }
            _ => {
                if let Some(f) = scalar.to_float() {
                    fractional += f;
                    any_float = true;
                }
            }
        }
    }
    #[allow(clippy::cast_precision_loss)]
    Ok(if any_float {
        Value::scalar(fractional + whole as f64)
    } else {
        Value::scalar(whole)
    })
}

/// Without repeated items (the first of each kept).
pub(super) fn uniq(input: &Value, _: &Args) -> Outcome {
    let mut kept: Vec<Value> = Vec::new();
    for item in items(input) {
        if !kept.contains(&item) {
            kept.push(item);
        }
    }
    Ok(Value::Array(kept))
}
