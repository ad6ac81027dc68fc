mod events {
    cio::taxonomy!("fixtures/liquid_unknown_var.toml");
}

fn main() {
    // The types are still generated: the Liquid error is the only error.
    let _ = events::SignedUp {
        method: String::from("google"),
    };
}
