#[derive(cio::Enum)]
#[cio(taxonomy = "fixtures/company.toml", name = "tier")]
enum Tier {
    Free,
    Growth,
    Enterprise,
}

#[derive(cio::Enum)]
#[cio(taxonomy = "fixtures/company.toml", name = "objects.company.region")]
enum Region {
    Eu,
    Us,
}

#[derive(cio::Object)]
#[cio(taxonomy = "fixtures/company.toml")]
struct Company {
    name: String,
    tier: Tier,
    seats: i64,
    region: Region,
    domian: Option<String>,
}

fn main() {}
