//! Scratch crates built with cargo against this one: editing `events.toml`, or a
//! template file it names, makes cargo rebuild the crate that uses it, on stable
//! Rust (a scratch crate is built, edited, and built again); and the macros work
//! for a crate that renames its `cio` dependency.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Scratch {
    dir: PathBuf,
    target: PathBuf,
}

const MAIN: &str = "mod events {\n    cio::taxonomy!();\n}\n\nfn main() {\n    for (event, fields) in events::taxonomy::LIQUID_VARIABLES {\n        println!(\"{event}: {}\", fields.join(\",\"));\n    }\n}\n";

impl Scratch {
    fn new() -> Scratch {
        Scratch::with("rebuild-scratch", "cio", MAIN)
    }

    /// A crate `name` depending on cio under the name `dependency`, with `main` as
    /// its `src/main.rs`. Every scratch crate builds in the same target folder.
    fn with(name: &str, dependency: &str, main: &str) -> Scratch {
        let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let dir = tmp.join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::create_dir_all(dir.join("templates")).unwrap();
        let cio = Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::write(
            dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n{dependency} = {{ package = \"customerio\", path = {:?} }}\n\n[workspace]\n",
                cio.display().to_string()
            ),
        )
        .unwrap();
        // The workspace's own lock file: same versions, no registry lookup.
        std::fs::copy(cio.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
        std::fs::write(dir.join("src/main.rs"), main).unwrap();
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

#[test]
fn a_renamed_dependency_names_its_own_path() {
    // `cio` does not resolve in this crate: every path the macros emit must go
    // through the name it gave the dependency.
    let main = r#"
mod events {
    messaging::taxonomy!(crate = messaging);
}

#[derive(messaging::Event)]
#[cio(crate = "messaging", name = "signed_up")]
struct Joined<'a> {
    method: &'a str,
    plan: Option<Tier>,
}

#[derive(Clone, Copy, messaging::Enum)]
#[cio(crate = "::messaging", name = "plan")]
enum Tier {
    Free,
    Pro,
}

#[derive(messaging::Attributes)]
#[cio(crate = "messaging")]
struct Seats {
    seats: i64,
}

fn main() {
    use messaging::{Attributes as _, Event as _};
    let generated = events::SignedUp { method: "email".into(), plan: Some(events::Plan::Pro) };
    let derived = Joined { method: "email", plan: Some(Tier::Pro) };
    println!("{}", messaging::__private::serde_json::to_string(&generated).unwrap());
    println!("{}", messaging::__private::serde_json::to_string(&derived).unwrap());
    println!("{} {:?}", <Joined<'_>>::NAME, derived.validate().is_ok());
    println!("{:?}", Seats { seats: -1 }.validate().unwrap_err().to_string());
}
"#;
    let scratch = Scratch::with("renamed-scratch", "messaging", main);
    scratch.write(
        "events.toml",
        "[enums]\nplan = [\"free\", \"pro\"]\n\n[profile]\nseats = { type = \"int\", min = 0 }\n\n[events.signed_up]\ndata = { method = \"string\", plan = \"plan?\" }\n",
    );
    assert_eq!(
        scratch.run(),
        concat!(
            "{\"method\":\"email\",\"plan\":\"pro\"}\n",
            "{\"method\":\"email\",\"plan\":\"pro\"}\n",
            "signed_up true\n",
            "\"`seats` is -1, below its minimum 0\"\n",
        )
    );
}
