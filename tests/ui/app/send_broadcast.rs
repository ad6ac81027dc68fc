// A broadcast is not sent with `send`, nor a transactional message triggered.
mod events {
    cio::taxonomy!("fixtures/app_shop.toml");
}

fn run(app: &cio::client::AppClient) {
    let update = events::ProductUpdate {
        headline: "New".into(),
    };
    drop(app.send(&cio::Customer::id("1"), &update));
    let reset = events::PasswordReset {
        reset_url: "https://example.com/r".into(),
        expires_in_minutes: 30,
        device: None,
    };
    let audience = cio::client::Audience::Ids(vec!["1".into()]);
    drop(app.trigger_broadcast(&reset, &audience));
}

fn main() {
    let _ = run;
}
