#[derive(cio::Event)]
#[cio(taxonomy = "fixtures/shop.toml")]
struct OrderCompleted {
    order_id: String,
    item_count: String,
    total: f64,
    plan: Plan,
    size: Size,
}

#[derive(Clone, Copy, cio::Enum)]
#[cio(taxonomy = "fixtures/shop.toml")]
enum Plan {
    Free,
    Pro,
    Enterprise,
}

#[derive(Clone, Copy, cio::Enum)]
#[cio(taxonomy = "fixtures/shop.toml", name = "order_completed.size")]
enum Size {
    Small,
    Large,
}

fn main() {}
