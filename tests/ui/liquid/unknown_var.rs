mod events {
    cio::taxonomy!("fixtures/liquid_unknown_var.toml");
}

fn main() {}
