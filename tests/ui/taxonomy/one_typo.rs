// One typo in events.toml is one error: every other declaration is generated, and
// the event with the typo stands in with its other fields, so no use of any type
// adds an error of its own.
mod events {
    cio::taxonomy!("fixtures/one_typo.toml");
}

use cio::Event as _;

fn main() {
    let order = events::OrderCompleted {
        order_id: "A-1".into(),
        total: 9.5,
    };
    let _ = order.validate();
    let signed_up = events::SignedUp {
        plan: events::Plan::Pro,
    };
    assert_eq!(<events::SignedUp as cio::Event>::NAME, "signed_up");
    let _ = events::Profile::new("a@b.co".into());
    let _ = events::ProfileUpdate::new().plan(events::Plan::Free);
    let _ = (signed_up, events::taxonomy::EVENTS);
}
