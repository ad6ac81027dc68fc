mod events {
    cio::taxonomy!("fixtures/liquid_dynamic.toml");
}

fn main() {}
