#[allow(deprecated, non_local_definitions)]
const _: () = {
    const _: &[u8] = ::core::include_bytes!("$DIR/small.toml");
    #[automatically_derived]
    impl<'a> ::cio::__private::serde::Serialize for SignedUp<'a> {
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
            let mut __cio_state = ::cio::__private::serde::Serializer::serialize_struct(
                __cio_serializer,
                "SignedUp",
                3usize,
            )?;
            ::cio::__private::serde::ser::SerializeStruct::serialize_field(
                &mut __cio_state,
                "method",
                &self.method,
            )?;
            ::cio::__private::serde::ser::SerializeStruct::serialize_field(
                &mut __cio_state,
                "plan",
                &self.plan,
            )?;
            match &self.came_from {
                ::core::option::Option::Some(__cio_value) => {
                    ::cio::__private::serde::ser::SerializeStruct::serialize_field(
                        &mut __cio_state,
                        "referrer",
                        __cio_value,
                    )?;
                }
                ::core::option::Option::None => {
                    ::cio::__private::serde::ser::SerializeStruct::skip_field(
                        &mut __cio_state,
                        "referrer",
                    )?;
                }
            }
            ::cio::__private::serde::ser::SerializeStruct::end(__cio_state)
        }
    }
    #[automatically_derived]
    impl<'a> ::cio::Event for SignedUp<'a> {
        const NAME: &'static str = "signed_up";
        const LIQUID_FIELDS: &'static [&'static str] = &["method"];
        fn validate(&self) -> ::core::result::Result<(), ::cio::Violation> {
            ::cio::__private::field_enum::<Method>(&self.method)?;
            ::cio::__private::field_enum::<Plan>(&self.plan)?;
            ::cio::__private::field_text::<
                Option<&'a str>,
            >(
                &self.came_from,
                "referrer",
                ::cio::__private::TextKind::Url,
                ::core::option::Option::None,
            )?;
            ::core::result::Result::Ok(())
        }
    }
};
