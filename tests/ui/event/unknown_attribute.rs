#[derive(cio::Event)]
#[cio(taxonomy = "fixtures/shop.toml", nme = "signed_up")]
struct SignedUp {
    method: String,
}

fn main() {}
