//! The traits of Customer.io objects and subscription topics: [`Object`] and
//! [`Relationship`], implemented by the structs `cio::taxonomy!()` generates from
//! `[objects.NAME]` (and by the `Object` and `Relationship` derives), and
//! [`SubscriptionTopic`], implemented by the generated `Topic` enum of `[topics]`.

use crate::constraint::Violation;

/// The attributes of an object type of `events.toml` (`[objects.company]`):
/// serializing them yields the object's attributes, under their wire names.
///
/// ```
/// use cio_core::Object;
/// #[derive(serde::Serialize)]
/// struct Company { name: String }
/// impl Object for Company {
///     const NAME: &'static str = "company";
///     const TYPE_ID: u64 = 1;
/// }
/// assert_eq!(Company::TYPE_ID, 1);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an object type of events.toml",
    label = "not declared under `[objects]`",
    note = "`taxonomy!()` generates a struct per `[objects.NAME]`; `#[derive(cio::Object)]` checks an app's own"
)]
pub trait Object: serde::Serialize {
    /// Its name in `events.toml` (`company`).
    const NAME: &'static str;
    /// Its `object_type_id` in Customer.io.
    const TYPE_ID: u64;

    /// Checks the constraints `events.toml` declares on the attributes.
    fn validate(&self) -> Result<(), Violation> {
        Ok(())
    }
}

/// The attributes of a person's relationship to an object of a type of
/// `events.toml` (its `relationship` table): serializing them yields the
/// relationship's attributes.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not the relationship of an object type of events.toml",
    label = "not an `[objects.NAME]` relationship",
    note = "`taxonomy!()` generates `{{Object}}Relationship` per `[objects.NAME]`; `#[derive(cio::Relationship)]` checks an app's own"
)]
pub trait Relationship: serde::Serialize {
    /// The object type's name in `events.toml` (`company`).
    const OBJECT: &'static str;
    /// The object type's `object_type_id` in Customer.io.
    const OBJECT_TYPE_ID: u64;

    /// Checks the constraints `events.toml` declares on the attributes.
    fn validate(&self) -> Result<(), Violation> {
        Ok(())
    }
}

/// A subscription-center topic of `events.toml` (`[topics]`): the generated
/// `Topic` enum.
pub trait SubscriptionTopic: Copy + 'static {
    /// Every topic, in declaration order.
    const ALL: &'static [Self];

    /// Its id in Customer.io's subscription center.
    fn id(self) -> u64;

    /// Its name in `events.toml` (`product_updates`).
    fn name(self) -> &'static str;
}
