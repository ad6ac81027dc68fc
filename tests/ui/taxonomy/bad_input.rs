mod events {
    cio::taxonomy!(events_toml);
}

fn main() {}
