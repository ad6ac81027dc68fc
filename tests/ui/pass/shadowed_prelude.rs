// Generated code is immune to user items that shadow prelude names.
#![allow(dead_code, non_camel_case_types)]

struct Option;
struct Some;
struct None;
struct Result;
struct Ok;
struct Err;
struct String;
struct Vec;
struct Box;
trait Serialize {}
trait Event {}
mod serde {}
mod core {}

mod events {
    struct Option;
    struct Result;
    struct String;
    cio::taxonomy!("fixtures/shop.toml");
}

mod objects {
    struct Option;
    struct String;
    struct u64;
    trait Object {}
    cio::taxonomy!("fixtures/company.toml");
}

#[derive(cio::Event)]
#[cio(taxonomy = "fixtures/shop.toml")]
struct SignedUp {
    method: std::string::String,
}

fn main() {}
