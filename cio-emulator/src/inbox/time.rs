//! Unix seconds as the inbox shows them: `2023-11-14 22:13:20 UTC`, and durations.

use cio_core::Timestamp;

/// `YYYY-MM-DD HH:MM:SS UTC` (proleptic Gregorian calendar).
pub(super) fn utc(t: Timestamp) -> String {
    let (date, time) = parts(t);
    format!("{date} {time} UTC")
}

/// `YYYY-MM-DDTHH:MM:SSZ`: what an HTML `datetime` attribute takes.
pub(super) fn iso(t: Timestamp) -> String {
    let (date, time) = parts(t);
    format!("{date}T{time}Z")
}

fn parts(t: Timestamp) -> (String, String) {
    let secs = t.as_unix();
    let days = secs.div_euclid(86_400);
    let of_day = secs.rem_euclid(86_400);
    let (y, m, d) = civil(days);
    (
        format!("{y:04}-{m:02}-{d:02}"),
        format!(
            "{:02}:{:02}:{:02}",
            of_day / 3600,
            of_day % 3600 / 60,
            of_day % 60
        ),
    )
}

/// `+5m`, `+1d 5m`: how long after `from` `t` is.
pub(super) fn offset(from: Timestamp, t: Timestamp) -> String {
    let left = t.as_unix().saturating_sub(from.as_unix());
    let sign = if left < 0 { "-" } else { "+" };
    format!("{sign}{}", span(left.unsigned_abs()))
}

/// `5m`, `1d 5m`, `0s`: a duration in seconds.
pub(super) fn span(mut left: u64) -> String {
    let mut parts = Vec::new();
    for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
        if left >= size {
            parts.push(format!("{}{unit}", left / size));
            left %= size;
        }
    }
    if parts.is_empty() {
        parts.push("0s".to_owned());
    }
    parts.join(" ")
}

/// The civil date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_offsets() {
        assert_eq!(utc(Timestamp::from_unix(0)), "1970-01-01 00:00:00 UTC");
        assert_eq!(
            utc(Timestamp::from_unix(1_700_000_000)),
            "2023-11-14 22:13:20 UTC"
        );
        assert_eq!(
            utc(Timestamp::from_unix(951_825_600)),
            "2000-02-29 12:00:00 UTC"
        );
        assert_eq!(utc(Timestamp::from_unix(-1)), "1969-12-31 23:59:59 UTC");
        let t0 = Timestamp::from_unix(1_000);
        assert_eq!(offset(t0, Timestamp::from_unix(1_300)), "+5m");
        assert_eq!(offset(t0, Timestamp::from_unix(1_000 + 86_700)), "+1d 5m");
        assert_eq!(offset(t0, t0), "+0s");
        assert_eq!(offset(t0, Timestamp::from_unix(940)), "-1m");
        assert_eq!(
            iso(Timestamp::from_unix(1_700_000_000)),
            "2023-11-14T22:13:20Z"
        );
        assert_eq!(span(3 * 86_400), "3d");
        assert_eq!(span(90), "1m 30s");
        assert_eq!(span(0), "0s");
    }
}
