//! Procedural macros of [cio](https://docs.rs/cio): `taxonomy!()` and the `Event`,
//! `Attributes`, `Enum`, `Object` and `Relationship` derives. Use them through the `cio` crate, which
//! documents them; the work is done in `cio-codegen`.

use std::path::PathBuf;

use proc_macro::TokenStream;

/// Runs an expansion; should it panic (a bug: cio-codegen turns every mistake in
/// the input into a `compile_error!`), the panic becomes a `compile_error!` too, so
/// the user sees cio's message rather than "proc macro panicked".
fn never_panic(expand: impl FnOnce() -> TokenStream) -> TokenStream {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(expand)).unwrap_or_else(|_| {
        "::core::compile_error! { \"cio's macro failed unexpectedly: please report this with the events.toml that caused it\" }"
            .parse()
            .unwrap_or_default()
    })
}

/// The invoking crate's root, where `events.toml` paths start.
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from("."), PathBuf::from)
}

/// Generates typed Rust for every event, enum and the profile of `events.toml`.
///
/// `cio::taxonomy!()` reads the first `events.toml` found from the crate root
/// upward; `cio::taxonomy!("path/events.toml")` reads that file, relative to the
/// crate root. Every mistake in the file is a compile error pointing at its line;
/// the declarations without one are still generated, so that the error stands
/// alone. A crate that renames the dependency names it first:
/// `my_cio::taxonomy!(crate = my_cio, "events.toml")`.
#[proc_macro]
pub fn taxonomy(input: TokenStream) -> TokenStream {
    never_panic(|| {
        let expansion = cio_codegen::taxonomy_expansion(input.into(), &manifest_dir());
        // rustc lexes the generated source itself: one pass, no token-by-token bridge.
        match expansion.items.parse::<TokenStream>() {
            Ok(items) => {
                let mut output = TokenStream::from(expansion.tokens);
                output.extend(items);
                output
            }
            Err(_) => expansion.into_tokens().into(),
        }
    })
}

/// Checks a struct against an event of `events.toml` and implements `cio::Event`.
///
/// `#[cio(name = "signed_up")]` names the event (default: the struct's name in
/// snake_case); `#[cio(taxonomy = "path")]` names the file; `#[cio(crate = "my_cio")]`
/// names a renamed dependency (as on every derive). On fields,
/// `#[cio(rename = "wireName")]` and `#[cio(skip)]`.
#[proc_macro_derive(Event, attributes(cio))]
pub fn derive_event(input: TokenStream) -> TokenStream {
    never_panic(|| cio_codegen::derive_event(input.into(), &manifest_dir()).into())
}

/// Checks a struct against the profile attributes of `events.toml` and implements
/// `cio::Attributes`. `#[cio(create)]` requires every attribute needed to create a
/// profile.
#[proc_macro_derive(Attributes, attributes(cio))]
pub fn derive_attributes(input: TokenStream) -> TokenStream {
    never_panic(|| cio_codegen::derive_attributes(input.into(), &manifest_dir()).into())
}

/// Checks an enum against an enum of `events.toml` (`#[cio(name = "plan")]`, or
/// `event.field` for an inline enum) and implements `cio::Enum` and `Serialize`.
#[proc_macro_derive(Enum, attributes(cio))]
pub fn derive_enum(input: TokenStream) -> TokenStream {
    never_panic(|| cio_codegen::derive_enum(input.into(), &manifest_dir()).into())
}

/// Checks a struct against the attributes of an object type of `events.toml`
/// (`[objects.NAME]`) and implements `cio::Object`. `#[cio(name = "company")]` names
/// the object type (default: the struct's name in snake_case).
#[proc_macro_derive(Object, attributes(cio))]
pub fn derive_object(input: TokenStream) -> TokenStream {
    never_panic(|| cio_codegen::derive_object(input.into(), &manifest_dir()).into())
}

/// Checks a struct against the attributes of a person's relationship to an object
/// type of `events.toml` (its `relationship`) and implements `cio::Relationship`.
/// `#[cio(name = "company")]` names the object type (default: the struct's name in
/// snake_case, without a `Relationship` suffix).
#[proc_macro_derive(Relationship, attributes(cio))]
pub fn derive_relationship(input: TokenStream) -> TokenStream {
    never_panic(|| cio_codegen::derive_relationship(input.into(), &manifest_dir()).into())
}
