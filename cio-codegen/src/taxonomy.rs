//! `cio::taxonomy!()`: typed Rust for every enum, event and the profile.

use std::path::Path;

use cio_schema::{EventDef, Field, FieldType, NamedEnum, Taxonomy};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};

use crate::cache::{self, Schema};
use crate::emit;
use crate::items::{self, WireField};
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
    enum_definition(&ident, &def.name.value, &values, doc)
}

fn enum_definition(ident: &Ident, name: &str, values: &[&str], doc: TokenStream) -> TokenStream {
    let variant_idents: Vec<Ident> = values
        .iter()
        .map(|v| items::ident(&cio_schema::naming::variant_name(v)))
        .collect();
    let variant_docs = values.iter().map(|v| format!(" Sent as `\"{v}\"`."));
    let count = values.len();
    let pairs: Vec<(&Ident, &str)> = variant_idents.iter().zip(values.iter().copied()).collect();
    let impls = items::enum_impls(ident, &syn::Generics::default(), name, &pairs);
    let from_str_arms = values
        .iter()
        .zip(&variant_idents)
        .map(|(wire, variant)| quote!(#wire => ::core::result::Result::Ok(Self::#variant),));
    quote! {
        #doc
        #[derive(
            ::core::fmt::Debug,
            ::core::clone::Clone,
            ::core::marker::Copy,
            ::core::cmp::PartialEq,
            ::core::cmp::Eq,
            ::core::hash::Hash,
        )]
        pub enum #ident {
            #(#[doc = #variant_docs] #variant_idents,)*
        }

        impl #ident {
            /// Every value, in declaration order.
            pub const ALL: [Self; #count] = [#(Self::#variant_idents),*];

            /// The exact string sent to Customer.io.
            pub const fn as_str(self) -> &'static str {
                match self {
                    #(Self::#variant_idents => #values,)*
                }
            }
        }

        const _: () = {
            #impls

            #[automatically_derived]
            impl ::core::fmt::Display for #ident {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            #[automatically_derived]
            impl ::core::str::FromStr for #ident {
                type Err = ::cio::__private::UnknownEnumValue;
                fn from_str(s: &str) -> ::core::result::Result<Self, Self::Err> {
                    match s {
                        #(#from_str_arms)*
                        _ => ::core::result::Result::Err(::cio::__private::unknown_enum_value::<Self>(s)),
                    }
                }
            }
        };
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
            Some(enum_definition(&ident, &name, &values, doc))
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

struct GeneratedField<'a> {
    ident: Ident,
    rust_ty: TokenStream,
    declared: &'a Field,
}

fn generated_fields<'a>(
    owner_type: &str,
    fields: &'a [Field],
    all_optional: bool,
) -> Vec<GeneratedField<'a>> {
    fields
        .iter()
        .map(|f| {
            let inline = inline_enum_ident(owner_type, &f.name.value);
            let ty = items::rust_type(&f.ty, &inline);
            let rust_ty = if f.optional || all_optional {
                quote!(::core::option::Option<#ty>)
            } else {
                ty
            };
            GeneratedField {
                ident: items::field_ident(&f.name.value),
                rust_ty,
                declared: f,
            }
        })
        .collect()
}

fn wire_fields<'a>(fields: &'a [GeneratedField<'a>], all_optional: bool) -> Vec<WireField<'a>> {
    fields
        .iter()
        .map(|f| WireField {
            member: &f.ident,
            wire: &f.declared.name.value,
            optional: f.declared.optional || all_optional,
            rust_ty: f.rust_ty.clone(),
            declared: f.declared,
            span: Span::call_site(),
        })
        .collect()
}

fn field_definitions(fields: &[GeneratedField<'_>], liquid: &[&str]) -> TokenStream {
    fields
        .iter()
        .map(|f| {
            let ident = &f.ident;
            let ty = &f.rust_ty;
            let mut extra = vec![format!(
                "`{}: {}{}` in events.toml.",
                f.declared.name.value,
                f.declared.ty.describe(),
                if f.declared.optional { "?" } else { "" }
            )];
            if liquid.contains(&f.declared.name.value.as_str()) {
                extra.push(format!(
                    "Read by campaign Liquid as `{{{{ event.{} }}}}`.",
                    f.declared.name.value
                ));
            }
            let doc = items::docs(f.declared.doc.as_deref(), &extra);
            let deprecated = f
                .declared
                .deprecated
                .as_ref()
                .map(|note| quote!(#[deprecated(note = #note)]));
            quote! {
                #doc
                #deprecated
                pub #ident: #ty,
            }
        })
        .collect()
}

fn event(def: &EventDef, schema: &Schema) -> TokenStream {
    let taxonomy = &schema.taxonomy;
    let type_name = cio_schema::naming::type_name(&def.name.value);
    let ident = items::ident(&type_name);
    let name = &def.name.value;
    let inline = inline_enums(&type_name, name, &def.data);
    let fields = generated_fields(&type_name, &def.data, false);
    let wire = wire_fields(&fields, false);
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
    let deprecated = def
        .deprecated
        .as_ref()
        .map(|note| quote!(#[deprecated(note = #note)]));
    let definitions = field_definitions(&fields, &liquid);
    let serialize = items::serialize_impl(&ident, &syn::Generics::default(), &wire);
    let checks = items::checks(&wire);
    quote! {
        #inline

        #doc
        #deprecated
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
        pub struct #ident {
            #definitions
        }

        #[allow(deprecated)]
        const _: () = {
            #serialize

            #[automatically_derived]
            impl ::cio::Event for #ident {
                const NAME: &'static str = #name;
                const LIQUID_FIELDS: &'static [&'static str] = &[#(#liquid),*];
                fn validate(&self) -> ::core::result::Result<(), ::cio::Violation> {
                    #checks
                    ::core::result::Result::Ok(())
                }
            }
        };
    }
}

fn profile(taxonomy: &Taxonomy) -> TokenStream {
    let attrs = &taxonomy.profile;
    let inline = inline_enums("Profile", "profile", attrs);

    let create_fields = generated_fields("Profile", attrs, false);
    let create_wire = wire_fields(&create_fields, false);
    let create_defs = field_definitions(&create_fields, &[]);
    let create_serialize = items::serialize_impl(
        &format_ident!("Profile"),
        &syn::Generics::default(),
        &create_wire,
    );
    let create_checks = items::checks(&create_wire);
    let required: Vec<&GeneratedField<'_>> = create_fields
        .iter()
        .filter(|f| !f.declared.optional)
        .collect();
    let new_params = required.iter().map(|f| {
        let ident = &f.ident;
        let ty = &f.rust_ty;
        quote!(#ident: #ty)
    });
    let new_inits = create_fields.iter().map(|f| {
        let ident = &f.ident;
        if f.declared.optional {
            quote!(#ident: ::core::option::Option::None)
        } else {
            quote!(#ident)
        }
    });
    let required_names: Vec<String> = required
        .iter()
        .map(|f| format!("`{}`", f.declared.name.value))
        .collect();
    let new_doc = format!(
        " A profile with the attributes required at creation ({}); the others are `None`.",
        if required_names.is_empty() {
            "none".to_string()
        } else {
            required_names.join(", ")
        }
    );

    let update_fields = generated_fields("Profile", attrs, true);
    let update_wire = wire_fields(&update_fields, true);
    let update_defs = field_definitions(&update_fields, &[]);
    let update_serialize = items::serialize_impl(
        &format_ident!("ProfileUpdate"),
        &syn::Generics::default(),
        &update_wire,
    );
    let update_checks = items::checks(&update_wire);
    let setters = update_fields.iter().map(|f| {
        let ident = &f.ident;
        let inline = inline_enum_ident("Profile", &f.declared.name.value);
        let ty = items::rust_type(&f.declared.ty, &inline);
        let doc = format!(" Sets `{}`.", f.declared.name.value);
        let deprecated = f
            .declared
            .deprecated
            .as_ref()
            .map(|note| quote!(#[deprecated(note = #note)]));
        quote! {
            #[doc = #doc]
            #deprecated
            #[must_use]
            pub fn #ident(mut self, value: impl ::core::convert::Into<#ty>) -> Self {
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

        /// A customer profile as created by `identify`: the attributes of `[profile]`
        /// in events.toml, those required at creation as plain fields.
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
        pub struct Profile {
            #create_defs
        }

        impl Profile {
            #[doc = #new_doc]
            #[allow(clippy::too_many_arguments)]
            pub fn new(#(#new_params),*) -> Self {
                #[allow(deprecated)]
                Profile { #(#new_inits),* }
            }
        }

        /// A change to a customer profile: any attributes of `[profile]`, each set
        /// alone; unset ones are not sent.
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq, ::core::default::Default)]
        pub struct ProfileUpdate {
            #update_defs
        }

        impl ProfileUpdate {
            #update_new
            #(#setters)*
        }

        #[allow(deprecated)]
        const _: () = {
            #create_serialize
            #update_serialize

            #[automatically_derived]
            impl ::cio::Attributes for Profile {
                fn validate(&self) -> ::core::result::Result<(), ::cio::Violation> {
                    #create_checks
                    ::core::result::Result::Ok(())
                }
            }

            #[automatically_derived]
            impl ::cio::Attributes for ProfileUpdate {
                fn validate(&self) -> ::core::result::Result<(), ::cio::Violation> {
                    #update_checks
                    ::core::result::Result::Ok(())
                }
            }
        };
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
