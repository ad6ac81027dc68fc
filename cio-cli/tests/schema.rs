//! The JSON Schemas `cio-cli schema` writes, checked with a JSON Schema validator against
//! the typed API: every value the generated types accept validates, every value their
//! checks refuse fails, and so do payloads they cannot even express.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use cio::{Attributes, Event, Timestamp};
use serde_json::{json, Value};

mod all {
    cio::taxonomy!("../tests/fixtures/all_types.toml");
}

use all::*;

mod objects {
    cio::taxonomy!("tests/fixtures/objects_new.toml");
}

/// The fixture both the typed API and `cio-cli schema` read.
const FIXTURE: &str = "../tests/fixtures/all_types.toml";

/// The schemas written by the built binary, by name (`event.bounded`).
struct Schemas {
    dir: PathBuf,
}

impl Schemas {
    /// Writes them into a folder of their own for test `test`.
    fn write(test: &str) -> Schemas {
        Schemas::write_from(test, FIXTURE)
    }

    /// Writes those of `fixture` into a folder of their own for test `test`.
    fn write_from(test: &str, fixture: &str) -> Schemas {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("schema-{test}"));
        let _ = std::fs::remove_dir_all(&dir);
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let out = Command::new(env!("CARGO_BIN_EXE_cio-cli"))
            .arg("schema")
            .arg(manifest.join(fixture))
            .arg("--out")
            .arg(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        Schemas { dir }
    }

    fn validator(&self, name: &str) -> jsonschema::Validator {
        let text = std::fs::read_to_string(self.dir.join(format!("{name}.schema.json"))).unwrap();
        let schema: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        jsonschema::draft202012::meta::validate(&schema).unwrap();
        jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap()
    }
}

/// Asserts that the schema agrees with the typed check on `value`.
fn agrees<T: serde::Serialize>(v: &jsonschema::Validator, value: &T, typed_ok: bool) {
    let json = serde_json::to_value(value).unwrap();
    assert_eq!(
        v.is_valid(&json),
        typed_ok,
        "schema and typed API disagree on {json}"
    );
}

fn everything() -> Everything {
    Everything {
        text: "hello".into(),
        address: "jane@example.com".into(),
        link: "https://example.com/a?b=c".into(),
        count: -42,
        ratio: 0.25,
        flag: true,
        at: Timestamp::from_unix(1_700_000_000),
        extra: serde_json::Map::new(),
        tags: vec!["a".into()],
        scores: vec![1, 2],
        tier: Tier::ProPlus,
        size: EverythingSize::Large,
    }
}

fn bounded() -> Bounded {
    Bounded {
        amount: 0.0,
        note: Some("12345".into()),
        invitees: vec!["a@example.com".into()],
        offset: -12,
    }
}

#[test]
fn accepted_values_validate_and_refused_ones_fail() {
    let schemas = Schemas::write("accepted");
    let v = schemas.validator("event.everything");
    let samples = [
        everything(),
        Everything {
            address: "not an email".into(),
            ..everything()
        },
        Everything {
            link: "example.com".into(),
            ..everything()
        },
        Everything {
            link: "ftp://example.com".into(),
            ..everything()
        },
        Everything {
            at: Timestamp::from_unix(1_700_000_000_000),
            ..everything()
        },
    ];
    for sample in &samples {
        agrees(&v, sample, sample.validate().is_ok());
    }
    assert!(samples[1..].iter().all(|s| s.validate().is_err()));

    let v = schemas.validator("event.bounded");
    let samples = [
        bounded(),
        Bounded {
            amount: 1000.0,
            note: None,
            offset: 14,
            ..bounded()
        },
        Bounded {
            amount: -0.5,
            ..bounded()
        },
        Bounded {
            amount: 1000.5,
            ..bounded()
        },
        Bounded {
            note: Some("123456".into()),
            ..bounded()
        },
        Bounded {
            offset: 15,
            ..bounded()
        },
        Bounded {
            invitees: vec!["a@example.com".into(), "nobody".into()],
            ..bounded()
        },
    ];
    for sample in &samples {
        agrees(&v, sample, sample.validate().is_ok());
    }
    assert_eq!(samples.iter().filter(|s| s.validate().is_ok()).count(), 2);

    let v = schemas.validator("event.nothing_set");
    let empty = NothingSet {
        text: None,
        address: None,
        link: None,
        count: None,
        ratio: None,
        flag: None,
        at: None,
        extra: None,
        tags: None,
        tier: None,
    };
    agrees(&v, &empty, true);
    let some = NothingSet {
        address: Some("nobody".into()),
        ..empty
    };
    assert!(some.validate().is_err());
    agrees(&v, &some, false);
}

#[test]
fn the_profile_at_creation_and_in_an_update() {
    let schemas = Schemas::write("profile");
    let create = schemas.validator("profile.create");
    let update = schemas.validator("profile.update");
    let profile = Profile::new("jane@example.com".into(), Tier::ProPlus);
    agrees(&create, &profile, true);
    let too_many = Profile {
        seats: Some(501),
        ..Profile::new("jane@example.com".into(), Tier::Free)
    };
    assert!(too_many.validate().is_err());
    agrees(&create, &too_many, false);
    let update_value = ProfileUpdate::new().seats(12).nickname("Jay");
    agrees(&update, &update_value, true);
    agrees(&update, &ProfileUpdate::default(), true);
    let bad_update = ProfileUpdate::new().seats(0);
    assert!(bad_update.validate().is_err());
    agrees(&update, &bad_update, false);
    // What only a creation requires: an update without `email` is fine.
    assert!(!create.is_valid(&json!({"nickname": "Jay"})));
    assert!(update.is_valid(&json!({"nickname": "Jay"})));
    // `email` is `pii = true`: annotated, which does not change what validates.
    for name in ["profile.create", "profile.update"] {
        let path = schemas.dir.join(format!("{name}.schema.json"));
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert_eq!(
            schema["properties"]["email"]["x-pii"],
            json!(true),
            "{name}"
        );
        assert_eq!(
            schema["properties"]["nickname"].get("x-pii"),
            None,
            "{name}"
        );
    }
}

#[test]
fn payloads_the_types_cannot_express_fail() {
    let schemas = Schemas::write("express");
    let v = schemas.validator("event.everything");
    let good = serde_json::to_value(everything()).unwrap();
    let with = |key: &str, value: Value| {
        let mut payload = good.clone();
        payload[key] = value;
        payload
    };
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("text");
    for payload in [
        missing,
        with("undeclared", json!(1)),
        with("tier", json!("gold")),
        with("size", json!("medium")),
        with("count", json!(1.5)),
        with("flag", json!("yes")),
        with("tags", json!([1])),
        with("extra", json!([])),
    ] {
        assert!(!v.is_valid(&payload), "{payload} validated");
    }
    assert!(v.is_valid(&good));
}

#[test]
fn object_types_relationships_and_topics() {
    use cio::{Object, Relationship};
    use objects::{Company, CompanyRegion, CompanyRelationship, Tier};

    let schemas = Schemas::write_from("objects", "tests/fixtures/objects_new.toml");
    let company = schemas.validator("object.company");
    let good = Company {
        name: "Acme".into(),
        tier: Tier::Growth,
        seats: 3,
        domain: None,
        region: Some(CompanyRegion::Eu),
    };
    assert!(Object::validate(&good).is_ok());
    agrees(&company, &good, true);
    let empty = Company {
        seats: 0,
        ..good.clone()
    };
    assert!(Object::validate(&empty).is_err());
    agrees(&company, &empty, false);
    assert!(!company.is_valid(&json!({"name": "Acme"})));

    let relationship = schemas.validator("relationship.company");
    let invited = CompanyRelationship {
        role: Some("admin".into()),
        invited_by: Some("jane@example.com".into()),
    };
    assert!(Relationship::validate(&invited).is_ok());
    agrees(&relationship, &invited, true);
    let bad = CompanyRelationship {
        role: None,
        invited_by: Some("not an address".into()),
    };
    assert!(Relationship::validate(&bad).is_err());
    agrees(&relationship, &bad, false);
    // An object type without attributes accepts only an empty object.
    let team = schemas.validator("relationship.team");
    assert!(team.is_valid(&json!({})));
    assert!(!team.is_valid(&json!({"role": "x"})));

    let topics = schemas.validator("subscription_preferences");
    assert!(topics.is_valid(&json!({"topics": {"topic_1": true, "topic_4": false}})));
    assert!(!topics.is_valid(&json!({"topics": {"topic_2": true}})));
    assert!(!topics.is_valid(&json!({"topics": {"topic_1": "yes"}})));
}
