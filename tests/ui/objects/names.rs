mod events {
    cio::taxonomy!("fixtures/objects_names.toml");
}

fn main() {}
