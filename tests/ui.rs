//! Compile-time behaviour of `taxonomy!()` and the derives, pinned by trybuild:
//! every distinct compile error with its committed `.stderr`, and the cases that
//! must compile.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The `.stderr` files were made with this compiler; other versions word their own
/// errors differently, so the cases only run on it.
const PINNED_RUSTC: &str = "rustc 1.95.";

fn rustc_matches() -> bool {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    Command::new(rustc)
        .arg("--version")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).starts_with(PINNED_RUSTC))
        .unwrap_or(false)
}

/// trybuild builds the cases in `<target>/tests/trybuild/<package>/`, which becomes
/// their `CARGO_MANIFEST_DIR`: the fixtures are linked in so `"fixtures/..."` resolves.
fn link_fixtures() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_TARGET_TMPDIR"))
                .parent()
                .map_or_else(|| manifest.join("target"), Path::to_path_buf)
        });
    let target = if target.is_relative() {
        manifest.join(target)
    } else {
        target
    };
    let project = target
        .join("tests")
        .join("trybuild")
        .join(env!("CARGO_PKG_NAME"));
    std::fs::create_dir_all(&project).unwrap();
    let link = project.join("fixtures");
    let _ = std::fs::remove_file(&link);
    let _ = std::fs::remove_dir_all(&link);
    std::os::unix::fs::symlink(manifest.join("tests/ui/fixtures"), &link).unwrap();
}

#[test]
fn ui() {
    if !rustc_matches() {
        eprintln!("skipping: the .stderr files are pinned to {PINNED_RUSTC}x");
        return;
    }
    link_fixtures();
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/taxonomy/*.rs");
    cases.compile_fail("tests/ui/liquid/*.rs");
    cases.compile_fail("tests/ui/event/*.rs");
    cases.compile_fail("tests/ui/attributes/*.rs");
    cases.compile_fail("tests/ui/enum/*.rs");
    cases.compile_fail("tests/ui/app/*.rs");
    cases.compile_fail("tests/ui/objects/*.rs");
    cases.compile_fail("tests/ui/topics/*.rs");
}
