//! Values as the command line writes them: durations (`30s`, `500ms`, `2m`) and byte
//! sizes (`500KB`, `33792`), each checked against the range its setting allows, so
//! that no value can later overflow an `Instant` or a database integer.

use std::ops::RangeInclusive;
use std::time::Duration;

/// The units a duration may be written in, with their length in milliseconds.
const DURATION_UNITS: &[(&str, u64)] = &[
    ("ms", 1),
    ("s", 1_000),
    ("m", 60_000),
    ("h", 3_600_000),
    ("d", 86_400_000),
];

/// Parses `text` as a whole number followed by a unit (`ms`, `s`, `m`, `h`, `d`),
/// and checks that it lies within `range`.
pub(crate) fn duration(text: &str, range: RangeInclusive<Duration>) -> Result<Duration, String> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let per_unit = DURATION_UNITS
        .iter()
        .find(|(name, _)| *name == unit)
        .map(|(_, ms)| *ms);
    let (Ok(count), Some(per_unit)) = (digits.parse::<u64>(), per_unit) else {
        return Err(format!(
            "`{text}` is not a duration: write a whole number and a unit (ms, s, m, h or d), like 30s, 500ms or 2m"
        ));
    };
    let within = format!(
        "must be between {} and {}",
        show_duration(*range.start()),
        show_duration(*range.end())
    );
    let value = count
        .checked_mul(per_unit)
        .map(Duration::from_millis)
        .filter(|value| range.contains(value))
        .ok_or_else(|| format!("{within} (got {text})"))?;
    Ok(value)
}

/// `duration` written back in its largest whole unit (`30s`, `500ms`, `7d`).
pub(crate) fn show_duration(duration: Duration) -> String {
    let ms = duration.as_millis();
    for (name, per_unit) in DURATION_UNITS.iter().rev() {
        let per_unit = u128::from(*per_unit);
        if ms >= per_unit && ms.is_multiple_of(per_unit) {
            return format!("{}{name}", ms / per_unit);
        }
    }
    format!("{ms}ms")
}

/// Parses `text` as a number of bytes, or of kilobytes with `KB` (1 KB = 1024 bytes,
/// as Customer.io counts its limits), and checks that it lies within `range`.
pub(crate) fn bytes(text: &str, range: RangeInclusive<usize>) -> Result<usize, String> {
    let (digits, per_unit) = match text.strip_suffix("KB") {
        Some(digits) => (digits, 1024),
        None => (text, 1),
    };
    let count = digits.parse::<usize>().map_err(|_| {
        format!("`{text}` is not a size: write a number of bytes, or of kilobytes with KB (500KB)")
    })?;
    count
        .checked_mul(per_unit)
        .filter(|value| range.contains(value))
        .ok_or_else(|| {
            format!(
                "must be between {} and {} bytes (got {text})",
                range.start(),
                range.end()
            )
        })
}

/// Parses `text` as a whole number within `range`.
pub(crate) fn count<T>(text: &str, range: RangeInclusive<T>) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display,
{
    let value = text
        .parse::<T>()
        .map_err(|_| format!("`{text}` is not a whole number"))?;
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(format!(
            "must be between {} and {} (got {text})",
            range.start(),
            range.end()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANY: RangeInclusive<Duration> = Duration::ZERO..=Duration::MAX;

    #[test]
    fn durations_take_a_unit() {
        assert_eq!(duration("30s", ANY), Ok(Duration::from_secs(30)));
        assert_eq!(duration("500ms", ANY), Ok(Duration::from_millis(500)));
        assert_eq!(duration("2m", ANY), Ok(Duration::from_secs(120)));
        assert_eq!(duration("1h", ANY), Ok(Duration::from_secs(3600)));
        assert_eq!(duration("7d", ANY), Ok(Duration::from_secs(7 * 86_400)));
        for bad in ["30", "s", "", "1.5s", "-1s", "30 s", "3w", "1s2"] {
            let error = duration(bad, ANY).unwrap_err();
            assert!(error.contains("is not a duration"), "{bad}: {error}");
        }
    }

    #[test]
    fn durations_out_of_range_say_the_range() {
        let range = Duration::from_secs(1)..=Duration::from_secs(86_400);
        assert_eq!(
            duration("999ms", range.clone()).unwrap_err(),
            "must be between 1s and 1d (got 999ms)"
        );
        assert!(duration("2d", range.clone()).is_err());
        // Too large for a u64 of milliseconds: refused, not wrapped.
        assert!(duration("99999999999999999d", ANY).is_err());
        assert_eq!(duration("1d", range), Ok(Duration::from_secs(86_400)));
    }

    #[test]
    fn durations_are_shown_in_their_largest_unit() {
        assert_eq!(show_duration(Duration::from_millis(500)), "500ms");
        assert_eq!(show_duration(Duration::from_secs(90)), "90s");
        assert_eq!(show_duration(Duration::from_secs(600)), "10m");
        assert_eq!(show_duration(Duration::ZERO), "0ms");
    }

    #[test]
    fn sizes_in_bytes_or_kilobytes() {
        let range = 10..=600 * 1024;
        assert_eq!(bytes("500KB", range.clone()), Ok(500 * 1024));
        assert_eq!(bytes("33792", range.clone()), Ok(33_792));
        assert!(bytes("9", range.clone())
            .unwrap_err()
            .starts_with("must be"));
        assert!(bytes("1MB", range.clone())
            .unwrap_err()
            .contains("not a size"));
        assert!(bytes(&format!("{}KB", usize::MAX), range).is_err());
    }

    #[test]
    fn counts_within_a_range() {
        assert_eq!(count::<u32>("10", 1..=100), Ok(10));
        assert_eq!(
            count::<u32>("0", 1..=100).unwrap_err(),
            "must be between 1 and 100 (got 0)"
        );
        assert_eq!(
            count::<u32>("many", 1..=100).unwrap_err(),
            "`many` is not a whole number"
        );
    }
}
