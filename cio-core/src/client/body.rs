//! Small helpers for writing JSON bodies as bytes.

use super::error::Error;

/// Appends `value` as compact JSON.
pub(crate) fn write_json<T: serde::Serialize + ?Sized>(
    out: &mut Vec<u8>,
    value: &T,
) -> Result<(), Error> {
    serde_json::to_writer(&mut *out, value).map_err(|e| Error::Serialize(e.to_string()))
}

/// The integer a raw JSON value holds, if it is one.
pub(crate) fn as_integer(value: &[u8]) -> Option<i64> {
    if value.is_empty() || !value.iter().all(|c| c.is_ascii_digit() || *c == b'-') {
        return None;
    }
    std::str::from_utf8(value).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert_eq!(as_integer(b"1700000000"), Some(1_700_000_000));
        assert_eq!(as_integer(b"-5"), Some(-5));
        assert_eq!(as_integer(b"\"1\""), None);
        assert_eq!(as_integer(b"1.5"), None);
    }
}
