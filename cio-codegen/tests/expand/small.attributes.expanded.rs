#[allow(deprecated, non_local_definitions)]
const _: () = {
    const _: &[u8] = ::core::include_bytes!("$DIR/small.toml");
    #[automatically_derived]
    impl ::cio::__private::serde::Serialize for NewUser {
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
                "NewUser",
                2usize,
            )?;
            ::cio::__private::serde::ser::SerializeStruct::serialize_field(
                &mut __cio_state,
                "email",
                &self.email,
            )?;
            match &self.nickname {
                ::core::option::Option::Some(__cio_value) => {
                    ::cio::__private::serde::ser::SerializeStruct::serialize_field(
                        &mut __cio_state,
                        "nickname",
                        __cio_value,
                    )?;
                }
                ::core::option::Option::None => {
                    ::cio::__private::serde::ser::SerializeStruct::skip_field(
                        &mut __cio_state,
                        "nickname",
                    )?;
                }
            }
            ::cio::__private::serde::ser::SerializeStruct::end(__cio_state)
        }
    }
    #[automatically_derived]
    impl ::cio::Attributes for NewUser {
        fn validate(&self) -> ::core::result::Result<(), ::cio::Violation> {
            ::cio::__private::field_text::<
                String,
            >(
                &self.email,
                "email",
                ::cio::__private::TextKind::Email,
                ::core::option::Option::None,
            )?;
            ::cio::__private::field_text::<
                Option<String>,
            >(
                &self.nickname,
                "nickname",
                ::cio::__private::TextKind::Plain,
                ::core::option::Option::Some(40u64),
            )?;
            ::core::result::Result::Ok(())
        }
    }
};
