mod events {
    cio::taxonomy!("fixtures/objects_optional.toml");
}

fn main() {}
