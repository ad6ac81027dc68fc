mod events {
    cio::taxonomy!("fixtures/app_event.toml");
}

fn main() {}
