mod events {
    cio::taxonomy!("fixtures/app_customer.toml");
}

fn main() {}
