//! Fields marked `pii = true` in events.toml (the workspace's: `email`, the names,
//! the free-text reasons) print as `"<redacted>"` in the `Debug` of the types
//! `taxonomy!()` generates; the other fields print as they are.
#![allow(clippy::unwrap_used)]

mod events {
    cio::taxonomy!();
}

mod keywords {
    cio::taxonomy!("tests/fixtures/pii_keyword.toml");
}

use events::{Plan, Profile, ProfileUpdate, SubscriptionCancelled};

#[test]
fn personal_data_is_redacted_in_debug() {
    let mut profile = Profile::new(
        "jane@example.com".into(),
        "Jane".into(),
        Plan::Pro,
        cio::Timestamp::from_unix(1_700_000_000),
    );
    profile.last_name = Some("Doe".into());
    profile.company = Some("Acme".into());
    let text = format!("{profile:?} {profile:#?}");
    for secret in ["jane@example.com", "Jane", "Doe"] {
        assert!(!text.contains(secret), "`{secret}` shows in {text}");
    }
    assert!(text.contains("email: \"<redacted>\""), "{text}");
    assert!(text.contains("last_name: \"<redacted>\""), "{text}");
    assert!(text.contains("company: Some(\"Acme\")"), "{text}");
    assert!(text.contains("plan: Pro"), "{text}");

    let update = ProfileUpdate::new().first_name("Jane").company("Acme");
    let text = format!("{update:?}");
    assert!(!text.contains("Jane"), "{text}");
    assert!(text.contains("first_name: \"<redacted>\""), "{text}");

    let cancelled = SubscriptionCancelled {
        reason: "my divorce".into(),
    };
    let text = format!("{cancelled:?}");
    assert_eq!(text, "SubscriptionCancelled { reason: \"<redacted>\" }");

    // Only Debug changes: the value is still sent as it is.
    let sent = serde_json::to_value(&cancelled).unwrap();
    assert_eq!(sent["reason"], "my divorce");
}

#[test]
fn keyword_fields_print_under_their_own_name() {
    let opened = keywords::TicketOpened {
        r#type: "bug".into(),
        r#match: "Jane Doe".into(),
    };
    assert_eq!(
        format!("{opened:?}"),
        "TicketOpened { type: \"bug\", match: \"<redacted>\" }"
    );
}
