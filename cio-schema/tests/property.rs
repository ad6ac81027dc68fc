//! Property: whatever the input, the loader and the Liquid analyzer return `Ok` or
//! `Err`, never panic. Inputs are arbitrary bytes and arbitrary mutations of the
//! seed's `events.toml`, some confined to its Liquid templates so that the Liquid
//! stage (which runs only on an otherwise valid file) sees them. Deterministic (a
//! fixed seed per case, printed on failure) and short: a few seconds in all. The
//! open-ended search is `fuzz/` (cargo fuzz), whose crashes become cases here.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

fn root_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// splitmix64: small, deterministic, good enough to drive mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Fragments a mutation inserts: TOML and Liquid syntax, and edge values.
const FRAGMENTS: [&str; 32] = [
    "\"",
    "'",
    "[",
    "]",
    "{",
    "}",
    "=",
    ",",
    "\n",
    "#",
    "?",
    ".",
    "{{",
    "}}",
    "{%",
    "%}",
    "|",
    ":",
    "-",
    "\\",
    "\u{0}",
    "é",
    "🎉",
    "99999999999999999999",
    "-1",
    "1e999",
    "event.",
    "customer.",
    "{% if x %}",
    "{% endfor %}",
    "| default: ",
    "\"\"\"",
];

/// One mutation of `text` inside `range`: delete, insert a fragment, duplicate or
/// swap a slice, or replace a byte with random ones (kept valid UTF-8).
fn mutate(rng: &mut Rng, text: &mut String, range: (usize, usize)) {
    let pick = |rng: &mut Rng, text: &str| {
        let mut at = range.0 + rng.below(range.1.min(text.len()).saturating_sub(range.0) + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let a = pick(rng, text);
    let b = pick(rng, text);
    let (lo, hi) = (a.min(b), a.max(b));
    match rng.below(5) {
        0 => {
            let mut end = hi.min(lo + 1 + rng.below(8));
            while !text.is_char_boundary(end) {
                end += 1;
            }
            text.replace_range(lo..end, "");
        }
        1 => text.insert_str(a, FRAGMENTS[rng.below(FRAGMENTS.len())]),
        2 => {
            let copy = text[lo..hi].to_owned();
            text.insert_str(b, &copy);
        }
        3 => {
            let bytes: Vec<u8> = (0..1 + rng.below(4)).map(|_| rng.next() as u8).collect();
            text.insert_str(a, &String::from_utf8_lossy(&bytes));
        }
        _ => {
            let slice = text[lo..hi].to_owned();
            text.replace_range(lo..hi, "");
            let at = pick(rng, text);
            text.insert_str(at, &slice);
        }
    }
}

/// The property, for the loader: `Ok`, or errors that are sentences.
fn load(src: &str) {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        cio_schema::parse_str(src, "events.toml", Some(&root_dir()))
    }));
    match outcome {
        Ok(Ok(_)) => {}
        Ok(Err(errors)) => assert!(errors.iter().all(|e| !e.message.is_empty())),
        Err(_) => panic!("the loader panicked on:\n{src:?}"),
    }
}

/// The property, for the analyzer: `Ok` or an error inside the template.
fn analyze(src: &str) {
    match catch_unwind(|| cio_schema::liquid::analyze(src)) {
        Ok(Ok(_)) => {}
        Ok(Err(error)) => assert!(error.offset <= src.len(), "{src:?}: {error:?}"),
        Err(_) => panic!("the analyzer panicked on:\n{src:?}"),
    }
}

fn seed() -> String {
    std::fs::read_to_string(root_dir().join("events.toml")).unwrap()
}

/// Byte ranges of the seed's inline templates (`subject = "..."`, `body = "..."`).
fn template_ranges(seed: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut offset = 0;
    for line in seed.split_inclusive('\n') {
        for key in ["subject = \"", "body = \""] {
            if let Some(rest) = line.strip_prefix(key) {
                if let Some(end) = rest.rfind('"') {
                    ranges.push((offset + key.len(), offset + key.len() + end));
                }
            }
        }
        offset += line.len();
    }
    ranges
}

#[test]
fn arbitrary_bytes() {
    let mut rng = Rng(1);
    for _ in 0..2_000 {
        let bytes: Vec<u8> = (0..rng.below(300)).map(|_| rng.next() as u8).collect();
        let text = String::from_utf8_lossy(&bytes);
        load(&text);
        analyze(&text);
    }
}

#[test]
fn mutations_of_the_seed_anywhere() {
    let seed = seed();
    for case in 0..300u64 {
        let mut rng = Rng(case);
        let mut src = seed.clone();
        for _ in 0..1 + rng.below(4) {
            let len = src.len();
            mutate(&mut rng, &mut src, (0, len));
        }
        load(&src);
    }
}

#[test]
fn mutations_of_the_seeds_templates_reach_the_liquid_stage() {
    let seed = seed();
    let ranges = template_ranges(&seed);
    assert!(ranges.len() >= 4, "{ranges:?}");
    let mut liquid_errors = 0;
    for case in 0..300u64 {
        let mut rng = Rng(1_000 + case);
        let (start, end) = ranges[rng.below(ranges.len())];
        let mut template = seed[start..end].to_owned();
        for _ in 0..1 + rng.below(3) {
            let len = template.len();
            mutate(&mut rng, &mut template, (0, len));
        }
        analyze(&template);
        // Back into the file, escaped as a TOML basic string so the structure stays valid.
        let escaped: String = template
            .chars()
            .flat_map(|c| match c {
                '"' => vec!['\\', '"'],
                '\\' => vec!['\\', '\\'],
                '\n' => vec!['\\', 'n'],
                c if c.is_control() => format!("\\u{:04X}", u32::from(c)).chars().collect(),
                c => vec![c],
            })
            .collect();
        let src = format!("{}{escaped}{}", &seed[..start], &seed[end..]);
        load(&src);
        if cio_schema::parse_str(&src, "events.toml", Some(&root_dir())).is_err_and(|errors| {
            errors
                .iter()
                .any(|e| e.message.contains("Liquid") || e.message.contains("reads"))
        }) {
            liquid_errors += 1;
        }
    }
    // The mutations do reach the Liquid checks: many of them break a template.
    assert!(liquid_errors > 50, "{liquid_errors}");
}
