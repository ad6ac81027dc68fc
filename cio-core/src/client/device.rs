//! [`Device`]: a push device token of a customer.

use serde::Serialize;

use crate::Timestamp;

/// The platform of a push device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// Apple (APNs).
    Ios,
    /// Android (FCM).
    Android,
}

/// A push device: its token, platform, when it was last used and its attributes.
///
/// ```
/// use cio_core::client::{Device, Platform};
/// let device = Device::new("tok-1", Platform::Ios).attribute("app_version", "1.2");
/// assert_eq!(device.token(), "tok-1");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Device {
    #[serde(rename = "id")]
    token: String,
    platform: Platform,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_used: Option<Timestamp>,
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    attributes: serde_json::Map<String, serde_json::Value>,
}

impl Device {
    /// A device with this token on this platform.
    pub fn new(token: impl Into<String>, platform: Platform) -> Self {
        Device {
            token: token.into(),
            platform,
            last_used: None,
            attributes: serde_json::Map::new(),
        }
    }

    /// Sets when the device was last used.
    #[must_use]
    pub fn last_used(mut self, at: Timestamp) -> Self {
        self.last_used = Some(at);
        self
    }

    /// Adds an attribute (`device_os`, `app_version`, `push_enabled`, or a custom one).
    #[must_use]
    pub fn attribute(
        mut self,
        name: impl Into<String>,
        value: impl Into<serde_json::Value>,
    ) -> Self {
        self.attributes.insert(name.into(), value.into());
        self
    }

    /// The device token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The platform.
    pub fn platform(&self) -> Platform {
        self.platform
    }

    /// When it was last used, if set.
    pub(crate) fn last_used_at(&self) -> Option<Timestamp> {
        self.last_used
    }

    /// Its attributes.
    pub(crate) fn attributes(&self) -> &serde_json::Map<String, serde_json::Value> {
        &self.attributes
    }
}
