#[allow(deprecated, non_local_definitions)]
const _: () = {
    const _: &[u8] = ::core::include_bytes!("$DIR/small.toml");
    ::cio::__private::enum_impls! {
        Method[] [] [] = "signed_up.method" { Google = "google", Password = "email", }
    }
};
