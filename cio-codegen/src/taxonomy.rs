//! `cio::taxonomy!()`: typed Rust for every enum, event and the profile.

use std::path::Path;

use cio_schema::{EventDef, Field, FieldType, NamedEnum, Taxonomy};
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};

use crate::cache::{self, Schema};
use crate::emit;
use crate::items;
use crate::locate::locate;

/// Expands the macro: `input` is empty or one string literal (the path).
pub(crate) fn expand(input: TokenStream, manifest_dir: &Path) -> TokenStream {
    let path = if input.is_empty() {
        None
    } else {
        match syn::parse2::<syn::LitStr>(input) {
            Ok(lit) => Some(lit),
            Err(_) => {
                return quote! {
                    ::core::compile_error! {
                        "expected `cio::taxonomy!()` or `cio::taxonomy!(\"path/to/events.toml\")` (a path relative to the crate root)"
                    }
                }
            }
        }
    };
    let span = path
        .as_ref()
        .map_or_else(Span::call_site, syn::LitStr::span);
    let file = match locate(
        manifest_dir,
        path.as_ref().map(syn::LitStr::value).as_deref(),
    ) {
        Ok(file) => file,
        Err(message) => return quote_spanned!(span=> ::core::compile_error! { #message }),
    };
    let load = cache::load(&file);
    let track = emit::track_files(&load.files);
    match &load.result {
        Ok(schema) => {
            let items = generate(schema);
            quote!(#track #items)
        }
        Err(diagnostics) => {
            let errors = emit::diagnostics(diagnostics, span);
            // Liquid errors only: the types are still sound, so generate them and let
            // the errors stand alone instead of every use failing to resolve.
            let items = load.fallback.as_ref().map(generate);
            quote!(#track #errors #items)
        }
    }
}

/// Every item the macro generates for a valid taxonomy.
pub(crate) fn generate(schema: &Schema) -> TokenStream {
    let taxonomy = &schema.taxonomy;
    let enums = taxonomy.enums.iter().map(named_enum);
    let events = taxonomy.events.iter().map(|e| event(e, schema));
    let profile = profile(taxonomy);
    let constants = constants(schema);
    quote! {
        #(#enums)*
        #(#events)*
        #profile
        #constants
    }
}

fn named_enum(def: &NamedEnum) -> TokenStream {
    let ident = items::type_ident(&def.name.value);
    let values: Vec<&str> = def.values.iter().map(|v| v.value.as_str()).collect();
    let doc = items::docs(
        def.doc.as_deref(),
        &[format!("The enum `{}` of events.toml.", def.name.value)],
    );
    enum_definition(&ident, &def.name.value, &values, &doc)
}

/// `enumeration!` writes the enum and its impls from its variants and wire values.
fn enum_definition(ident: &Ident, name: &str, values: &[&str], doc: &TokenStream) -> TokenStream {
    let variants = values.iter().map(|value| {
        let variant = items::ident(&cio_schema::naming::variant_name(value));
        quote!(#variant = #value,)
    });
    quote! {
        ::cio::__private::enumeration! { #doc #ident = #name { #(#variants)* } }
    }
}

/// Inline enums declared on `fields` of `owner` (named `{Owner}{Field}`).
fn inline_enums(owner_type: &str, owner: &str, fields: &[Field]) -> TokenStream {
    fields
        .iter()
        .filter_map(|f| {
            let values = inline_values(&f.ty)?;
            let ident = inline_enum_ident(owner_type, &f.name.value);
            let name = format!("{owner}.{}", f.name.value);
            let doc = items::docs(None, &[format!("The values of `{name}` in events.toml.")]);
            Some(enum_definition(&ident, &name, &values, &doc))
        })
        .collect()
}

fn inline_values(ty: &FieldType) -> Option<Vec<&str>> {
    match ty {
        FieldType::InlineEnum(values) => Some(values.iter().map(|v| v.value.as_str()).collect()),
        FieldType::List(inner) => inline_values(inner),
        _ => None,
    }
}

fn inline_enum_ident(owner_type: &str, field: &str) -> Ident {
    format_ident!("{}{}", owner_type, cio_schema::naming::type_name(field))
}

/// The type of a field as `ty!` takes it: `(string)`, `(?[int])`, `(Plan)`.
fn type_spec(f: &Field, owner_type: &str, optional: bool) -> TokenStream {
    let inline = inline_enum_ident(owner_type, &f.name.value);
    let ty = base_type_spec(&f.ty, &inline);
    if optional {
        quote!((? #ty))
    } else {
        quote!((#ty))
    }
}

fn base_type_spec(ty: &FieldType, inline_enum: &Ident) -> TokenStream {
    match ty {
        FieldType::String => quote!(string),
        FieldType::Email => quote!(email),
        FieldType::Url => quote!(url),
        FieldType::Int => quote!(int),
        FieldType::Float => quote!(float),
        FieldType::Bool => quote!(bool),
        FieldType::Timestamp => quote!(timestamp),
        FieldType::Object => quote!(object),
        FieldType::List(inner) => {
            let inner = base_type_spec(inner, inline_enum);
            quote!([#inner])
        }
        FieldType::Enum(name) => items::type_ident(name).into_token_stream(),
        FieldType::InlineEnum(_) => inline_enum.into_token_stream(),
    }
}

/// The run-time check of a field (a function of `cio::__private::check`) and its
/// declared limits: `email max_length = 254`.
fn check_spec(f: &Field) -> TokenStream {
    let mut ty = &f.ty;
    while let FieldType::List(inner) = ty {
        ty = inner;
    }
    let check = match ty {
        FieldType::String => quote!(text),
        FieldType::Email => quote!(email),
        FieldType::Url => quote!(url),
        FieldType::Int => quote!(int),
        FieldType::Float => quote!(float),
        FieldType::Timestamp => quote!(timestamp),
        FieldType::Bool
        | FieldType::Object
        | FieldType::Enum(_)
        | FieldType::InlineEnum(_)
        | FieldType::List(_) => quote!(any),
    };
    let min = f.min.filter(|v| v.is_finite()).map(|v| {
        let v = items::signed_f64(v);
        quote!(min = #v)
    });
    let max = f.max.filter(|v| v.is_finite()).map(|v| {
        let v = items::signed_f64(v);
        quote!(max = #v)
    });
    let max_length = f.max_length.map(|n| {
        let n = Literal::u64_unsuffixed(n);
        quote!(max_length = #n)
    });
    quote!(#check #min #max #max_length)
}

/// The fields of a generated struct as `record!` takes them; with `all_optional`
/// every field is an `Option` (the profile update).
fn field_specs(
    owner_type: &str,
    fields: &[Field],
    all_optional: bool,
    liquid: &[&str],
) -> TokenStream {
    fields
        .iter()
        .map(|f| {
            let name = &f.name.value;
            let mut extra = vec![format!(
                "`{name}: {}{}` in events.toml.",
                f.ty.describe(),
                if f.optional { "?" } else { "" }
            )];
            if liquid.contains(&name.as_str()) {
                extra.push(format!(
                    "Read by campaign Liquid as `{{{{ event.{name} }}}}`."
                ));
            }
            let doc = items::docs(f.doc.as_deref(), &extra);
            let deprecated = deprecated(f.deprecated.as_deref());
            let ident = items::field_ident(name);
            let ty = type_spec(f, owner_type, f.optional || all_optional);
            let check = check_spec(f);
            quote!(#doc #deprecated #ident #name #ty #check;)
        })
        .collect()
}

fn deprecated(note: Option<&str>) -> Option<TokenStream> {
    note.map(|note| quote!(#[deprecated(note = #note)]))
}

fn event(def: &EventDef, schema: &Schema) -> TokenStream {
    let taxonomy = &schema.taxonomy;
    let type_name = cio_schema::naming::type_name(&def.name.value);
    let ident = items::ident(&type_name);
    let name = &def.name.value;
    let inline = inline_enums(&type_name, name, &def.data);
    let liquid = schema.liquid_fields(name);
    let campaigns: Vec<String> = taxonomy
        .campaigns_triggered_by(name)
        .map(|c| format!("`{}`", c.name.value))
        .collect();
    let mut extra = vec![format!("The event `{name}` of events.toml.")];
    if !campaigns.is_empty() {
        extra.push(format!(
            "Triggers the campaign(s) {}.",
            campaigns.join(", ")
        ));
    }
    let doc = items::docs(def.doc.as_deref(), &extra);
    let deprecated = deprecated(def.deprecated.as_deref());
    let fields = field_specs(&type_name, &def.data, false, &liquid);
    quote! {
        #inline
        ::cio::__private::record! {
            #doc
            #deprecated
            #ident: Event #name [#(#liquid),*] { #fields }
        }
    }
}

fn profile(taxonomy: &Taxonomy) -> TokenStream {
    let attrs = &taxonomy.profile;
    let inline = inline_enums("Profile", "profile", attrs);
    let create_fields = field_specs("Profile", attrs, false, &[]);
    let update_fields = field_specs("Profile", attrs, true, &[]);

    let required: Vec<&Field> = attrs.iter().filter(|f| !f.optional).collect();
    let new_params = required.iter().map(|f| {
        let ident = items::field_ident(&f.name.value);
        let ty = type_spec(f, "Profile", false);
        quote!(#ident: ::cio::__private::ty! #ty)
    });
    let new_inits = attrs.iter().map(|f| {
        let ident = items::field_ident(&f.name.value);
        if f.optional {
            quote!(#ident: ::core::option::Option::None)
        } else {
            quote!(#ident)
        }
    });
    let required_names: Vec<String> = required
        .iter()
        .map(|f| format!("`{}`", f.name.value))
        .collect();
    let new_doc = format!(
        " A profile with the attributes required at creation ({}); the others are `None`.",
        if required_names.is_empty() {
            "none".to_string()
        } else {
            required_names.join(", ")
        }
    );
    let setters = attrs.iter().map(|f| {
        let ident = items::field_ident(&f.name.value);
        let ty = type_spec(f, "Profile", false);
        let doc = format!(" Sets `{}`.", f.name.value);
        let deprecated = deprecated(f.deprecated.as_deref());
        quote! {
            #[doc = #doc]
            #deprecated
            #[must_use]
            pub fn #ident(mut self, value: impl ::core::convert::Into<::cio::__private::ty! #ty>) -> Self {
                #[allow(deprecated)]
                {
                    self.#ident = ::core::option::Option::Some(value.into());
                }
                self
            }
        }
    });
    let has_new_attr = attrs
        .iter()
        .any(|a| cio_schema::naming::field_name(&a.name.value) == "new");
    let update_new = (!has_new_attr).then(|| {
        quote! {
            /// An update that sets nothing yet.
            pub fn new() -> Self {
                <Self as ::core::default::Default>::default()
            }
        }
    });

    quote! {
        #inline

        ::cio::__private::record! {
            /// A customer profile as created by `identify`: the attributes of `[profile]`
            /// in events.toml, those required at creation as plain fields.
            Profile: Attributes { #create_fields }
        }

        impl Profile {
            #[doc = #new_doc]
            #[allow(clippy::too_many_arguments)]
            pub fn new(#(#new_params),*) -> Self {
                #[allow(deprecated)]
                Profile { #(#new_inits),* }
            }
        }

        ::cio::__private::record! {
            /// A change to a customer profile: any attributes of `[profile]`, each set
            /// alone; unset ones are not sent.
            #[derive(::core::default::Default)]
            ProfileUpdate: Attributes { #update_fields }
        }

        impl ProfileUpdate {
            #update_new
            #(#setters)*
        }
    }
}

fn constants(schema: &Schema) -> TokenStream {
    let taxonomy = &schema.taxonomy;
    let events = taxonomy.events.iter().map(|e| e.name.value.as_str());
    let liquid = taxonomy.events.iter().map(|e| {
        let name = &e.name.value;
        let fields = schema.liquid_fields(name);
        quote!((#name, &[#(#fields),*]))
    });
    let campaigns = taxonomy.campaigns.iter().map(|c| {
        let name = &c.name.value;
        let trigger = &c.trigger.value;
        let sends = c.sends().into_iter().map(|m| m.value.as_str());
        quote!((#name, #trigger, &[#(#sends),*]))
    });
    let messages = taxonomy.messages.iter().map(|m| m.name.value.as_str());
    let attributes = taxonomy.profile.iter().map(|a| a.name.value.as_str());
    quote! {
        /// What events.toml declares, as data: for tools, tests and dashboards.
        pub mod taxonomy {
            /// Every event name, in declaration order.
            pub const EVENTS: &[&str] = &[#(#events),*];
            /// Every profile attribute, in declaration order.
            pub const ATTRIBUTES: &[&str] = &[#(#attributes),*];
            /// Per event, the data fields its campaigns' Liquid reads (always sent).
            pub const LIQUID_VARIABLES: &[(&str, &[&str])] = &[#(#liquid),*];
            /// Every campaign: its name, its trigger event, and the messages it sends.
            pub const CAMPAIGNS: &[(&str, &str, &[&str])] = &[#(#campaigns),*];
            /// Every message name.
            pub const MESSAGES: &[&str] = &[#(#messages),*];
        }
    }
}
