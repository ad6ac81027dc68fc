//! `{% for %}` whose iterations count against the render's budget
//! ([`super::charge`]), charged before a range is built: `(1..1000000000)` is an
//! error, not 40 GB of loop items. Otherwise as liquid-lib's `for` (its source,
//! MIT, is the model): `else`, `limit:`, `offset:`, `reversed`, `break`,
//! `continue`, `forloop` with `parentloop`.

use std::io::Write;

use liquid_core::model::{Object, Value, ValueCow, ValueView};
use liquid_core::parser::{BlockElement, TryMatchToken};
use liquid_core::runtime::{Interrupt, InterruptRegister, StackFrame};
use liquid_core::{
    BlockReflection, Error, Expression, Language, ParseBlock, Renderable, Result, Runtime,
    TagBlock, TagTokenIter, Template,
};

/// The `for` block's parser.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct ForBlock;

impl BlockReflection for ForBlock {
    fn start_tag(&self) -> &str {
        "for"
    }
    fn end_tag(&self) -> &str {
        "endfor"
    }
    fn description(&self) -> &str {
        "a loop whose iterations count against the render's budget"
    }
}

#[derive(Debug)]
enum Collection {
    Array(Expression),
    Counted(Expression, Expression),
}

#[derive(Debug)]
struct For {
    var_name: String,
    collection: Collection,
    body: Template,
    otherwise: Option<Template>,
    limit: Option<Expression>,
    offset: Option<Expression>,
    reversed: bool,
}

fn attribute(arguments: &mut TagTokenIter<'_>) -> Result<Expression> {
    arguments
        .expect_next("\":\" expected.")?
        .expect_str(":")
        .into_result_custom_msg("\":\" expected.")?;
    arguments
        .expect_next("Value expected.")?
        .expect_value()
        .into_result()
}

impl ParseBlock for ForBlock {
    fn parse(
        &self,
        mut arguments: TagTokenIter<'_>,
        mut tokens: TagBlock<'_, '_>,
        options: &Language,
    ) -> Result<Box<dyn Renderable>> {
        let var_name = arguments
            .expect_next("Identifier expected.")?
            .expect_identifier()
            .into_result()?
            .to_owned();
        arguments
            .expect_next("\"in\" expected.")?
            .expect_str("in")
            .into_result_custom_msg("\"in\" expected.")?;
        let collection = match arguments
            .expect_next("Array or range expected.")?
            .expect_value()
        {
            TryMatchToken::Matches(array) => Collection::Array(array),
            TryMatchToken::Fails(range) => match range.expect_range() {
                TryMatchToken::Matches((start, stop)) => Collection::Counted(start, stop),
                TryMatchToken::Fails(range) => return range.raise_error().into_err(),
            },
        };
        let (mut limit, mut offset, mut reversed) = (None, None, false);
        while let Some(token) = arguments.next() {
            match token.as_str() {
                "limit" => limit = Some(attribute(&mut arguments)?),
                "offset" => offset = Some(attribute(&mut arguments)?),
                "reversed" => reversed = true,
                _ => {
                    return token
                        .raise_custom_error("\"limit\", \"offset\" or \"reversed\" expected.")
                        .into_err()
                }
            }
        }
        arguments.expect_nothing()?;
        let mut body = Vec::new();
        let mut otherwise = None;
        while let Some(element) = tokens.next()? {
            match element {
                BlockElement::Tag(mut tag) if tag.name() == "else" => {
                    tag.tokens().expect_nothing()?;
                    otherwise = Some(Template::new(tokens.parse_all(options)?));
                    break;
                }
                BlockElement::Tag(tag) => body.push(tag.parse(&mut tokens, options)?),
                element => body.push(element.parse(&mut tokens, options)?),
            }
        }
        tokens.assert_empty();
        Ok(Box::new(For {
            var_name,
            collection,
            body: Template::new(body),
            otherwise,
            limit,
            offset,
            reversed,
        }))
    }

    fn reflection(&self) -> &dyn BlockReflection {
        self
    }
}

fn integer(expression: &Expression, runtime: &dyn Runtime, what: &str) -> Result<i64> {
    let value = expression.evaluate(runtime)?;
    value
        .as_scalar()
        .and_then(|s| s.to_integer())
        .ok_or_else(|| Error::with_msg(format!("`for`: {what} must be a whole number")))
}

/// `limit:`/`offset:` as a count. A negative one is as large as can be, as in
/// liquid-lib (which casts it to `usize`): no limit, or an offset past the end.
fn count(attribute: Option<&Expression>, runtime: &dyn Runtime, what: &str) -> Result<Option<u64>> {
    attribute
        .map(|e| integer(e, runtime, what).map(|n| u64::try_from(n).unwrap_or(u64::MAX)))
        .transpose()
}

/// The items of an array (an object's are `[key, value]` pairs; nil is empty).
fn array_items(value: &dyn ValueView) -> Result<Vec<ValueCow<'_>>> {
    if let Some(array) = value.as_array() {
        Ok(array.values().map(ValueCow::Borrowed).collect())
    } else if let Some(object) = value.as_object() {
        Ok(object
            .iter()
            .map(|(k, v)| {
                ValueCow::Owned(Value::Array(vec![
                    Value::scalar(k.into_owned()),
                    v.to_value(),
                ]))
            })
            .collect())
    } else if value.is_state() || value.is_nil() {
        Ok(Vec::new())
    } else {
        Err(Error::with_msg(format!(
            "`for`: expected an array, found {}",
            value.type_name()
        )))
    }
}

fn window(len: u64, offset: u64, limit: Option<u64>) -> (u64, u64) {
    let start = offset.min(len);
    let take = limit.map_or(len - start, |l| l.min(len - start));
    (start, take)
}

impl Renderable for For {
    fn render_to(&self, writer: &mut dyn Write, runtime: &dyn Runtime) -> Result<()> {
        let offset = count(self.offset.as_ref(), runtime, "offset")?.unwrap_or(0);
        let limit = count(self.limit.as_ref(), runtime, "limit")?;
        let evaluated;
        let mut items: Vec<ValueCow<'_>> = match &self.collection {
            Collection::Counted(start, stop) => {
                let start = integer(start, runtime, "the range start")?;
                let stop = integer(stop, runtime, "the range end")?;
                let len = u64::try_from(i128::from(stop) - i128::from(start) + 1).unwrap_or(0);
                let (skip, take) = window(len, offset, limit);
                // Charged before a single item is built.
                super::charge(take)?;
                let first = i128::from(start) + i128::from(skip);
                (0..i128::from(take))
                    .filter_map(|i| i64::try_from(first + i).ok())
                    .map(|n| ValueCow::Owned(Value::scalar(n)))
                    .collect()
            }
            Collection::Array(expression) => {
                evaluated = expression.evaluate(runtime)?;
                let mut items = array_items(evaluated.as_view())?;
                let (skip, take) = window(items.len() as u64, offset, limit);
                super::charge(take)?;
                let skip = usize::try_from(skip).unwrap_or(usize::MAX);
                let take = usize::try_from(take).unwrap_or(usize::MAX);
                items.drain(..skip.min(items.len()));
                items.truncate(take);
                items
            }
        };
        if self.reversed {
            items.reverse();
        }
        if items.is_empty() {
            if let Some(otherwise) = &self.otherwise {
                otherwise.render_to(writer, runtime)?;
            }
            return Ok(());
        }
        let len = items.len();
        let parent = runtime
            .try_get(&[liquid_core::model::Scalar::new("forloop")])
            .map(|v| v.to_value());
        for (i, item) in items.into_iter().enumerate() {
            let forloop = forloop(i, len, parent.clone());
            let mut root = Object::new();
            root.insert("forloop".into(), Value::Object(forloop));
            root.insert(self.var_name.clone().into(), item.into_owned());
            let scope = StackFrame::new(runtime, &root);
            self.body.render_to(writer, &scope)?;
            let interrupt = scope.registers().get_mut::<InterruptRegister>().reset();
            if let Some(Interrupt::Break) = interrupt {
                break;
            }
        }
        Ok(())
    }
}

/// The `forloop` object of iteration `i` of `len`.
#[allow(clippy::cast_possible_wrap)]
fn forloop(i: usize, len: usize, parent: Option<Value>) -> Object {
    let (i, len) = (i as i64, len as i64);
    let mut object = Object::new();
    object.insert("length".into(), Value::scalar(len));
    object.insert("index0".into(), Value::scalar(i));
    object.insert("index".into(), Value::scalar(i + 1));
    object.insert("rindex0".into(), Value::scalar(len - i - 1));
    object.insert("rindex".into(), Value::scalar(len - i));
    object.insert("first".into(), Value::scalar(i == 0));
    object.insert("last".into(), Value::scalar(i == len - 1));
    object.insert("parentloop".into(), parent.unwrap_or(Value::Nil));
    object
}
