mod events {
    cio::taxonomy!("fixtures/liquid_syntax.toml");
}

fn main() {}
