mod events {
    cio::taxonomy!("fixtures/liquid_file.toml");
}

fn main() {}
