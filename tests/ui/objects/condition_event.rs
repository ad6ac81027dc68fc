mod events {
    cio::taxonomy!("fixtures/objects_condition.toml");
}

fn main() {}
