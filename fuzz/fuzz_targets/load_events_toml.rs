//! Any bytes as an `events.toml`: parse, validate and the Liquid checks of its
//! messages (templates named by `file = ...` are read from the repository's root).
//! Must end in `Ok` or located errors, never a panic, hang or stack overflow.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    if let Err(diagnostics) = cio_schema::parse_str(source, "events.toml", Some(&root)) {
        assert!(!diagnostics.is_empty());
        for diagnostic in &diagnostics {
            let _ = diagnostic.to_string();
        }
    }
});
