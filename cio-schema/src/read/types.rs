//! Field type strings: `string`, `int?`, `[email]`, `plan`, `[plan]?`.

use crate::model::FieldType;

/// The built-in type names, in the order they are documented.
pub(crate) const BUILTIN_TYPES: [&str; 8] = [
    "string",
    "email",
    "url",
    "int",
    "float",
    "bool",
    "timestamp",
    "object",
];

/// The built-in type named `name`.
pub(crate) fn builtin(name: &str) -> Option<FieldType> {
    Some(match name {
        "string" => FieldType::String,
        "email" => FieldType::Email,
        "url" => FieldType::Url,
        "int" => FieldType::Int,
        "float" => FieldType::Float,
        "bool" => FieldType::Bool,
        "timestamp" => FieldType::Timestamp,
        "object" => FieldType::Object,
        _ => return None,
    })
}

/// Why a type string is malformed (completes "malformed type `T` for ...: {reason}"),
/// or the name that is not a known type.
#[derive(Debug, PartialEq)]
pub(crate) enum TypeError {
    /// The text does not follow the type syntax.
    Malformed(&'static str),
    /// The syntax is fine but `name` is neither built in nor a named enum.
    Unknown(String),
}

/// Parses a type string. `is_enum` tells whether a name is a named enum.
/// Returns the type and whether it is optional.
pub(crate) fn parse_type(
    text: &str,
    is_enum: &dyn Fn(&str) -> bool,
) -> Result<(FieldType, bool), TypeError> {
    if text.trim().is_empty() {
        return Err(TypeError::Malformed("the type is empty"));
    }
    if text.trim() != text {
        return Err(TypeError::Malformed("remove the spaces around the type"));
    }
    let (body, optional) = match text.strip_suffix('?') {
        Some(rest) => (rest, true),
        None => (text, false),
    };
    if body.ends_with('?') {
        return Err(TypeError::Malformed("`?` may appear only once, at the end"));
    }
    if body.is_empty() {
        return Err(TypeError::Malformed("`?` must follow a type"));
    }
    let ty = if let Some(inner) = body.strip_prefix('[') {
        let Some(inner) = inner.strip_suffix(']') else {
            return Err(TypeError::Malformed("missing `]`"));
        };
        if inner.ends_with('?') {
            return Err(TypeError::Malformed(
                "list elements cannot be optional; write `[T]?` for an optional list",
            ));
        }
        if inner.starts_with('[') {
            return Err(TypeError::Malformed("lists of lists are not supported"));
        }
        if inner.is_empty() {
            return Err(TypeError::Malformed("the list has no element type"));
        }
        FieldType::List(Box::new(base(inner, is_enum)?))
    } else {
        base(body, is_enum)?
    };
    Ok((ty, optional))
}

fn base(name: &str, is_enum: &dyn Fn(&str) -> bool) -> Result<FieldType, TypeError> {
    if name.contains('?') {
        return Err(TypeError::Malformed("`?` may appear only at the end"));
    }
    if name.contains('[') {
        return Err(TypeError::Malformed("unexpected `[`"));
    }
    if name.contains(']') {
        return Err(TypeError::Malformed("unexpected `]`"));
    }
    if let Some(ty) = builtin(name) {
        return Ok(ty);
    }
    if is_enum(name) {
        return Ok(FieldType::Enum(name.to_string()));
    }
    Err(TypeError::Unknown(name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<(FieldType, bool), TypeError> {
        parse_type(text, &|n| n == "plan")
    }

    #[test]
    fn valid_types() {
        assert_eq!(parse("string"), Ok((FieldType::String, false)));
        assert_eq!(parse("int?"), Ok((FieldType::Int, true)));
        assert_eq!(
            parse("[email]?"),
            Ok((FieldType::List(Box::new(FieldType::Email)), true))
        );
        assert_eq!(parse("plan"), Ok((FieldType::Enum("plan".into()), false)));
        assert_eq!(
            parse("[plan]"),
            Ok((
                FieldType::List(Box::new(FieldType::Enum("plan".into()))),
                false
            ))
        );
    }

    #[test]
    fn malformed_types() {
        assert_eq!(parse("[int"), Err(TypeError::Malformed("missing `]`")));
        assert_eq!(
            parse("int??"),
            Err(TypeError::Malformed("`?` may appear only once, at the end"))
        );
        assert_eq!(
            parse("[[string]]"),
            Err(TypeError::Malformed("lists of lists are not supported"))
        );
        assert_eq!(parse("int]"), Err(TypeError::Malformed("unexpected `]`")));
        assert_eq!(
            parse("?"),
            Err(TypeError::Malformed("`?` must follow a type"))
        );
        assert_eq!(
            parse("[]"),
            Err(TypeError::Malformed("the list has no element type"))
        );
        assert_eq!(parse("strng"), Err(TypeError::Unknown("strng".into())));
        assert_eq!(parse("[strng]"), Err(TypeError::Unknown("strng".into())));
    }
}
