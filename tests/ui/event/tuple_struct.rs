#[derive(cio::Event)]
#[cio(taxonomy = "fixtures/shop.toml")]
struct SignedUp(String);

fn main() {}
