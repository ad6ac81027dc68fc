//! Compile-cost benchmark of `cio::taxonomy!()`.
//!
//! Generates a taxonomy of 1,000 events (with 100 campaigns and their Liquid
//! messages), then measures:
//! 1. macro expansion in this process: reading, checking and writing the items as
//!    source, without the final lexing that rustc does (run with and without
//!    `--release` for both builds of the generator);
//! 2. macro expansion inside rustc, through the real `proc_macro` bridge: a scratch
//!    crate calls a wrapper macro that times what `cio::taxonomy!()` runs, built as users build it (dev profile: proc macros
//!    unoptimized) and with `[profile.dev.build-override] opt-level = 3`;
//! 3. `cargo check` of a crate calling `cio::taxonomy!()` against the same types
//!    written by hand (serde derives and plain impls, see `hand_written.rs`).
//!
//! ```sh
//! cargo run --release -p cio-codegen --example compile_cost            # 1,000 events
//! cargo run --release -p cio-codegen --example compile_cost -- 200     # another size
//! cargo run --release -p cio-codegen --example compile_cost -- 1000 expansion  # 1. only
//! ```

mod hand_written;

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
    let mut expansion = None;
    for _ in 0..5 {
        cio_codegen::clear_cache();
        let start = Instant::now();
        expansion = Some(cio_codegen::taxonomy_expansion(input.clone(), &fixture));
        samples.push(start.elapsed());
    }
    let expansion = expansion.ok_or("no expansion")?.into_tokens();
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
    let expanded = expansion.to_string();
    if expanded.contains("compile_error") {
        return Err(format!("the generated taxonomy has errors: {expanded:.2000}").into());
    }
    println!(
        "expansion in process (profile {}): median {:.1} ms of 5 runs, {} KiB of source",
        if cfg!(debug_assertions) {
            "dev"
        } else {
            "release"
        },
        millis(median(&mut samples)),
        expanded.len() / 1024
    );
    println!(
        "  of which read + parse + validate (Liquid included) {:.1} ms, Liquid checks alone {:.1} ms",
        millis(median(&mut parse)),
        millis(median(&mut liquid))
    );
    if std::env::args().nth(2).as_deref() == Some("expansion") {
        return Ok(());
    }

    let target = root.join("target");
    let cio = format!(
        "customerio = {{ path = {:?} }}\n",
        workspace.display().to_string()
    );
    let codegen = format!(
        "cio-codegen = {{ path = {:?} }}\n",
        workspace.join("cio-codegen").display().to_string()
    );

    // 2. Expansion inside rustc.
    let timed = scratch_crate(
        &root,
        "timed",
        &workspace,
        &toml,
        &format!("{cio}timed-taxonomy = {{ path = \"macro\" }}\n"),
        "timed_taxonomy::taxonomy!();\n",
    )?;
    std::fs::create_dir_all(timed.join("macro/src"))?;
    std::fs::write(
        timed.join("macro/Cargo.toml"),
        format!("[package]\nname = \"timed-taxonomy\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[lib]\nproc-macro = true\n\n[dependencies]\n{codegen}"),
    )?;
    std::fs::write(timed.join("macro/src/lib.rs"), TIMED_MACRO)?;
    let log = root.join("expansion.log");
    for (label, config) in [
        ("dev profile (default)", None),
        (
            "build-override opt-level = 3",
            Some("profile.dev.build-override.opt-level=3"),
        ),
    ] {
        check(&timed, &target, config, None)?;
        let _ = std::fs::remove_file(&log);
        for _ in 0..5 {
            check(&timed, &target, config, Some(&log))?;
        }
        let mut runs: Vec<Duration> = std::fs::read_to_string(&log)?
            .lines()
            .map(|l| l.parse::<f64>().map(Duration::from_secs_f64))
            .collect::<std::result::Result<_, _>>()?;
        if runs.is_empty() {
            return Err("the timed macro wrote no figure".into());
        }
        println!(
            "expansion inside rustc, {label}: median {:.1} ms of {} runs",
            millis(median(&mut runs)),
            runs.len()
        );
    }

    // 3. cargo check: macro vs hand-written.
    let macro_crate = scratch_crate(
        &root,
        "with-macro",
        &workspace,
        &toml,
        &cio,
        "cio::taxonomy!();\n",
    )?;
    let hand_crate = scratch_crate(
        &root,
        "hand-written",
        &workspace,
        &toml,
        &format!(
            "{cio}serde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n"
        ),
        &hand_written::module(&taxonomy),
    )?;
    // Warm up: build the dependencies once.
    check(&macro_crate, &target, None, None)?;
    check(&hand_crate, &target, None, None)?;
    let mut with_macro = Vec::new();
    let mut by_hand = Vec::new();
    for _ in 0..5 {
        with_macro.push(check(&macro_crate, &target, None, None)?);
        by_hand.push(check(&hand_crate, &target, None, None)?);
    }
    let (m, h) = (median(&mut with_macro), median(&mut by_hand));
    println!(
        "cargo check (median of 5): taxonomy!() {:.2} s, hand-written {:.2} s, ratio {:.2}x",
        m.as_secs_f64(),
        h.as_secs_f64(),
        m.as_secs_f64() / h.as_secs_f64()
    );
    Ok(())
}

/// A proc macro that runs what `cio::taxonomy!()` runs (`cio-derive/src/lib.rs`)
/// and appends the time it took to the file `CIO_EXPANSION_LOG` names.
const TIMED_MACRO: &str = r#"use std::io::Write as _;
use proc_macro::TokenStream;

#[proc_macro]
pub fn taxonomy(input: TokenStream) -> TokenStream {
    let dir = std::env::var_os("CARGO_MANIFEST_DIR").map(std::path::PathBuf::from).unwrap_or_default();
    let start = std::time::Instant::now();
    let expansion = cio_codegen::taxonomy_expansion(input.into(), &dir);
    let output = match expansion.items.parse::<TokenStream>() {
        Ok(items) => {
            let mut output = TokenStream::from(expansion.tokens);
            output.extend(items);
            output
        }
        Err(_) => expansion.into_tokens().into(),
    };
    let elapsed = start.elapsed();
    if let Some(log) = std::env::var_os("CIO_EXPANSION_LOG") {
        if let Ok(mut file) = std::fs::OpenOptions::new().create(true).append(true).open(log) {
            let _ = writeln!(file, "{}", elapsed.as_secs_f64());
        }
    }
    output
}
"#;

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
    dependencies: &str,
    module: &str,
) -> Result<PathBuf> {
    let dir = root.join(name);
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n{dependencies}\n[workspace]\n"
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

/// Touches `src/main.rs` and times `cargo check` of the crate, with an optional
/// `--config` and the log file of the timed macro.
fn check(dir: &Path, target: &Path, config: Option<&str>, log: Option<&Path>) -> Result<Duration> {
    let main = dir.join("src/main.rs");
    let text = std::fs::read_to_string(&main)?;
    std::fs::write(&main, text)?;
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .arg("check")
        .arg("--quiet")
        .arg("--offline")
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target);
    if let Some(config) = config {
        command.arg("--config").arg(config);
    }
    match log {
        Some(log) => command.env("CIO_EXPANSION_LOG", log),
        None => command.env_remove("CIO_EXPANSION_LOG"),
    };
    let start = Instant::now();
    let status = command.status()?;
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
