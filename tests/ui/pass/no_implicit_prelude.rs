// Generated code uses absolute paths only: it compiles without the prelude.
#![no_implicit_prelude]

mod events {
    ::cio::taxonomy!("fixtures/shop.toml");
}

mod objects {
    ::cio::taxonomy!("fixtures/company.toml");
}

#[derive(::cio::Relationship)]
#[cio(taxonomy = "fixtures/company.toml", name = "company")]
struct Membership {
    role: ::std::option::Option<::std::string::String>,
}

#[derive(::cio::Event)]
#[cio(taxonomy = "fixtures/shop.toml")]
struct SignedUp {
    method: ::std::string::String,
}

#[derive(::cio::Attributes)]
#[cio(taxonomy = "fixtures/shop.toml")]
struct Seats {
    seats: ::std::option::Option<i64>,
}

#[derive(::core::clone::Clone, ::core::marker::Copy, ::cio::Enum)]
#[cio(taxonomy = "fixtures/shop.toml", name = "plan")]
enum Plan {
    Free,
    Pro,
    Enterprise,
}

fn main() {
    let _ = events::OrderCompleted {
        order_id: ::std::string::String::new(),
        item_count: 1,
        total: 1.0,
        plan: events::Plan::Pro,
        coupon: ::std::option::Option::None,
        size: events::OrderCompletedSize::Small,
    };
    let _ = SignedUp { method: ::std::string::String::new() };
    let _ = Seats { seats: ::std::option::Option::None };
    let _ = Plan::Free;
    let _ = objects::Topic::Newsletter.id();
    let _ = Membership { role: ::std::option::Option::None };
}
