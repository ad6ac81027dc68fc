#[derive(Clone, Copy, cio::Enum)]
#[cio(taxonomy = "fixtures/shop.toml", name = "plans")]
enum Plan {
    Free,
    Pro,
    Enterprise,
}

fn main() {}
