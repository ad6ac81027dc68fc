// The data a template reads is a field of the struct: leaving one out, or giving
// it the wrong type, does not compile.
mod events {
    cio::taxonomy!("fixtures/app_shop.toml");
}

fn main() {
    let _ = events::PasswordReset {
        reset_url: "https://example.com/r".into(),
        device: None,
    };
    let _ = events::PasswordReset {
        reset_url: "https://example.com/r".into(),
        expires_in_minutes: "30".to_string(),
        device: None,
    };
}
