//! `#[derive(cio::Attributes)]`.

use std::path::Path;

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use super::{finish, Derive};
use crate::attr::ContainerAttrs;
use crate::fields::{self, Target};
use crate::items;

/// Expands the derive.
pub(crate) fn expand(input: TokenStream, manifest_dir: &Path) -> TokenStream {
    super::derive(input, manifest_dir, &["create", "taxonomy"], stub, checked)
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
    let impls = super::struct_impls(
        input,
        &matched,
        target.owner,
        quote!(::cio::Attributes),
        TokenStream::new(),
    );
    finish(track, &errors, impls)
}

fn stub(input: &DeriveInput, _attrs: &ContainerAttrs) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let serialize = items::serialize_impl(ident, &input.generics, &[]);
    quote! {
        const _: () = {
            #serialize
            #[automatically_derived]
            impl #impl_generics ::cio::Attributes for #ident #ty_generics #where_clause {}
        };
    }
}
