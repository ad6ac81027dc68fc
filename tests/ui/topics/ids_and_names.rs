mod events {
    cio::taxonomy!("fixtures/topics.toml");
}

fn main() {}
