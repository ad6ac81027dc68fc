mod events {
    cio::taxonomy!("fixtures/app_optional.toml");
}

fn main() {}
