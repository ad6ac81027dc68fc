//! `cio::taxonomy!()`: typed Rust for every enum, event and the profile.

use std::fmt::{self, Write as _};
use std::path::Path;

use cio_schema::{EventDef, Field, FieldType, NamedEnum, Taxonomy};
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};

use crate::cache::{self, Schema};
use crate::emit;
use crate::items;
use crate::locate::locate;
use crate::TaxonomyExpansion;

/// Expands the macro: `input` is empty or one string literal (the path).
pub(crate) fn expand(input: TokenStream, manifest_dir: &Path) -> TaxonomyExpansion {
    let tokens_only = |tokens| TaxonomyExpansion {
        tokens,
        items: String::new(),
    };
    let path = if input.is_empty() {
        None
    } else {
        match syn::parse2::<syn::LitStr>(input) {
            Ok(lit) => Some(lit),
            Err(_) => {
                return tokens_only(quote! {
                    ::core::compile_error! {
                        "expected `cio::taxonomy!()` or `cio::taxonomy!(\"path/to/events.toml\")` (a path relative to the crate root)"
                    }
                })
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
        Err(message) => {
            return tokens_only(quote_spanned!(span=> ::core::compile_error! { #message }))
        }
    };
    let load = cache::load(&file);
    let track = emit::track_files(&load.files);
    match &load.result {
        Ok(schema) => TaxonomyExpansion {
            tokens: track,
            items: generate(schema),
        },
        Err(diagnostics) => {
            let errors = emit::diagnostics(diagnostics, span);
            // Liquid errors only: the types are still sound, so generate them and let
            // the errors stand alone instead of every use failing to resolve.
            TaxonomyExpansion {
                tokens: quote!(#track #errors),
                items: load.fallback.as_ref().map(generate).unwrap_or_default(),
            }
        }
    }
}

/// Every item the macro generates for a valid taxonomy, as Rust source.
///
/// Every token of the items has the call-site span, so they are written as text
/// and lexed once: one `TokenStream::from_str` costs rustc a fraction of building
/// ~150,000 tokens one by one through the proc-macro bridge.
pub(crate) fn generate(schema: &Schema) -> String {
    let mut out = String::with_capacity(1024 * (schema.taxonomy.events.len() + 4));
    write_items(&mut out, schema);
    out
}

fn write_items(out: &mut String, schema: &Schema) {
    let taxonomy = &schema.taxonomy;
    for def in &taxonomy.enums {
        named_enum(out, def);
    }
    for def in &taxonomy.events {
        event(out, def, schema);
    }
    profile(out, taxonomy);
    constants(out, schema);
}

/// A Rust string literal holding `text`, written without an intermediate `String`.
fn lit(text: &str) -> impl fmt::Display + '_ {
    struct Lit<'a>(&'a str);
    impl fmt::Display for Lit<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{:?}", self.0)
        }
    }
    Lit(text)
}

/// Writes into the contents of a Rust string literal, escaping what must be.
struct Escaping<'a>(&'a mut String);

impl fmt::Write for Escaping<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        for c in text.chars() {
            match c {
                '"' => self.0.push_str("\\\""),
                '\\' => self.0.push_str("\\\\"),
                '\n' => self.0.push_str("\\n"),
                c if c.is_control() => {
                    let _ = write!(self.0, "\\u{{{:x}}}", u32::from(c));
                }
                c => self.0.push(c),
            }
        }
        Ok(())
    }
}

/// One doc attribute from an optional doc text plus extra paragraphs (nothing when
/// both are empty).
fn docs(out: &mut String, doc: Option<&str>, extra: &[fmt::Arguments<'_>]) {
    let lines = doc.map(str::lines).into_iter().flatten();
    let mut empty = true;
    let mut start = |out: &mut String, separator: &str| {
        out.push_str(if empty { "#[doc = \"" } else { separator });
        empty = false;
        out.push(' ');
    };
    for line in lines {
        start(out, "\\n");
        let _ = Escaping(out).write_str(line);
    }
    for paragraph in extra {
        start(out, "\\n\\n");
        let _ = Escaping(out).write_fmt(*paragraph);
    }
    if !empty {
        out.push_str("\"] ");
    }
}

fn deprecated(out: &mut String, note: Option<&str>) {
    if let Some(note) = note {
        let _ = write!(out, "#[deprecated(note = {})] ", lit(note));
    }
}

fn named_enum(out: &mut String, def: &NamedEnum) {
    let values: Vec<&str> = def.values.iter().map(|v| v.value.as_str()).collect();
    let mut doc = String::new();
    docs(
        &mut doc,
        def.doc.as_deref(),
        &[format_args!(
            "The enum `{}` of events.toml.",
            def.name.value
        )],
    );
    let ident = items::ident_text(&cio_schema::naming::type_name(&def.name.value));
    enum_definition(out, &ident, &def.name.value, &values, &doc);
}

/// `enumeration!` writes the enum and its impls from its variants and wire values.
fn enum_definition(out: &mut String, ident: &str, name: &str, values: &[&str], doc: &str) {
    let _ = write!(
        out,
        "::cio::__private::enumeration! {{ {doc}{ident} = {} {{ ",
        lit(name)
    );
    for value in values {
        let variant = items::ident_text(&cio_schema::naming::variant_name(value));
        let _ = write!(out, "{variant} = {}, ", lit(value));
    }
    out.push_str("} }\n");
}

/// Inline enums declared on `fields` of `owner` (named `{Owner}{Field}`).
fn inline_enums(out: &mut String, owner_type: &str, owner: &str, fields: &[Field]) {
    for f in fields {
        if let Some(values) = inline_values(&f.ty) {
            let ident = inline_enum_ident(owner_type, &f.name.value);
            let name = format!("{owner}.{}", f.name.value);
            let mut doc = String::new();
            docs(
                &mut doc,
                None,
                &[format_args!("The values of `{name}` in events.toml.")],
            );
            enum_definition(out, &ident, &name, &values, &doc);
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
fn type_spec(out: &mut String, f: &Field, owner_type: &str, optional: bool) {
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

/// The run-time check of a field (a function of `cio::__private::check`) and its
/// declared limits: `email max_length = 254`.
fn check_spec(out: &mut String, f: &Field) {
    let mut ty = &f.ty;
    while let FieldType::List(inner) = ty {
        ty = inner;
    }
    out.push_str(match ty {
        FieldType::String => "text",
        FieldType::Email => "email",
        FieldType::Url => "url",
        FieldType::Int => "int",
        FieldType::Float => "float",
        FieldType::Timestamp => "timestamp",
        FieldType::Bool
        | FieldType::Object
        | FieldType::Enum(_)
        | FieldType::InlineEnum(_)
        | FieldType::List(_) => "any",
    });
    for (limit, value) in [("min", f.min), ("max", f.max)] {
        if let Some(value) = value.filter(|v| v.is_finite()) {
            let _ = write!(out, " {limit} = {}", items::signed_f64(value));
        }
    }
    if let Some(n) = f.max_length {
        let _ = write!(out, " max_length = {n}");
    }
}

/// The fields of a generated struct as `record!` takes them; with `all_optional`
/// every field is an `Option` (the profile update).
fn field_specs(
    out: &mut String,
    owner_type: &str,
    fields: &[Field],
    all_optional: bool,
    liquid: &[&str],
) {
    for f in fields {
        let name = &f.name.value;
        let declared = format_args!(
            "`{name}: {}{}` in events.toml.",
            f.ty.describe(),
            if f.optional { "?" } else { "" }
        );
        let read = format_args!("Read by campaign Liquid as `{{{{ event.{name} }}}}`.");
        let extra = [declared, read];
        let extra = if liquid.contains(&name.as_str()) {
            &extra[..]
        } else {
            &extra[..1]
        };
        docs(out, f.doc.as_deref(), extra);
        deprecated(out, f.deprecated.as_deref());
        let _ = write!(
            out,
            "{} {} ",
            items::ident_text(&cio_schema::naming::field_name(name)),
            lit(name)
        );
        type_spec(out, f, owner_type, f.optional || all_optional);
        check_spec(out, f);
        out.push_str(";\n");
    }
}

fn event(out: &mut String, def: &EventDef, schema: &Schema) {
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
    out.push_str("::cio::__private::record! { ");
    docs(out, def.doc.as_deref(), extra);
    deprecated(out, def.deprecated.as_deref());
    let liquid_list: Vec<String> = liquid.iter().map(|f| lit(f).to_string()).collect();
    let _ = writeln!(
        out,
        "{}: Event {} [{}] {{",
        items::ident_text(&type_name),
        lit(name),
        liquid_list.join(", ")
    );
    field_specs(out, &type_name, &def.data, false, &liquid);
    out.push_str("} }\n");
}

fn profile(out: &mut String, taxonomy: &Taxonomy) {
    let attrs = &taxonomy.profile;
    inline_enums(out, "Profile", "profile", attrs);

    out.push_str(concat!(
        "::cio::__private::record! { ",
        "#[doc = \" A customer profile as created by `identify`: the attributes of `[profile]`\\n",
        " in events.toml, those required at creation as plain fields.\"] ",
        "Profile: Attributes {\n",
    ));
    field_specs(out, "Profile", attrs, false, &[]);
    out.push_str("} }\n");

    let required: Vec<&Field> = attrs.iter().filter(|f| !f.optional).collect();
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
    let _ = write!(
        out,
        "impl Profile {{ #[doc = {}] #[allow(clippy::too_many_arguments)] pub fn new(",
        lit(&new_doc)
    );
    for f in &required {
        let _ = write!(
            out,
            "{}: ::cio::__private::ty! ",
            items::ident_text(&cio_schema::naming::field_name(&f.name.value))
        );
        type_spec(out, f, "Profile", false);
        out.push_str(", ");
    }
    out.push_str(") -> Self { #[allow(deprecated)] Profile { ");
    for f in attrs {
        let ident = items::ident_text(&cio_schema::naming::field_name(&f.name.value));
        if f.optional {
            let _ = write!(out, "{ident}: ::core::option::Option::None, ");
        } else {
            let _ = write!(out, "{ident}, ");
        }
    }
    out.push_str("} } }\n");

    out.push_str(concat!(
        "::cio::__private::record! { ",
        "#[doc = \" A change to a customer profile: any attributes of `[profile]`, each set\\n",
        " alone; unset ones are not sent.\"] ",
        "#[derive(::core::default::Default)] ProfileUpdate: Attributes {\n",
    ));
    field_specs(out, "Profile", attrs, true, &[]);
    out.push_str("} }\n");

    out.push_str("impl ProfileUpdate {\n");
    let has_new_attr = attrs
        .iter()
        .any(|a| cio_schema::naming::field_name(&a.name.value) == "new");
    if !has_new_attr {
        out.push_str(concat!(
            "#[doc = \" An update that sets nothing yet.\"] ",
            "pub fn new() -> Self { <Self as ::core::default::Default>::default() }\n",
        ));
    }
    for f in attrs {
        let ident = items::ident_text(&cio_schema::naming::field_name(&f.name.value));
        let _ = write!(
            out,
            "#[doc = {}] ",
            lit(&format!(" Sets `{}`.", f.name.value))
        );
        deprecated(out, f.deprecated.as_deref());
        let _ = write!(
            out,
            "#[must_use] pub fn {ident}(mut self, value: impl ::core::convert::Into<::cio::__private::ty! "
        );
        type_spec(out, f, "Profile", false);
        let _ = writeln!(
            out,
            ">) -> Self {{ #[allow(deprecated)] {{ self.{ident} = ::core::option::Option::Some(value.into()); }} self }}"
        );
    }
    out.push_str("}\n");
}

fn constants(out: &mut String, schema: &Schema) {
    let taxonomy = &schema.taxonomy;
    let list = |names: &mut dyn Iterator<Item = &str>| {
        names
            .map(|n| lit(n).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let liquid: Vec<String> = taxonomy
        .events
        .iter()
        .map(|e| {
            let name = &e.name.value;
            let fields = list(&mut schema.liquid_fields(name).into_iter());
            format!("({}, &[{fields}])", lit(name))
        })
        .collect();
    let campaigns: Vec<String> = taxonomy
        .campaigns
        .iter()
        .map(|c| {
            let sends = list(&mut c.sends().into_iter().map(|m| m.value.as_str()));
            format!(
                "({}, {}, &[{sends}])",
                lit(&c.name.value),
                lit(&c.trigger.value)
            )
        })
        .collect();
    let _ = write!(
        out,
        concat!(
            "#[doc = \" What events.toml declares, as data: for tools, tests and dashboards.\"]\n",
            "pub mod taxonomy {{\n",
            "#[doc = \" Every event name, in declaration order.\"]\n",
            "pub const EVENTS: &[&str] = &[{events}];\n",
            "#[doc = \" Every profile attribute, in declaration order.\"]\n",
            "pub const ATTRIBUTES: &[&str] = &[{attributes}];\n",
            "#[doc = \" Per event, the data fields its campaigns' Liquid reads (always sent).\"]\n",
            "pub const LIQUID_VARIABLES: &[(&str, &[&str])] = &[{liquid}];\n",
            "#[doc = \" Every campaign: its name, its trigger event, and the messages it sends.\"]\n",
            "pub const CAMPAIGNS: &[(&str, &str, &[&str])] = &[{campaigns}];\n",
            "#[doc = \" Every message name.\"]\n",
            "pub const MESSAGES: &[&str] = &[{messages}];\n",
            "}}\n",
        ),
        events = list(&mut taxonomy.events.iter().map(|e| e.name.value.as_str())),
        attributes = list(&mut taxonomy.profile.iter().map(|a| a.name.value.as_str())),
        liquid = liquid.join(", "),
        campaigns = campaigns.join(", "),
        messages = list(&mut taxonomy.messages.iter().map(|m| m.name.value.as_str())),
    );
}
