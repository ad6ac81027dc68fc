#[derive(cio::Attributes)]
#[cio(taxonomy = "fixtures/shop.toml")]
struct NameChange {
    frist_name: String,
}

fn main() {}
