//! `#[derive(cio::Enum)]`.

use std::path::Path;

use cio_schema::{FieldType, Name, Taxonomy};
use proc_macro2::{Ident, TokenStream};
use quote::ToTokens as _;
use syn::DeriveInput;

use super::{declared_name, finish, unknown_name_hint, Derive};
use crate::attr::{self, ContainerAttrs};
use crate::items;
use crate::render::{self, Out};
use crate::spec::{EnumSpec, Generics, Piece};
use crate::taxonomy::objects::inline_enum_owners;

/// Expands the derive.
pub(crate) fn expand(input: TokenStream, manifest_dir: &Path) -> TokenStream {
    super::derive(
        input,
        manifest_dir,
        &["name", "taxonomy", "crate"],
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
    let (name, name_span) = declared_name(input, attrs);
    let syn::Data::Enum(data) = &input.data else {
        errors.at(
            input.ident.span(),
            "`#[derive(cio::Enum)]` works on enums: one unit variant per value",
        );
        return finish(track, &errors, TokenStream::new());
    };
    let Some(values) = enum_values(&schema.taxonomy, &name) else {
        let mut names: Vec<String> = schema
            .taxonomy
            .enums
            .iter()
            .map(|e| e.name.value.clone())
            .collect();
        names.extend(inline_enum_names(&schema.taxonomy));
        let hint = unknown_name_hint(&name, names.iter().map(String::as_str), attrs, "enum_name");
        errors.at(
            name_span,
            format!("unknown enum `{name}`: events.toml declares no such enum{hint}"),
        );
        let stub = stub(input, attrs);
        return finish(track, &errors, stub);
    };

    let mut pairs: Vec<(&Ident, &str)> = Vec::new();
    // Values already covered by an error about a variant: not reported missing again.
    let mut accounted: Vec<String> = Vec::new();
    for variant in &data.variants {
        let attrs = attr::member(&variant.attrs, &["rename"], &mut errors);
        if !matches!(variant.fields, syn::Fields::Unit) {
            let ident_text = variant.ident.to_string();
            if let Some(v) = values
                .iter()
                .find(|v| cio_schema::naming::variant_name(&v.value) == ident_text)
            {
                accounted.push(v.value.clone());
            }
            errors.spanned(
                &variant.fields,
                format!(
                    "variant `{}` carries data; an events.toml enum is sent as a string, so each variant must be a unit variant",
                    variant.ident
                ),
            );
            continue;
        }
        let ident_text = variant.ident.to_string();
        let found = match &attrs.rename {
            Some(rename) => values.iter().find(|v| v.value == rename.value()),
            None => values.iter().find(|v| {
                cio_schema::naming::variant_name(&v.value) == ident_text || v.value == ident_text
            }),
        };
        let Some(value) = found else {
            let written = attrs
                .rename
                .as_ref()
                .map_or(ident_text.clone(), syn::LitStr::value);
            let span = attrs
                .rename
                .as_ref()
                .map_or(variant.ident.span(), syn::LitStr::span);
            let by_variant: Vec<String> = values
                .iter()
                .map(|v| cio_schema::naming::variant_name(&v.value))
                .collect();
            let near = if attrs.rename.is_some() {
                cio_schema::suggest::did_you_mean(&written, values.iter().map(|v| v.value.as_str()))
                    .map(str::to_string)
            } else {
                cio_schema::suggest::did_you_mean(&written, by_variant.iter().map(String::as_str))
                    .map(str::to_string)
            };
            if let Some(n) = &near {
                if let Some(v) = values
                    .iter()
                    .find(|v| v.value == *n || cio_schema::naming::variant_name(&v.value) == *n)
                {
                    accounted.push(v.value.clone());
                }
            }
            let hint = near
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            errors.at(
                span,
                format!(
                    "variant `{written}` is not a value of the enum `{name}` in events.toml (its values: {}){hint}",
                    values.iter().map(|v| format!("`{}`", v.value)).collect::<Vec<_>>().join(", ")
                ),
            );
            continue;
        };
        if let Some((previous, _)) = pairs.iter().find(|(_, wire)| *wire == value.value) {
            errors.at(
                variant.ident.span(),
                format!(
                    "variant `{}` sends `{}`, which variant `{previous}` already sends",
                    variant.ident, value.value
                ),
            );
            continue;
        }
        pairs.push((&variant.ident, value.value.as_str()));
    }
    let missing: Vec<String> = values
        .iter()
        .filter(|v| !pairs.iter().any(|(_, wire)| *wire == v.value))
        .filter(|v| !accounted.contains(&v.value))
        .map(|v| {
            format!(
                "`{}` (variant `{}`)",
                v.value,
                cio_schema::naming::variant_name(&v.value)
            )
        })
        .collect();
    if !missing.is_empty() {
        errors.at(
            input.ident.span(),
            format!(
                "enum `{}` is missing variants for values of the enum `{name}` in events.toml: {}",
                input.ident,
                missing.join(", ")
            ),
        );
    }
    if !errors.is_empty() {
        let stub = stub(input, attrs);
        return finish(track, &errors, stub);
    }
    let spec = EnumSpec {
        attrs: String::new(),
        ident: Piece::Tokens(input.ident.to_token_stream()),
        generics: Generics::of(&input.generics),
        name: &name,
        variants: pairs
            .iter()
            .map(|(variant, wire)| (Piece::Tokens(variant.to_token_stream()), *wire))
            .collect(),
    };
    let mut out = Out::new(&attrs.krate.text, 256);
    render::enumeration(&mut out, &spec, false);
    finish(track, &errors, out.into_tokens())
}

/// The values of the enum `name`: a named enum, or `owner.field` for an inline one
/// (`objects.TYPE.field` and `objects.TYPE.relationship.field` for an object
/// type's).
fn enum_values<'a>(taxonomy: &'a Taxonomy, name: &str) -> Option<&'a [Name]> {
    if let Some(named) = taxonomy.named_enum(name) {
        return Some(&named.values);
    }
    let object_field = name.strip_prefix("objects.").and_then(|rest| {
        let (object, field) = rest.split_once('.')?;
        let object = taxonomy.object(object)?;
        Some(match field.strip_prefix("relationship.") {
            Some(field) => (&object.relationship, field),
            None => (&object.attributes, field),
        })
    });
    let (fields, field) = match object_field {
        Some(found) => found,
        None => {
            let (owner, field) = name.split_once('.')?;
            let fields = if owner == "profile" {
                &taxonomy.profile
            } else {
                &taxonomy.event(owner)?.data
            };
            (fields, field)
        }
    };
    let mut ty = &fields.iter().find(|f| f.name.value == field)?.ty;
    while let FieldType::List(inner) = ty {
        ty = inner;
    }
    match ty {
        FieldType::InlineEnum(values) => Some(values),
        _ => None,
    }
}

fn inline_enum_names(taxonomy: &Taxonomy) -> Vec<String> {
    let mut owners: Vec<(String, &Vec<cio_schema::Field>)> = taxonomy
        .events
        .iter()
        .map(|e| (e.name.value.clone(), &e.data))
        .chain(std::iter::once(("profile".to_string(), &taxonomy.profile)))
        .collect();
    for object in &taxonomy.objects {
        let (owner, relationship_owner) = inline_enum_owners(&object.name.value);
        owners.push((owner, &object.attributes));
        owners.push((relationship_owner, &object.relationship));
    }
    owners
        .iter()
        .flat_map(|(owner, fields)| {
            fields
                .iter()
                .filter_map(move |f| items::enum_name_of(&f.ty, owner, &f.name.value))
                .filter(|n| n.contains('.'))
        })
        .collect()
}

/// The impls emitted when the derive fails, so that uses of the type do not add
/// errors of their own.
fn stub(input: &DeriveInput, attrs: &ContainerAttrs) -> TokenStream {
    let (name, _) = declared_name(input, attrs);
    let mut out = Out::new(&attrs.krate.text, 128);
    let ident = Piece::Tokens(input.ident.to_token_stream());
    render::enum_stub(&mut out, ident, &Generics::of(&input.generics), &name);
    out.into_tokens()
}
