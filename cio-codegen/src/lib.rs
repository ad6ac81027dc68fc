//! Code generation for [cio](https://docs.rs/cio): turns a validated `events.toml`
//! into Rust tokens (`taxonomy!()`) and checks the app's own types against it (the
//! `Event`, `Attributes` and `Enum` derives).
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
mod taxonomy;

use std::path::Path;

use proc_macro2::TokenStream;

pub use locate::{locate, TaxonomyFile};

/// Expands `cio::taxonomy!()` / `cio::taxonomy!("path")`. `manifest_dir` is the
/// invoking crate's `CARGO_MANIFEST_DIR`.
pub fn expand_taxonomy(input: TokenStream, manifest_dir: &Path) -> TokenStream {
    taxonomy::expand(input, manifest_dir)
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
