mod events {
    cio::taxonomy!("fixtures/many_mistakes.toml");
}

fn main() {}
