mod events {
    cio::taxonomy!("fixtures/nope.toml");
}

fn main() {}
