//! Visiting the values inside a field (through `Option`, references, boxes and
//! lists) for its run-time checks, and the declared limits they check against.

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use crate::constraint::{check_max, check_max_length, check_min, Violation};
use crate::Timestamp;

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

    /// Sets `max_length`.
    pub const fn max_length(self, max_length: u64) -> Self {
        Self {
            max_length: Some(max_length),
            ..self
        }
    }

    /// Checks `text` against `max_length`.
    pub(crate) fn check_length(self, field: &str, text: &str) -> Result<(), Violation> {
        match self.max_length {
            Some(max) => check_max_length(field, text, max),
            None => Ok(()),
        }
    }

    /// Checks `n` against `min` and `max`.
    pub(crate) fn check_bounds(self, field: &str, n: f64) -> Result<(), Violation> {
        if let Some(min) = self.min {
            check_min(field, n, min)?;
        }
        if let Some(max) = self.max {
            check_max(field, n, max)?;
        }
        Ok(())
    }
}

/// Values holding text, visited for `email`/`url`/`max_length` checks.
pub trait Texts {
    /// Calls `check` on every text in the value (none for `None`).
    fn each_text(
        &self,
        check: &mut dyn FnMut(&str) -> Result<(), Violation>,
    ) -> Result<(), Violation>;
}
impl Texts for str {
    fn each_text(
        &self,
        check: &mut dyn FnMut(&str) -> Result<(), Violation>,
    ) -> Result<(), Violation> {
        check(self)
    }
}
impl Texts for String {
    fn each_text(
        &self,
        check: &mut dyn FnMut(&str) -> Result<(), Violation>,
    ) -> Result<(), Violation> {
        check(self)
    }
}
impl Texts for Cow<'_, str> {
    fn each_text(
        &self,
        check: &mut dyn FnMut(&str) -> Result<(), Violation>,
    ) -> Result<(), Violation> {
        check(self)
    }
}
impl Texts for Arc<str> {
    fn each_text(
        &self,
        check: &mut dyn FnMut(&str) -> Result<(), Violation>,
    ) -> Result<(), Violation> {
        check(self)
    }
}
impl Texts for Rc<str> {
    fn each_text(
        &self,
        check: &mut dyn FnMut(&str) -> Result<(), Violation>,
    ) -> Result<(), Violation> {
        check(self)
    }
}

/// Values holding numbers, visited for `min`/`max` and finiteness checks.
pub trait Numbers {
    /// Calls `check` on every number in the value (none for `None`).
    fn each_number(
        &self,
        check: &mut dyn FnMut(f64) -> Result<(), Violation>,
    ) -> Result<(), Violation>;
}
macro_rules! numbers {
    ($($ty:ty),*) => {$(
        impl Numbers for $ty {
            fn each_number(&self, check: &mut dyn FnMut(f64) -> Result<(), Violation>) -> Result<(), Violation> {
                check(f64::from(*self))
            }
        }
    )*};
}
numbers!(i32, i16, i8, u32, u16, u8, f64, f32);
impl Numbers for i64 {
    fn each_number(
        &self,
        check: &mut dyn FnMut(f64) -> Result<(), Violation>,
    ) -> Result<(), Violation> {
        #[allow(clippy::cast_precision_loss)] // bounds are f64 in events.toml too
        check(*self as f64)
    }
}

/// Values holding timestamps, visited for the seconds-not-milliseconds check.
pub trait Timestamps {
    /// Calls `check` on every timestamp in the value (none for `None`).
    fn each_timestamp(
        &self,
        check: &mut dyn FnMut(Timestamp) -> Result<(), Violation>,
    ) -> Result<(), Violation>;
}
impl Timestamps for Timestamp {
    fn each_timestamp(
        &self,
        check: &mut dyn FnMut(Timestamp) -> Result<(), Violation>,
    ) -> Result<(), Violation> {
        check(*self)
    }
}

macro_rules! containers {
    ($trait:ident, $method:ident, $arg:ty) => {
        impl<T: $trait + ?Sized> $trait for &T {
            fn $method(
                &self,
                check: &mut dyn FnMut($arg) -> Result<(), Violation>,
            ) -> Result<(), Violation> {
                (**self).$method(check)
            }
        }
        impl<T: $trait + ?Sized> $trait for Box<T> {
            fn $method(
                &self,
                check: &mut dyn FnMut($arg) -> Result<(), Violation>,
            ) -> Result<(), Violation> {
                (**self).$method(check)
            }
        }
        impl<T: $trait> $trait for Option<T> {
            fn $method(
                &self,
                check: &mut dyn FnMut($arg) -> Result<(), Violation>,
            ) -> Result<(), Violation> {
                match self {
                    Some(value) => value.$method(check),
                    None => Ok(()),
                }
            }
        }
        impl<T: $trait> $trait for [T] {
            fn $method(
                &self,
                check: &mut dyn FnMut($arg) -> Result<(), Violation>,
            ) -> Result<(), Violation> {
                self.iter().try_for_each(|value| value.$method(&mut *check))
            }
        }
        impl<T: $trait, const N: usize> $trait for [T; N] {
            fn $method(
                &self,
                check: &mut dyn FnMut($arg) -> Result<(), Violation>,
            ) -> Result<(), Violation> {
                self.iter().try_for_each(|value| value.$method(&mut *check))
            }
        }
        impl<T: $trait> $trait for Vec<T> {
            fn $method(
                &self,
                check: &mut dyn FnMut($arg) -> Result<(), Violation>,
            ) -> Result<(), Violation> {
                self.iter().try_for_each(|value| value.$method(&mut *check))
            }
        }
    };
}
containers!(Texts, each_text, &str);
containers!(Numbers, each_number, f64);
containers!(Timestamps, each_timestamp, Timestamp);
