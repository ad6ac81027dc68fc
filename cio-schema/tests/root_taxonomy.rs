//! The root `events.toml` (the seed's taxonomy) loads and validates clean.

use std::path::Path;

use cio_schema::{Channel, FieldType, Step, TemplateOrigin};

fn root() -> cio_schema::Loaded {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../events.toml");
    cio_schema::load(&path, "events.toml")
}

#[test]
fn root_events_toml_validates_clean() {
    let loaded = root();
    let taxonomy = match loaded.result {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    };
    let events: Vec<&str> = taxonomy.events.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        events,
        [
            "signed_up",
            "email_verified",
            "profile_completed",
            "first_project_created",
            "feature_used",
            "invited_teammate",
            "upgrade_started",
            "upgrade_completed",
            "subscription_renewed",
            "subscription_cancelled",
            "trial_expiring",
            "checkout_started",
            "checkout_completed",
            "refund_requested",
        ]
    );
    let enums: Vec<&str> = taxonomy.enums.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(enums, ["plan", "signup_method", "onboarding_step"]);
    let required: Vec<&str> = taxonomy
        .profile
        .iter()
        .filter(|f| !f.optional)
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(required, ["email", "first_name", "plan", "created_at"]);
    assert_eq!(taxonomy.profile.len(), 14);
    let email = taxonomy.attribute("email").unwrap();
    assert_eq!(email.ty, FieldType::Email);
    let mrr = taxonomy.attribute("mrr").unwrap();
    assert_eq!(
        (mrr.ty.clone(), mrr.optional, mrr.min),
        (FieldType::Float, true, Some(0.0))
    );
    let signed_up = taxonomy.event("signed_up").unwrap();
    assert_eq!(
        signed_up.field("method").unwrap().ty,
        FieldType::Enum("signup_method".into())
    );
    let reason = taxonomy
        .event("subscription_cancelled")
        .unwrap()
        .field("reason")
        .unwrap();
    assert_eq!(reason.max_length, Some(500));
    let metadata = taxonomy
        .event("feature_used")
        .unwrap()
        .field("metadata")
        .unwrap();
    assert_eq!(
        (metadata.ty.clone(), metadata.optional),
        (FieldType::Object, true)
    );

    let onboarding = &taxonomy.campaigns[0];
    assert_eq!(onboarding.trigger.as_str(), "signed_up");
    let waits: Vec<u64> = onboarding
        .steps
        .iter()
        .filter_map(|s| match s {
            Step::Wait { seconds, .. } => Some(*seconds),
            _ => None,
        })
        .collect();
    assert_eq!(waits, [300, 86_400, 3 * 86_400, 7 * 86_400]);
    let sends: Vec<&str> = onboarding.sends().iter().map(|n| n.as_str()).collect();
    assert_eq!(
        sends,
        [
            "welcome",
            "verify_reminder",
            "feature_tips",
            "activation_nudge"
        ]
    );
    let win_back = &taxonomy.campaigns[1];
    assert_eq!(win_back.trigger.as_str(), "subscription_cancelled");
    let sends: Vec<&str> = win_back.sends().iter().map(|n| n.as_str()).collect();
    assert_eq!(sends, ["win_back", "discount_offer"]);

    let messages: Vec<&str> = taxonomy.messages.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        messages,
        [
            "welcome",
            "verify_reminder",
            "feature_tips",
            "activation_nudge",
            "team_welcome",
            "win_back",
            "discount_offer"
        ]
    );
    // A relationship to a company starts team_welcome.
    let team = taxonomy
        .campaigns
        .iter()
        .find(|c| c.name.as_str() == "team_welcome")
        .unwrap();
    assert_eq!(team.trigger_event(), None);
    assert_eq!(team.trigger.as_str(), "company");
    let company = taxonomy
        .objects
        .iter()
        .find(|o| o.name.as_str() == "company");
    assert_eq!(company.map(|o| o.type_id), Some(1));
    let topics: Vec<(&str, u64)> = taxonomy
        .topics
        .iter()
        .map(|t| (t.name.as_str(), t.id))
        .collect();
    assert_eq!(topics, [("product_updates", 1), ("newsletter", 2)]);
    assert!(taxonomy
        .messages
        .iter()
        .all(|m| m.channel == Channel::Email));
    let welcome = taxonomy.message("welcome").unwrap();
    assert_eq!(
        welcome.subject.as_ref().unwrap().source,
        "Welcome, {{ customer.first_name }}!"
    );
    let win_back = taxonomy.message("win_back").unwrap();
    assert!(matches!(
        &win_back.body.origin,
        TemplateOrigin::File { written, .. } if written.as_str() == "templates/win_back.liquid"
    ));
    assert!(win_back.body.source.contains("{{ event.reason }}"));

    let files: Vec<String> = loaded
        .files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        files,
        ["events.toml", "win_back.liquid", "discount_offer.liquid"]
    );
}

#[test]
fn inline_template_content_start_points_at_the_text() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../events.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let taxonomy = root().result.unwrap();
    let welcome = taxonomy.message("welcome").unwrap();
    for template in [welcome.subject.as_ref().unwrap(), &welcome.body] {
        let TemplateOrigin::Inline { content_start, .. } = template.origin else {
            panic!("inline expected");
        };
        assert!(text[content_start..].starts_with(&template.source));
    }
}
