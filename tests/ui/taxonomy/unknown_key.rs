mod events {
    cio::taxonomy!("fixtures/unknown_key.toml");
}

fn main() {}
