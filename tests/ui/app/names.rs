mod events {
    cio::taxonomy!("fixtures/app_names.toml");
}

fn main() {}
