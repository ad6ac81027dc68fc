#[derive(cio::Attributes)]
#[cio(taxonomy = "fixtures/shop.toml")]
struct SeatChange {
    seats: f64,
}

fn main() {}
