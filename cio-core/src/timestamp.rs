//! [`Timestamp`]: a point in time as Customer.io wants it, in Unix seconds.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A point in time in whole Unix seconds: the only unit Customer.io accepts.
///
/// Serializes as a JSON integer. A value that looks like milliseconds (more than
/// 11 digits) is rejected by the client before anything is sent.
///
/// ```
/// use cio_core::Timestamp;
/// let t = Timestamp::from_unix(1_700_000_000);
/// assert_eq!(t.as_unix(), 1_700_000_000);
/// assert_eq!(serde_json::to_string(&t).unwrap(), "1700000000");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The current time, truncated to the second.
    pub fn now() -> Self {
        Timestamp::from(SystemTime::now())
    }

    /// A timestamp of `secs` seconds since the Unix epoch.
    pub const fn from_unix(secs: i64) -> Self {
        Timestamp(secs)
    }

    /// Seconds since the Unix epoch.
    pub const fn as_unix(self) -> i64 {
        self.0
    }

    /// `true` when the value is too large to be seconds and is most likely
    /// milliseconds (more than 11 digits, past the year 5138).
    pub const fn looks_like_millis(self) -> bool {
        self.0 > 99_999_999_999 || self.0 < -99_999_999_999
    }
}

impl From<SystemTime> for Timestamp {
    fn from(time: SystemTime) -> Self {
        match time.duration_since(UNIX_EPOCH) {
            Ok(after) => Timestamp(i64::try_from(after.as_secs()).unwrap_or(i64::MAX)),
            Err(before) => {
                let secs: Duration = before.duration();
                // Round towards the past, as Unix time does.
                let whole = i64::try_from(secs.as_secs()).unwrap_or(i64::MAX);
                let extra = i64::from(secs.subsec_nanos() > 0);
                Timestamp(-whole - extra)
            }
        }
    }
}

impl From<Timestamp> for SystemTime {
    fn from(t: Timestamp) -> Self {
        if t.0 >= 0 {
            UNIX_EPOCH + Duration::from_secs(t.0.unsigned_abs())
        } else {
            UNIX_EPOCH - Duration::from_secs(t.0.unsigned_abs())
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        i64::deserialize(deserializer).map(Timestamp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_system_time() {
        for secs in [0, 1, 1_700_000_000, -1, -86_400] {
            let t = Timestamp::from_unix(secs);
            assert_eq!(Timestamp::from(SystemTime::from(t)), t);
        }
    }

    #[test]
    fn before_the_epoch_rounds_down() {
        let t = UNIX_EPOCH - Duration::from_millis(1500);
        assert_eq!(Timestamp::from(t).as_unix(), -2);
    }

    #[test]
    fn millisecond_values_are_recognised() {
        assert!(Timestamp::from_unix(1_700_000_000_000).looks_like_millis());
        assert!(!Timestamp::from_unix(1_700_000_000).looks_like_millis());
    }
}
