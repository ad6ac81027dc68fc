mod events {
    cio::taxonomy!("fixtures/objects_liquid.toml");
}

fn main() {}
