mod events {
    cio::taxonomy!("fixtures/name_collision.toml");
}

fn main() {}
