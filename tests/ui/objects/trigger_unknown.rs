mod events {
    cio::taxonomy!("fixtures/objects_trigger.toml");
}

fn main() {}
