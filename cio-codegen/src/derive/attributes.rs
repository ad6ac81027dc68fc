//! `#[derive(cio::Attributes)]`.

use std::path::Path;

use proc_macro2::TokenStream;
use syn::DeriveInput;

use super::{finish, Derive};
use crate::attr::ContainerAttrs;
use crate::fields::{self, Target};
use crate::spec::RecordKind;

/// Expands the derive.
pub(crate) fn expand(input: TokenStream, manifest_dir: &Path) -> TokenStream {
    super::derive(
        input,
        manifest_dir,
        &["create", "taxonomy", "crate"],
        stub,
        checked,
    )
}

/// The derive once events.toml is loaded: checks the input against it.
fn checked(derive: Derive<'_>) -> TokenStream {
    let Derive {
        input,
        attrs,
        schema,
        mut errors,
        track,
    } = derive;
    let syn::Data::Struct(data) = &input.data else {
        errors.at(
            input.ident.span(),
            "`#[derive(cio::Attributes)]` works on structs: the fields are profile attributes",
        );
        let stub = stub(input, attrs);
        return finish(track, &errors, stub);
    };
    let target = Target {
        describe: "the profile".to_string(),
        declared: &schema.taxonomy.profile,
        owner: "profile",
    };
    let matching = fields::match_fields(data, &target, &mut errors);
    if attrs.create {
        fields::require_all(
            &input.ident,
            &matching,
            &target,
            "the attributes required to create a profile (`#[cio(create)]`)",
            &mut errors,
        );
    }
    let matched = matching.matched;
    if attrs.create {
        for m in matched
            .iter()
            .filter(|m| m.optional && !m.declared.optional)
        {
            let attribute = &m.declared.name.value;
            errors.spanned(
                &m.field.ty,
                format!(
                    "attribute `{attribute}` cannot be optional in a `#[cio(create)]` struct: events.toml requires it when a profile is created (`{}`, not `{}?`)",
                    m.declared.ty.describe(),
                    m.declared.ty.describe()
                ),
            );
        }
    }
    let impls = super::struct_impls(input, attrs, &matched, target.owner, RecordKind::Attributes);
    finish(track, &errors, impls)
}

/// The impls emitted when the derive fails, so that uses of the type do not add
/// errors of their own.
fn stub(input: &DeriveInput, attrs: &ContainerAttrs) -> TokenStream {
    super::record_impls(input, attrs, RecordKind::Attributes, Vec::new())
}
