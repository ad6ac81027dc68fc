//! Golden tests: the code each macro generates for small fixtures, pretty-printed
//! and compared with the committed `tests/expand/*.expanded.rs` files.
//! Run with `CIO_BLESS=1` to rewrite them after an intended change, then review
//! the diff.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use proc_macro2::TokenStream;

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/expand"))
}

fn pretty(tokens: TokenStream) -> String {
    // File tracking names absolute paths: replace the fixture folder before
    // printing, so that the goldens (line wrapping included) are the same on every
    // machine.
    let dir = std::fs::canonicalize(fixtures()).unwrap();
    let text = tokens.to_string().replace(dir.to_str().unwrap(), "$DIR");
    let file: syn::File = syn::parse_str(&text).expect("the expansion is valid Rust");
    prettyplease::unparse(&file)
}

fn check_golden(name: &str, actual: &str) {
    let path = fixtures().join(name);
    if std::env::var_os("CIO_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing {name}: run with CIO_BLESS=1 to create it"));
    if expected != actual {
        let wip = path.with_extension("wip.rs");
        std::fs::write(&wip, actual).unwrap();
        panic!(
            "{name} differs from the expansion; the new output is in {}: compare, then bless with CIO_BLESS=1",
            wip.display()
        );
    }
}

fn tokens(source: &str) -> TokenStream {
    source.parse().unwrap()
}

#[test]
fn taxonomy_expansion() {
    let out = cio_codegen::expand_taxonomy(tokens(r#""small.toml""#), fixtures());
    check_golden("small.taxonomy.expanded.rs", &pretty(out));
}

#[test]
fn event_derive_expansion() {
    let input = r#"
        #[cio(taxonomy = "small.toml")]
        struct SignedUp<'a> {
            method: Method,
            plan: Plan,
            #[cio(rename = "referrer")]
            came_from: Option<&'a str>,
        }
    "#;
    let out = cio_codegen::derive_event(tokens(input), fixtures());
    check_golden("small.event.expanded.rs", &pretty(out));
}

#[test]
fn attributes_derive_expansion() {
    let input = r#"
        #[cio(taxonomy = "small.toml", create)]
        struct NewUser {
            email: String,
            nickname: Option<String>,
        }
    "#;
    let out = cio_codegen::derive_attributes(tokens(input), fixtures());
    check_golden("small.attributes.expanded.rs", &pretty(out));
}

#[test]
fn enum_derive_expansion() {
    let input = r#"
        #[cio(taxonomy = "small.toml", name = "signed_up.method")]
        enum Method {
            Google,
            #[cio(rename = "email")]
            Password,
        }
    "#;
    let out = cio_codegen::derive_enum(tokens(input), fixtures());
    check_golden("small.enum.expanded.rs", &pretty(out));
}

#[test]
fn errors_expand_to_compile_errors_not_panics() {
    let input = r#"
        #[cio(taxonomy = "small.toml", name = "sined_up")]
        struct SignedUp { method: String }
    "#;
    let out = cio_codegen::derive_event(tokens(input), fixtures()).to_string();
    assert!(out.contains("compile_error"), "{out}");
    assert!(out.contains("unknown event `sined_up`"), "{out}");
    assert!(out.contains("did you mean `signed_up`?"), "{out}");
    // The stub keeps the type usable, so the user sees this error alone.
    assert!(out.contains("impl :: cio :: Event for SignedUp"), "{out}");
}
