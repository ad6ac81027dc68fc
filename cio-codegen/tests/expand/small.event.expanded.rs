#[allow(deprecated, non_local_definitions)]
const _: () = {
    const _: &[u8] = ::core::include_bytes!("$DIR/small.toml");
    ::cio::__private::record_impls! {
        SignedUp[< 'a >] [< 'a >] [] : Event "signed_up"["method"] { method "method"
        req(Method) => field_enum; plan "plan" req(Plan) => field_enum; came_from
        "referrer" opt(Option < & 'a str >) => field_url; }
    }
};
