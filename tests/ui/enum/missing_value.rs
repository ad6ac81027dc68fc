#[derive(Clone, Copy, cio::Enum)]
#[cio(taxonomy = "fixtures/shop.toml", name = "plan")]
enum Plan {
    Free,
    Pro,
}

fn main() {}
