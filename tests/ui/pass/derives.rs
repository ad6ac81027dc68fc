// The derives on the app's own types, checked against a small taxonomy.
use cio::{Attributes, Enum, Event};

#[derive(Clone, Copy, Debug, cio::Enum)]
#[cio(taxonomy = "fixtures/shop.toml", name = "plan")]
enum Tier {
    Free,
    #[cio(rename = "pro")]
    Professional,
    Enterprise,
}

#[derive(Clone, Copy, cio::Enum)]
#[cio(taxonomy = "fixtures/shop.toml", name = "order_completed.size")]
enum Size {
    Small,
    Large,
}

#[derive(cio::Event)]
#[cio(taxonomy = "fixtures/shop.toml", name = "order_completed")]
struct Order<'a> {
    order_id: &'a str,
    #[cio(rename = "item_count")]
    items: u32,
    total: f32,
    plan: Tier,
    size: Size,
    coupon: Option<String>,
    #[cio(skip)]
    #[allow(dead_code)]
    internal_note: String,
}

#[derive(cio::Event)]
#[cio(taxonomy = "fixtures/shop.toml")]
struct SignedUp {
    method: std::borrow::Cow<'static, str>,
}

#[derive(cio::Attributes)]
#[cio(taxonomy = "fixtures/shop.toml", create)]
struct NewUser {
    email: String,
    first_name: String,
    plan: Tier,
    seats: Option<i32>,
}

#[derive(cio::Attributes)]
#[cio(taxonomy = "fixtures/shop.toml")]
struct Rename {
    nickname: Option<String>,
}

fn main() {
    let order = Order {
        order_id: "A-1",
        items: 3,
        total: 9.5,
        plan: Tier::Professional,
        size: Size::Large,
        coupon: None,
        internal_note: String::new(),
    };
    assert_eq!(<Order<'_> as Event>::NAME, "order_completed");
    assert_eq!(<Order<'_> as Event>::LIQUID_FIELDS, ["item_count", "order_id"]);
    assert!(order.validate().is_ok());
    assert_eq!(<Tier as Enum>::VALUES, ["free", "pro", "enterprise"]);
    assert_eq!(Tier::Professional.as_str(), "pro");
    let _ = SignedUp { method: "email".into() };
    let user = NewUser {
        email: "a@b.co".into(),
        first_name: "A".into(),
        plan: Tier::Free,
        seats: Some(2),
    };
    assert!(user.validate().is_ok());
    let _ = Rename { nickname: None };
}
