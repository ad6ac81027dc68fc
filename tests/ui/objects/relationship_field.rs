#[derive(cio::Relationship)]
#[cio(taxonomy = "fixtures/company.toml")]
struct CompanyRelationship {
    rol: Option<String>,
    invited_by: Option<u32>,
}

fn main() {}
