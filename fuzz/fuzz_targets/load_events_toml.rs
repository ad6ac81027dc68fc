//! Any bytes as an `events.toml`: parse, validate and the Liquid checks of its
//! messages (templates named by `file = ...` are read from the repository's root),
//! then the code `taxonomy!()` generates from it (from the taxonomy, or from what a
//! file with errors still declares), which must lex as Rust.
//! Must end in `Ok` or located errors, never a panic, hang or stack overflow.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let loaded = cio_schema::load_str(source, "events.toml", Some(&root));
    if let Err(diagnostics) = &loaded.result {
        assert!(!diagnostics.is_empty());
        for diagnostic in diagnostics.iter() {
            let _ = diagnostic.to_string();
        }
    }
    let items = cio_codegen::taxonomy_items(loaded);
    assert!(
        items.parse::<proc_macro2::TokenStream>().is_ok(),
        "the generated items do not lex"
    );
});
