//! What `cio::taxonomy!()` and the derives expand to.
//!
//! cio-codegen writes one short call per enum and per struct (a few tokens per
//! field); these `macro_rules!`, which rustc expands natively, write the items and
//! every impl. `taxonomy!()` calls [`record!`](crate::__private::record) and
//! [`enumeration!`](crate::__private::enumeration), which define the type and then
//! call the same [`record_impls!`](crate::__private::record_impls) and
//! [`enum_impls!`](crate::__private::enum_impls) that the derives call for the app's
//! own types.
//!
//! A field is written `ident "wire" presence (type) #pii? each* => check limit = value*;`:
//! `presence` is `opt` (an `Option`, skipped when `None`) or `req`; `#pii` (generated
//! structs only) marks personal data, which their `Debug` prints as `"<redacted>"`; `type` is what
//! the check is instantiated with: `_` for generated fields (right by construction),
//! the app's own type for derives, spanned there, so that a wrong type is reported
//! on the field; one `each` per list level; `check` is a `field_*` function of
//! `cio::__private` and the limits are the `Limits` setters (`min`, `max`,
//! `max_length`).

/// The Rust type of an `events.toml` type, written as the proc macro emits it:
/// `string`, `int`, `[email]`, `?timestamp`, `opt (int)`, or a generated enum's name.
#[doc(hidden)]
#[macro_export]
macro_rules! __cio_ty {
    (opt $($rest:tt)+) => { ::core::option::Option<$crate::__private::ty!($($rest)+)> };
    (req $($rest:tt)+) => { $crate::__private::ty!($($rest)+) };
    (? $($rest:tt)+) => { ::core::option::Option<$crate::__private::ty!($($rest)+)> };
    (($($inner:tt)+)) => { $crate::__private::ty!($($inner)+) };
    ([$($inner:tt)+]) => { ::std::vec::Vec<$crate::__private::ty!($($inner)+)> };
    (string) => { ::std::string::String };
    (email) => { ::std::string::String };
    (url) => { ::std::string::String };
    (int) => { i64 };
    (float) => { f64 };
    (bool) => { bool };
    (timestamp) => { $crate::Timestamp };
    (object) => { $crate::__private::Object };
    ($enum:ident) => { $enum };
}

/// A generated enum: the type, its constants, `Display` and `FromStr`, then the
/// impls every taxonomy enum has ([`enum_impls!`](crate::__private::enum_impls)).
///
/// `#[doc..] Name [] [] [] = "events.toml name" { Variant = "wire", ... }`
#[doc(hidden)]
#[macro_export]
macro_rules! __cio_enum {
    (
        $(#[$attr:meta])*
        $name:ident [] [] [] = $enum_name:literal { $($variant:ident = $wire:literal,)* }
    ) => {
        $(#[$attr])*
        #[derive(
            ::core::fmt::Debug,
            ::core::clone::Clone,
            ::core::marker::Copy,
            ::core::cmp::PartialEq,
            ::core::cmp::Eq,
            ::core::hash::Hash,
        )]
        pub enum $name {
            $(#[doc = ::core::concat!(" Sent as `\"", $wire, "\"`.")] $variant,)*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: [Self; <[&str]>::len(&[$($wire),*])] = [$(Self::$variant),*];

            /// The exact string sent to Customer.io.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $wire,)*
                }
            }
        }

        $crate::__private::enum_impls! { $name [] [] [] = $enum_name { $($variant = $wire,)* } }

        const _: () = {
            #[automatically_derived]
            impl ::core::fmt::Display for $name {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.write_str(Self::as_str(*self))
                }
            }

            #[automatically_derived]
            impl ::core::str::FromStr for $name {
                type Err = $crate::__private::UnknownEnumValue;
                fn from_str(text: &str) -> ::core::result::Result<Self, Self::Err> {
                    match text {
                        $($wire => ::core::result::Result::Ok(Self::$variant),)*
                        _ => ::core::result::Result::Err(
                            $crate::__private::unknown_enum_value::<Self>(text),
                        ),
                    }
                }
            }
        };
    };
}

/// The impls of every taxonomy enum, generated or derived: `cio::Enum`, the carry
/// marker, and `Serialize` as the exact string.
///
/// `Name [impl generics] [type generics] [where clause] = "events.toml name" { Variant = "wire", ... }`;
/// `@stub Name [..] [..] [..] = "name"` implements them with no values, for a derive
/// that failed (so that uses of the type add no errors of their own).
#[doc(hidden)]
#[macro_export]
macro_rules! __cio_enum_impls {
    (
        $name:ident [$($impl_gen:tt)*] [$($ty_gen:tt)*] [$($where:tt)*]
        = $enum_name:literal { $($variant:ident = $wire:literal,)* }
    ) => {
        $crate::__private::enum_impls! {
            @impls $name [$($impl_gen)*] [$($ty_gen)*] [$($where)*] = $enum_name [$($wire),*] {
                fn as_str(&self) -> &'static str {
                    match *self {
                        $(Self::$variant => $wire,)*
                    }
                }
            }
        }
    };
    (@stub $name:ident [$($impl_gen:tt)*] [$($ty_gen:tt)*] [$($where:tt)*] = $enum_name:literal) => {
        $crate::__private::enum_impls! {
            @impls $name [$($impl_gen)*] [$($ty_gen)*] [$($where)*] = $enum_name [] {
                fn as_str(&self) -> &'static str {
                    ""
                }
            }
        }
    };
    (
        @impls $name:ident [$($impl_gen:tt)*] [$($ty_gen:tt)*] [$($where:tt)*]
        = $enum_name:literal [$($wire:literal),*] { $($as_str:tt)* }
    ) => {
        const _: () = {
            #[automatically_derived]
            impl $($impl_gen)* $crate::__private::Enum for $name $($ty_gen)* $($where)* {
                const NAME: &'static str = $enum_name;
                const VALUES: &'static [&'static str] = &[$($wire),*];
                $($as_str)*
            }

            #[automatically_derived]
            impl $($impl_gen)* $crate::__private::CarriesEnum for $name $($ty_gen)* $($where)* {
                type Enum = Self;
            }

            #[automatically_derived]
            impl $($impl_gen)* $crate::__private::serde::Serialize for $name $($ty_gen)* $($where)* {
                fn serialize<__S: $crate::__private::serde::Serializer>(
                    &self,
                    serializer: __S,
                ) -> ::core::result::Result<__S::Ok, __S::Error> {
                    $crate::__private::serde::Serializer::serialize_str(
                        serializer,
                        <Self as $crate::__private::Enum>::as_str(self),
                    )
                }
            }
        };
    };
}

/// A generated struct (an event or a profile): the struct, then its impls
/// ([`record_impls!`](crate::__private::record_impls)) over the declared types.
///
/// `#[doc..] Name [] [] []: Event "name" ["liquid", ...] { #[doc..] field "wire" req (type) => check limit = value ...; ... }`
/// or `Name [] [] []: Attributes { ... }`, or with the trait's other items
/// `Name [] [] []: ObjectType with { const NAME: &'static str = "company"; ... } { ... }`;
/// `type` is an `events.toml` type as [`ty!`](crate::__private::ty) takes it.
#[doc(hidden)]
#[macro_export]
macro_rules! __cio_record {
    // The field's name as `derive(Debug)` writes it (`type`, not `r#type`).
    (@debug $out:ident $value:ident $field:ident) => {
        $out.field(::core::stringify!($field).trim_start_matches("r#"), &$value.$field);
    };
    (@debug $out:ident $value:ident $field:ident pii) => {
        $out.field(::core::stringify!($field).trim_start_matches("r#"), &"<redacted>");
    };
    (
        $(#[$attr:meta])*
        $name:ident [] [] []: $trait:ident $($event:literal [$($liquid:literal),*])?
        $(with { $($assoc:tt)* })? {
            $(
                $(#[$field_attr:meta])*
                $field:ident $wire:literal $presence:ident $ty:tt $(#$pii:ident)? $($each:ident)* => $check:ident $($limit:ident = $value:literal)*;
            )*
        }
    ) => {
        $(#[$attr])*
        #[derive(::core::clone::Clone, ::core::cmp::PartialEq)]
        pub struct $name {
            $($(#[$field_attr])* pub $field: $crate::__private::ty!($presence $ty),)*
        }

        #[allow(deprecated)]
        const _: () = {
            #[automatically_derived]
            impl ::core::fmt::Debug for $name {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    let mut out = f.debug_struct(::core::stringify!($name));
                    $($crate::__private::record!(@debug out self $field $($pii)?);)*
                    out.finish()
                }
            }
        };

        $crate::__private::record_impls! {
            $name [] [] []: $trait $($event [$($liquid),*])? $(with { $($assoc)* })? {
                $($field $wire $presence (_) $($each)* => $check $($limit = $value)*;)*
            }
        }
    };
}

/// The impls of a struct sent to Customer.io, generated or derived: `Serialize` (an
/// object with each field under its wire name, `None` omitted) and `cio::Event` or
/// `cio::Attributes`, whose `validate` runs every field's check.
///
/// `Name [impl generics] [type generics] [where clause]: Event "name" ["liquid", ...] { field "wire" opt (type) each* => check limit = value ...; ... }`
/// (or `: Trait with { items } { ... }`, the trait's items besides `validate`)
#[doc(hidden)]
#[macro_export]
macro_rules! __cio_record_impls {
    (
        $name:ident [$($impl_gen:tt)*] [$($ty_gen:tt)*] [$($where:tt)*]
        : $trait:ident $($event:literal [$($liquid:literal),*])? $(with { $($assoc:tt)* })? {
            $(
                $field:ident $wire:literal $presence:ident ($($ty:tt)*) $($each:ident)* => $check:ident $($limit:ident = $value:literal)*;
            )*
        }
    ) => {
        #[allow(deprecated)]
        const _: () = {
            #[automatically_derived]
            impl $($impl_gen)* $crate::__private::serde::Serialize for $name $($ty_gen)* $($where)* {
                fn serialize<__S: $crate::__private::serde::Serializer>(
                    &self,
                    serializer: __S,
                ) -> ::core::result::Result<__S::Ok, __S::Error> {
                    let mut state = $crate::__private::serde::Serializer::serialize_struct(
                        serializer,
                        ::core::stringify!($name),
                        <[&str]>::len(&[$($wire),*]),
                    )?;
                    $($crate::__private::record_impls!(@write $presence state (&self.$field) $wire);)*
                    $crate::__private::serde::ser::SerializeStruct::end(state)
                }
            }

            #[automatically_derived]
            impl $($impl_gen)* $crate::__private::$trait for $name $($ty_gen)* $($where)* {
                $(
                    const NAME: &'static str = $event;
                    const LIQUID_FIELDS: &'static [&'static str] = &[$($liquid),*];
                )?
                $($($assoc)*)?
                fn validate(&self) -> ::core::result::Result<(), $crate::__private::Violation> {
                    $(
                        $crate::__private::record_impls!(
                            @check (&self.$field) ($($ty)*) $($each)* => $check $wire
                            [$crate::__private::Limits::NONE $(.$limit($value))*]
                        );
                    )*
                    ::core::result::Result::Ok(())
                }
            }
        };
    };
    (@write req $state:ident ($value:expr) $wire:literal) => {
        $crate::__private::serde::ser::SerializeStruct::serialize_field(&mut $state, $wire, $value)?
    };
    (@write opt $state:ident ($value:expr) $wire:literal) => {
        match $value {
            ::core::option::Option::Some(value) => {
                $crate::__private::serde::ser::SerializeStruct::serialize_field(&mut $state, $wire, value)?
            }
            ::core::option::Option::None => {
                $crate::__private::serde::ser::SerializeStruct::skip_field(&mut $state, $wire)?
            }
        }
    };
    (@check ($value:expr) ($($ty:tt)*) => $check:ident $wire:literal [$limits:expr]) => {
        $crate::__private::$check::<$($ty)*>($value, $wire, $limits)?
    };
    (@check ($value:expr) (_) each $($each:ident)* => $check:ident $wire:literal [$limits:expr]) => {
        for item in $crate::__private::CarriesList::items($value) {
            $crate::__private::record_impls!(@check (item) (_) $($each)* => $check $wire [$limits]);
        }
    };
    (@check ($value:expr) ($($ty:tt)*) each $($each:ident)* => $check:ident $wire:literal [$limits:expr]) => {
        for item in $crate::__private::CarriesList::items($value) {
            $crate::__private::record_impls!(
                @check (item) (<$($ty)* as $crate::__private::CarriesList>::Item) $($each)* => $check $wire [$limits]
            );
        }
    };
}

/// What a transactional message or a broadcast adds to its data struct (a
/// [`record!`](crate::__private::record) of `MessageData`): its name, id and channel.
///
/// `transactional Name = "name" id = Number(12) | Name("x"), channel = Email` or
/// `broadcast Name = "name" id = 42`.
#[doc(hidden)]
#[macro_export]
macro_rules! __cio_app_message {
    (transactional $name:ident = $message:literal id = $kind:ident ($id:literal), channel = $channel:ident) => {
        #[automatically_derived]
        impl $crate::__private::TransactionalMessage for $name {
            const NAME: &'static str = $message;
            const ID: $crate::__private::TransactionalId =
                $crate::__private::TransactionalId::$kind($id);
            const CHANNEL: $crate::__private::MessageChannel =
                $crate::__private::MessageChannel::$channel;
        }
    };
    (broadcast $name:ident = $message:literal id = $id:literal) => {
        #[automatically_derived]
        impl $crate::__private::Broadcast for $name {
            const NAME: &'static str = $message;
            const ID: u64 = $id;
        }
    };
}
