mod events {
    cio::taxonomy!("fixtures/objects_type_id.toml");
}

fn main() {}
