mod events {
    cio::taxonomy!("fixtures/pii_not_bool.toml");
}

fn main() {}
