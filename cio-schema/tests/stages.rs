//! How the stages fit together: Liquid checks run only on a structurally valid file,
//! locate their errors inside events.toml (inline templates, `"` and `"""` strings)
//! or the template file; template files are read relative to the folder of
//! events.toml and listed in `Loaded.files`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

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
