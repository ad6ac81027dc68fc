mod events {
    cio::taxonomy!("fixtures/not_toml.toml");
}

fn main() {}
