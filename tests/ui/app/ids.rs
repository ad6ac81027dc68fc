mod events {
    cio::taxonomy!("fixtures/app_ids.toml");
}

fn main() {}
