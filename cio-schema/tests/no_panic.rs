//! No input makes the parser or validator panic: truncated files, binary garbage,
//! random edits of the root `events.toml`, and deeply nested input. Every error that
//! comes back is a located, non-empty sentence.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn root_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Parses `src` and checks that every error is a sentence located inside `src`.
/// Returns whether it parsed.
fn parse(src: &str) -> bool {
    let dir = root_dir();
    match cio_schema::parse_str(src, "events.toml", Some(&dir)) {
        Ok(_) => true,
        Err(diagnostics) => {
            assert!(!diagnostics.is_empty());
            let lines = src.split('\n').count();
            for d in &diagnostics {
                assert!(!d.message.is_empty());
                if let Some(loc) = &d.location {
                    assert!(loc.line >= 1 && loc.line <= lines, "{d} in\n{src}");
                    assert!(loc.column >= 1, "{d}");
                }
                let _ = d.to_string();
            }
            false
        }
    }
}

/// xorshift64*: a small deterministic generator, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn root_text() -> String {
    std::fs::read_to_string(root_dir().join("events.toml")).unwrap()
}

#[test]
fn every_truncated_prefix_of_the_root_file() {
    let text = root_text();
    let bytes = text.as_bytes();
    let mut parsed = 0;
    for len in 0..=bytes.len() {
        let prefix = String::from_utf8_lossy(&bytes[..len]);
        if parse(&prefix) {
            parsed += 1;
        }
    }
    // The empty file and the whole file are valid; most prefixes are not.
    assert!(parse(""));
    assert!(parse(&text));
    assert!(parsed >= 2 && parsed < bytes.len() / 2, "{parsed}");
}

#[test]
fn binary_garbage() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3_000 {
        let len = rng.below(400);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        parse(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn toml_shaped_garbage() {
    const PIECES: [&str; 40] = [
        "[",
        "]",
        "{",
        "}",
        "=",
        "\"",
        "'",
        ",",
        ".",
        "\n",
        " ",
        "#",
        "?",
        "_",
        "-",
        "0",
        "5m",
        "events",
        "enums",
        "profile",
        "campaigns",
        "messages",
        "data",
        "type",
        "enum",
        "steps",
        "wait",
        "send",
        "if",
        "else",
        "then",
        "trigger",
        "body",
        "file",
        "string",
        "int?",
        "\"\"\"",
        "customer.plan",
        "{{ event.x }}",
        "min",
    ];
    let mut rng = Rng(42);
    for _ in 0..3_000 {
        let n = rng.below(60);
        let src: String = (0..n).map(|_| PIECES[rng.below(PIECES.len())]).collect();
        parse(&src);
    }
}

#[test]
fn random_edits_of_the_root_file() {
    const INSERTS: [&str; 16] = [
        "\"", "[", "]", "{", "}", "?", "=", "\n", "x", "0", "#", "'", ",", "%", "{{", "{%",
    ];
    let text = root_text();
    let mut rng = Rng(7);
    for _ in 0..400 {
        let mut src = text.clone();
        for _ in 0..1 + rng.below(3) {
            let mut at = rng.below(src.len() + 1);
            while !src.is_char_boundary(at) {
                at -= 1;
            }
            if rng.below(2) == 0 && at < src.len() {
                let mut end = at + 1;
                while !src.is_char_boundary(end) {
                    end += 1;
                }
                src.replace_range(at..end, "");
            } else {
                src.insert_str(at, INSERTS[rng.below(INSERTS.len())]);
            }
        }
        parse(&src);
    }
}

#[test]
fn deeply_nested_input() {
    let deep = 10_000;
    let cases = [
        "[".repeat(deep),
        "]".repeat(deep),
        format!("a = {}", "[".repeat(deep)),
        format!("a = {}{}", "[".repeat(deep), "]".repeat(deep)),
        format!("a = {}", "{ b = ".repeat(deep)),
        format!("[{}]", vec!["a"; deep].join(".")),
        format!(
            "[events.e]\ndata = {{ x = \"{}int{}\" }}",
            "[".repeat(deep),
            "]".repeat(deep)
        ),
        format!(
            "[events.e]\n[campaigns.c]\ntrigger = \"e\"\nsteps = [{{ if = \"{}customer.x\" }}]",
            "(".repeat(deep)
        ),
        format!(
            "[events.e]\n[campaigns.c]\ntrigger = \"e\"\nsteps = [{{ if = \"{}customer.x\" }}]",
            "not ".repeat(deep)
        ),
        format!(
            "[events.e]\n[campaigns.c]\ntrigger = \"e\"\nsteps = {}",
            "[{ if = \"customer.x\", then = ".repeat(deep)
        ),
    ];
    for src in &cases {
        assert!(!parse(src), "{}", &src[..40.min(src.len())]);
    }
}
