#[derive(cio::Event)]
#[cio(taxonomy = "fixtures/shop.toml")]
struct OrderCompleted {
    order_id: String,
    total: f64,
}

fn main() {}
