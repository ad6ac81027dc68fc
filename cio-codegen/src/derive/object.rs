//! `#[derive(cio::Object)]` and `#[derive(cio::Relationship)]`: an app struct
//! checked against the attributes of an object type (`[objects.NAME]`), or against
//! those of a person's relationship to one (its `relationship`).

use std::path::Path;

use cio_schema::{Field, ObjectType};
use proc_macro2::TokenStream;
use syn::DeriveInput;

use super::{finish, unknown_name_hint, Derive};
use crate::attr::ContainerAttrs;
use crate::fields::{self, Target};
use crate::spec::RecordKind;
use crate::taxonomy::objects::inline_enum_owners;

/// Which of the two derives.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    /// `Object`: the object's attributes.
    Object,
    /// `Relationship`: the attributes of a relationship to an object.
    Relationship,
}

impl Which {
    fn derive(self) -> &'static str {
        match self {
            Which::Object => "Object",
            Which::Relationship => "Relationship",
        }
    }

    /// The trait's impl for `object` (its type id 0 when unknown, for a stub).
    fn kind(self, object: &str, type_id: u64) -> RecordKind<'_> {
        match self {
            Which::Object => RecordKind::Object {
                name: object,
                type_id,
            },
            Which::Relationship => RecordKind::Relationship { object, type_id },
        }
    }

    /// The declared fields, how messages name them, and the owner of their inline
    /// enums.
    fn target(self, object: &ObjectType) -> (&[Field], String, String) {
        let name = &object.name.value;
        let (owner, relationship_owner) = inline_enum_owners(name);
        match self {
            Which::Object => (&object.attributes, format!("object type `{name}`"), owner),
            Which::Relationship => (
                &object.relationship,
                format!("the relationship of object type `{name}`"),
                relationship_owner,
            ),
        }
    }
}

/// Expands `#[derive(cio::Object)]`.
pub(crate) fn expand_object(input: TokenStream, manifest_dir: &Path) -> TokenStream {
    super::derive(
        input,
        manifest_dir,
        &["name", "taxonomy", "crate"],
        |input, attrs| stub(input, attrs, Which::Object),
        |derive| checked(derive, Which::Object),
    )
}

/// Expands `#[derive(cio::Relationship)]`.
pub(crate) fn expand_relationship(input: TokenStream, manifest_dir: &Path) -> TokenStream {
    super::derive(
        input,
        manifest_dir,
        &["name", "taxonomy", "crate"],
        |input, attrs| stub(input, attrs, Which::Relationship),
        |derive| checked(derive, Which::Relationship),
    )
}

/// The object type a container refers to: `#[cio(name = "...")]`, or the
/// snake_case form of the type's name (for a relationship, without a
/// `Relationship` suffix); with the span to report it at.
fn object_name(
    input: &DeriveInput,
    attrs: &ContainerAttrs,
    which: Which,
) -> (String, proc_macro2::Span) {
    match &attrs.name {
        Some(lit) => (lit.value(), lit.span()),
        None => {
            let ident = input.ident.to_string();
            let base = match which {
                Which::Relationship => ident.strip_suffix("Relationship").unwrap_or(&ident),
                Which::Object => &ident,
            };
            (cio_schema::naming::field_name(base), input.ident.span())
        }
    }
}

/// The derive once events.toml is loaded: checks the input against it.
fn checked(derive: Derive<'_>, which: Which) -> TokenStream {
    let Derive {
        input,
        attrs,
        schema,
        mut errors,
        track,
    } = derive;
    let taxonomy = &schema.taxonomy;
    let (name, name_span) = object_name(input, attrs, which);
    let syn::Data::Struct(data) = &input.data else {
        let what = match which {
            Which::Object => "the object's attributes",
            Which::Relationship => "the relationship's attributes",
        };
        errors.at(
            input.ident.span(),
            format!(
                "`#[derive(cio::{})]` works on structs: the fields are {what}",
                which.derive()
            ),
        );
        let stub = stub(input, attrs, which);
        return finish(track, &errors, stub);
    };
    let Some(object) = taxonomy.object(&name) else {
        let names = taxonomy.objects.iter().map(|o| o.name.value.as_str());
        let hint = unknown_name_hint(&name, names, attrs, "object_type");
        errors.at(
            name_span,
            format!(
                "unknown object type `{name}`: events.toml declares no `[objects.{name}]`{hint}"
            ),
        );
        let stub = stub(input, attrs, which);
        return finish(track, &errors, stub);
    };
    let (declared, describe, owner) = which.target(object);
    let target = Target {
        describe,
        declared,
        owner: &owner,
    };
    let matching = fields::match_fields(data, &target, &mut errors);
    let what = match which {
        Which::Object => format!("the attributes object type `{name}` requires"),
        Which::Relationship => format!("the attributes a relationship to a `{name}` requires"),
    };
    fields::require_all(&input.ident, &matching, &target, &what, &mut errors);
    let matched = matching.matched;
    for m in matched
        .iter()
        .filter(|m| m.optional && !m.declared.optional)
    {
        let ty = m.declared.ty.describe();
        errors.spanned(
            &m.field.ty,
            format!(
                "attribute `{}` cannot be optional: events.toml declares it required (`{ty}`, not `{ty}?`)",
                m.declared.name.value
            ),
        );
    }
    let impls = super::struct_impls(
        input,
        attrs,
        &matched,
        &owner,
        which.kind(&object.name.value, object.type_id),
    );
    finish(track, &errors, impls)
}

/// The impls emitted when the derive fails, so that uses of the type do not add
/// errors of their own.
fn stub(input: &DeriveInput, attrs: &ContainerAttrs, which: Which) -> TokenStream {
    let (name, _) = object_name(input, attrs, which);
    super::record_impls(input, attrs, which.kind(&name, 0), Vec::new())
}
