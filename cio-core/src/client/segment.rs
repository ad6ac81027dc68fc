//! [`Segment`]: a manual segment, and the requests that add people to it or remove
//! them, at most [`SEGMENT_BATCH`] identifiers each.

use super::customer::{Customer, IdentifierKind};
use super::error::Error;

/// The most identifiers one `add_customers` or `remove_customers` request may carry.
pub const SEGMENT_BATCH: usize = 1000;

/// A manual segment, by its id in Customer.io (the `[segments]` table of
/// `events.toml` generates one constant each).
///
/// ```
/// use cio_core::client::Segment;
/// const BETA_TESTERS: Segment = Segment::new(7);
/// assert_eq!(BETA_TESTERS.id(), 7);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Segment(u64);

impl Segment {
    /// The segment with this id.
    pub const fn new(id: u64) -> Self {
        Segment(id)
    }

    /// Its id.
    pub const fn id(self) -> u64 {
        self.0
    }
}

/// The bodies to send for `customers`: one per identifier kind (in the order each kind
/// first appears) and per [`SEGMENT_BATCH`] identifiers, each with its `id_type`.
/// Every identifier is checked first, so nothing is sent when one is invalid.
pub(crate) fn segment_bodies(
    customers: &[Customer],
) -> Result<Vec<(IdentifierKind, Vec<u8>)>, Error> {
    let mut kinds: Vec<(IdentifierKind, Vec<&str>)> = Vec::new();
    for customer in customers {
        customer.validate()?;
        match kinds.iter_mut().find(|(k, _)| *k == customer.kind()) {
            Some((_, ids)) => ids.push(customer.value()),
            None => kinds.push((customer.kind(), vec![customer.value()])),
        }
    }
    let mut bodies = Vec::new();
    for (kind, ids) in kinds {
        for chunk in ids.chunks(SEGMENT_BATCH) {
            let mut body = Vec::with_capacity(16 + chunk.len() * 16);
            super::body::write_json(&mut body, &serde_json::json!({ "ids": chunk }))?;
            bodies.push((kind, body));
        }
    }
    Ok(bodies)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_by_kind_and_thousands() {
        let mut customers: Vec<Customer> = (0..2001).map(|i| Customer::id(i.to_string())).collect();
        customers.insert(5, Customer::email("a@example.com"));
        let bodies = segment_bodies(&customers).unwrap_or_default();
        let kinds: Vec<IdentifierKind> = bodies.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            kinds,
            [
                IdentifierKind::Id,
                IdentifierKind::Id,
                IdentifierKind::Id,
                IdentifierKind::Email
            ]
        );
        let sizes: Vec<usize> = bodies
            .iter()
            .map(|(_, b)| {
                serde_json::from_slice::<serde_json::Value>(b)
                    .map_or(0, |v| v["ids"].as_array().map_or(0, Vec::len))
            })
            .collect();
        assert_eq!(sizes, [1000, 1000, 1, 1]);
        assert!(segment_bodies(&[Customer::id("")]).is_err());
        assert!(segment_bodies(&[]).is_ok_and(|b| b.is_empty()));
    }
}
