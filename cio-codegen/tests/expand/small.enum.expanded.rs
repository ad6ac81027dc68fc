#[allow(deprecated, non_local_definitions)]
const _: () = {
    const _: &[u8] = ::core::include_bytes!("$DIR/small.toml");
    #[automatically_derived]
    impl ::cio::Enum for Method {
        const NAME: &'static str = "signed_up.method";
        const VALUES: &'static [&'static str] = &["google", "email"];
        fn as_str(&self) -> &'static str {
            match self {
                Self::Google => "google",
                Self::Password => "email",
            }
        }
    }
    #[automatically_derived]
    impl ::cio::__private::CarriesEnum for Method {
        type Enum = Self;
    }
    #[automatically_derived]
    impl ::cio::__private::serde::Serialize for Method {
        fn serialize<__S>(
            &self,
            __cio_serializer: __S,
        ) -> ::core::result::Result<
            <__S as ::cio::__private::serde::Serializer>::Ok,
            <__S as ::cio::__private::serde::Serializer>::Error,
        >
        where
            __S: ::cio::__private::serde::Serializer,
        {
            ::cio::__private::serde::Serializer::serialize_str(
                __cio_serializer,
                <Self as ::cio::Enum>::as_str(self),
            )
        }
    }
};
