//! Objects and relationships: what the Track API's v2 `object` operations,
//! `add_relationships`/`delete_relationships` and `cio_relationships`, and the Data
//! Pipelines API's `group`, `Relationship Deleted` and `Object Deleted` leave in the
//! state.

use std::fmt;

use serde_json::{Map, Value};

use crate::record::{Applied, State};

/// An object, by its type id (as Customer.io sends it, a string holding an integer)
/// and its id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectKey {
    /// The `object_type_id` (`"1"`).
    pub type_id: String,
    /// The `object_id`.
    pub id: String,
}

impl ObjectKey {
    /// The object `id` of type `type_id`.
    pub fn new(type_id: impl Into<String>, id: impl Into<String>) -> Self {
        ObjectKey {
            type_id: type_id.into(),
            id: id.into(),
        }
    }
}

impl fmt::Display for ObjectKey {
    /// `TYPE_ID:ID`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.type_id, self.id)
    }
}

/// A person's relationship to an object, as a request names it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Related {
    /// The object.
    pub(crate) object: ObjectKey,
    /// The relationship's attributes (empty when none were sent).
    pub(crate) attributes: Map<String, Value>,
}

impl State {
    /// Creates or updates an object: the given attributes replace the old values
    /// (a `null` removes one), the others stay.
    pub(crate) fn upsert_object(&mut self, object: &ObjectKey, attributes: Map<String, Value>) {
        if let Some(engine) = &mut self.journeys {
            engine.object(object, &attributes);
        }
        let stored = self
            .record
            .object_attributes
            .entry(object.clone())
            .or_default();
        merge_into(stored, attributes);
    }

    /// Deletes an object and every relationship to it.
    pub(crate) fn delete_object(&mut self, object: &ObjectKey) {
        self.record.object_attributes.remove(object);
        for relationships in self.record.relationships.values_mut() {
            relationships.remove(object);
        }
        self.record.relationships.retain(|_, r| !r.is_empty());
    }

    /// Relates `person` to an object (made if it does not exist yet), with the
    /// relationship's attributes merged into those it had. A relationship that is
    /// new starts the `relationship_added` campaigns of the object's type; updating
    /// one does not. A suppressed person is not related.
    pub(crate) fn relate(&mut self, person: &str, related: Related) {
        if self.record.suppressed.contains(person) {
            return;
        }
        let Related { object, attributes } = related;
        self.record
            .object_attributes
            .entry(object.clone())
            .or_default();
        self.applied(person, Applied::Related(object.clone()));
        let relationships = self
            .record
            .relationships
            .entry(person.to_owned())
            .or_default();
        let added = !relationships.contains_key(&object);
        let stored = relationships.entry(object.clone()).or_default();
        merge_into(stored, attributes);
        if added {
            let relationship = stored.clone();
            if let Some(engine) = &mut self.journeys {
                engine.relate(person, &object, relationship);
            }
        }
    }

    /// Ends `person`'s relationship to `object`, if they had one.
    pub(crate) fn unrelate(&mut self, person: &str, object: &ObjectKey) {
        self.applied(person, Applied::Unrelated(object.clone()));
        if let Some(relationships) = self.record.relationships.get_mut(person) {
            relationships.remove(object);
            if relationships.is_empty() {
                self.record.relationships.remove(person);
            }
        }
    }

    /// Moves the relationships of `secondary` to `primary` (a merge); those
    /// `primary` has already keep their attributes.
    pub(crate) fn merge_relationships(&mut self, primary: &str, secondary: &str) {
        if let Some(moved) = self.record.relationships.remove(secondary) {
            let kept = self
                .record
                .relationships
                .entry(primary.to_owned())
                .or_default();
            for (object, attributes) in moved {
                kept.entry(object).or_insert(attributes);
            }
        }
    }
}

/// Sets each of `attributes` in `stored`; a `null` removes it.
fn merge_into(stored: &mut Map<String, Value>, attributes: Map<String, Value>) {
    for (name, value) in attributes {
        if value.is_null() {
            stored.remove(&name);
        } else {
            stored.insert(name, value);
        }
    }
}
