#[derive(cio::Event)]
#[cio(taxonomy = "fixtures/shop.toml")]
enum SignedUp {
    Google,
}

fn main() {}
