// `taxonomy!()` on the workspace's own events.toml (found upward from the crate).
mod events {
    cio::taxonomy!();
}

use cio::{Attributes, Event, Timestamp};
use events::*;

fn main() {
    let signed_up = SignedUp {
        method: SignupMethod::Google,
        plan: Plan::Free,
    };
    assert_eq!(<SignedUp as Event>::NAME, "signed_up");
    assert!(signed_up.validate().is_ok());
    let cancelled = SubscriptionCancelled {
        reason: "too expensive".into(),
    };
    assert!(cancelled.validate().is_ok());
    let profile = Profile::new(
        "jane@example.com".into(),
        "Jane".into(),
        Plan::Free,
        Timestamp::now(),
    );
    assert!(profile.validate().is_ok());
    let update = ProfileUpdate::new().email_verified(true);
    assert!(update.validate().is_ok());
    assert_eq!(events::taxonomy::EVENTS.len(), 14);
}
