//! The derives: `Event`, `Attributes`, `Enum`, `Object` and `Relationship` check the
//! app's own types against `events.toml` and implement the runtime traits for them.

pub(crate) mod attributes;
pub(crate) mod enumeration;
pub(crate) mod event;
pub(crate) mod object;

use std::path::Path;

use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens as _};
use syn::DeriveInput;

use crate::attr::{self, ContainerAttrs};
use crate::cache::{self, Schema};
use crate::emit::{self, Errors};
use crate::fields::Matched;
use crate::items;
use crate::locate::locate;
use crate::render::{self, Out};
use crate::spec::{FieldSpec, Generics, Piece, RecordKind, RecordSpec};

/// What a derive's body checks and generates from: the input, its `#[cio(...)]`
/// attributes, the taxonomy, the errors found so far and the file tracking.
pub(crate) struct Derive<'a> {
    pub(crate) input: &'a DeriveInput,
    pub(crate) attrs: &'a ContainerAttrs,
    pub(crate) schema: &'a Schema,
    pub(crate) errors: Errors,
    /// `const _: &[u8] = include_bytes!(...)` for every file read.
    pub(crate) track: &'a TokenStream,
}

/// Runs a derive: parses the input, reads `#[cio(...)]`, finds and loads
/// events.toml, then hands them to `body`. On failure emits the errors plus `stub`
/// for the parsed input, so that the user sees the real error and not a cascade of
/// "trait not implemented".
pub(crate) fn derive(
    input: TokenStream,
    manifest_dir: &Path,
    allowed: &[&str],
    stub: fn(&DeriveInput, &ContainerAttrs) -> TokenStream,
    body: fn(Derive<'_>) -> TokenStream,
) -> TokenStream {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(e) => return e.to_compile_error(),
    };
    let mut errors = Errors::default();
    let attrs = attr::container(&input.attrs, allowed, &mut errors);
    let span = attrs
        .taxonomy
        .as_ref()
        .map_or_else(|| input.ident.span(), syn::LitStr::span);
    let file = match locate(
        manifest_dir,
        attrs.taxonomy.as_ref().map(syn::LitStr::value).as_deref(),
    ) {
        Ok(file) => file,
        Err(message) => {
            errors.at(span, message);
            let stub = stub(&input, &attrs);
            let errors = errors.to_compile_errors();
            return quote!(#errors #stub);
        }
    };
    let load = cache::load(&file);
    let track = emit::track_files(&load.files);
    match &load.result {
        Ok(schema) => body(Derive {
            input: &input,
            attrs: &attrs,
            schema,
            errors,
            track: &track,
        }),
        Err(diagnostics) => {
            let reported = emit::diagnostics(diagnostics, span);
            let stub = stub(&input, &attrs);
            let errors = errors.to_compile_errors();
            quote!(#track #reported #errors #stub)
        }
    }
}

/// The events.toml name a container refers to: `#[cio(name = "...")]`, or the
/// snake_case form of the type's name; with the span to report it at.
pub(crate) fn declared_name(input: &DeriveInput, attrs: &ContainerAttrs) -> (String, Span) {
    match &attrs.name {
        Some(lit) => (lit.value(), lit.span()),
        None => (
            cio_schema::naming::field_name(&input.ident.to_string()),
            input.ident.span(),
        ),
    }
}

/// The end of an "unknown name" error: the nearest declared name, or else (when the
/// name came from the type's identifier) how to give it one, `placeholder` standing for
/// the name (`event_name`, `object_type`, ...).
pub(crate) fn unknown_name_hint<'a>(
    name: &str,
    declared: impl IntoIterator<Item = &'a str>,
    attrs: &ContainerAttrs,
    placeholder: &str,
) -> String {
    match cio_schema::suggest::did_you_mean(name, declared) {
        Some(near) => format!("; did you mean `{near}`?"),
        None if attrs.name.is_none() => {
            format!("; name it with `#[cio(name = \"{placeholder}\")]`")
        }
        None => String::new(),
    }
}

/// Wraps generated impls in an anonymous const (scoping helper items) together with
/// the file tracking and any errors.
pub(crate) fn finish(track: &TokenStream, errors: &Errors, impls: TokenStream) -> TokenStream {
    let errors = errors.to_compile_errors();
    quote! {
        #errors
        #[allow(deprecated, non_local_definitions)]
        const _: () = {
            #track
            #impls
        };
    }
}

/// The impls both struct derives share, written as `taxonomy!()` writes those of
/// the structs it generates: `Serialize` (wire names, `None` omitted) and `kind`'s
/// trait with a `validate` running every field's check, instantiated with the
/// field's own type (so a wrong type is reported on it); then the enum assertions.
pub(crate) fn struct_impls(
    input: &DeriveInput,
    attrs: &ContainerAttrs,
    matched: &[Matched<'_>],
    owner: &str,
    kind: RecordKind<'_>,
) -> TokenStream {
    let fields = matched
        .iter()
        .map(|m| FieldSpec {
            declared: m.declared,
            member: Piece::Tokens(m.ident.to_token_stream()),
            optional: m.optional,
            ty: Piece::Tokens(m.field.ty.to_token_stream()),
            attrs: String::new(),
        })
        .collect();
    let impls = record_impls(input, attrs, kind, fields);
    // Const assertions cannot name the struct's generic parameters.
    let assertions = if input.generics.params.is_empty() {
        items::enum_assertions(&attrs.krate, matched, |d| {
            items::enum_name_of(&d.ty, owner, &d.name.value)
        })
    } else {
        TokenStream::new()
    };
    quote!(#impls #assertions)
}

/// `record_impls!` for the derive's input with `fields` (none for a stub).
pub(crate) fn record_impls(
    input: &DeriveInput,
    attrs: &ContainerAttrs,
    kind: RecordKind<'_>,
    fields: Vec<FieldSpec<'_>>,
) -> TokenStream {
    let spec = RecordSpec {
        attrs: String::new(),
        ident: Piece::Tokens(input.ident.to_token_stream()),
        generics: Generics::of(&input.generics),
        kind,
        fields,
    };
    let mut out = Out::new(&attrs.krate.text, 256);
    render::record(&mut out, &spec, false);
    out.into_tokens()
}
