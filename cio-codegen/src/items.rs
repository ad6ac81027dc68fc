//! Pieces of generated code shared by `taxonomy!()` and the derives: the wire
//! serializer, constraint checks, enum impls and identifiers.

use cio_schema::{Field, FieldType};
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};

/// One field as it is sent: how to reach it, its wire name, and its checks.
pub(crate) struct WireField<'a> {
    /// The field's member name on `self`.
    pub(crate) member: &'a Ident,
    /// The name on the wire.
    pub(crate) wire: &'a str,
    /// `true` when the Rust type is an `Option` (skipped when `None`).
    pub(crate) optional: bool,
    /// The Rust type, spanned where errors about it should point.
    pub(crate) rust_ty: TokenStream,
    /// The declaration in events.toml.
    pub(crate) declared: &'a Field,
    /// Where errors about this field point.
    pub(crate) span: Span,
}

/// `impl Serialize`: an object with each field under its wire name, `None` omitted.
pub(crate) fn serialize_impl(
    ident: &Ident,
    generics: &syn::Generics,
    fields: &[WireField<'_>],
) -> TokenStream {
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let count = fields.len();
    let name = ident.to_string();
    let entries = fields.iter().map(|f| {
        let member = f.member;
        let wire = f.wire;
        if f.optional {
            quote! {
                match &self.#member {
                    ::core::option::Option::Some(__cio_value) => {
                        ::cio::__private::serde::ser::SerializeStruct::serialize_field(&mut __cio_state, #wire, __cio_value)?;
                    }
                    ::core::option::Option::None => {
                        ::cio::__private::serde::ser::SerializeStruct::skip_field(&mut __cio_state, #wire)?;
                    }
                }
            }
        } else {
            quote! {
                ::cio::__private::serde::ser::SerializeStruct::serialize_field(&mut __cio_state, #wire, &self.#member)?;
            }
        }
    });
    quote! {
        #[automatically_derived]
        impl #impl_generics ::cio::__private::serde::Serialize for #ident #ty_generics #where_clause {
            fn serialize<__S>(
                &self,
                __cio_serializer: __S,
            ) -> ::core::result::Result<
                <__S as ::cio::__private::serde::Serializer>::Ok,
                <__S as ::cio::__private::serde::Serializer>::Error,
            >
            where
                __S: ::cio::__private::serde::Serializer,
            {
                let mut __cio_state = ::cio::__private::serde::Serializer::serialize_struct(
                    __cio_serializer,
                    #name,
                    #count,
                )?;
                #(#entries)*
                ::cio::__private::serde::ser::SerializeStruct::end(__cio_state)
            }
        }
    }
}

/// The statements of `validate()`: one typed check per field. In derives they are
/// also the type check: each call names the field's type, spanned on it, with a
/// bound that says which `events.toml` type it must carry.
pub(crate) fn checks(fields: &[WireField<'_>]) -> TokenStream {
    fields
        .iter()
        .map(|f| {
            let member = f.member;
            check(
                &f.declared.ty,
                f.declared,
                &f.rust_ty,
                quote!(&self.#member),
                f.wire,
                f.span,
            )
        })
        .collect()
}

fn check(
    ty: &FieldType,
    declared: &Field,
    rust_ty: &TokenStream,
    value: TokenStream,
    wire: &str,
    span: Span,
) -> TokenStream {
    let min = option_f64(declared.min);
    let max = option_f64(declared.max);
    let max_length = match declared.max_length {
        Some(n) => quote!(::core::option::Option::Some(#n)),
        None => quote!(::core::option::Option::None),
    };
    let text = |kind: &str| {
        let kind = format_ident!("{}", kind);
        quote_spanned! {span=>
            ::cio::__private::field_text::<#rust_ty>(#value, #wire, ::cio::__private::TextKind::#kind, #max_length)?;
        }
    };
    match ty {
        FieldType::String => text("Plain"),
        FieldType::Email => text("Email"),
        FieldType::Url => text("Url"),
        FieldType::Int => quote_spanned! {span=>
            ::cio::__private::field_int::<#rust_ty>(#value, #wire, #min, #max)?;
        },
        FieldType::Float => quote_spanned! {span=>
            ::cio::__private::field_float::<#rust_ty>(#value, #wire, #min, #max)?;
        },
        FieldType::Bool => {
            quote_spanned! {span=> ::cio::__private::field_bool::<#rust_ty>(#value)?; }
        }
        FieldType::Timestamp => quote_spanned! {span=>
            ::cio::__private::field_timestamp::<#rust_ty>(#value, #wire)?;
        },
        FieldType::Object => {
            quote_spanned! {span=> ::cio::__private::field_object::<#rust_ty>(#value)?; }
        }
        FieldType::Enum(_) | FieldType::InlineEnum(_) => {
            quote_spanned! {span=> ::cio::__private::field_enum::<#rust_ty>(#value)?; }
        }
        FieldType::List(inner) => {
            let item_ty = quote_spanned!(span=> <#rust_ty as ::cio::__private::CarriesList>::Item);
            let inner = check(inner, declared, &item_ty, quote!(__cio_item), wire, span);
            quote_spanned! {span=>
                for __cio_item in ::cio::__private::CarriesList::items(#value) {
                    #inner
                }
            }
        }
    }
}

/// Compile-time checks that enum fields use the right enum (derives only: the
/// generated types are right by construction).
pub(crate) fn enum_assertions(
    fields: &[WireField<'_>],
    enum_name: impl Fn(&Field) -> Option<String>,
) -> TokenStream {
    fields
        .iter()
        .filter_map(|f| {
            let expected = enum_name(f.declared)?;
            let span = f.span;
            let mut ty = f.rust_ty.clone();
            let mut list = &f.declared.ty;
            while let FieldType::List(inner) = list {
                ty = quote_spanned!(span=> <#ty as ::cio::__private::CarriesList>::Item);
                list = inner;
            }
            let message = format!(
                "field `{}`: expected the events.toml enum `{expected}`, found another enum",
                f.wire
            );
            Some(quote_spanned! {span=>
                const _: () = ::cio::__private::expect_enum::<
                    <#ty as ::cio::__private::CarriesEnum>::Enum,
                >(#expected, #message);
            })
        })
        .collect()
}

fn option_f64(value: Option<f64>) -> TokenStream {
    match value.filter(|v| v.is_finite()) {
        Some(v) => {
            let lit = signed_f64(v);
            quote!(::core::option::Option::Some(#lit))
        }
        None => quote!(::core::option::Option::None),
    }
}

/// A finite `f64` as tokens: a literal, after a minus sign when negative.
pub(crate) fn signed_f64(value: f64) -> TokenStream {
    let lit = Literal::f64_unsuffixed(value.abs());
    if value.is_sign_negative() && value != 0.0 {
        quote!(-#lit)
    } else {
        quote!(#lit)
    }
}

/// The impls every enum of the taxonomy has, generated or derived: `Serialize`
/// (as the exact string), `cio::Enum`, and the carry marker.
pub(crate) fn enum_impls(
    ident: &Ident,
    generics: &syn::Generics,
    name: &str,
    variants: &[(&Ident, &str)],
) -> TokenStream {
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let arms = variants
        .iter()
        .map(|(variant, wire)| quote!(Self::#variant => #wire,));
    let values = variants.iter().map(|(_, wire)| wire);
    quote! {
        #[automatically_derived]
        impl #impl_generics ::cio::Enum for #ident #ty_generics #where_clause {
            const NAME: &'static str = #name;
            const VALUES: &'static [&'static str] = &[#(#values),*];
            fn as_str(&self) -> &'static str {
                match self {
                    #(#arms)*
                }
            }
        }

        #[automatically_derived]
        impl #impl_generics ::cio::__private::CarriesEnum for #ident #ty_generics #where_clause {
            type Enum = Self;
        }

        #[automatically_derived]
        impl #impl_generics ::cio::__private::serde::Serialize for #ident #ty_generics #where_clause {
            fn serialize<__S>(
                &self,
                __cio_serializer: __S,
            ) -> ::core::result::Result<
                <__S as ::cio::__private::serde::Serializer>::Ok,
                <__S as ::cio::__private::serde::Serializer>::Error,
            >
            where
                __S: ::cio::__private::serde::Serializer,
            {
                ::cio::__private::serde::Serializer::serialize_str(
                    __cio_serializer,
                    <Self as ::cio::Enum>::as_str(self),
                )
            }
        }
    }
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
