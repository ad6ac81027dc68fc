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

/// The keys tests give, none of which `Debug` may print.
#[cfg(test)]
pub(crate) const TEST_KEYS: [&str; 4] = [
    "track-secret",
    "app-secret",
    "write-secret",
    "signing-secret",
];

/// Fails when `printed` holds one of [`TEST_KEYS`].
#[cfg(test)]
pub(crate) fn assert_no_test_key(printed: &str) {
    for key in TEST_KEYS {
        assert!(!printed.contains(key), "{key} in {printed}");
    }
}

#[cfg(test)]
mod tests {
    use super::{assert_no_test_key, TEST_KEYS};
    use crate::Emulator;

    #[test]
    fn builder_debug_prints_no_key() {
        let [track, app, write, signing] = TEST_KEYS;
        let builder = Emulator::builder()
            .credentials("site", track)
            .app_api_key(app)
            .write_key(write)
            .webhook("http://127.0.0.1:9/hooks", signing);
        let printed = format!("{builder:?}");
        assert_no_test_key(&printed);
        assert!(printed.contains("site"), "{printed}");
    }
}
