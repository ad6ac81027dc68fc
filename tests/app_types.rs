//! The types `taxonomy!()` generates for `[transactional]`, `[broadcasts]` and
//! `[segments]` of the workspace's events.toml: data structs that serialize to the
//! `message_data` their templates read, with their id and channel.
#![allow(clippy::unwrap_used)]

mod events {
    cio::taxonomy!();
}

use cio::{Broadcast, MessageChannel, MessageData, TransactionalId, TransactionalMessage};
use events::{PasswordReset, ProductUpdate};

#[test]
fn a_transactional_message_carries_its_id_channel_and_data() {
    assert_eq!(PasswordReset::NAME, "password_reset");
    assert_eq!(PasswordReset::ID, TransactionalId::Name("password_reset"));
    assert_eq!(PasswordReset::CHANNEL, MessageChannel::Email);
    let reset = PasswordReset {
        reset_url: "https://example.com/reset/abc".into(),
        expires_in_minutes: 30,
        device: None,
    };
    assert_eq!(
        serde_json::to_value(&reset).unwrap(),
        serde_json::json!({"reset_url": "https://example.com/reset/abc", "expires_in_minutes": 30})
    );
    assert!(reset.validate().is_ok());
    let bad = PasswordReset {
        reset_url: "not a url".into(),
        expires_in_minutes: 0,
        device: Some("Firefox".into()),
    };
    let violation = bad.validate().unwrap_err();
    assert_eq!(violation.field, "reset_url");
    let bad_minutes = PasswordReset {
        expires_in_minutes: 0,
        ..reset
    };
    assert_eq!(
        bad_minutes.validate().unwrap_err().field,
        "expires_in_minutes"
    );
}

#[test]
fn a_broadcast_carries_its_id() {
    assert_eq!(
        (ProductUpdate::NAME, ProductUpdate::ID),
        ("product_update", 42)
    );
    let update = ProductUpdate {
        headline: "New".into(),
        link: "https://example.com/n".into(),
    };
    assert_eq!(
        serde_json::to_value(&update).unwrap(),
        serde_json::json!({"headline": "New", "link": "https://example.com/n"})
    );
}

#[test]
fn segments_are_constants() {
    assert_eq!(events::segments::BETA_TESTERS.id(), 7);
}

#[test]
fn the_templates_are_listed_for_emulators() {
    use cio::AppTarget;
    let names: Vec<&str> = events::taxonomy::APP_MESSAGES
        .iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["password_reset", "product_update"]);
    let reset = &events::taxonomy::APP_MESSAGES[0];
    assert_eq!(
        reset.target,
        AppTarget::Transactional(
            TransactionalId::Name("password_reset"),
            MessageChannel::Email
        )
    );
    assert_eq!(
        reset.subject,
        Some("Reset your password, {{ customer.first_name }}")
    );
    assert!(reset.answers_to(&serde_json::json!("password_reset")));
    assert!(!reset.answers_to(&serde_json::json!(7)));
    let update = &events::taxonomy::APP_MESSAGES[1];
    assert_eq!(update.target, AppTarget::Broadcast(42));
    assert_eq!(update.body, Some("Read more: {{ trigger.link }}"));
}
