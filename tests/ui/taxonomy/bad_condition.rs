mod events {
    cio::taxonomy!("fixtures/bad_condition.toml");
}

fn main() {}
