//! Turning problems into `compile_error!`s, and tracking files for rebuilds.

use std::path::PathBuf;

use cio_schema::Diagnostics;
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};

/// Collects independent errors so that one compile reports all of them.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    /// Adds an error at `span`.
    pub(crate) fn at(&mut self, span: Span, message: impl std::fmt::Display) {
        self.push(syn::Error::new(span, message));
    }

    /// Adds an error that underlines `tokens`.
    pub(crate) fn spanned(
        &mut self,
        tokens: impl quote::ToTokens,
        message: impl std::fmt::Display,
    ) {
        self.push(syn::Error::new_spanned(tokens.into_token_stream(), message));
    }

    /// Adds an error.
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    /// `true` when nothing was reported.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// The `compile_error!`s of every error reported.
    pub(crate) fn to_compile_errors(&self) -> TokenStream {
        self.0
            .as_ref()
            .map(syn::Error::to_compile_error)
            .unwrap_or_default()
    }
}

/// One `compile_error!` per diagnostic of `events.toml`, at `span` (the path
/// literal, or the macro call when there is none).
pub(crate) fn diagnostics(diagnostics: &Diagnostics, span: Span) -> TokenStream {
    diagnostics
        .iter()
        .map(|d| {
            let message = d.to_string();
            quote_spanned!(span=> ::core::compile_error! { #message })
        })
        .collect()
}

/// Makes rustc (and so cargo) depend on every file read: an edit to any of them
/// rebuilds the crate, on stable Rust.
pub(crate) fn track_files(files: &[PathBuf]) -> TokenStream {
    let paths = files
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .filter_map(|p| p.to_str().map(str::to_string));
    quote! {
        #(const _: &[u8] = ::core::include_bytes!(#paths);)*
    }
}
