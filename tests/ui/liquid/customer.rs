mod events {
    cio::taxonomy!("fixtures/liquid_customer.toml");
}

fn main() {}
