//! Pieces of generated code shared by `taxonomy!()` and the derives: identifiers,
//! enum names, and the derives' spanned enum assertions.

use cio_schema::{Field, FieldType};
use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use quote::{quote_spanned, ToTokens as _};
use syn::spanned::Spanned as _;

use crate::attr::Krate;
use crate::fields::Matched;

/// Compile-time checks that enum fields use the right enum (derives only: the
/// generated types are right by construction), spanned on the field's type.
pub(crate) fn enum_assertions(
    krate: &Krate,
    fields: &[Matched<'_>],
    enum_name: impl Fn(&Field) -> Option<String>,
) -> TokenStream {
    fields
        .iter()
        .filter_map(|f| {
            let expected = enum_name(f.declared)?;
            let span = f.field.ty.span();
            let private = respan(quote_spanned!(span=> #krate::__private), span);
            let mut ty = f.field.ty.to_token_stream();
            let mut list = &f.declared.ty;
            while let FieldType::List(inner) = list {
                ty = quote_spanned!(span=> <#ty as #private::CarriesList>::Item);
                list = inner;
            }
            let message = format!(
                "field `{}`: expected the events.toml enum `{expected}`, found another enum",
                f.declared.name.value
            );
            Some(quote_spanned! {span=>
                const _: () = #private::expect_enum::<
                    <#ty as #private::CarriesEnum>::Enum,
                >(#expected, #message);
            })
        })
        .collect()
}

/// `tokens` with every span set to `span` (as `quote_spanned!` writes its own).
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tree| {
            if let TokenTree::Group(group) = &tree {
                let delimiter: Delimiter = group.delimiter();
                tree = TokenTree::Group(Group::new(delimiter, respan(group.stream(), span)));
            }
            tree.set_span(span);
            tree
        })
        .collect()
}

/// A generated identifier as source text: raw (`r#type`) when it is a keyword
/// that allows it.
pub(crate) fn ident_text(text: &str) -> String {
    if cio_schema::naming::is_rust_keyword(text)
        && !matches!(text, "self" | "Self" | "super" | "crate" | "_")
    {
        format!("r#{text}")
    } else if is_identifier(text) {
        text.to_string()
    } else {
        format!("__cio_invalid_{}", text.len())
    }
}

/// `true` when `text` is an ASCII identifier that is not a keyword (what the
/// validator lets names become).
fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && text != "_"
        && !cio_schema::naming::is_rust_keyword(text)
}

/// The events.toml enum name a field's type refers to: `plan`, or `event.field` for
/// an inline enum declared on `owner`.
pub(crate) fn enum_name_of(ty: &FieldType, owner: &str, field: &str) -> Option<String> {
    match ty {
        FieldType::Enum(name) => Some(name.clone()),
        FieldType::InlineEnum(_) => Some(format!("{owner}.{field}")),
        FieldType::List(inner) => enum_name_of(inner, owner, field),
        _ => None,
    }
}
