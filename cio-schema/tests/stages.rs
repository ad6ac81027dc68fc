//! How the stages fit together: Liquid checks run only on a structurally valid file,
//! locate their errors inside events.toml (inline templates, `"` and `"""` strings)
//! or the template file; template files are read relative to the folder of
//! events.toml and listed in `Loaded.files`. The stages (read, validate, liquid) import
//! only the shared modules, never each other: the crate root calls them in order.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

const HEAD: &str = r#"[profile]
email = "email"
first_name = "string"

[events.signed_up]

[campaigns.onboarding]
trigger = "signed_up"
steps = [{ send = "welcome" }]

"#;

fn errors(src: &str) -> Vec<(String, String)> {
    cio_schema::parse_str(src, "events.toml", None)
        .unwrap_err()
        .iter()
        .map(|d| (d.position().unwrap_or_default(), d.message.clone()))
        .collect()
}

#[test]
fn liquid_checks_run_on_a_valid_structure() {
    let src = format!("{HEAD}[messages.welcome]\nbody = \"Hi {{{{ customer.frist_name }}}}\"\n");
    let found = errors(&src);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "events.toml:12:15");
    assert!(
        found[0].1.contains("`customer.frist_name`"),
        "{}",
        found[0].1
    );
}

#[test]
fn liquid_errors_in_a_multi_line_string_point_into_it() {
    let src = format!(
        "{HEAD}[messages.welcome]\nbody = \"\"\"\nHello,\n  {{{{ customer.frist_name }}}}\n\"\"\"\n"
    );
    let found = errors(&src);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "events.toml:14:6");
}

#[test]
fn liquid_checks_wait_for_a_valid_structure() {
    let src = format!(
        "{HEAD}[messages.welcome]\nbody = \"Hi {{{{ customer.frist_name }}}}\"\nchanel = \"email\"\n"
    );
    assert_eq!(
        errors(&src),
        [(
            "events.toml:13:1".to_string(),
            "unknown key `chanel` in message `welcome`; did you mean `channel`?".to_string()
        )]
    );
}

/// A fresh folder under the system temp dir holding `files`.
fn folder(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cio-schema-{name}-{}", std::process::id()));
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

#[test]
fn template_files_are_read_and_listed() {
    let events = format!("{HEAD}[messages.welcome]\nfile = \"templates/welcome.liquid\"\n");
    let dir = folder(
        "listed",
        &[
            ("events.toml", &events),
            ("templates/welcome.liquid", "Hi {{ customer.first_name }}\n"),
        ],
    );
    let loaded = cio_schema::load(&dir.join("events.toml"), "events.toml");
    assert_eq!(
        loaded.files,
        [
            dir.join("events.toml"),
            dir.join("templates/welcome.liquid")
        ]
    );
    let taxonomy = loaded.result.unwrap();
    assert_eq!(
        taxonomy.message("welcome").unwrap().body.source,
        "Hi {{ customer.first_name }}\n"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn liquid_errors_in_a_template_file_point_into_it() {
    let events = format!("{HEAD}[messages.welcome]\nfile = \"templates/welcome.liquid\"\n");
    let dir = folder(
        "in-file",
        &[
            ("events.toml", &events),
            (
                "templates/welcome.liquid",
                "Hi\n{{ customer.frist_name }}\n",
            ),
        ],
    );
    let loaded = cio_schema::load(&dir.join("events.toml"), "events.toml");
    let found: Vec<_> = loaded
        .result
        .unwrap_err()
        .iter()
        .map(|d| d.position().unwrap_or_default())
        .collect();
    assert_eq!(found, ["templates/welcome.liquid:2:4"]);
    std::fs::remove_dir_all(dir).unwrap();
}

/// The top-level modules of the crate that every stage may use.
const SHARED: [&str; 5] = ["model", "diagnostic", "naming", "suggest", "report"];
/// The stages, in the order the crate root runs them.
const STAGES: [&str; 3] = ["read", "validate", "liquid"];

/// Every `.rs` file under `dir`, with the top-level module it belongs to.
fn sources(dir: &Path, module: Option<&str>, out: &mut Vec<(String, PathBuf)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
        let top = module.map_or(stem, str::to_string);
        if path.is_dir() {
            sources(&path, Some(&top), out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((top, path));
        }
    }
}

/// The top-level modules a source names through `crate::`, outside comments.
fn crate_references(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            out.push(name);
        }
        // `use crate::{a, b}` names several modules at once.
        if let Some(at) = line.find("crate::{") {
            let list = &line[at + "crate::{".len()..];
            let list = list.split('}').next().unwrap_or("");
            out.extend(
                list.split(',')
                    .map(|n| n.trim().split("::").next().unwrap_or("").to_string()),
            );
        }
    }
    out
}

#[test]
fn stages_import_only_shared_modules() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, None, &mut files);
    let mut violations = Vec::new();
    let mut checked = 0;
    for (module, path) in &files {
        if module == "lib" {
            continue;
        }
        let is_stage = STAGES.contains(&module.as_str());
        assert!(
            is_stage || SHARED.contains(&module.as_str()),
            "`{module}` is neither a stage nor a shared module: list it in tests/stages.rs"
        );
        let text = std::fs::read_to_string(path).unwrap();
        for target in crate_references(&text) {
            checked += 1;
            let stage = STAGES.contains(&target.as_str()) && &target != module;
            if stage {
                violations.push(format!("{} uses crate::{target}", path.display()));
            }
        }
    }
    assert!(checked > 10, "only {checked} references found");
    assert!(violations.is_empty(), "{violations:#?}");
}

#[test]
fn reference_scanner_sees_grouped_and_qualified_uses() {
    let text = "use crate::{liquid::check, model::Span};\nlet x = crate::read::read(s);\n// crate::validate\n";
    let found = crate_references(text);
    assert!(found.contains(&"liquid".to_string()), "{found:?}");
    assert!(found.contains(&"model".to_string()), "{found:?}");
    assert!(found.contains(&"read".to_string()), "{found:?}");
    assert!(!found.contains(&"validate".to_string()), "{found:?}");
}

#[test]
fn a_file_with_errors_still_tells_what_it_declares() {
    let src = r#"
[enums]
plan = ["free", "pro"]
size = 3

[events]
signed_up = { data = { method = "strng", plan = "plan" } }
broken = "not a table"
"#;
    let loaded = cio_schema::load_str(src, "events.toml", None);
    assert_eq!(loaded.result.unwrap_err().len(), 3);
    let structure = loaded.structure.unwrap();
    let enums: Vec<(&str, usize)> = structure
        .enums
        .iter()
        .map(|e| (e.name.as_str(), e.values.len()))
        .collect();
    assert_eq!(enums, [("plan", 2), ("size", 0)]);
    let events: Vec<(&str, Vec<&str>)> = structure
        .events
        .iter()
        .map(|e| {
            (
                e.name.as_str(),
                e.data.iter().map(|f| f.name.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(events, [("signed_up", vec!["plan"]), ("broken", vec![])]);
}

#[test]
fn a_valid_file_or_one_that_is_not_toml_has_no_structure() {
    let valid = cio_schema::load_str("[events.a]\n", "events.toml", None);
    assert!(valid.result.is_ok() && valid.structure.is_none());
    let not_toml = cio_schema::load_str("[events.a\n", "events.toml", None);
    assert!(not_toml.result.is_err() && not_toml.structure.is_none());
}
