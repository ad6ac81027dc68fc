mod events {
    cio::taxonomy!("fixtures/invalid_name.toml");
}

fn main() {}
