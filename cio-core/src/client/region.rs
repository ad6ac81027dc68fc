//! [`Region`]: the data center of a Customer.io account.

use std::fmt;
use std::str::FromStr;

use super::error::Error;

/// The data center of a Customer.io account (Settings → Workspace Settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Region {
    /// `https://track.customer.io`.
    #[default]
    Us,
    /// `https://track-eu.customer.io`.
    Eu,
}

impl Region {
    /// The Track API origin of the region.
    pub const fn origin(self) -> &'static str {
        match self {
            Region::Us => "https://track.customer.io",
            Region::Eu => "https://track-eu.customer.io",
        }
    }
}

impl Region {
    /// The App API origin of the region (`https://api.customer.io`).
    pub const fn app_origin(self) -> &'static str {
        match self {
            Region::Us => "https://api.customer.io",
            Region::Eu => "https://api-eu.customer.io",
        }
    }
}

impl Region {
    /// The Data Pipelines API origin of the region (`https://cdp.customer.io`).
    pub const fn pipelines_origin(self) -> &'static str {
        match self {
            Region::Us => "https://cdp.customer.io",
            Region::Eu => "https://cdp-eu.customer.io",
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Region::Us => "us",
            Region::Eu => "eu",
        })
    }
}

impl FromStr for Region {
    type Err = Error;

    /// `us` or `eu`, in any case.
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "us" => Ok(Region::Us),
            "eu" => Ok(Region::Eu),
            other => Err(Error::Config(format!(
                "unknown region `{other}` (expected `us` or `eu`)"
            ))),
        }
    }
}
