//! Support for generated code: not public API.
