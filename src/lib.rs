#![doc = include_str!("../README.md")]

// Generated code names this crate `::cio`; inside it (doctests, examples) too.
#[allow(unused_extern_crates)]
extern crate self as cio;

pub use cio_core::*;
pub use cio_derive::{taxonomy, Attributes, Enum, Event};
