//! Keys the emulator checks, kept out of `Debug` output: a key given on the command
//! line, in the environment or to the builder may be a real one, and `Debug` output
//! ends up in logs and test failures.

use std::fmt;

/// What `Debug` prints in place of a key.
pub(crate) const REDACTED: &str = "<redacted>";

/// A key whose `Debug` prints [`REDACTED`].
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    /// Wraps `key`.
    pub(crate) fn new(key: impl Into<String>) -> Secret {
        Secret(key.into())
    }

    /// The key itself.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use crate::Emulator;

    #[test]
    fn builder_debug_prints_no_key() {
        let builder = Emulator::builder()
            .credentials("site", "track-secret")
            .app_api_key("app-secret")
            .write_key("write-secret")
            .webhook("http://127.0.0.1:9/hooks", "signing-secret");
        let printed = format!("{builder:?}");
        for secret in [
            "track-secret",
            "app-secret",
            "write-secret",
            "signing-secret",
        ] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
        assert!(printed.contains("site"), "{printed}");
    }
}
