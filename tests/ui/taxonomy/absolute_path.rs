mod events {
    cio::taxonomy!("/etc/events.toml");
}

fn main() {}
