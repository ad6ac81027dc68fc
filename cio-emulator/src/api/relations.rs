//! Objects and relationships on the Track API: v2 `object` operations, v2
//! `person`/`add_relationships`/`delete_relationships` and the `cio_relationships`
//! of a v2 operation or of a v1 identify.

use serde_json::{Map, Value};

use super::items::{check_attributes, identifier, identify_attributes};
use super::{invalid, Action, ItemError};
use crate::objects::{ObjectKey, Related};

/// An object's `identifiers`: `object_type_id` (a string holding an integer, or an
/// integer) and `object_id` (a string of 1 to 150 bytes).
pub(super) fn object_key(ids: &Map<String, Value>) -> Result<ObjectKey, ItemError> {
    let type_id = match ids.get("object_type_id") {
        Some(Value::String(id)) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) => {
            id.clone()
        }
        Some(Value::Number(n)) if n.is_u64() => n.to_string(),
        None | Some(Value::Null) => {
            return Err(invalid(
                "required",
                "identifiers.object_type_id",
                "object_type_id is required",
            ))
        }
        Some(_) => {
            return Err(invalid(
                "invalid",
                "identifiers.object_type_id",
                "object_type_id must be a string holding an integer",
            ))
        }
    };
    let id = match ids.get("object_id") {
        Some(Value::String(id)) if !id.is_empty() && id.len() <= super::limits::IDENTIFIER => {
            id.clone()
        }
        Some(Value::String(_)) => {
            return Err(invalid(
                "invalid",
                "identifiers.object_id",
                "object_id must be 1 to 150 bytes",
            ))
        }
        _ => {
            return Err(invalid(
                "required",
                "identifiers.object_id",
                "object_id is required (a string)",
            ))
        }
    };
    Ok(ObjectKey::new(type_id, id))
}

/// One entry of `cio_relationships`: its `identifiers` (read by `read`) and its
/// `relationship_attributes`.
fn entry<T>(
    value: &Value,
    read: impl Fn(&Map<String, Value>) -> Result<T, ItemError>,
) -> Result<Entry<T>, ItemError> {
    let Value::Object(entry) = value else {
        return Err(invalid(
            "invalid",
            "cio_relationships",
            "each relationship must be an object",
        ));
    };
    let who = match entry.get("identifiers") {
        Some(Value::Object(ids)) => read(ids)?,
        _ => {
            return Err(invalid(
                "required",
                "cio_relationships.identifiers",
                "a relationship's identifiers are required",
            ))
        }
    };
    let attributes = match entry.get("relationship_attributes") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(a)) => a.clone(),
        Some(_) => {
            return Err(invalid(
                "invalid",
                "cio_relationships.relationship_attributes",
                "relationship_attributes must be an object",
            ))
        }
    };
    check_attributes(&attributes)?;
    Ok((who, attributes))
}

/// Who or what a relationship names, with the relationship's attributes.
type Entry<T> = (T, Map<String, Value>);

/// A list of relationships (`cio_relationships` of a v2 operation, `relationships`
/// of a v1 one), each read by `read`.
fn list<T>(
    value: Option<&Value>,
    read: impl Fn(&Map<String, Value>) -> Result<T, ItemError> + Copy,
) -> Result<Vec<Entry<T>>, ItemError> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items.iter().map(|item| entry(item, read)).collect(),
        Some(_) => Err(invalid(
            "invalid",
            "cio_relationships",
            "cio_relationships must be a list",
        )),
    }
}

/// The objects a person's `cio_relationships` names.
pub(super) fn person_relationships(value: Option<&Value>) -> Result<Vec<Related>, ItemError> {
    Ok(list(value, object_key)?
        .into_iter()
        .map(|(object, attributes)| Related { object, attributes })
        .collect())
}

/// The actions of v2 `person`/`add_relationships` or `delete_relationships`.
pub(super) fn person_action(
    customer: String,
    add: bool,
    op: &Map<String, Value>,
) -> Result<Action, ItemError> {
    let related = person_relationships(op.get("cio_relationships"))?;
    if related.is_empty() {
        return Err(invalid(
            "required",
            "cio_relationships",
            "cio_relationships must name at least one object",
        ));
    }
    Ok(if add {
        Action::Relate(customer, related)
    } else {
        Action::Unrelate(customer, related.into_iter().map(|r| r.object).collect())
    })
}

/// A v2 `object` operation: `identify` (with its `cio_relationships` to people),
/// `delete`, `add_relationships` and `delete_relationships`.
pub(super) fn object_operation(op: &Map<String, Value>, action: &str) -> Result<Action, ItemError> {
    let object = match op.get("identifiers") {
        Some(Value::Object(ids)) => object_key(ids)?,
        _ => {
            return Err(invalid(
                "required",
                "identifiers",
                "identifiers is required",
            ))
        }
    };
    let people = list(op.get("cio_relationships"), identifier)?;
    let relate = |people: Vec<(String, Map<String, Value>)>| {
        people
            .into_iter()
            .map(|(person, attributes)| {
                let related = Related {
                    object: object.clone(),
                    attributes,
                };
                Action::Relate(person, vec![related])
            })
            .collect::<Vec<_>>()
    };
    match action {
        "identify" => {
            let attributes = identify_attributes(op.get("attributes").cloned())?;
            let mut actions = vec![Action::Object(object.clone(), attributes)];
            actions.extend(relate(people));
            Ok(Action::All(actions))
        }
        "delete" => Ok(Action::DeleteObject(object)),
        "add_relationships" => Ok(Action::All(relate(people))),
        "delete_relationships" => Ok(Action::All(
            people
                .into_iter()
                .map(|(person, _)| Action::Unrelate(person, vec![object.clone()]))
                .collect(),
        )),
        "" => Err(invalid("required", "action", "action is required")),
        _ => Err(invalid(
            "invalid",
            "action",
            format!("unknown action `{action}` for an object"),
        )),
    }
}

/// The `cio_relationships` of a v1 identify (removed from its attributes):
/// `{"action": "add_relationships" | "delete_relationships", "relationships": [...]}`.
pub(super) fn v1_relationships(
    customer: &str,
    attributes: &mut Map<String, Value>,
) -> Result<Option<Action>, ItemError> {
    let Some(given) = attributes.remove("cio_relationships") else {
        return Ok(None);
    };
    let Value::Object(given) = given else {
        return Err(invalid(
            "invalid",
            "cio_relationships",
            "cio_relationships must be an object with action and relationships",
        ));
    };
    let related = person_relationships(given.get("relationships"))?;
    match given.get("action").and_then(Value::as_str) {
        Some("add_relationships") => Ok(Some(Action::Relate(customer.to_owned(), related))),
        Some("delete_relationships" | "remove_relationships") => Ok(Some(Action::Unrelate(
            customer.to_owned(),
            related.into_iter().map(|r| r.object).collect(),
        ))),
        _ => Err(invalid(
            "invalid",
            "cio_relationships.action",
            "cio_relationships.action must be add_relationships or delete_relationships",
        )),
    }
}
