mod events {
    cio::taxonomy!("fixtures/app_channel.toml");
}

fn main() {}
