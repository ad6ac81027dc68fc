//! The complete example of docs/events-toml.md is a valid taxonomy.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

#[test]
fn the_documented_complete_example_is_valid() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/events-toml.md");
    let text = std::fs::read_to_string(docs).unwrap();
    let section = text.split("## A complete example").nth(1).unwrap();
    let example = section
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .unwrap();
    let taxonomy = match cio_schema::parse_str(example, "events.toml", None) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(taxonomy.enums.len(), 2);
    assert_eq!(taxonomy.profile.len(), 7);
    assert_eq!(taxonomy.events.len(), 3);
    assert_eq!(taxonomy.campaigns[0].sends().len(), 2);
    assert_eq!(taxonomy.messages.len(), 2);
}
