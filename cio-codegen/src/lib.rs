//! Code generation for [cio](https://docs.rs/cio): turns a validated `events.toml`
//! into Rust tokens (`taxonomy!()`) and checks the app's own types against it (the
//! `Event`, `Attributes`, `Enum`, `Object` and `Relationship` derives).
//!
//! This is an ordinary library over `proc_macro2`, so every expansion is testable
//! without a compiler; `cio-derive` is a thin proc-macro shell around it. Nothing
//! here panics on user input: every problem becomes a `compile_error!` with a span.

mod attr;
mod cache;
mod derive;
mod emit;
mod fields;
mod items;
mod locate;
mod render;
mod salvage;
mod spec;
mod taxonomy;

use std::path::Path;

use proc_macro2::TokenStream;

pub use locate::{locate, TaxonomyFile};

/// Expands `cio::taxonomy!()` / `cio::taxonomy!("path")`. `manifest_dir` is the
/// invoking crate's `CARGO_MANIFEST_DIR`.
pub fn expand_taxonomy(input: TokenStream, manifest_dir: &Path) -> TokenStream {
    taxonomy::expand(input, manifest_dir).into_tokens()
}

/// [`expand_taxonomy`] in two parts, so that a proc macro can lex the generated
/// items with rustc's own lexer (`proc_macro::TokenStream::from_str`) rather than
/// through `proc_macro2`, which lexes the text a second time to validate it.
pub fn taxonomy_expansion(input: TokenStream, manifest_dir: &Path) -> TaxonomyExpansion {
    taxonomy::expand(input, manifest_dir)
}

/// The expansion of `taxonomy!()`: tokens for file tracking and errors, and the
/// generated items as Rust source (all of their tokens have the call-site span).
#[derive(Debug)]
pub struct TaxonomyExpansion {
    /// Rebuild tracking of `events.toml` and its templates, and any errors.
    pub tokens: TokenStream,
    /// The generated items as Rust source; empty when there are none.
    pub items: String,
}

impl TaxonomyExpansion {
    /// The whole expansion as `proc_macro2` tokens. Should the items not lex (a
    /// bug), they are replaced by a `compile_error!` saying so.
    pub fn into_tokens(self) -> TokenStream {
        let mut tokens = self.tokens;
        match self.items.parse::<TokenStream>() {
            Ok(items) => tokens.extend(items),
            Err(e) => {
                let message =
                    format!("cio generated code that does not lex ({e}); please report this");
                tokens.extend(quote::quote!(::core::compile_error! { #message }));
            }
        }
        tokens
    }
}

/// The items `taxonomy!()` generates for a file already loaded (its taxonomy, or
/// with errors what it still declares), as Rust source with paths through `::cio`;
/// empty when nothing can be generated. For fuzzing the generator on any text.
#[doc(hidden)]
pub fn taxonomy_items(loaded: cio_schema::Loaded) -> String {
    let load = cache::Load::of(loaded);
    let krate = attr::Krate::default().text;
    match (&load.result, &load.fallback) {
        (Ok(schema), _) | (Err(_), Some(schema)) => taxonomy::generate(schema, &krate),
        (Err(_), None) => String::new(),
    }
}

/// Forgets every cached taxonomy, so that the next expansion reads and parses
/// again (for benchmarks of a cold expansion).
#[doc(hidden)]
pub fn clear_cache() {
    cache::clear();
}

/// Expands `#[derive(cio::Event)]`.
pub fn derive_event(input: TokenStream, manifest_dir: &Path) -> TokenStream {
    derive::event::expand(input, manifest_dir)
}

/// Expands `#[derive(cio::Attributes)]`.
pub fn derive_attributes(input: TokenStream, manifest_dir: &Path) -> TokenStream {
    derive::attributes::expand(input, manifest_dir)
}

/// Expands `#[derive(cio::Enum)]`.
pub fn derive_enum(input: TokenStream, manifest_dir: &Path) -> TokenStream {
    derive::enumeration::expand(input, manifest_dir)
}

/// Expands `#[derive(cio::Object)]`.
pub fn derive_object(input: TokenStream, manifest_dir: &Path) -> TokenStream {
    derive::object::expand_object(input, manifest_dir)
}

/// Expands `#[derive(cio::Relationship)]`.
pub fn derive_relationship(input: TokenStream, manifest_dir: &Path) -> TokenStream {
    derive::object::expand_relationship(input, manifest_dir)
}
