mod events {
    cio::taxonomy!("fixtures/objects_event.toml");
}

fn main() {}
