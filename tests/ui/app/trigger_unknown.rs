mod events {
    cio::taxonomy!("fixtures/app_trigger.toml");
}

fn main() {}
