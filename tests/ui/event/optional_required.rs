#[derive(cio::Event)]
#[cio(taxonomy = "fixtures/shop.toml", name = "signed_up")]
struct SignedUp {
    method: Option<String>,
}

fn main() {}
