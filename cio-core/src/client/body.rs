//! Writing request bodies once, as bytes, and measuring their top-level members
//! without building a `serde_json::Value`.

use super::error::Error;

/// Appends `value` as compact JSON.
pub(crate) fn write_json<T: serde::Serialize + ?Sized>(
    out: &mut Vec<u8>,
    value: &T,
) -> Result<(), Error> {
    serde_json::to_writer(&mut *out, value).map_err(|e| Error::Serialize(e.to_string()))
}

fn malformed() -> Error {
    Error::Serialize("the serializer produced malformed JSON".to_owned())
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// `i` is at an opening quote; returns the index just past the closing one.
fn end_of_string(b: &[u8], i: usize) -> Result<usize, Error> {
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return Ok(j + 1),
            _ => j += 1,
        }
    }
    Err(malformed())
}

/// `i` is at the start of a value; returns the index just past it.
fn end_of_value(b: &[u8], i: usize) -> Result<usize, Error> {
    match b.get(i) {
        Some(b'"') => end_of_string(b, i),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = end_of_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Ok(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            Err(malformed())
        }
        Some(_) => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']') && !b[j].is_ascii_whitespace()
            {
                j += 1;
            }
            Ok(j)
        }
        None => Err(malformed()),
    }
}

/// Calls `f(key, value)` for each member of the JSON object `b` (the key without its
/// quotes, still escaped; the value's raw bytes). Returns `Ok(None)` when `b` is not
/// an object, otherwise the number of members.
pub(crate) fn for_each_member(
    b: &[u8],
    mut f: impl FnMut(&[u8], &[u8]) -> Result<(), Error>,
) -> Result<Option<usize>, Error> {
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return Ok(None);
    }
    i = skip_ws(b, i + 1);
    let mut count = 0;
    if b.get(i) == Some(&b'}') {
        return Ok(Some(0));
    }
    loop {
        if b.get(i) != Some(&b'"') {
            return Err(malformed());
        }
        let key_end = end_of_string(b, i)?;
        let key = &b[i + 1..key_end - 1];
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return Err(malformed());
        }
        let start = skip_ws(b, i + 1);
        let end = end_of_value(b, start)?;
        f(key, &b[start..end])?;
        count += 1;
        i = skip_ws(b, end);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b'}') => return Ok(Some(count)),
            _ => return Err(malformed()),
        }
    }
}

/// The decoded text of an escaped JSON key.
pub(crate) fn key_text(key: &[u8]) -> String {
    if !key.contains(&b'\\') {
        return String::from_utf8_lossy(key).into_owned();
    }
    let mut quoted = Vec::with_capacity(key.len() + 2);
    quoted.push(b'"');
    quoted.extend_from_slice(key);
    quoted.push(b'"');
    serde_json::from_slice::<String>(&quoted)
        .unwrap_or_else(|_| String::from_utf8_lossy(key).into_owned())
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
    fn members_of_nested_objects() {
        let json = br#"{"a":1,"b\"c":{"x":[1,{"y":"}"}]},"d":"s,}","e":null}"#;
        let mut seen = Vec::new();
        let n = for_each_member(json, |k, v| {
            seen.push((key_text(k), String::from_utf8(v.to_vec()).unwrap()));
            Ok(())
        })
        .unwrap();
        assert_eq!(n, Some(4));
        assert_eq!(
            seen,
            vec![
                ("a".to_owned(), "1".to_owned()),
                ("b\"c".to_owned(), r#"{"x":[1,{"y":"}"}]}"#.to_owned()),
                ("d".to_owned(), r#""s,}""#.to_owned()),
                ("e".to_owned(), "null".to_owned()),
            ]
        );
        assert_eq!(for_each_member(b"{}", |_, _| Ok(())).unwrap(), Some(0));
        assert_eq!(for_each_member(b"null", |_, _| Ok(())).unwrap(), None);
        assert_eq!(as_integer(b"1700000000"), Some(1_700_000_000));
        assert_eq!(as_integer(b"\"1\""), None);
    }
}
