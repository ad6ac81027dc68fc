const _: &[u8] = ::core::include_bytes!("$DIR/small.toml");
/// The enum `plan` of events.toml.
#[derive(
    ::core::fmt::Debug,
    ::core::clone::Clone,
    ::core::marker::Copy,
    ::core::cmp::PartialEq,
    ::core::cmp::Eq,
    ::core::hash::Hash,
)]
pub enum Plan {
    /// Sent as `"free"`.
    Free,
    /// Sent as `"pro"`.
    Pro,
}
impl Plan {
    /// Every value, in declaration order.
    pub const ALL: [Self; 2usize] = [Self::Free, Self::Pro];
    /// The exact string sent to Customer.io.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Free => "free",
            Self::Pro => "pro",
        }
    }
}
const _: () = {
    #[automatically_derived]
    impl ::cio::Enum for Plan {
        const NAME: &'static str = "plan";
        const VALUES: &'static [&'static str] = &["free", "pro"];
        fn as_str(&self) -> &'static str {
            match self {
                Self::Free => "free",
                Self::Pro => "pro",
            }
        }
    }
    #[automatically_derived]
    impl ::cio::__private::CarriesEnum for Plan {
        type Enum = Self;
    }
    #[automatically_derived]
    impl ::cio::__private::serde::Serialize for Plan {
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
    #[automatically_derived]
    impl ::core::fmt::Display for Plan {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            f.write_str(self.as_str())
        }
    }
    #[automatically_derived]
    impl ::core::str::FromStr for Plan {
        type Err = ::cio::__private::UnknownEnumValue;
        fn from_str(s: &str) -> ::core::result::Result<Self, Self::Err> {
            match s {
                "free" => ::core::result::Result::Ok(Self::Free),
                "pro" => ::core::result::Result::Ok(Self::Pro),
                _ => {
                    ::core::result::Result::Err(
                        ::cio::__private::unknown_enum_value::<Self>(s),
                    )
                }
            }
        }
    }
};
/// The values of `signed_up.method` in events.toml.
#[derive(
    ::core::fmt::Debug,
    ::core::clone::Clone,
    ::core::marker::Copy,
    ::core::cmp::PartialEq,
    ::core::cmp::Eq,
    ::core::hash::Hash,
)]
pub enum SignedUpMethod {
    /// Sent as `"google"`.
    Google,
    /// Sent as `"email"`.
    Email,
}
impl SignedUpMethod {
    /// Every value, in declaration order.
    pub const ALL: [Self; 2usize] = [Self::Google, Self::Email];
    /// The exact string sent to Customer.io.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Google => "google",
            Self::Email => "email",
        }
    }
}
const _: () = {
    #[automatically_derived]
    impl ::cio::Enum for SignedUpMethod {
        const NAME: &'static str = "signed_up.method";
        const VALUES: &'static [&'static str] = &["google", "email"];
        fn as_str(&self) -> &'static str {
            match self {
                Self::Google => "google",
                Self::Email => "email",
            }
        }
    }
    #[automatically_derived]
    impl ::cio::__private::CarriesEnum for SignedUpMethod {
        type Enum = Self;
    }
    #[automatically_derived]
    impl ::cio::__private::serde::Serialize for SignedUpMethod {
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
    #[automatically_derived]
    impl ::core::fmt::Display for SignedUpMethod {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            f.write_str(self.as_str())
        }
    }
    #[automatically_derived]
    impl ::core::str::FromStr for SignedUpMethod {
        type Err = ::cio::__private::UnknownEnumValue;
        fn from_str(s: &str) -> ::core::result::Result<Self, Self::Err> {
            match s {
                "google" => ::core::result::Result::Ok(Self::Google),
                "email" => ::core::result::Result::Ok(Self::Email),
                _ => {
                    ::core::result::Result::Err(
                        ::cio::__private::unknown_enum_value::<Self>(s),
                    )
                }
            }
        }
    }
};
/// A user created an account.
///
/// The event `signed_up` of events.toml.
///
/// Triggers the campaign(s) `onboarding`.
#[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
pub struct SignedUp {
    /// `method: { enum = [google, email] }` in events.toml.
    ///
    /// Read by campaign Liquid as `{{ event.method }}`.
    pub method: SignedUpMethod,
    /// `plan: plan` in events.toml.
    pub plan: Plan,
    /// `referrer: url?` in events.toml.
    pub referrer: ::core::option::Option<::std::string::String>,
}
#[allow(deprecated)]
const _: () = {
    #[automatically_derived]
    impl ::cio::__private::serde::Serialize for SignedUp {
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
            match &self.referrer {
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
    impl ::cio::Event for SignedUp {
        const NAME: &'static str = "signed_up";
        const LIQUID_FIELDS: &'static [&'static str] = &["method"];
        fn validate(&self) -> ::core::result::Result<(), ::cio::Violation> {
            ::cio::__private::field_enum::<SignedUpMethod>(&self.method)?;
            ::cio::__private::field_enum::<Plan>(&self.plan)?;
            ::cio::__private::field_text::<
                ::core::option::Option<::std::string::String>,
            >(
                &self.referrer,
                "referrer",
                ::cio::__private::TextKind::Url,
                ::core::option::Option::None,
            )?;
            ::core::result::Result::Ok(())
        }
    }
};
/// A customer profile as created by `identify`: the attributes of `[profile]`
/// in events.toml, those required at creation as plain fields.
#[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
pub struct Profile {
    /// `email: email` in events.toml.
    pub email: ::std::string::String,
    /// `nickname: string?` in events.toml.
    pub nickname: ::core::option::Option<::std::string::String>,
}
impl Profile {
    /// A profile with the attributes required at creation (`email`); the others are `None`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(email: ::std::string::String) -> Self {
        #[allow(deprecated)]
        Profile {
            email,
            nickname: ::core::option::Option::None,
        }
    }
}
/// A change to a customer profile: any attributes of `[profile]`, each set
/// alone; unset ones are not sent.
#[derive(
    ::core::fmt::Debug,
    ::core::clone::Clone,
    ::core::cmp::PartialEq,
    ::core::default::Default
)]
pub struct ProfileUpdate {
    /// `email: email` in events.toml.
    pub email: ::core::option::Option<::std::string::String>,
    /// `nickname: string?` in events.toml.
    pub nickname: ::core::option::Option<::std::string::String>,
}
impl ProfileUpdate {
    /// An update that sets nothing yet.
    pub fn new() -> Self {
        <Self as ::core::default::Default>::default()
    }
    /// Sets `email`.
    #[must_use]
    pub fn email(
        mut self,
        value: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        #[allow(deprecated)]
        {
            self.email = ::core::option::Option::Some(value.into());
        }
        self
    }
    /// Sets `nickname`.
    #[must_use]
    pub fn nickname(
        mut self,
        value: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        #[allow(deprecated)]
        {
            self.nickname = ::core::option::Option::Some(value.into());
        }
        self
    }
}
#[allow(deprecated)]
const _: () = {
    #[automatically_derived]
    impl ::cio::__private::serde::Serialize for Profile {
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
                "Profile",
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
    impl ::cio::__private::serde::Serialize for ProfileUpdate {
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
                "ProfileUpdate",
                2usize,
            )?;
            match &self.email {
                ::core::option::Option::Some(__cio_value) => {
                    ::cio::__private::serde::ser::SerializeStruct::serialize_field(
                        &mut __cio_state,
                        "email",
                        __cio_value,
                    )?;
                }
                ::core::option::Option::None => {
                    ::cio::__private::serde::ser::SerializeStruct::skip_field(
                        &mut __cio_state,
                        "email",
                    )?;
                }
            }
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
    impl ::cio::Attributes for Profile {
        fn validate(&self) -> ::core::result::Result<(), ::cio::Violation> {
            ::cio::__private::field_text::<
                ::std::string::String,
            >(
                &self.email,
                "email",
                ::cio::__private::TextKind::Email,
                ::core::option::Option::None,
            )?;
            ::cio::__private::field_text::<
                ::core::option::Option<::std::string::String>,
            >(
                &self.nickname,
                "nickname",
                ::cio::__private::TextKind::Plain,
                ::core::option::Option::Some(40u64),
            )?;
            ::core::result::Result::Ok(())
        }
    }
    #[automatically_derived]
    impl ::cio::Attributes for ProfileUpdate {
        fn validate(&self) -> ::core::result::Result<(), ::cio::Violation> {
            ::cio::__private::field_text::<
                ::core::option::Option<::std::string::String>,
            >(
                &self.email,
                "email",
                ::cio::__private::TextKind::Email,
                ::core::option::Option::None,
            )?;
            ::cio::__private::field_text::<
                ::core::option::Option<::std::string::String>,
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
/// What events.toml declares, as data: for tools, tests and dashboards.
pub mod taxonomy {
    /// Every event name, in declaration order.
    pub const EVENTS: &[&str] = &["signed_up"];
    /// Every profile attribute, in declaration order.
    pub const ATTRIBUTES: &[&str] = &["email", "nickname"];
    /// Per event, the data fields its campaigns' Liquid reads (always sent).
    pub const LIQUID_VARIABLES: &[(&str, &[&str])] = &[("signed_up", &["method"])];
    /// Every campaign: its name, its trigger event, and the messages it sends.
    pub const CAMPAIGNS: &[(&str, &str, &[&str])] = &[
        ("onboarding", "signed_up", &["welcome"]),
    ];
    /// Every message name.
    pub const MESSAGES: &[&str] = &["welcome"];
}
