//! Names: Rust identifiers and UpperCamelCase conversion. (Being written.)
