//! Editing `events.toml`, or a template file it names, makes cargo rebuild the
//! crate that uses it, on stable Rust: a scratch crate is built, edited, and built
//! again.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Scratch {
    dir: PathBuf,
    target: PathBuf,
}

impl Scratch {
    fn new() -> Scratch {
        let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let dir = tmp.join("rebuild-scratch");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::create_dir_all(dir.join("templates")).unwrap();
        let cio = Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::write(
            dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"rebuild-scratch\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\ncio = {{ path = {:?} }}\n\n[workspace]\n",
                cio.display().to_string()
            ),
        )
        .unwrap();
        // The workspace's own lock file: same versions, no registry lookup.
        std::fs::copy(cio.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
        std::fs::write(
            dir.join("src/main.rs"),
            "mod events {\n    cio::taxonomy!();\n}\n\nfn main() {\n    for (event, fields) in events::taxonomy::LIQUID_VARIABLES {\n        println!(\"{event}: {}\", fields.join(\",\"));\n    }\n}\n",
        )
        .unwrap();
        Scratch {
            dir,
            target: tmp.join("rebuild-target"),
        }
    }

    fn write(&self, file: &str, text: &str) {
        std::fs::write(self.dir.join(file), text).unwrap();
    }

    fn cargo(&self, command: &str) -> Output {
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .arg(command)
            .arg("--quiet")
            .arg("--offline")
            .arg("--manifest-path")
            .arg(self.dir.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(&self.target)
            .env_remove("RUSTFLAGS")
            .output()
            .unwrap()
    }

    fn run(&self) -> String {
        let out = self.cargo("run");
        assert!(
            out.status.success(),
            "cargo run failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn build_error(&self) -> String {
        let out = self.cargo("build");
        assert!(!out.status.success(), "the build should fail");
        String::from_utf8_lossy(&out.stderr).into_owned()
    }
}

const CAMPAIGN: &str = r#"
[campaigns.welcome]
trigger = "signed_up"
steps = [{ send = "hello" }]

[messages.hello]
file = "templates/hello.liquid"
"#;

#[test]
fn edits_to_events_toml_and_templates_rebuild_the_crate() {
    let scratch = Scratch::new();
    scratch.write(
        "templates/hello.liquid",
        "Hi, you came by {{ event.method }}.",
    );
    scratch.write(
        "events.toml",
        &format!(
            "[events.signed_up]\ndata = {{ method = \"string\", plan = \"string\" }}\n{CAMPAIGN}"
        ),
    );
    assert_eq!(scratch.run(), "signed_up: method\n");

    // A new event appears.
    scratch.write(
        "events.toml",
        &format!(
            "[events.signed_up]\ndata = {{ method = \"string\", plan = \"string\" }}\n\n[events.upgraded]\n{CAMPAIGN}"
        ),
    );
    assert_eq!(scratch.run(), "signed_up: method\nupgraded: \n");

    // Editing only the template changes what the campaign needs.
    scratch.write(
        "templates/hello.liquid",
        "Hi, you came by {{ event.method }} on {{ event.plan }}.",
    );
    assert_eq!(scratch.run(), "signed_up: method,plan\nupgraded: \n");

    // A mistake in the template becomes a compile error.
    scratch.write("templates/hello.liquid", "Hi {{ event.metod }}.");
    let err = scratch.build_error();
    assert!(
        err.contains(
            "reads `event.metod`, which `signed_up` does not carry; did you mean `event.method`?"
        ),
        "{err}"
    );
    assert!(err.contains("--> templates/hello.liquid:1:7"), "{err}");

    // And one in events.toml itself.
    scratch.write("templates/hello.liquid", "Hi.");
    scratch.write(
        "events.toml",
        "[events.signed_up]\ndata = { method = \"strng\" }\n",
    );
    let err = scratch.build_error();
    assert!(err.contains("unknown type `strng`"), "{err}");
    assert!(err.contains("--> events.toml:2:20"), "{err}");
}
