#[derive(cio::Attributes)]
#[cio(taxonomy = "fixtures/shop.toml", create)]
struct NewUser {
    email: Option<String>,
    first_name: String,
    plan: Plan,
}

#[derive(Clone, Copy, cio::Enum)]
#[cio(taxonomy = "fixtures/shop.toml")]
enum Plan {
    Free,
    Pro,
    Enterprise,
}

fn main() {}
