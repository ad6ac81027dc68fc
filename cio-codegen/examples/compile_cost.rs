//! Compile-cost benchmark of `cio::taxonomy!()`.
//!
//! Generates a taxonomy of 1,000 events (with 100 campaigns and their Liquid
//! messages), then measures:
//! 1. macro expansion in this process, as the compiler runs it (run this example
//!    without `--release` for the figure users see: proc macros build unoptimized
//!    in the dev profile);
//! 2. `cargo check` of a crate calling `cio::taxonomy!()` against the same crate
//!    with the expansion pasted in as hand-written code.
//!
//! ```sh
//! cargo run -p cio-codegen --example compile_cost            # 1,000 events
//! cargo run -p cio-codegen --example compile_cost -- 200     # another size
//! cargo run -p cio-codegen --example compile_cost -- 1000 expansion  # skip `cargo check`
//! ```

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let events: usize = match std::env::args().nth(1) {
        Some(n) => n.parse()?,
        None => 1000,
    };
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .ok_or("no workspace root")?
        .to_path_buf();
    let root = workspace.join("target").join("compile-cost");
    std::fs::create_dir_all(&root)?;
    let toml = taxonomy(events);
    println!(
        "taxonomy: {events} events, {} campaigns, {} bytes of events.toml",
        events / 10,
        toml.len()
    );

    // 1. Expansion, in process.
    let fixture = root.join("fixture");
    std::fs::create_dir_all(&fixture)?;
    std::fs::write(fixture.join("events.toml"), &toml)?;
    let input: proc_macro2::TokenStream = "\"events.toml\"".parse()?;
    let mut samples = Vec::new();
    let mut expansion = proc_macro2::TokenStream::new();
    for _ in 0..5 {
        cio_codegen::clear_cache();
        let start = Instant::now();
        expansion = cio_codegen::expand_taxonomy(input.clone(), &fixture);
        samples.push(start.elapsed());
    }
    let mut parse = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let loaded = cio_schema::load(&fixture.join("events.toml"), "events.toml");
        parse.push(start.elapsed());
        if loaded.result.is_err() {
            return Err("the generated taxonomy does not validate".into());
        }
    }
    let mut liquid = Vec::new();
    let source = cio_schema::SourceFile::new("events.toml", toml.as_str());
    let taxonomy = cio_schema::parse_str(&toml, "events.toml", None)?;
    for _ in 0..5 {
        let start = Instant::now();
        let _ = cio_schema::liquid::check_taxonomy(&taxonomy, &source);
        liquid.push(start.elapsed());
    }
    println!(
        "  of which: read + parse + validate (Liquid included) {:.1} ms, Liquid checks alone {:.1} ms",
        millis(median(&mut parse)),
        millis(median(&mut liquid))
    );
    let expanded = expansion.to_string();
    if expanded.contains("compile_error") {
        return Err(format!("the generated taxonomy has errors: {expanded:.2000}").into());
    }
    println!(
        "expansion (profile {}): median {:.1} ms of 5 runs, {} KiB of tokens",
        if cfg!(debug_assertions) {
            "dev"
        } else {
            "release"
        },
        millis(median(&mut samples)),
        expanded.len() / 1024
    );

    if std::env::args().nth(2).as_deref() == Some("expansion") {
        return Ok(());
    }

    // 2. cargo check: macro vs hand-written.
    let hand_written = prettyplease::unparse(&syn::parse2::<syn::File>(expansion)?)
        .replace(fixture.to_str().ok_or("path")?, "..");
    let macro_crate = scratch_crate(
        &root,
        "with-macro",
        &workspace,
        &toml,
        "cio::taxonomy!();\n",
    )?;
    let hand_crate = scratch_crate(&root, "hand-written", &workspace, &toml, &hand_written)?;
    let target = root.join("target");
    // Warm up: build the dependencies once.
    check(&macro_crate, &target)?;
    check(&hand_crate, &target)?;
    let mut with_macro = Vec::new();
    let mut by_hand = Vec::new();
    for _ in 0..3 {
        with_macro.push(check(&macro_crate, &target)?);
        by_hand.push(check(&hand_crate, &target)?);
    }
    let (m, h) = (median(&mut with_macro), median(&mut by_hand));
    println!(
        "cargo check (median of 3): taxonomy!() {:.2} s, hand-written {:.2} s, ratio {:.2}x",
        m.as_secs_f64(),
        h.as_secs_f64(),
        m.as_secs_f64() / h.as_secs_f64()
    );
    Ok(())
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Writes a binary crate whose `src/main.rs` holds `module` inside `mod events`.
fn scratch_crate(
    root: &Path,
    name: &str,
    workspace: &Path,
    toml: &str,
    module: &str,
) -> Result<PathBuf> {
    let dir = root.join(name);
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\ncio = {{ path = {:?} }}\n\n[workspace]\n",
            workspace.display().to_string()
        ),
    )?;
    std::fs::write(dir.join("events.toml"), toml)?;
    // The workspace's own lock file: the same dependency versions, no registry lookup.
    std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    std::fs::write(
        dir.join("src/main.rs"),
        format!("#![allow(dead_code)]\nmod events {{\n{module}\n}}\n\nfn main() {{\n    println!(\"{{}}\", events::taxonomy::EVENTS.len());\n}}\n"),
    )?;
    Ok(dir)
}

/// Touches `src/main.rs` and times `cargo check` of the crate.
fn check(dir: &Path, target: &Path) -> Result<Duration> {
    let main = dir.join("src/main.rs");
    let text = std::fs::read_to_string(&main)?;
    std::fs::write(&main, text)?;
    let start = Instant::now();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .arg("check")
        .arg("--quiet")
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target)
        .status()?;
    if !status.success() {
        return Err(format!("cargo check failed in {}", dir.display()).into());
    }
    Ok(start.elapsed())
}

/// A taxonomy of `events` events with every field type, a campaign per ten events
/// and a message per campaign reading two of its trigger's fields.
fn taxonomy(events: usize) -> String {
    let mut s = String::new();
    s.push_str("[enums]\nplan = [\"free\", \"pro\", \"enterprise\"]\nregion = [\"us\", \"eu\", \"apac\"]\n\n");
    s.push_str("[profile]\nemail = \"email\"\nfirst_name = \"string\"\nplan = \"plan\"\ncreated_at = \"timestamp\"\n");
    for i in 0..40 {
        let _ = writeln!(s, "attribute_{i} = \"string?\"");
    }
    s.push('\n');
    for i in 0..events {
        let _ = writeln!(s, "[events.event_{i}]");
        let _ = writeln!(s, "doc = \"Generated event number {i}.\"");
        let _ = writeln!(
            s,
            "data = {{ order_id = \"string\", item_count = {{ type = \"int\", min = 0 }}, total = \"float\", paid = \"bool?\", at = \"timestamp\", plan = \"plan\", tags = \"[string]?\", kind = {{ enum = [\"a\", \"b\", \"c\"] }} }}\n"
        );
    }
    for c in 0..events / 10 {
        let trigger = c * 10;
        let _ = writeln!(
            s,
            "[campaigns.campaign_{c}]\ntrigger = \"event_{trigger}\"\nsteps = [{{ wait = \"1h\" }}, {{ send = \"message_{c}\" }}, {{ if = \"customer.plan == \\\"pro\\\"\", else = [{{ send = \"message_{c}\" }}] }}]\n"
        );
        let _ = writeln!(
            s,
            "[messages.message_{c}]\nsubject = \"Hi {{{{ customer.first_name }}}}\"\nbody = \"Order {{{{ event.order_id }}}}: {{{{ event.item_count }}}} items{{% if event.paid %}}, paid{{% endif %}}.\"\n"
        );
    }
    s
}
