mod events {
    cio::taxonomy!("fixtures/unknown_type.toml");
}

fn main() {}
