//! [`Customer`]: who a call is about, by id, email or `cio_id`.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};

use super::error::{check_limit, Error, Limit};

/// Everything but the unreserved characters of RFC 3986 (`A-Z a-z 0-9 - . _ ~`) is
/// percent-encoded, so no identifier can change the request path.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// How a [`Customer`] is identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentifierKind {
    /// The workspace's `id`.
    Id,
    /// The email address (when the workspace identifies people by email).
    Email,
    /// Customer.io's own `cio_id` (to change someone's id or email).
    CioId,
}

impl IdentifierKind {
    /// The key of this identifier in v2 `identifiers` and in `merge_customers`.
    pub const fn key(self) -> &'static str {
        match self {
            IdentifierKind::Id => "id",
            IdentifierKind::Email => "email",
            IdentifierKind::CioId => "cio_id",
        }
    }
}

/// A person in Customer.io, named by id, email or `cio_id`.
///
/// ```
/// use cio_core::client::Customer;
/// assert_eq!(Customer::id("a b/c").path_segment(), "a%20b%2Fc");
/// assert_eq!(Customer::cio_id("03a4").path_segment(), "cio_03a4");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Customer {
    kind: IdentifierKind,
    value: String,
}

impl Customer {
    /// The customer with this `id`.
    pub fn id(id: impl Into<String>) -> Self {
        Customer {
            kind: IdentifierKind::Id,
            value: id.into(),
        }
    }

    /// The customer with this email address.
    pub fn email(email: impl Into<String>) -> Self {
        Customer {
            kind: IdentifierKind::Email,
            value: email.into(),
        }
    }

    /// The customer with this `cio_id` (without the `cio_` prefix).
    pub fn cio_id(cio_id: impl Into<String>) -> Self {
        Customer {
            kind: IdentifierKind::CioId,
            value: cio_id.into(),
        }
    }

    /// How this customer is identified.
    pub fn kind(&self) -> IdentifierKind {
        self.kind
    }

    /// The identifier's value (for a `cio_id`, without the `cio_` prefix).
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The identifier as it appears in a v1 path, percent-encoded (`cio_` + the id for
    /// a `cio_id`).
    pub fn path_segment(&self) -> String {
        let encoded = percent_encoding::utf8_percent_encode(&self.value, PATH_SEGMENT);
        match self.kind {
            IdentifierKind::CioId => format!("cio_{encoded}"),
            IdentifierKind::Id | IdentifierKind::Email => encoded.to_string(),
        }
    }

    /// Checks that the identifier can be sent: not empty, not `.` or `..`, at most 150
    /// bytes (UTF-8 bytes, not characters: 75 `é` fit, 76 do not), no control character
    /// (NUL, tab, newline, ... `U+0000`–`U+001F`, `U+007F`), and a `cio_id` made of
    /// ASCII letters and digits only.
    ///
    /// Anything else is sent as given, spaces and non-ASCII included: `/`, `?`, `#`, `%`
    /// and `..` inside an identifier are percent-encoded in the path, so they reach the
    /// customer named and never another path.
    ///
    /// ```
    /// use cio_core::client::{Customer, Error};
    /// assert!(Customer::id("a/../b?c#d%e f").validate().is_ok());
    /// assert!(Customer::id("é".repeat(75)).validate().is_ok());
    /// assert!(matches!(Customer::id("a\0b").validate(), Err(Error::InvalidIdentifier(_))));
    /// assert!(matches!(Customer::id("é".repeat(76)).validate(), Err(Error::Limit { size: 152, .. })));
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        if self.value.is_empty() {
            return Err(Error::InvalidIdentifier(format!(
                "the customer's {} is empty",
                self.kind.key()
            )));
        }
        if self.value == "." || self.value == ".." {
            // URL parsers resolve these (even percent-encoded) as dot segments.
            return Err(Error::InvalidIdentifier(format!(
                "`{}` cannot name a customer in a URL path",
                self.value
            )));
        }
        check_limit(Limit::Identifier, self.value.len(), Some(self.kind.key()))?;
        if let Some(control) = self.value.chars().find(char::is_ascii_control) {
            return Err(Error::InvalidIdentifier(format!(
                "the customer's {} contains the control character {:?}",
                self.kind.key(),
                control
            )));
        }
        if self.kind == IdentifierKind::CioId
            && !self.value.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            // The value is not shown: it may be an email address given by mistake.
            return Err(Error::InvalidIdentifier(
                "the customer's cio_id is not ASCII letters and digits".to_owned(),
            ));
        }
        Ok(())
    }

    /// The key that orders this person's operations: a stable 64-bit FNV-1a hash of
    /// `<kind>:<value>` (the same in every build and process, so relays of different
    /// versions agree). Two people sharing a key only wait for each other; the same
    /// person named by another identifier (email instead of id) has another key.
    pub(crate) fn ordering_key(&self) -> i64 {
        let bytes = self
            .kind
            .key()
            .bytes()
            .chain(std::iter::once(b':'))
            .chain(self.value.bytes());
        fnv1a(bytes)
    }

    /// Writes `{"<kind>":"<value>"}` (v2 `identifiers`, merge sides).
    pub(crate) fn write_identifiers(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        out.push(b'{');
        out.push(b'"');
        out.extend_from_slice(self.kind.key().as_bytes());
        out.extend_from_slice(b"\":");
        super::body::write_json(out, self.value.as_str())?;
        out.push(b'}');
        Ok(())
    }
}

/// FNV-1a of `bytes`, as the ordering keys stored in the outbox (the same value on
/// every build and machine).
pub(crate) fn fnv1a(bytes: impl Iterator<Item = u8>) -> i64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let hash = bytes.fold(OFFSET, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    });
    i64::from_ne_bytes(hash.to_ne_bytes())
}

impl fmt::Debug for Customer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Customer::{}({:?})", self.kind.key(), self.value)
    }
}

impl fmt::Display for Customer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} `{}`", self.kind.key(), self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reserved_character_is_encoded() {
        let c = Customer::id("a/b?c#d%e f+g@h.i~j_k-l");
        assert_eq!(c.path_segment(), "a%2Fb%3Fc%23d%25e%20f%2Bg%40h.i~j_k-l");
        assert_eq!(Customer::email("jö@x.de").path_segment(), "j%C3%B6%40x.de");
        assert!(matches!(
            Customer::id("..").validate(),
            Err(Error::InvalidIdentifier(_))
        ));
    }

    #[test]
    fn ordering_keys_are_stable_and_tell_kinds_apart() {
        // FNV-1a of "id:42": the value every build must keep computing.
        assert_eq!(Customer::id("42").ordering_key(), 5_316_306_107_104_545_332);
        assert_ne!(
            Customer::id("a").ordering_key(),
            Customer::email("a").ordering_key()
        );
    }

    #[test]
    fn validation() {
        assert!(Customer::id("x").validate().is_ok());
        assert!(matches!(
            Customer::id("").validate(),
            Err(Error::InvalidIdentifier(_))
        ));
        assert!(matches!(
            Customer::id("x".repeat(151)).validate(),
            Err(Error::Limit {
                limit: Limit::Identifier,
                size: 151,
                max: 150,
                ..
            })
        ));
        assert!(Customer::cio_id("abc123").validate().is_ok());
        assert!(Customer::cio_id("ab/c").validate().is_err());
    }
}
