#[allow(deprecated, non_local_definitions)]
const _: () = {
    const _: &[u8] = ::core::include_bytes!("$DIR/small.toml");
    ::cio::__private::record_impls! {
        NewUser[] [] [] : Attributes { email "email" req(String) => field_email; nickname
        "nickname" opt(Option < String >) => field_text max_length = 40; }
    }
};
