//! `cio::taxonomy!()`: typed Rust for every enum, event, the profile, the App API's
//! messages, the object types and the topics.

use std::path::Path;

use cio_schema::{EventDef, Field, FieldType, NamedEnum};
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};

use crate::attr::Krate;
use crate::cache::{self, Schema};
use crate::emit;
use crate::items;
use crate::locate::locate;
use crate::render::{self, Out};
use crate::spec::{EnumSpec, FieldSpec, Generics, Piece, RecordKind, RecordSpec};
use crate::TaxonomyExpansion;
use docs::{deprecated, docs};

mod app;
mod constants;
mod docs;
mod journeys;
pub(crate) mod objects;
mod profile;

/// What `taxonomy!(...)` takes: `crate = path` for a renamed dependency, then the
/// file's path; both optional.
struct Input {
    krate: Option<syn::Path>,
    path: Option<syn::LitStr>,
}

impl Parse for Input {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut krate = None;
        if input.peek(syn::Token![crate]) && input.peek2(syn::Token![=]) {
            input.parse::<syn::Token![crate]>()?;
            input.parse::<syn::Token![=]>()?;
            krate = Some(input.call(syn::Path::parse_mod_style)?);
            if !input.is_empty() {
                input.parse::<syn::Token![,]>()?;
            }
        }
        let path = if input.is_empty() {
            None
        } else {
            Some(input.parse()?)
        };
        if !input.is_empty() {
            input.parse::<syn::Token![,]>()?;
        }
        Ok(Input { krate, path })
    }
}

/// Expands the macro: `input` is empty, one string literal (the path), or either
/// after `crate = path,`.
pub(crate) fn expand(input: TokenStream, manifest_dir: &Path) -> TaxonomyExpansion {
    let tokens_only = |tokens| TaxonomyExpansion {
        tokens,
        items: String::new(),
    };
    let Ok(Input { krate, path }) = syn::parse2::<Input>(input) else {
        return tokens_only(quote! {
            ::core::compile_error! {
                "expected `cio::taxonomy!()` or `cio::taxonomy!(\"path/to/events.toml\")` (a path relative to the crate root)"
            }
        });
    };
    let krate = krate.as_ref().map_or_else(Krate::default, Krate::of).text;
    let span = path
        .as_ref()
        .map_or_else(Span::call_site, syn::LitStr::span);
    let file = match locate(
        manifest_dir,
        path.as_ref().map(syn::LitStr::value).as_deref(),
    ) {
        Ok(file) => file,
        Err(message) => {
            return tokens_only(quote_spanned!(span=> ::core::compile_error! { #message }))
        }
    };
    let load = cache::load(&file);
    let track = emit::track_files(&load.files);
    match &load.result {
        Ok(schema) => TaxonomyExpansion {
            tokens: track,
            items: generate(schema, &krate),
        },
        Err(diagnostics) => {
            let errors = emit::diagnostics(diagnostics, span);
            // The declarations without errors are still generated, so that the
            // errors stand alone instead of every use failing to resolve.
            TaxonomyExpansion {
                tokens: quote!(#track #errors),
                items: load
                    .fallback
                    .as_ref()
                    .map(|schema| generate(schema, &krate))
                    .unwrap_or_default(),
            }
        }
    }
}

/// Every item the macro generates for a taxonomy, as Rust source whose paths start
/// with `krate`.
///
/// Every token of the items has the call-site span, so they are written as text
/// and lexed once: one `TokenStream::from_str` costs rustc a fraction of building
/// ~150,000 tokens one by one through the proc-macro bridge.
pub(crate) fn generate(schema: &Schema, krate: &str) -> String {
    let mut out = Out::new(krate, 1024 * (schema.taxonomy.events.len() + 4));
    let taxonomy = &schema.taxonomy;
    for def in &taxonomy.enums {
        named_enum(&mut out, def);
    }
    for def in &taxonomy.events {
        event(&mut out, def, schema);
    }
    profile::profile(&mut out, taxonomy);
    app::app_items(&mut out, taxonomy);
    objects::object_items(&mut out, taxonomy);
    let private = out.private_path();
    constants::constants(&mut out.text, &private, schema);
    out.text
}

fn named_enum(out: &mut Out, def: &NamedEnum) {
    let mut attrs = String::new();
    docs(
        &mut attrs,
        def.doc.as_deref(),
        &[format_args!(
            "The enum `{}` of events.toml.",
            def.name.value
        )],
    );
    let ident = items::ident_text(&cio_schema::naming::type_name(&def.name.value));
    let values: Vec<&str> = def.values.iter().map(|v| v.value.as_str()).collect();
    enum_definition(out, attrs, ident, &def.name.value, &values);
}

/// The enum and its impls, from its variants and wire values.
fn enum_definition(out: &mut Out, attrs: String, ident: String, name: &str, values: &[&str]) {
    let variants = values
        .iter()
        .map(|value| {
            let variant = items::ident_text(&cio_schema::naming::variant_name(value));
            (Piece::Text(variant), *value)
        })
        .collect();
    let spec = EnumSpec {
        attrs,
        ident: Piece::Text(ident),
        generics: Generics::none(),
        name,
        variants,
    };
    render::enumeration(out, &spec, true);
}

/// Inline enums declared on `fields` of `owner` (named `{Owner}{Field}`).
pub(super) fn inline_enums(out: &mut Out, owner_type: &str, owner: &str, fields: &[Field]) {
    for f in fields {
        if let Some(values) = inline_values(&f.ty) {
            let ident = inline_enum_ident(owner_type, &f.name.value);
            let name = format!("{owner}.{}", f.name.value);
            let mut attrs = String::new();
            docs(
                &mut attrs,
                None,
                &[format_args!("The values of `{name}` in events.toml.")],
            );
            enum_definition(out, attrs, ident, &name, &values);
        }
    }
}

fn inline_values(ty: &FieldType) -> Option<Vec<&str>> {
    match ty {
        FieldType::InlineEnum(values) => Some(values.iter().map(|v| v.value.as_str()).collect()),
        FieldType::List(inner) => inline_values(inner),
        _ => None,
    }
}

fn inline_enum_ident(owner_type: &str, field: &str) -> String {
    items::ident_text(&format!(
        "{owner_type}{}",
        cio_schema::naming::type_name(field)
    ))
}

/// The type of a field as `ty!` takes it: `(string)`, `(?[int])`, `(Plan)`.
pub(super) fn type_spec(out: &mut String, f: &Field, owner_type: &str, optional: bool) {
    out.push_str(if optional { "(?" } else { "(" });
    base_type_spec(out, &f.ty, owner_type, &f.name.value);
    out.push_str(") ");
}

fn base_type_spec(out: &mut String, ty: &FieldType, owner_type: &str, field: &str) {
    match ty {
        FieldType::String => out.push_str("string"),
        FieldType::Email => out.push_str("email"),
        FieldType::Url => out.push_str("url"),
        FieldType::Int => out.push_str("int"),
        FieldType::Float => out.push_str("float"),
        FieldType::Bool => out.push_str("bool"),
        FieldType::Timestamp => out.push_str("timestamp"),
        FieldType::Object => out.push_str("object"),
        FieldType::List(inner) => {
            out.push('[');
            base_type_spec(out, inner, owner_type, field);
            out.push(']');
        }
        FieldType::Enum(name) => {
            out.push_str(&items::ident_text(&cio_schema::naming::type_name(name)));
        }
        FieldType::InlineEnum(_) => out.push_str(&inline_enum_ident(owner_type, field)),
    }
}

/// The fields of a generated struct; with `all_optional` every field is an
/// `Option` (the profile update).
pub(super) fn field_specs<'a>(
    owner_type: &str,
    fields: &'a [Field],
    all_optional: bool,
    liquid: &[&str],
) -> Vec<FieldSpec<'a>> {
    fields
        .iter()
        .map(|f| {
            let name = &f.name.value;
            let declared = format_args!(
                "`{name}: {}{}` in events.toml.",
                f.ty.describe(),
                if f.optional { "?" } else { "" }
            );
            let read = format_args!("Read by campaign Liquid as `{{{{ event.{name} }}}}`.");
            let pii =
                format_args!("Personal data (`pii = true`): `Debug` prints `\"<redacted>\"`.");
            let mut extra = vec![declared];
            if liquid.contains(&name.as_str()) {
                extra.push(read);
            }
            if f.pii {
                extra.push(pii);
            }
            let extra = &extra[..];
            let mut attrs = String::new();
            docs(&mut attrs, f.doc.as_deref(), extra);
            deprecated(&mut attrs, f.deprecated.as_deref());
            let mut ty = String::new();
            base_type_spec(&mut ty, &f.ty, owner_type, name);
            FieldSpec {
                declared: f,
                member: Piece::Text(items::ident_text(&cio_schema::naming::field_name(name))),
                optional: f.optional || all_optional,
                ty: Piece::Text(ty),
                attrs,
            }
        })
        .collect()
}

fn event(out: &mut Out, def: &EventDef, schema: &Schema) {
    let taxonomy = &schema.taxonomy;
    let type_name = cio_schema::naming::type_name(&def.name.value);
    let name = &def.name.value;
    inline_enums(out, &type_name, name, &def.data);
    let liquid = schema.liquid_fields(name);
    let campaigns: Vec<String> = taxonomy
        .campaigns_triggered_by(name)
        .map(|c| format!("`{}`", c.name.value))
        .collect();
    let campaigns = campaigns.join(", ");
    let this = format_args!("The event `{name}` of events.toml.");
    let triggers = format_args!("Triggers the campaign(s) {campaigns}.");
    let extra = [this, triggers];
    let extra = if campaigns.is_empty() {
        &extra[..1]
    } else {
        &extra[..]
    };
    let mut attrs = String::new();
    docs(&mut attrs, def.doc.as_deref(), extra);
    deprecated(&mut attrs, def.deprecated.as_deref());
    let spec = RecordSpec {
        attrs,
        ident: Piece::Text(items::ident_text(&type_name)),
        generics: Generics::none(),
        fields: field_specs(&type_name, &def.data, false, &liquid),
        kind: RecordKind::Event { name, liquid },
    };
    render::record(out, &spec, true);
}
