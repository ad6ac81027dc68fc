mod events {
    cio::taxonomy!("fixtures/liquid_panic.toml");
}

fn main() {}
