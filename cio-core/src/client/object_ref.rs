//! [`ObjectRef`]: an object of the workspace (a company, an account), by type and id.

use super::customer::{fnv1a, Customer};
use super::error::Error;
use crate::Object;

/// An object of the workspace (a company, an account), by its type's
/// `object_type_id` and its own id: what object operations, relationships and the
/// Data Pipelines API's `group` calls name.
///
/// ```
/// use cio_core::client::ObjectRef;
/// let acme = ObjectRef::new(1, "acme");
/// assert_eq!((acme.type_id(), acme.id()), (1, "acme"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectRef {
    type_id: u64,
    id: String,
}

impl ObjectRef {
    /// The object `id` of the object type `type_id`.
    pub fn new(type_id: u64, id: impl Into<String>) -> Self {
        ObjectRef {
            type_id,
            id: id.into(),
        }
    }

    /// The object `id` of the object type `O` of `events.toml` (its `TYPE_ID`).
    pub fn of<O: Object>(id: impl Into<String>) -> Self {
        ObjectRef::new(O::TYPE_ID, id)
    }

    /// The object type's id.
    pub fn type_id(&self) -> u64 {
        self.type_id
    }

    /// The object's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Checks the id as a customer identifier is checked: not empty, no control
    /// characters, at most 150 bytes.
    pub(crate) fn check(&self) -> Result<(), Error> {
        Customer::id(self.id.as_str())
            .validate()
            .map_err(|_| Error::InvalidIdentifier(format!("`{}` is not an object id", self.id)))
    }

    /// `{"object_type_id":"<type id>","object_id":<id>}`.
    pub(crate) fn write_identifiers(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        out.extend_from_slice(b"{\"object_type_id\":\"");
        out.extend_from_slice(self.type_id.to_string().as_bytes());
        out.extend_from_slice(b"\",\"object_id\":");
        super::body::write_json(out, self.id.as_str())?;
        out.push(b'}');
        Ok(())
    }

    /// The object's ordering key: its operations go in order, and a relationship
    /// after the object's creation, like a person's.
    pub(crate) fn ordering_key(&self) -> i64 {
        let text = format!("object:{}:{}", self.type_id, self.id);
        fnv1a(text.bytes())
    }
}
