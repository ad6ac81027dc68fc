//! Times in a scenario: durations (`5m`, as `wait` steps write them), TOML offset
//! date-times as Unix seconds, and both printed back.

use toml::value::{Datetime, Offset};

/// Seconds in each duration unit, as `events.toml` writes `wait` steps.
const UNITS: [(char, u64); 5] = [
    ('w', 604_800),
    ('d', 86_400),
    ('h', 3_600),
    ('m', 60),
    ('s', 1),
];

/// Parses `30s`, `5m`, `1h`, `3d`, `2w` (a whole number and a unit) into seconds,
/// or says why it is not one. `0s` is allowed (a step at the start).
pub(crate) fn parse_duration(text: &str) -> Result<u64, &'static str> {
    let digits_end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(digits_end);
    if digits.is_empty() {
        return Err("write a whole number and a unit, such as `5m`");
    }
    let mut chars = unit.chars();
    let (Some(unit), None) = (chars.next(), chars.next()) else {
        return Err("the unit must be one of `s`, `m`, `h`, `d` or `w`");
    };
    let Some(&(_, seconds)) = UNITS.iter().find(|(u, _)| *u == unit) else {
        return Err("the unit must be one of `s`, `m`, `h`, `d` or `w`");
    };
    let count: u64 = digits.parse().map_err(|_| "the number is too large")?;
    count.checked_mul(seconds).ok_or("the number is too large")
}

/// `+1d2h5m`: how long after the start, in the largest units (`+0s` at the start).
pub(crate) fn offset(seconds: i64) -> String {
    if seconds == 0 {
        return "+0s".to_owned();
    }
    let sign = if seconds < 0 { '-' } else { '+' };
    let mut left = seconds.unsigned_abs();
    let mut out = String::from(sign);
    for (unit, size) in UNITS.iter().skip(1) {
        if left >= *size {
            out.push_str(&format!("{}{unit}", left / size));
            left %= size;
        }
    }
    out
}

/// The Unix seconds of a TOML offset date-time (`2026-01-05T09:00:00Z`); `None` for
/// a local date, time or date-time, which name no single instant.
pub(crate) fn unix(datetime: &Datetime) -> Option<i64> {
    let (date, time, offset) = (datetime.date?, datetime.time?, datetime.offset?);
    let days = days_from_civil(
        i64::from(date.year),
        i64::from(date.month),
        i64::from(date.day),
    );
    let of_day = i64::from(time.hour) * 3_600
        + i64::from(time.minute) * 60
        + i64::from(time.second.unwrap_or(0));
    let shift = match offset {
        Offset::Z => 0,
        Offset::Custom { minutes } => i64::from(minutes) * 60,
    };
    Some(days * 86_400 + of_day - shift)
}

/// `2026-01-05T09:00:00Z`: `seconds` as an RFC 3339 date-time in UTC.
pub(crate) fn utc(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        of_day / 3_600,
        of_day % 3_600 / 60,
        of_day % 60
    )
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day count since 1970-01-01 (inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("0s"), Ok(0));
        assert_eq!(parse_duration("5m"), Ok(300));
        assert_eq!(parse_duration("2w"), Ok(1_209_600));
        assert!(parse_duration("5").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("5min").is_err());
        assert!(parse_duration("99999999999999999999s").is_err());
    }

    #[test]
    fn offsets() {
        assert_eq!(offset(0), "+0s");
        assert_eq!(offset(300), "+5m");
        assert_eq!(offset(86_400 + 7_200 + 5), "+1d2h5s");
        assert_eq!(offset(-60), "-1m");
    }

    #[test]
    fn dates_round_trip() {
        for (text, secs) in [
            ("1970-01-01T00:00:00Z", 0),
            ("2026-01-01T00:00:00Z", 1_767_225_600),
            ("2024-02-29T12:30:15Z", 1_709_209_815),
            ("1969-12-31T23:59:59Z", -1),
        ] {
            let parsed: Option<Datetime> = text.parse().ok();
            assert_eq!(parsed.as_ref().and_then(unix), Some(secs), "{text}");
            assert_eq!(utc(secs), text);
        }
        let shifted: Option<Datetime> = "2026-01-01T02:00:00+02:00".parse().ok();
        assert_eq!(shifted.as_ref().and_then(unix), Some(1_767_225_600));
        let local: Option<Datetime> = "2026-01-01T02:00:00".parse().ok();
        assert_eq!(local.as_ref().and_then(unix), None);
    }
}
