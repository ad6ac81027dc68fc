mod events {
    cio::taxonomy!("fixtures/app_liquid.toml");
}

fn main() {}
