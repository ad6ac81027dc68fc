mod events {
    cio::taxonomy!("fixtures/liquid_optional.toml");
}

fn main() {}
