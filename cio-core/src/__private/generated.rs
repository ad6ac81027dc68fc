//! What `cio::taxonomy!()` expands to.
//!
//! The proc macro emits one short call per enum and per struct (a few tokens per
//! field); these `macro_rules!`, which rustc expands natively, write the items and
//! impls. Types generated from `events.toml` are correct by construction, so the
//! checks here dispatch on the generated types themselves (no typed assertions,
//! unlike the derives, which check the app's own types).

use serde::ser::SerializeStruct;
use serde::Serialize;

use super::{Numbers, Object, Texts, Timestamps};
use crate::{Timestamp, Violation};

/// A value of a generated field, written into its struct's JSON object.
pub trait WireValue: Serialize {
    /// Writes the value under `key`; an absent optional value writes nothing.
    fn write<S: SerializeStruct>(&self, state: &mut S, key: &'static str) -> Result<(), S::Error> {
        state.serialize_field(key, self)
    }
}
impl WireValue for String {}
impl WireValue for i64 {}
impl WireValue for f64 {}
impl WireValue for bool {}
impl WireValue for Timestamp {}
impl WireValue for Object {}
impl<T: Serialize> WireValue for Vec<T> {}
impl<T: WireValue> WireValue for Option<T> {
    fn write<S: SerializeStruct>(&self, state: &mut S, key: &'static str) -> Result<(), S::Error> {
        match self {
            Some(value) => state.serialize_field(key, value),
            None => state.skip_field(key),
        }
    }
}

/// The run-time checks of generated fields, named as the proc macro emits them.
pub mod check {
    use super::{Numbers, Texts, Timestamps, Violation};
    use crate::constraint::{
        check_email, check_finite, check_max, check_max_length, check_min, check_timestamp,
        check_url,
    };

    /// The declared `min`, `max` and `max_length` of a field.
    #[derive(Debug, Clone, Copy)]
    pub struct Limits {
        min: Option<f64>,
        max: Option<f64>,
        max_length: Option<u64>,
    }

    impl Limits {
        /// No limit declared.
        pub const NONE: Self = Self {
            min: None,
            max: None,
            max_length: None,
        };

        /// Limits from optional values.
        pub(crate) const fn new(
            min: Option<f64>,
            max: Option<f64>,
            max_length: Option<u64>,
        ) -> Self {
            Self {
                min,
                max,
                max_length,
            }
        }

        /// Sets `min`.
        pub const fn min(self, min: f64) -> Self {
            Self {
                min: Some(min),
                ..self
            }
        }

        /// Sets `max`.
        pub const fn max(self, max: f64) -> Self {
            Self {
                max: Some(max),
                ..self
            }
        }

        fn check_length(self, field: &str, text: &str) -> Result<(), Violation> {
            match self.max_length {
                Some(max) => check_max_length(field, text, max),
                None => Ok(()),
            }
        }

        fn check_bounds(self, field: &str, n: f64) -> Result<(), Violation> {
            if let Some(min) = self.min {
                check_min(field, n, min)?;
            }
            if let Some(max) = self.max {
                check_max(field, n, max)?;
            }
            Ok(())
        }

        /// Sets `max_length`.
        pub const fn max_length(self, max_length: u64) -> Self {
            Self {
                max_length: Some(max_length),
                ..self
            }
        }
    }

    /// `string`: its `max_length`.
    pub fn text<T: Texts + ?Sized>(
        value: &T,
        field: &str,
        limits: Limits,
    ) -> Result<(), Violation> {
        value.each_text(&mut |text| limits.check_length(field, text))
    }

    /// `email`: an address, within its `max_length`.
    pub fn email<T: Texts + ?Sized>(
        value: &T,
        field: &str,
        limits: Limits,
    ) -> Result<(), Violation> {
        value.each_text(&mut |text| {
            check_email(field, text)?;
            limits.check_length(field, text)
        })
    }

    /// `url`: an absolute URL, within its `max_length`.
    pub fn url<T: Texts + ?Sized>(value: &T, field: &str, limits: Limits) -> Result<(), Violation> {
        value.each_text(&mut |text| {
            check_url(field, text)?;
            limits.check_length(field, text)
        })
    }

    /// `int`: within its `min` and `max`.
    pub fn int<T: Numbers + ?Sized>(
        value: &T,
        field: &str,
        limits: Limits,
    ) -> Result<(), Violation> {
        value.each_number(&mut |n| limits.check_bounds(field, n))
    }

    /// `float`: finite, within its `min` and `max`.
    pub fn float<T: Numbers + ?Sized>(
        value: &T,
        field: &str,
        limits: Limits,
    ) -> Result<(), Violation> {
        value.each_number(&mut |n| {
            check_finite(field, n)?;
            limits.check_bounds(field, n)
        })
    }

    /// `timestamp`: seconds, not milliseconds.
    pub fn timestamp<T: Timestamps + ?Sized>(
        value: &T,
        field: &str,
        _limits: Limits,
    ) -> Result<(), Violation> {
        value.each_timestamp(&mut |t| check_timestamp(field, t))
    }

    /// `bool`, `object` and enums: nothing to check at run time.
    pub fn any<T: ?Sized>(_value: &T, _field: &str, _limits: Limits) -> Result<(), Violation> {
        Ok(())
    }
}

/// The Rust type of an `events.toml` type, written as the proc macro emits it:
/// `string`, `int`, `[email]`, `?timestamp`, or a generated enum's name.
#[doc(hidden)]
#[macro_export]
macro_rules! __cio_ty {
    (? $($rest:tt)+) => { ::core::option::Option<$crate::__private::ty!($($rest)+)> };
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

/// A generated enum: the type, its constants, and every impl.
///
/// `#[doc..] Name = "events.toml name" { Variant = "wire", ... }`
#[doc(hidden)]
#[macro_export]
macro_rules! __cio_enum {
    (
        $(#[$attr:meta])*
        $name:ident = $enum_name:literal { $($variant:ident = $wire:literal,)* }
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

        const _: () = {
            #[automatically_derived]
            impl $crate::Enum for $name {
                const NAME: &'static str = $enum_name;
                const VALUES: &'static [&'static str] = &[$($wire),*];
                fn as_str(&self) -> &'static str {
                    Self::as_str(*self)
                }
            }

            #[automatically_derived]
            impl $crate::__private::CarriesEnum for $name {
                type Enum = Self;
            }

            #[automatically_derived]
            impl $crate::__private::WireValue for $name {}

            #[automatically_derived]
            impl $crate::__private::serde::Serialize for $name {
                fn serialize<__S: $crate::__private::serde::Serializer>(
                    &self,
                    serializer: __S,
                ) -> ::core::result::Result<__S::Ok, __S::Error> {
                    $crate::__private::serde::Serializer::serialize_str(serializer, Self::as_str(*self))
                }
            }

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

/// A generated struct (an event or a profile) with its `Serialize` impl and its
/// `Event` or `Attributes` impl.
///
/// `#[doc..] Name: Event "name" ["liquid", ...] { #[doc..] field "wire" (type) check limit = value ...; ... }`
/// or `Name: Attributes { ... }`.
#[doc(hidden)]
#[macro_export]
macro_rules! __cio_record {
    (
        $(#[$attr:meta])*
        $name:ident: $trait:ident $($event:literal [$($liquid:literal),*])? {
            $(
                $(#[$field_attr:meta])*
                $field:ident $wire:literal $ty:tt $check:ident $($limit:ident = $value:literal)*;
            )*
        }
    ) => {
        $(#[$attr])*
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
        pub struct $name {
            $($(#[$field_attr])* pub $field: $crate::__private::ty! $ty,)*
        }

        #[allow(deprecated)]
        const _: () = {
            #[automatically_derived]
            impl $crate::__private::serde::Serialize for $name {
                fn serialize<__S: $crate::__private::serde::Serializer>(
                    &self,
                    serializer: __S,
                ) -> ::core::result::Result<__S::Ok, __S::Error> {
                    let mut state = $crate::__private::serde::Serializer::serialize_struct(
                        serializer,
                        ::core::stringify!($name),
                        <[&str]>::len(&[$($wire),*]),
                    )?;
                    $($crate::__private::WireValue::write(&self.$field, &mut state, $wire)?;)*
                    $crate::__private::serde::ser::SerializeStruct::end(state)
                }
            }

            #[automatically_derived]
            impl $crate::$trait for $name {
                $(
                    const NAME: &'static str = $event;
                    const LIQUID_FIELDS: &'static [&'static str] = &[$($liquid),*];
                )?
                fn validate(&self) -> ::core::result::Result<(), $crate::Violation> {
                    $(
                        $crate::__private::check::$check(
                            &self.$field,
                            $wire,
                            $crate::__private::check::Limits::NONE $(.$limit($value))*,
                        )?;
                    )*
                    ::core::result::Result::Ok(())
                }
            }
        };
    };
}
