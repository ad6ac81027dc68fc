//! Constraints declared in `events.toml` (`min`, `max`, `max_length`, `email`, `url`),
//! checked on a value before it is sent.

use std::fmt;

/// One value that breaks a constraint of the taxonomy.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("`{field}` {problem}")]
pub struct Violation {
    /// The wire name of the field or attribute.
    pub field: String,
    /// What is wrong with its value.
    pub problem: Problem,
}

/// What is wrong with a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The number is below the declared `min`.
    BelowMin {
        /// The declared minimum.
        min: f64,
        /// The value given.
        value: f64,
    },
    /// The number is above the declared `max`.
    AboveMax {
        /// The declared maximum.
        max: f64,
        /// The value given.
        value: f64,
    },
    /// The text is longer than the declared `max_length` (in characters).
    TooLong {
        /// The declared maximum length.
        max_length: u64,
        /// The value's length in characters.
        length: u64,
    },
    /// The text is not an email address.
    NotAnEmail,
    /// The text is not an absolute `http(s)` URL.
    NotAUrl,
    /// The timestamp is in milliseconds, not seconds.
    MillisecondTimestamp {
        /// The value given.
        value: i64,
    },
    /// A number that is not finite (NaN or infinite) cannot be sent as JSON.
    NotFinite,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::BelowMin { min, value } => write!(f, "is {value}, below its minimum {min}"),
            Problem::AboveMax { max, value } => write!(f, "is {value}, above its maximum {max}"),
            Problem::TooLong { max_length, length } => write!(
                f,
                "is {length} characters long, longer than its max_length {max_length}"
            ),
            Problem::NotAnEmail => f.write_str("is not an email address"),
            Problem::NotAUrl => f.write_str("is not an absolute http(s) URL"),
            Problem::MillisecondTimestamp { value } => write!(
                f,
                "is {value}, a timestamp in milliseconds; Customer.io wants Unix seconds"
            ),
            Problem::NotFinite => f.write_str("is not a finite number"),
        }
    }
}

fn violation(field: &str, problem: Problem) -> Violation {
    Violation {
        field: field.to_string(),
        problem,
    }
}

/// Checks `value >= min`.
pub fn check_min(field: &str, value: f64, min: f64) -> Result<(), Violation> {
    if value < min {
        return Err(violation(field, Problem::BelowMin { min, value }));
    }
    Ok(())
}

/// Checks `value <= max`.
pub fn check_max(field: &str, value: f64, max: f64) -> Result<(), Violation> {
    if value > max {
        return Err(violation(field, Problem::AboveMax { max, value }));
    }
    Ok(())
}

/// Checks that a float is finite.
pub fn check_finite(field: &str, value: f64) -> Result<(), Violation> {
    if !value.is_finite() {
        return Err(violation(field, Problem::NotFinite));
    }
    Ok(())
}

/// Checks that `value` has at most `max_length` characters.
pub fn check_max_length(field: &str, value: &str, max_length: u64) -> Result<(), Violation> {
    let length = value.chars().count() as u64;
    if length > max_length {
        return Err(violation(field, Problem::TooLong { max_length, length }));
    }
    Ok(())
}

/// Checks that `value` looks like an email address: one `@`, a non-empty local
/// part, a domain with a dot, no spaces or control characters.
pub fn check_email(field: &str, value: &str) -> Result<(), Violation> {
    if is_email(value) {
        Ok(())
    } else {
        Err(violation(field, Problem::NotAnEmail))
    }
}

fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !has_forbidden_char(value)
}

/// Whitespace, control characters and angle brackets: never in an address. Scans
/// bytes, and chars only when the text is not ASCII.
fn has_forbidden_char(value: &str) -> bool {
    if value.is_ascii() {
        value
            .bytes()
            .any(|b| b <= b' ' || b == 0x7f || b == b'<' || b == b'>')
    } else {
        value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
    }
}

/// Checks that `value` is an absolute `http://` or `https://` URL with a host.
pub fn check_url(field: &str, value: &str) -> Result<(), Violation> {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    let ok = rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty() && !value.chars().any(|c| c.is_whitespace() || c.is_control())
    });
    if ok {
        Ok(())
    } else {
        Err(violation(field, Problem::NotAUrl))
    }
}

/// Checks that a timestamp is in seconds, not milliseconds.
pub fn check_timestamp(field: &str, value: crate::Timestamp) -> Result<(), Violation> {
    if value.looks_like_millis() {
        return Err(violation(
            field,
            Problem::MillisecondTimestamp {
                value: value.as_unix(),
            },
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for good in ["a@b.co", "jane.doe+x@example.com", "ü@exämple.de"] {
            assert!(check_email("email", good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "a",
            "@b.co",
            "a@b",
            "a@@b.co",
            "a b@c.co",
            "a@.co",
            "a@b.co.",
            "a\u{a0}b@c.co",
            "a\tb@c.co",
            "<a@b.co>",
        ] {
            assert_eq!(
                check_email("email", bad).unwrap_err().problem,
                Problem::NotAnEmail,
                "{bad}"
            );
        }
    }

    #[test]
    fn urls() {
        assert!(check_url("u", "https://example.com/x?y#z").is_ok());
        assert!(check_url("u", "http://localhost").is_ok());
        for bad in [
            "example.com",
            "ftp://x",
            "https://",
            "https:// x",
            "https:///path",
        ] {
            assert!(check_url("u", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bounds_and_lengths() {
        assert!(check_min("mrr", 0.0, 0.0).is_ok());
        let err = check_min("mrr", -1.0, 0.0).unwrap_err();
        assert_eq!(err.to_string(), "`mrr` is -1, below its minimum 0");
        assert!(check_max("n", 11.0, 10.0).is_err());
        assert!(check_max_length("reason", "héllo", 5).is_ok());
        let err = check_max_length("reason", "héllo!", 5).unwrap_err();
        assert_eq!(
            err.problem,
            Problem::TooLong {
                max_length: 5,
                length: 6
            }
        );
        assert!(check_finite("x", f64::NAN).is_err());
    }

    #[test]
    fn millisecond_timestamps() {
        let ms = crate::Timestamp::from_unix(1_700_000_000_123);
        assert!(check_timestamp("created_at", ms).is_err());
        assert!(check_timestamp("created_at", crate::Timestamp::from_unix(1_700_000_000)).is_ok());
    }
}
