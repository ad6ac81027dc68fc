mod events {
    cio::taxonomy!("fixtures/duplicate_name.toml");
}

fn main() {}
