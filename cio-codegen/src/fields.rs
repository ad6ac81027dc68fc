//! Matching an app struct's fields to the fields `events.toml` declares.

use cio_schema::Field;
use proc_macro2::{Ident, Span};

use crate::attr;
use crate::emit::Errors;

/// What the struct is checked against.
pub(crate) struct Target<'a> {
    /// How messages name it: "event `signed_up`" or "the profile".
    pub(crate) describe: String,
    /// The declared fields.
    pub(crate) declared: &'a [Field],
    /// `signed_up` or `profile` (for inline enum names).
    pub(crate) owner: &'a str,
}

/// The outcome of matching: the matched fields, and the declared names that need
/// no "missing" report (suggested for a misspelt field, or unreachable because the
/// struct's shape was already reported).
pub(crate) struct Matching<'a> {
    /// Fields matched to their declaration.
    pub(crate) matched: Vec<Matched<'a>>,
    /// Declared names offered as a did-you-mean for a misspelt field.
    pub(crate) suggested: Vec<String>,
    /// `false` when the struct's shape was already reported (tuple struct).
    pub(crate) shape_ok: bool,
}

/// A struct field matched to its declaration.
pub(crate) struct Matched<'a> {
    /// The field's name in the struct.
    pub(crate) ident: &'a Ident,
    /// The field.
    pub(crate) field: &'a syn::Field,
    /// Its declaration.
    pub(crate) declared: &'a Field,
    /// `true` when its type is spelled `Option<…>`.
    pub(crate) optional: bool,
}

/// Matches every field of `data` (but `#[cio(skip)]` ones) to a declaration: by
/// `#[cio(rename = "...")]`, by wire name, or by the snake_case form of the wire
/// name. Unknown and doubly mapped fields are reported.
pub(crate) fn match_fields<'a>(
    data: &'a syn::DataStruct,
    target: &Target<'a>,
    errors: &mut Errors,
) -> Matching<'a> {
    let mut out = Matching {
        matched: Vec::new(),
        suggested: Vec::new(),
        shape_ok: true,
    };
    let fields = match &data.fields {
        syn::Fields::Named(named) => &named.named,
        syn::Fields::Unit => return out,
        syn::Fields::Unnamed(unnamed) => {
            errors.spanned(
                unnamed,
                "cio derives need named fields: each field is sent under its name",
            );
            out.shape_ok = false;
            return out;
        }
    };
    let matched = &mut out.matched;
    for field in fields {
        let Some(ident) = &field.ident else { continue };
        let attrs = attr::member(&field.attrs, &["rename", "skip"], errors);
        if attrs.skip {
            continue;
        }
        let rust_name = ident.to_string();
        let rust_name = rust_name.strip_prefix("r#").unwrap_or(&rust_name);
        let found = match &attrs.rename {
            Some(rename) => target
                .declared
                .iter()
                .find(|d| d.name.value == rename.value()),
            None => target.declared.iter().find(|d| {
                d.name.value == rust_name
                    || cio_schema::naming::field_name(&d.name.value) == rust_name
            }),
        };
        let Some(declared) = found else {
            let (written, span): (String, Span) = match &attrs.rename {
                Some(r) => (r.value(), r.span()),
                None => (rust_name.to_string(), ident.span()),
            };
            let names = target.declared.iter().map(|d| d.name.value.as_str());
            if let Some(near) = cio_schema::suggest::did_you_mean(&written, names) {
                out.suggested.push(near.to_string());
            }
            errors.at(span, unknown_field(&written, target));
            continue;
        };
        if let Some(previous) = matched
            .iter()
            .find(|m| m.declared.name.value == declared.name.value)
        {
            errors.at(
                ident.span(),
                format!(
                    "field `{rust_name}` sends `{}` of {}, which field `{}` already sends",
                    declared.name.value, target.describe, previous.ident
                ),
            );
            continue;
        }
        matched.push(Matched {
            ident,
            field,
            declared,
            optional: is_option(&field.ty),
        });
    }
    out
}

fn unknown_field(written: &str, target: &Target<'_>) -> String {
    let names = target.declared.iter().map(|d| d.name.value.as_str());
    match cio_schema::suggest::did_you_mean(written, names) {
        Some(near) => format!(
            "{} has no field `{written}` in events.toml; did you mean `{near}`?",
            target.describe
        ),
        None if target.declared.is_empty() => format!(
            "{} has no field `{written}` in events.toml: it declares no fields (mark app-only fields `#[cio(skip)]`)",
            target.describe
        ),
        None => format!(
            "{} has no field `{written}` in events.toml; its fields are {} (mark app-only fields `#[cio(skip)]`)",
            target.describe,
            target
                .declared
                .iter()
                .map(|d| format!("`{}`", d.name.value))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Reports declared required fields the struct lacks, at the struct's name:
/// "struct `X` is missing {what}: `a: int`, `b: plan`".
pub(crate) fn require_all(
    struct_ident: &Ident,
    matching: &Matching<'_>,
    target: &Target<'_>,
    what: &str,
    errors: &mut Errors,
) {
    if !matching.shape_ok {
        return;
    }
    let missing: Vec<String> = target
        .declared
        .iter()
        .filter(|d| !d.optional)
        .filter(|d| {
            !matching
                .matched
                .iter()
                .any(|m| m.declared.name.value == d.name.value)
        })
        .filter(|d| !matching.suggested.contains(&d.name.value))
        .map(|d| format!("`{}: {}`", d.name.value, d.ty.describe()))
        .collect();
    if !missing.is_empty() {
        errors.at(
            struct_ident.span(),
            format!(
                "struct `{struct_ident}` is missing {what}: {}",
                missing.join(", ")
            ),
        );
    }
}

/// `true` when the type is spelled `Option<…>` (any path ending in `Option`).
pub(crate) fn is_option(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => p
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "Option" && !s.arguments.is_empty()),
        syn::Type::Group(g) => is_option(&g.elem),
        syn::Type::Paren(p) => is_option(&p.elem),
        _ => false,
    }
}
