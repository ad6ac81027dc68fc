#[derive(cio::Event)]
#[cio(taxonomy = "fixtures/shop.toml", name = "order_complete")]
struct OrderCompleted {
    order_id: String,
}

fn main() {}
