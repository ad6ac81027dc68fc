// One typo in a transactional message is one error: the message stands in with its
// data (and its trait, with a placeholder id), so no use of it adds an error.
mod events {
    cio::taxonomy!("fixtures/app_one_typo.toml");
}

use cio::{Broadcast as _, TransactionalMessage as _};

fn main() {
    let reset = events::PasswordReset {
        reset_url: "https://example.com/r".into(),
        expires_in_minutes: 30,
    };
    let _ = (reset, events::PasswordReset::CHANNEL);
    let update = events::ProductUpdate {
        headline: "New".into(),
    };
    let _ = (update, events::ProductUpdate::ID);
    let _ = (events::segments::BETA_TESTERS, events::taxonomy::APP_MESSAGES);
}
