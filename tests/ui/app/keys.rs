mod events {
    cio::taxonomy!("fixtures/app_keys.toml");
}

fn main() {}
