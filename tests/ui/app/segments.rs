mod events {
    cio::taxonomy!("fixtures/app_segments.toml");
}

fn main() {}
