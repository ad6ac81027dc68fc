//! Durations of `wait` steps: a whole number and a unit, `30s`, `5m`, `1h`, `3d`, `2w`.

/// Parses a duration into seconds, or says why it is not one (completes
/// "invalid duration `X` in campaign `C`: {reason}").
pub(crate) fn parse_duration(text: &str) -> Result<u64, &'static str> {
    if text.is_empty() {
        return Err("it is empty; write a number and a unit, such as `5m`");
    }
    let digits_end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(digits_end);
    if digits.is_empty() {
        return Err("it must start with a whole number, such as `5m`");
    }
    let unit_seconds: u64 = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 604_800,
        "" => return Err("the unit is missing; add `s`, `m`, `h`, `d` or `w`"),
        _ => return Err("the unit must be one of `s`, `m`, `h`, `d` or `w`"),
    };
    let count: u64 = digits.parse().map_err(|_| "the number is too large")?;
    if count == 0 {
        return Err("a wait must be longer than zero");
    }
    count
        .checked_mul(unit_seconds)
        .ok_or("the number is too large")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid() {
        assert_eq!(parse_duration("30s"), Ok(30));
        assert_eq!(parse_duration("5m"), Ok(300));
        assert_eq!(parse_duration("1h"), Ok(3_600));
        assert_eq!(parse_duration("3d"), Ok(259_200));
        assert_eq!(parse_duration("2w"), Ok(1_209_600));
    }

    #[test]
    fn invalid() {
        assert!(parse_duration("").is_err());
        assert_eq!(
            parse_duration("5x"),
            Err("the unit must be one of `s`, `m`, `h`, `d` or `w`")
        );
        assert_eq!(
            parse_duration("5"),
            Err("the unit is missing; add `s`, `m`, `h`, `d` or `w`")
        );
        assert_eq!(
            parse_duration("m"),
            Err("it must start with a whole number, such as `5m`")
        );
        assert_eq!(parse_duration("0m"), Err("a wait must be longer than zero"));
        assert_eq!(
            parse_duration("99999999999999999999d"),
            Err("the number is too large")
        );
        assert_eq!(
            parse_duration("40000000000000w"),
            Err("the number is too large")
        );
        assert_eq!(
            parse_duration("5 m"),
            Err("the unit must be one of `s`, `m`, `h`, `d` or `w`")
        );
        assert_eq!(
            parse_duration("-5m"),
            Err("it must start with a whole number, such as `5m`")
        );
    }
}
