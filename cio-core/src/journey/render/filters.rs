//! Customer.io's filters that the `liquid` crate's standard library lacks.

/// The names of the filters registered on top of the standard library.
pub const FILTERS: &[&str] = &[];

/// Registers Customer.io's filters on `builder`.
pub(super) fn register(builder: liquid::ParserBuilder) -> liquid::ParserBuilder {
    builder
}
