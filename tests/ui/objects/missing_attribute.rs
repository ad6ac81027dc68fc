#[derive(cio::Object)]
#[cio(taxonomy = "fixtures/company.toml", name = "company")]
struct Account {
    name: String,
}

fn main() {}
