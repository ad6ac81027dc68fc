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
fn objects_taxonomy_expansion() {
    let out = cio_codegen::expand_taxonomy(tokens(r#""objects.toml""#), fixtures());
    check_golden("objects.taxonomy.expanded.rs", &pretty(out));
}

#[test]
fn object_derive_expansion() {
    let input = r#"
        #[cio(taxonomy = "objects.toml", name = "company")]
        struct Account {
            name: String,
            tier: Tier,
            seats: u32,
            #[cio(rename = "domain")]
            website: Option<String>,
            region: Region,
            #[cio(skip)]
            cached: bool,
        }
    "#;
    let out = cio_codegen::derive_object(tokens(input), fixtures());
    check_golden("objects.object.expanded.rs", &pretty(out));
}

#[test]
fn relationship_derive_expansion() {
    let input = r#"
        #[cio(taxonomy = "objects.toml")]
        struct CompanyRelationship<'a> {
            role: Option<&'a str>,
        }
    "#;
    let out = cio_codegen::derive_relationship(tokens(input), fixtures());
    check_golden("objects.relationship.expanded.rs", &pretty(out));
}

#[test]
fn object_derive_errors_are_compile_errors() {
    let input = r#"
        #[cio(taxonomy = "objects.toml", name = "compny")]
        struct Company { name: String }
    "#;
    let out = cio_codegen::derive_object(tokens(input), fixtures()).to_string();
    assert!(
        out.contains("unknown object type `compny`: events.toml declares no `[objects.compny]`; did you mean `company`?"),
        "{out}"
    );
    // The stub keeps the type usable, so the user sees this error alone.
    assert!(
        out.contains("record_impls ! { Company [] [] [] : ObjectType with"),
        "{out}"
    );
    let input = r#"
        #[cio(taxonomy = "objects.toml")]
        struct Company { name: Option<String>, seets: i64 }
    "#;
    let out = cio_codegen::derive_object(tokens(input), fixtures()).to_string();
    for expected in [
        "attribute `name` cannot be optional: events.toml declares it required (`string`, not `string?`)",
        "object type `company` has no field `seets` in events.toml; did you mean `seats`?",
        "struct `Company` is missing the attributes object type `company` requires: `tier: tier`, `region: { enum = [eu, us] }`",
    ] {
        assert!(out.contains(expected), "{expected}\n{out}");
    }
    let input = r#"
        #[cio(taxonomy = "objects.toml", name = "company")]
        struct Membership { rol: String }
    "#;
    let out = cio_codegen::derive_relationship(tokens(input), fixtures()).to_string();
    assert!(
        out.contains("the relationship of object type `company` has no field `rol` in events.toml; did you mean `role`?"),
        "{out}"
    );
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
    assert!(
        out.contains("record_impls ! { SignedUp [] [] [] : Event \"sined_up\" [] { } }"),
        "{out}"
    );
}

/// The paths an expansion names from outside it, outside string literals: each
/// `::a::b` path as its first two segments.
fn absolute_paths(text: &str) -> Vec<String> {
    let tokens: TokenStream = text.parse().unwrap();
    let mut flat = Vec::new();
    fn walk(tokens: TokenStream, flat: &mut Vec<String>) {
        for tree in tokens {
            match tree {
                proc_macro2::TokenTree::Group(g) => walk(g.stream(), flat),
                proc_macro2::TokenTree::Literal(_) => flat.push("\"".into()),
                other => flat.push(other.to_string()),
            }
        }
    }
    walk(tokens, &mut flat);
    let mut out = Vec::new();
    for i in 0..flat.len() {
        let starts = flat[i] == ":"
            && flat.get(i + 1).is_some_and(|t| t == ":")
            && (i == 0
                || !matches!(flat[i - 1].chars().next(), Some(c) if c.is_alphanumeric() || c == '_' || c == '>'));
        if starts {
            let first = flat.get(i + 2).cloned().unwrap_or_default();
            let second = flat.get(i + 5).cloned().unwrap_or_default();
            out.push(format!("::{first}::{second}"));
        }
    }
    out
}

#[test]
fn every_emitted_path_goes_through_cio_private() {
    let mut checked = 0;
    for golden in [
        "small.taxonomy.expanded.rs",
        "small.event.expanded.rs",
        "small.attributes.expanded.rs",
        "small.enum.expanded.rs",
        "objects.taxonomy.expanded.rs",
        "objects.object.expanded.rs",
        "objects.relationship.expanded.rs",
    ] {
        let text = std::fs::read_to_string(fixtures().join(golden)).unwrap();
        for path in absolute_paths(&text) {
            checked += 1;
            assert!(
                path == "::cio::__private" || path.starts_with("::core::"),
                "{golden} names `{path}`: generated code goes through `cio::__private` (or `core`)"
            );
        }
    }
    assert!(checked > 10, "only {checked} paths found");
}

#[test]
fn a_renamed_crate_is_named_by_every_path() {
    let out =
        cio_codegen::expand_taxonomy(tokens(r#"crate = ::messaging, "small.toml""#), fixtures());
    let text = pretty(out);
    assert!(text.contains("::messaging::__private::record!"), "{text}");
    assert!(!text.contains("cio::"), "{text}");
    let input = r#"
        #[cio(taxonomy = "small.toml", crate = "messaging")]
        struct SignedUp { method: Method, plan: Plan }
    "#;
    let text = cio_codegen::derive_event(tokens(input), fixtures()).to_string();
    assert!(
        text.contains("messaging :: __private :: record_impls"),
        "{text}"
    );
    assert!(
        text.contains("messaging :: __private :: expect_enum"),
        "{text}"
    );
    assert!(!text.contains("cio ::"), "{text}");
}

#[test]
fn a_crate_path_that_is_not_a_path_is_an_error() {
    let input = r#"
        #[cio(taxonomy = "small.toml", crate = "not a path")]
        struct SignedUp { method: Method, plan: Plan }
    "#;
    let text = cio_codegen::derive_event(tokens(input), fixtures()).to_string();
    assert!(
        text.contains("expected the path of the cio crate"),
        "{text}"
    );
}
