//! Writing the descriptions of [`crate::spec`] as the short macro calls that
//! `cio::__private` expands (`record!`, `record_impls!`, `enumeration!`,
//! `enum_impls!`): one writer for `taxonomy!()`, which lexes the text once, and for
//! the derives, whose own tokens (types, names, generics) are spliced in with their
//! spans.

use std::fmt::{self, Write as _};

use proc_macro2::{Group, TokenStream, TokenTree};

use crate::spec::{check_of, EnumSpec, Generics, Piece, RecordKind, RecordSpec};

/// Marks where a piece of the app's tokens goes in the text.
const PLACEHOLDER: &str = "__cio_tokens_";

/// Generated source, and the app's tokens it refers to.
pub(crate) struct Out {
    /// The source written so far.
    pub(crate) text: String,
    /// The path of the `cio` crate as the expansion writes it (`::cio`).
    krate: String,
    /// Tokens of the app, each written in `text` as a placeholder.
    tokens: Vec<TokenStream>,
}

impl Out {
    /// An empty output whose paths start with `krate` (`::cio`, or the path of a
    /// renamed dependency).
    pub(crate) fn new(krate: &str, capacity: usize) -> Out {
        Out {
            text: String::with_capacity(capacity),
            krate: krate.to_string(),
            tokens: Vec::new(),
        }
    }

    /// `{krate}::__private::` as text.
    pub(crate) fn private_path(&self) -> String {
        format!("{}::__private::", self.krate)
    }

    /// `{krate}::__private::`: the one doorway every emitted path goes through.
    pub(crate) fn private(&mut self) {
        self.text.push_str(&self.krate);
        self.text.push_str("::__private::");
    }

    fn piece(&mut self, piece: &Piece) {
        match piece {
            Piece::Text(text) => self.text.push_str(text),
            Piece::Tokens(tokens) => {
                let _ = write!(self.text, "{PLACEHOLDER}{}", self.tokens.len());
                self.tokens.push(tokens.clone());
            }
        }
        self.text.push(' ');
    }

    fn generics(&mut self, generics: &Generics) {
        for piece in [
            &generics.impl_generics,
            &generics.ty_generics,
            &generics.where_clause,
        ] {
            self.text.push('[');
            self.piece(piece);
            self.text.push_str("] ");
        }
    }

    /// The output as tokens, the app's own spliced in. Should the text not lex (a
    /// bug), a `compile_error!` saying so.
    pub(crate) fn into_tokens(self) -> TokenStream {
        match self.text.parse::<TokenStream>() {
            Ok(stream) => {
                let mut tokens: Vec<Option<TokenStream>> =
                    self.tokens.into_iter().map(Some).collect();
                splice(stream, &mut tokens)
            }
            Err(e) => {
                let message =
                    format!("cio generated code that does not lex ({e}); please report this");
                quote::quote!(::core::compile_error! { #message })
            }
        }
    }
}

/// Replaces each placeholder in `stream` with its tokens.
fn splice(stream: TokenStream, tokens: &mut [Option<TokenStream>]) -> TokenStream {
    let mut out = TokenStream::new();
    for tree in stream {
        match tree {
            TokenTree::Ident(ident) => {
                let text = ident.to_string();
                let index = text
                    .strip_prefix(PLACEHOLDER)
                    .and_then(|n| n.parse::<usize>().ok());
                match index.and_then(|i| tokens.get_mut(i)).and_then(Option::take) {
                    Some(app) => out.extend(app),
                    None => out.extend([TokenTree::Ident(ident)]),
                }
            }
            TokenTree::Group(group) => {
                let mut inner = Group::new(group.delimiter(), splice(group.stream(), tokens));
                inner.set_span(group.span());
                out.extend([TokenTree::Group(inner)]);
            }
            other => out.extend([other]),
        }
    }
    out
}

/// A Rust string literal holding `text`, written without an intermediate `String`.
pub(crate) fn lit(text: &str) -> impl fmt::Display + '_ {
    struct Lit<'a>(&'a str);
    impl fmt::Display for Lit<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{:?}", self.0)
        }
    }
    Lit(text)
}

/// An `f64` as source: a float literal, after a minus sign when negative.
///
/// Total: `proc_macro2` refuses (panics on) a value that is not finite, and a proc
/// macro must never panic, so infinities and NaN are written as the `f64`
/// constants (an expression, not a literal). cio-schema refuses such numbers, so
/// the generated code never holds one; should one come through, the user gets a
/// compile error (a constant where a limit's literal goes) or a working comparison.
pub(crate) fn signed_f64(value: f64) -> String {
    if value.is_nan() {
        return "::core::f64::NAN".into();
    }
    if value.is_infinite() {
        return if value > 0.0 {
            "::core::f64::INFINITY".into()
        } else {
            "::core::f64::NEG_INFINITY".into()
        };
    }
    let lit = proc_macro2::Literal::f64_unsuffixed(value.abs());
    if value.is_sign_negative() && value != 0.0 {
        format!("-{lit}")
    } else {
        lit.to_string()
    }
}

/// A struct: with `define`, the struct itself and its impls (`record!`, for
/// `taxonomy!()`), else only the impls for the app's struct (`record_impls!`).
pub(crate) fn record(out: &mut Out, spec: &RecordSpec<'_>, define: bool) {
    out.private();
    out.text.push_str(if define {
        "record! { "
    } else {
        "record_impls! { "
    });
    out.text.push_str(&spec.attrs);
    out.piece(&spec.ident);
    out.generics(&spec.generics);
    match &spec.kind {
        RecordKind::Event { name, liquid } => {
            let _ = write!(out.text, ": Event {} [", lit(name));
            for (i, field) in liquid.iter().enumerate() {
                let comma = if i > 0 { ", " } else { "" };
                let _ = write!(out.text, "{comma}{}", lit(field));
            }
            out.text.push_str("] {\n");
        }
        RecordKind::Attributes => out.text.push_str(": Attributes {\n"),
        RecordKind::MessageData => out.text.push_str(": MessageData {\n"),
        RecordKind::Object { name, type_id } => {
            let _ = writeln!(
                out.text,
                ": ObjectType with {{ const NAME: &'static str = {}; const TYPE_ID: ::core::primitive::u64 = {type_id}; }} {{",
                lit(name)
            );
        }
        RecordKind::Relationship { object, type_id } => {
            let _ = writeln!(
                out.text,
                ": Relationship with {{ const OBJECT: &'static str = {}; const OBJECT_TYPE_ID: ::core::primitive::u64 = {type_id}; }} {{",
                lit(object)
            );
        }
    }
    for field in &spec.fields {
        out.text.push_str(&field.attrs);
        out.piece(&field.member);
        let presence = if field.optional { "opt" } else { "req" };
        let _ = write!(out.text, "{} {presence} (", lit(&field.declared.name.value));
        out.piece(&field.ty);
        out.text.push_str(") ");
        if define && field.declared.pii {
            // Personal data: the generated `Debug` prints it as "<redacted>".
            out.text.push_str("#pii ");
        }
        let (check, depth) = check_of(&field.declared.ty);
        for _ in 0..depth {
            out.text.push_str("each ");
        }
        let _ = write!(out.text, "=> {check}");
        let declared = field.declared;
        for (limit, value) in [("min", declared.min), ("max", declared.max)] {
            if let Some(value) = value.filter(|v| v.is_finite()) {
                let _ = write!(out.text, " {limit} = {}", signed_f64(value));
            }
        }
        if let Some(n) = declared.max_length {
            let _ = write!(out.text, " max_length = {n}");
        }
        out.text.push_str(";\n");
    }
    out.text.push_str("} }\n");
}

/// An enum: with `define`, the enum itself and its impls (`enumeration!`), else
/// only the impls for the app's enum (`enum_impls!`).
pub(crate) fn enumeration(out: &mut Out, spec: &EnumSpec<'_>, define: bool) {
    out.private();
    out.text.push_str(if define {
        "enumeration! { "
    } else {
        "enum_impls! { "
    });
    out.text.push_str(&spec.attrs);
    out.piece(&spec.ident);
    out.generics(&spec.generics);
    let _ = write!(out.text, "= {} {{ ", lit(spec.name));
    for (variant, wire) in &spec.variants {
        out.piece(variant);
        let _ = write!(out.text, "= {}, ", lit(wire));
    }
    out.text.push_str("} }\n");
}

/// The impls of the app's enum with no values, for a derive that failed.
pub(crate) fn enum_stub(out: &mut Out, ident: Piece, generics: &Generics, name: &str) {
    out.private();
    out.text.push_str("enum_impls! { @stub ");
    out.piece(&ident);
    out.generics(generics);
    let _ = writeln!(out.text, "= {} }}", lit(name));
}

#[cfg(test)]
mod tests {
    use super::signed_f64;

    #[test]
    fn signed_f64_is_total() {
        assert_eq!(signed_f64(1.5), "1.5");
        assert_eq!(signed_f64(-2.0), "-2.0");
        assert_eq!(signed_f64(-0.0), "0.0");
        assert_eq!(signed_f64(f64::INFINITY), "::core::f64::INFINITY");
        assert_eq!(signed_f64(f64::NEG_INFINITY), "::core::f64::NEG_INFINITY");
        assert_eq!(signed_f64(f64::NAN), "::core::f64::NAN");
    }
}
