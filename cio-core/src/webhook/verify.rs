//! Signature checks for the two kinds of request Customer.io signs: reporting webhooks
//! (HMAC-SHA256 of `v0:<timestamp>:<body>`, with a replay window) and the Data
//! Pipelines webhook destination (HMAC-SHA1 of the body).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use ring::hmac;

use super::hex;
use crate::Timestamp;

/// The header of a reporting webhook that holds the Unix time (seconds) it was signed at.
pub const TIMESTAMP_HEADER: &str = "X-CIO-Timestamp";
/// The header of a reporting webhook that holds its hex HMAC-SHA256 signature.
pub const SIGNATURE_HEADER: &str = "X-CIO-Signature";
/// The header of a Data Pipelines webhook-destination request that holds its hex
/// HMAC-SHA1 signature.
pub const PIPELINES_SIGNATURE_HEADER: &str = "X-Signature";
/// How far a reporting webhook's timestamp may be from this server's clock, either
/// way, unless [`ReportingVerifier::with_replay_window`] says otherwise: 5 minutes.
pub const DEFAULT_REPLAY_WINDOW: Duration = Duration::from_secs(5 * 60);

/// Why a request was not accepted as Customer.io's. The messages name headers and
/// times, never a key or a signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A header the scheme needs is absent.
    #[error("the `{0}` header is missing")]
    MissingHeader(&'static str),
    /// The signature header is not hex of the scheme's length.
    #[error("the `{header}` header is not a signature ({hex_digits} hex digits)")]
    MalformedSignature {
        /// The header's name.
        header: &'static str,
        /// How many hex digits a signature of this scheme has.
        hex_digits: usize,
    },
    /// `X-CIO-Timestamp` is not a whole number of seconds.
    #[error("the `X-CIO-Timestamp` header is not a Unix time in seconds")]
    MalformedTimestamp,
    /// No signing key produces this signature for this body (and timestamp).
    #[error("the signature does not match the request under any of the signing keys")]
    SignatureMismatch,
    /// A genuine request, signed longer ago than the replay window: a replay, or a
    /// clock far behind.
    #[error(
        "the request was signed {age_secs} s ago, outside the replay window of {window_secs} s"
    )]
    Expired {
        /// Seconds between the signature's timestamp and now.
        age_secs: u64,
        /// The replay window, in seconds.
        window_secs: u64,
    },
    /// A genuine request whose timestamp is further ahead of this server's clock than
    /// the replay window: one of the two clocks is wrong.
    #[error("the request's timestamp is {ahead_secs} s ahead of this server's clock, outside the replay window of {window_secs} s")]
    FromTheFuture {
        /// Seconds between now and the signature's timestamp.
        ahead_secs: u64,
        /// The replay window, in seconds.
        window_secs: u64,
    },
}

/// A signing key could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SigningKeyError {
    /// The list of keys was empty.
    #[error("no signing key was given")]
    NoKeys,
    /// A key was empty (an unset environment variable?): anyone could sign with it.
    #[error("a signing key is empty; requests signed with an empty key would prove nothing")]
    Empty,
}

/// The keys a verifier accepts: one, or several while a key is being rotated.
#[derive(Clone)]
struct KeyRing(Arc<[hmac::Key]>);

impl KeyRing {
    fn new<K: AsRef<[u8]>>(
        algorithm: hmac::Algorithm,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<Self, SigningKeyError> {
        let keys = keys
            .into_iter()
            .map(|key| match key.as_ref() {
                [] => Err(SigningKeyError::Empty),
                key => Ok(hmac::Key::new(algorithm, key)),
            })
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Err(SigningKeyError::NoKeys);
        }
        Ok(KeyRing(keys.into()))
    }

    /// Whether any key signs `message` as `tag`. Each comparison is constant time
    /// (`ring::hmac::verify`), and every key is tried, so the time taken does not
    /// tell which key matched.
    fn signed(&self, message: &[u8], tag: &[u8]) -> bool {
        self.0.iter().fold(false, |matched, key| {
            hmac::verify(key, message, tag).is_ok() | matched
        })
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}

/// The decoded signature of `header`, which must be `bytes` long.
fn decode_signature(
    header: &'static str,
    text: &str,
    bytes: usize,
) -> Result<Vec<u8>, VerifyError> {
    match hex::decode(text) {
        Some(tag) if tag.len() == bytes => Ok(tag),
        _ => Err(VerifyError::MalformedSignature {
            header,
            hex_digits: bytes * 2,
        }),
    }
}

/// The current time, as the verifier sees it.
type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Checks that a reporting webhook comes from Customer.io: `X-CIO-Signature` must be
/// the hex HMAC-SHA256, under one of the signing keys, of `v0:<X-CIO-Timestamp>:<raw
/// body>`, and the timestamp within the replay window of now (5 minutes by default,
/// either way).
///
/// Cheap to clone (the keys are shared), so it can live in an axum app's state.
///
/// ```
/// use cio_core::webhook::{ReportingVerifier, VerifyError};
/// use cio_core::Timestamp;
///
/// // During a rotation, both the new key and the old one are accepted.
/// let verifier = ReportingVerifier::from_keys(["new signing key", "old signing key"])?;
/// let body = br#"{"event_id":"01E4C4CT6YDC7Y5M7FE1GWWPQJ"}"#;
/// let timestamp = "1700000000"; // from X-CIO-Timestamp
/// let signature = "00".repeat(32); // from X-CIO-Signature: not a valid one
/// let now = Timestamp::from_unix(1_700_000_030);
/// assert_eq!(
///     verifier.verify_at(timestamp, &signature, body, now),
///     Err(VerifyError::SignatureMismatch),
/// );
/// # Ok::<(), cio_core::webhook::SigningKeyError>(())
/// ```
#[derive(Clone)]
pub struct ReportingVerifier {
    keys: KeyRing,
    replay_window: Duration,
    clock: Clock,
}

impl ReportingVerifier {
    /// A verifier for one signing key (the one on the reporting webhook's page in
    /// Customer.io), used as given: no trimming.
    pub fn new(signing_key: impl AsRef<[u8]>) -> Result<Self, SigningKeyError> {
        Self::from_keys([signing_key])
    }

    /// A verifier that accepts a signature made with any of `signing_keys`: keep the
    /// old key beside the new one until Customer.io signs with the new one.
    pub fn from_keys<K: AsRef<[u8]>>(
        signing_keys: impl IntoIterator<Item = K>,
    ) -> Result<Self, SigningKeyError> {
        Ok(ReportingVerifier {
            keys: KeyRing::new(hmac::HMAC_SHA256, signing_keys)?,
            replay_window: DEFAULT_REPLAY_WINDOW,
            clock: Arc::new(SystemTime::now),
        })
    }

    /// Accepts timestamps up to `window` before or after now (whole seconds count).
    #[must_use]
    pub fn with_replay_window(mut self, window: Duration) -> Self {
        self.replay_window = window;
        self
    }

    /// Reads the time from `now` instead of the system clock: for tests that replay a
    /// request signed at a fixed time.
    #[must_use]
    pub fn with_clock(mut self, now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(now);
        self
    }

    /// The replay window.
    pub fn replay_window(&self) -> Duration {
        self.replay_window
    }

    /// Checks a request against the verifier's clock: `timestamp` and `signature`
    /// are the `X-CIO-Timestamp` and `X-CIO-Signature` header values, `body` the raw
    /// bytes received (before any parsing).
    pub fn verify(&self, timestamp: &str, signature: &str, body: &[u8]) -> Result<(), VerifyError> {
        self.verify_at(timestamp, signature, body, (self.clock)())
    }

    /// [`verify`](Self::verify) as if the time were `now`.
    ///
    /// The signature is checked before the time, so a stale or future timestamp is
    /// reported only for a request Customer.io really signed.
    pub fn verify_at(
        &self,
        timestamp: &str,
        signature: &str,
        body: &[u8],
        now: impl Into<Timestamp>,
    ) -> Result<(), VerifyError> {
        let tag = decode_signature(SIGNATURE_HEADER, signature, 32)?;
        let signed_at: i64 = timestamp
            .parse()
            .map_err(|_| VerifyError::MalformedTimestamp)?;
        // Customer.io signs the header's text as sent.
        let mut message = Vec::with_capacity(timestamp.len() + body.len() + 4);
        message.extend_from_slice(b"v0:");
        message.extend_from_slice(timestamp.as_bytes());
        message.push(b':');
        message.extend_from_slice(body);
        if !self.keys.signed(&message, &tag) {
            return Err(VerifyError::SignatureMismatch);
        }

        let window_secs = self.replay_window.as_secs();
        let age = i128::from(now.into().as_unix()) - i128::from(signed_at);
        let to_secs = |seconds: i128| u64::try_from(seconds).unwrap_or(u64::MAX);
        if age > i128::from(window_secs) {
            Err(VerifyError::Expired {
                age_secs: to_secs(age),
                window_secs,
            })
        } else if -age > i128::from(window_secs) {
            Err(VerifyError::FromTheFuture {
                ahead_secs: to_secs(-age),
                window_secs,
            })
        } else {
            Ok(())
        }
    }
}

impl fmt::Debug for ReportingVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReportingVerifier")
            .field("keys", &self.keys.len())
            .field("replay_window", &self.replay_window)
            .finish_non_exhaustive()
    }
}

/// Checks that a request from a Data Pipelines **webhook destination** comes from
/// Customer.io: `X-Signature` must be the hex HMAC-SHA1, under one of the shared
/// secrets, of the raw body.
///
/// That scheme signs no timestamp, so a captured request can be replayed at any
/// time: deduplicate on the payload's `messageId`.
#[derive(Clone)]
pub struct PipelinesVerifier {
    keys: KeyRing,
}

impl PipelinesVerifier {
    /// A verifier for the destination's shared secret, used as given.
    pub fn new(shared_secret: impl AsRef<[u8]>) -> Result<Self, SigningKeyError> {
        Self::from_keys([shared_secret])
    }

    /// A verifier that accepts a signature made with any of `shared_secrets` (during
    /// a rotation).
    pub fn from_keys<K: AsRef<[u8]>>(
        shared_secrets: impl IntoIterator<Item = K>,
    ) -> Result<Self, SigningKeyError> {
        Ok(PipelinesVerifier {
            keys: KeyRing::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, shared_secrets)?,
        })
    }

    /// Checks a request: `signature` is the `X-Signature` header value, `body` the
    /// raw bytes received.
    pub fn verify(&self, signature: &str, body: &[u8]) -> Result<(), VerifyError> {
        let tag = decode_signature(PIPELINES_SIGNATURE_HEADER, signature, 20)?;
        if self.keys.signed(body, &tag) {
            Ok(())
        } else {
            Err(VerifyError::SignatureMismatch)
        }
    }
}

impl fmt::Debug for PipelinesVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PipelinesVerifier")
            .field("keys", &self.keys.len())
            .finish_non_exhaustive()
    }
}

/// The `X-CIO-Signature` Customer.io would send with `body` at `timestamp`: for
/// tests, and for emulating Customer.io (send `timestamp` as `X-CIO-Timestamp`).
pub fn sign_reporting(signing_key: &[u8], timestamp: Timestamp, body: &[u8]) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, signing_key);
    let mut context = hmac::Context::with_key(&key);
    context.update(b"v0:");
    context.update(timestamp.to_string().as_bytes());
    context.update(b":");
    context.update(body);
    hex::encode(context.sign().as_ref())
}

/// The `X-Signature` a Data Pipelines webhook destination would send with `body`.
pub fn sign_pipelines(shared_secret: &[u8], body: &[u8]) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, shared_secret);
    hex::encode(hmac::sign(&key, body).as_ref())
}

#[cfg(test)]
mod tests {
    //! The expected signatures were computed outside this code, once, with Python's
    //! `hmac` module (and the SHA-256 one again with `openssl dgst -sha256 -hmac`):
    //!
    //! ```text
    //! hmac.new(key, b"v0:" + ts + b":" + body, hashlib.sha256).hexdigest()
    //! hmac.new(secret, body, hashlib.sha1).hexdigest()
    //! ```

    use super::*;

    const CURRENT_KEY: &str = "a3f1c9e2b7d64f0c8e5a1b2c3d4e5f60";
    const OLD_KEY: &str = "0f9e8d7c6b5a49382716f5e4d3c2b1a0";
    const SIGNED_AT: &str = "1700000000";
    const BODY: &str = r#"{"event_id":"01E4C4CT6YDC7Y5M7FE1GWWPQJ","object_type":"email","metric":"delivered","timestamp":1700000000,"data":{"campaign_id":5,"action_id":96,"delivery_id":"RPILAgUBcRhIBqSfeiIwdIYJKxTY","trigger_event_id":"01HGW2N7EHJMS3Q6ZV0B5Y4X8K","identifiers":{"id":"42","email":"test@example.com","cio_id":"d9c106000001"},"recipient":"test@example.com","subject":"Welcome"}}"#;
    /// HMAC-SHA256(CURRENT_KEY, "v0:1700000000:" + BODY).
    const SIGNED_WITH_CURRENT: &str =
        "4b06adcfab892ded94c682c2f0c0a6b5305d78d03eb16d3a9c8c4b0f6394053d";
    /// HMAC-SHA256(OLD_KEY, "v0:1700000000:" + BODY).
    const SIGNED_WITH_OLD: &str =
        "3056e3f793f0eb0da427bff9c22423c3d42862163070659665b2c9261a840094";

    const PIPELINES_SECRET: &str = "pipelines-destination-secret";
    const PIPELINES_OLD_SECRET: &str = "previous-destination-secret";
    const PIPELINES_BODY: &str = r#"{"type":"track","event":"email_opened","userId":"42","messageId":"01HGW2N7EHJMS3Q6ZV0B5Y4X8K"}"#;
    /// HMAC-SHA1(PIPELINES_SECRET, PIPELINES_BODY).
    const PIPELINES_SIGNED: &str = "4c6dbb7d64ba171e6b1d0189edbd30e8c012b73f";
    /// HMAC-SHA1(PIPELINES_OLD_SECRET, PIPELINES_BODY).
    const PIPELINES_SIGNED_OLD: &str = "efd00ca10de497e15c2675a1534398dc12fb155c";

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_unix(secs)
    }

    fn current() -> ReportingVerifier {
        ReportingVerifier::new(CURRENT_KEY).unwrap()
    }

    #[test]
    fn accepts_a_good_signature() {
        let verify =
            |now| current().verify_at(SIGNED_AT, SIGNED_WITH_CURRENT, BODY.as_bytes(), at(now));
        assert_eq!(verify(1_700_000_000), Ok(()));
        assert_eq!(verify(1_700_000_042), Ok(()));
        assert_eq!(verify(1_699_999_990), Ok(()), "a little ahead");
    }

    #[test]
    fn accepts_upper_case_hex() {
        let upper = SIGNED_WITH_CURRENT.to_ascii_uppercase();
        let result = current().verify_at(SIGNED_AT, &upper, BODY.as_bytes(), at(1_700_000_000));
        assert_eq!(result, Ok(()));
    }

    #[test]
    fn rejects_another_key() {
        let verifier = ReportingVerifier::new(OLD_KEY).unwrap();
        let result = verifier.verify_at(
            SIGNED_AT,
            SIGNED_WITH_CURRENT,
            BODY.as_bytes(),
            at(1_700_000_000),
        );
        assert_eq!(result, Err(VerifyError::SignatureMismatch));
    }

    #[test]
    fn rejects_a_changed_body() {
        let changed = BODY.replace("delivered", "bounced");
        let result = current().verify_at(
            SIGNED_AT,
            SIGNED_WITH_CURRENT,
            changed.as_bytes(),
            at(1_700_000_000),
        );
        assert_eq!(result, Err(VerifyError::SignatureMismatch));
        let truncated = &BODY.as_bytes()[..BODY.len() - 1];
        let result =
            current().verify_at(SIGNED_AT, SIGNED_WITH_CURRENT, truncated, at(1_700_000_000));
        assert_eq!(result, Err(VerifyError::SignatureMismatch));
    }

    #[test]
    fn rejects_a_changed_timestamp() {
        // The timestamp is signed: moving it into the window does not help a replay.
        let result = current().verify_at(
            "1700000300",
            SIGNED_WITH_CURRENT,
            BODY.as_bytes(),
            at(1_700_000_300),
        );
        assert_eq!(result, Err(VerifyError::SignatureMismatch));
        // Nor does writing the same number differently.
        let result = current().verify_at(
            "01700000000",
            SIGNED_WITH_CURRENT,
            BODY.as_bytes(),
            at(1_700_000_000),
        );
        assert_eq!(result, Err(VerifyError::SignatureMismatch));
    }

    #[test]
    fn rejects_a_stale_timestamp() {
        let verify =
            |now| current().verify_at(SIGNED_AT, SIGNED_WITH_CURRENT, BODY.as_bytes(), at(now));
        assert_eq!(verify(1_700_000_300), Ok(()), "the window's edge is inside");
        assert_eq!(
            verify(1_700_000_301),
            Err(VerifyError::Expired {
                age_secs: 301,
                window_secs: 300
            })
        );
        assert_eq!(
            verify(1_700_086_400),
            Err(VerifyError::Expired {
                age_secs: 86_400,
                window_secs: 300
            })
        );
    }

    #[test]
    fn rejects_a_future_timestamp() {
        let verify =
            |now| current().verify_at(SIGNED_AT, SIGNED_WITH_CURRENT, BODY.as_bytes(), at(now));
        assert_eq!(verify(1_699_999_700), Ok(()), "the window's edge is inside");
        assert_eq!(
            verify(1_699_999_699),
            Err(VerifyError::FromTheFuture {
                ahead_secs: 301,
                window_secs: 300
            })
        );
    }

    #[test]
    fn the_replay_window_is_configurable() {
        let verifier = current().with_replay_window(Duration::from_secs(30));
        assert_eq!(verifier.replay_window(), Duration::from_secs(30));
        let verify =
            |now| verifier.verify_at(SIGNED_AT, SIGNED_WITH_CURRENT, BODY.as_bytes(), at(now));
        assert_eq!(verify(1_700_000_030), Ok(()));
        assert_eq!(
            verify(1_700_000_031),
            Err(VerifyError::Expired {
                age_secs: 31,
                window_secs: 30
            })
        );
        assert_eq!(
            verify(1_699_999_969),
            Err(VerifyError::FromTheFuture {
                ahead_secs: 31,
                window_secs: 30
            })
        );
        assert_eq!(
            ReportingVerifier::new("k").unwrap().replay_window(),
            DEFAULT_REPLAY_WINDOW
        );
    }

    #[test]
    fn the_clock_is_injectable() {
        let signed_at = SystemTime::from(at(1_700_000_000));
        let on_time = current().with_clock(move || signed_at + Duration::from_secs(60));
        assert_eq!(
            on_time.verify(SIGNED_AT, SIGNED_WITH_CURRENT, BODY.as_bytes()),
            Ok(())
        );
        let late = current().with_clock(move || signed_at + Duration::from_secs(3_600));
        assert_eq!(
            late.verify(SIGNED_AT, SIGNED_WITH_CURRENT, BODY.as_bytes()),
            Err(VerifyError::Expired {
                age_secs: 3_600,
                window_secs: 300
            })
        );
    }

    #[test]
    fn the_system_clock_rejects_an_old_vector() {
        // 2023-11-14 is long outside any window today.
        let result = current().verify(SIGNED_AT, SIGNED_WITH_CURRENT, BODY.as_bytes());
        assert!(
            matches!(result, Err(VerifyError::Expired { .. })),
            "{result:?}"
        );
    }

    #[test]
    fn accepts_every_key_of_a_rotation() {
        let rotating = ReportingVerifier::from_keys([CURRENT_KEY, OLD_KEY]).unwrap();
        for signature in [SIGNED_WITH_CURRENT, SIGNED_WITH_OLD] {
            let result =
                rotating.verify_at(SIGNED_AT, signature, BODY.as_bytes(), at(1_700_000_000));
            assert_eq!(result, Ok(()), "{signature}");
        }
        // Once the old key is dropped, its signatures stop passing.
        let result = current().verify_at(
            SIGNED_AT,
            SIGNED_WITH_OLD,
            BODY.as_bytes(),
            at(1_700_000_000),
        );
        assert_eq!(result, Err(VerifyError::SignatureMismatch));
        // Order does not matter.
        let reversed =
            ReportingVerifier::from_keys(vec![OLD_KEY.to_owned(), CURRENT_KEY.to_owned()]).unwrap();
        let result = reversed.verify_at(
            SIGNED_AT,
            SIGNED_WITH_CURRENT,
            BODY.as_bytes(),
            at(1_700_000_000),
        );
        assert_eq!(result, Ok(()));
    }

    #[test]
    fn rejects_malformed_signatures() {
        let malformed = Err(VerifyError::MalformedSignature {
            header: "X-CIO-Signature",
            hex_digits: 64,
        });
        let short = &SIGNED_WITH_CURRENT[..62];
        let not_hex = SIGNED_WITH_CURRENT.replace('a', "g");
        let prefixed = format!("sha256={SIGNED_WITH_CURRENT}");
        let sha1_length = &SIGNED_WITH_CURRENT[..40];
        for signature in ["", short, &not_hex, &prefixed, sha1_length, " "] {
            let result =
                current().verify_at(SIGNED_AT, signature, BODY.as_bytes(), at(1_700_000_000));
            assert_eq!(result, malformed, "{signature:?}");
        }
    }

    #[test]
    fn rejects_malformed_timestamps() {
        for timestamp in [
            "",
            "soon",
            "1700000000.5",
            " 1700000000",
            "99999999999999999999",
        ] {
            let result = current().verify_at(
                timestamp,
                SIGNED_WITH_CURRENT,
                BODY.as_bytes(),
                at(1_700_000_000),
            );
            assert_eq!(
                result,
                Err(VerifyError::MalformedTimestamp),
                "{timestamp:?}"
            );
        }
    }

    #[test]
    fn extreme_timestamps_do_not_overflow() {
        let key = CURRENT_KEY.as_bytes();
        let signature = sign_reporting(key, at(i64::MIN), b"{}");
        let result = current().verify_at(&i64::MIN.to_string(), &signature, b"{}", at(i64::MAX));
        assert_eq!(
            result,
            Err(VerifyError::Expired {
                age_secs: u64::MAX,
                window_secs: 300
            })
        );
        let signature = sign_reporting(key, at(i64::MAX), b"{}");
        let result = current().verify_at(&i64::MAX.to_string(), &signature, b"{}", at(i64::MIN));
        assert_eq!(
            result,
            Err(VerifyError::FromTheFuture {
                ahead_secs: u64::MAX,
                window_secs: 300
            })
        );
    }

    #[test]
    fn signing_matches_the_independent_vectors() {
        let signed = sign_reporting(CURRENT_KEY.as_bytes(), at(1_700_000_000), BODY.as_bytes());
        assert_eq!(signed, SIGNED_WITH_CURRENT);
        let signed = sign_pipelines(PIPELINES_SECRET.as_bytes(), PIPELINES_BODY.as_bytes());
        assert_eq!(signed, PIPELINES_SIGNED);
    }

    #[test]
    fn empty_or_missing_keys_are_refused() {
        assert_eq!(
            ReportingVerifier::new("").err(),
            Some(SigningKeyError::Empty)
        );
        assert_eq!(
            ReportingVerifier::from_keys([CURRENT_KEY, ""]).err(),
            Some(SigningKeyError::Empty)
        );
        assert_eq!(
            ReportingVerifier::from_keys(Vec::<String>::new()).err(),
            Some(SigningKeyError::NoKeys)
        );
        assert_eq!(
            PipelinesVerifier::new(b"").err(),
            Some(SigningKeyError::Empty)
        );
    }

    #[test]
    fn debug_and_errors_never_show_keys_or_signatures() {
        let verifier = ReportingVerifier::from_keys([CURRENT_KEY, OLD_KEY]).unwrap();
        let debug = format!("{verifier:?}");
        assert_eq!(
            debug,
            "ReportingVerifier { keys: 2, replay_window: 300s, .. }"
        );
        let pipelines = format!("{:?}", PipelinesVerifier::new(PIPELINES_SECRET).unwrap());
        assert!(!pipelines.contains(PIPELINES_SECRET), "{pipelines}");
        let errors = [
            verifier.verify_at(SIGNED_AT, SIGNED_WITH_OLD, b"x", at(1_700_000_000)),
            verifier.verify_at(SIGNED_AT, &SIGNED_WITH_OLD[1..], b"x", at(1_700_000_000)),
            verifier.verify_at(
                SIGNED_AT,
                SIGNED_WITH_CURRENT,
                BODY.as_bytes(),
                at(1_800_000_000),
            ),
        ];
        for error in errors {
            let text = error.unwrap_err().to_string();
            for secret in [
                CURRENT_KEY,
                OLD_KEY,
                SIGNED_WITH_OLD,
                &SIGNED_WITH_OLD[1..],
                SIGNED_WITH_CURRENT,
            ] {
                assert!(!text.contains(secret), "{text}");
            }
        }
    }

    #[test]
    fn pipelines_accepts_a_good_signature() {
        let verifier = PipelinesVerifier::new(PIPELINES_SECRET).unwrap();
        assert_eq!(
            verifier.verify(PIPELINES_SIGNED, PIPELINES_BODY.as_bytes()),
            Ok(())
        );
        let upper = PIPELINES_SIGNED.to_ascii_uppercase();
        assert_eq!(verifier.verify(&upper, PIPELINES_BODY.as_bytes()), Ok(()));
    }

    #[test]
    fn pipelines_rejects_another_key_or_body() {
        let verifier = PipelinesVerifier::new(PIPELINES_SECRET).unwrap();
        assert_eq!(
            verifier.verify(PIPELINES_SIGNED_OLD, PIPELINES_BODY.as_bytes()),
            Err(VerifyError::SignatureMismatch)
        );
        let changed = PIPELINES_BODY.replace("42", "43");
        assert_eq!(
            verifier.verify(PIPELINES_SIGNED, changed.as_bytes()),
            Err(VerifyError::SignatureMismatch)
        );
    }

    #[test]
    fn pipelines_accepts_every_key_of_a_rotation() {
        let verifier =
            PipelinesVerifier::from_keys([PIPELINES_SECRET, PIPELINES_OLD_SECRET]).unwrap();
        for signature in [PIPELINES_SIGNED, PIPELINES_SIGNED_OLD] {
            assert_eq!(
                verifier.verify(signature, PIPELINES_BODY.as_bytes()),
                Ok(()),
                "{signature}"
            );
        }
    }

    #[test]
    fn pipelines_rejects_malformed_signatures() {
        let verifier = PipelinesVerifier::new(PIPELINES_SECRET).unwrap();
        let malformed = Err(VerifyError::MalformedSignature {
            header: "X-Signature",
            hex_digits: 40,
        });
        // A reporting webhook's SHA-256 length is not a SHA-1 signature.
        for signature in ["", &PIPELINES_SIGNED[..39], SIGNED_WITH_CURRENT, "zz"] {
            assert_eq!(
                verifier.verify(signature, PIPELINES_BODY.as_bytes()),
                malformed,
                "{signature:?}"
            );
        }
    }
}
