#[derive(cio::Event)]
#[cio(taxonomy = "fixtures/shop.toml")]
struct OrderCompleted {
    order_id: String,
    item_count: i64,
    total: f64,
    plan: Size,
    size: Size,
}

#[derive(Clone, Copy, cio::Enum)]
#[cio(taxonomy = "fixtures/shop.toml", name = "order_completed.size")]
enum Size {
    Small,
    Large,
}

fn main() {}
