//! One description of each generated item, for `taxonomy!()` and the derives alike:
//! a struct's fields (name, wire name, Rust type, check, limits, docs) and an enum's
//! variants. [`crate::render`] writes every description the same way.

use cio_schema::{Field, FieldType};
use proc_macro2::TokenStream;

/// A piece of the output: source text, or the app's own tokens (which keep their
/// spans, so that errors about them point into the app's code).
pub(crate) enum Piece {
    /// Source text (an identifier, an events.toml type such as `[email]`).
    Text(String),
    /// Tokens from the derive's input.
    Tokens(TokenStream),
}

impl Piece {
    /// The empty piece (no generics).
    pub(crate) fn none() -> Piece {
        Piece::Text(String::new())
    }
}

/// The generics of a derived type, split for an impl (all empty for generated
/// types).
pub(crate) struct Generics {
    /// `<'a, T: Bound>`.
    pub(crate) impl_generics: Piece,
    /// `<'a, T>`.
    pub(crate) ty_generics: Piece,
    /// `where ...`.
    pub(crate) where_clause: Piece,
}

impl Generics {
    /// No generics.
    pub(crate) fn none() -> Generics {
        Generics {
            impl_generics: Piece::none(),
            ty_generics: Piece::none(),
            where_clause: Piece::none(),
        }
    }

    /// The generics of a derive's input.
    pub(crate) fn of(generics: &syn::Generics) -> Generics {
        use quote::ToTokens as _;
        let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
        Generics {
            impl_generics: Piece::Tokens(impl_generics.to_token_stream()),
            ty_generics: Piece::Tokens(ty_generics.to_token_stream()),
            where_clause: Piece::Tokens(where_clause.to_token_stream()),
        }
    }
}

/// One field of a struct sent to Customer.io.
pub(crate) struct FieldSpec<'a> {
    /// Its declaration in events.toml: wire name, type, limits.
    pub(crate) declared: &'a Field,
    /// The Rust field.
    pub(crate) member: Piece,
    /// `true` when the Rust type is an `Option` (skipped when `None`).
    pub(crate) optional: bool,
    /// The type the field's check is instantiated with: for a generated struct the
    /// events.toml type (`[email]`, `Plan`), for a derive the app's own type.
    pub(crate) ty: Piece,
    /// Attributes written on a generated field (docs, `#[deprecated]`).
    pub(crate) attrs: String,
}

/// Which runtime trait a struct implements.
pub(crate) enum RecordKind<'a> {
    /// `cio::Event`: the event name and the data fields its campaigns' Liquid reads.
    Event { name: &'a str, liquid: Vec<&'a str> },
    /// `cio::Attributes`.
    Attributes,
    /// `cio::MessageData`: the data of a transactional message or a broadcast.
    MessageData,
    /// `cio::Object`: the attributes of an object type, its name and type id.
    Object { name: &'a str, type_id: u64 },
    /// `cio::Relationship`: the attributes of a person's relationship to an object
    /// of the type `object` (with its type id).
    Relationship { object: &'a str, type_id: u64 },
}

/// A struct sent to Customer.io: an event, profile attributes, message data, or the
/// attributes of an object or a relationship.
pub(crate) struct RecordSpec<'a> {
    /// Attributes written on a generated struct (docs, `#[deprecated]`, derives).
    pub(crate) attrs: String,
    /// The type's name.
    pub(crate) ident: Piece,
    /// Its generics.
    pub(crate) generics: Generics,
    /// What it implements.
    pub(crate) kind: RecordKind<'a>,
    /// Its fields, in order.
    pub(crate) fields: Vec<FieldSpec<'a>>,
}

/// An enum of the taxonomy.
pub(crate) struct EnumSpec<'a> {
    /// Attributes written on a generated enum (docs).
    pub(crate) attrs: String,
    /// The type's name.
    pub(crate) ident: Piece,
    /// Its generics.
    pub(crate) generics: Generics,
    /// Its name in events.toml (`plan`, `signed_up.method`).
    pub(crate) name: &'a str,
    /// Each variant and the string it is sent as.
    pub(crate) variants: Vec<(Piece, &'a str)>,
}

/// The `cio::__private` function that checks a value of `ty` at run time (its
/// bound is also the type check of a derived field), and how many list levels
/// hold the values it checks.
pub(crate) fn check_of(ty: &FieldType) -> (&'static str, usize) {
    match ty {
        FieldType::String => ("field_text", 0),
        FieldType::Email => ("field_email", 0),
        FieldType::Url => ("field_url", 0),
        FieldType::Int => ("field_int", 0),
        FieldType::Float => ("field_float", 0),
        FieldType::Bool => ("field_bool", 0),
        FieldType::Timestamp => ("field_timestamp", 0),
        FieldType::Object => ("field_object", 0),
        FieldType::Enum(_) | FieldType::InlineEnum(_) => ("field_enum", 0),
        FieldType::List(inner) => {
            let (check, depth) = check_of(inner);
            (check, depth + 1)
        }
    }
}
