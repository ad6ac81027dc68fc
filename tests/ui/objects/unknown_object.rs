#[derive(cio::Object)]
#[cio(taxonomy = "fixtures/company.toml", name = "compny")]
struct Company {
    name: String,
}

fn main() {}
