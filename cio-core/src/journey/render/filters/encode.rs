//! JSON, Base64 and hashing: `json`/`to_json`, `from_json`, `base64*`,
//! `hex_base64`, `md5`, `sha1`, `sha256`, `hmac_sha1`, `hmac_sha256` (digests in
//! lowercase hex, as Customer.io prints them).

use base64::Engine as _;
use md5::Digest as _;

use super::{string, text, Args, Outcome};
use crate::journey::render::json_value;
use liquid_core::{Value, ValueView};

/// A Liquid value as JSON.
pub(super) fn to_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Value::Nil | Value::State(_) => J::Null,
        Value::Array(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Object(map) => J::Object(
            map.iter()
                .map(|(k, v)| (k.to_string(), to_json(v)))
                .collect(),
        ),
        Value::Scalar(s) => match s.type_name() {
            "whole number" => s.to_integer().map_or(J::Null, J::from),
            "fractional number" => s
                .to_float()
                .and_then(serde_json::Number::from_f64)
                .map_or(J::Null, J::Number),
            "boolean" => J::Bool(s.to_bool().unwrap_or(false)),
            _ => J::String(s.to_kstr().into_owned().to_string()),
        },
    }
}

/// The value as JSON text.
pub(super) fn json(input: &Value, _: &Args) -> Outcome {
    Ok(string(to_json(input).to_string()))
}

/// JSON text as a value (`'{"a":[1]}' | from_json`).
pub(super) fn from_json(input: &Value, _: &Args) -> Outcome {
    let parsed: serde_json::Value =
        serde_json::from_str(&text(input)).map_err(|e| format!("invalid JSON: {e}"))?;
    Ok(json_value(&parsed))
}

fn decoded(bytes: Vec<u8>) -> Outcome {
    String::from_utf8(bytes)
        .map(string)
        .map_err(|_| "the decoded bytes are not UTF-8 text".to_string())
}

/// Standard Base64, padded.
pub(super) fn base64_encode(input: &Value, _: &Args) -> Outcome {
    Ok(string(
        base64::engine::general_purpose::STANDARD.encode(text(input)),
    ))
}

/// Standard Base64 back to text.
pub(super) fn base64_decode(input: &Value, _: &Args) -> Outcome {
    base64::engine::general_purpose::STANDARD
        .decode(text(input).trim())
        .map_err(|e| format!("invalid Base64: {e}"))
        .and_then(decoded)
}

/// URL-safe Base64 (`-` and `_`), padded.
pub(super) fn base64_url_safe_encode(input: &Value, _: &Args) -> Outcome {
    Ok(string(
        base64::engine::general_purpose::URL_SAFE.encode(text(input)),
    ))
}

/// URL-safe Base64 back to text, with or without padding.
pub(super) fn base64_url_safe_decode(input: &Value, _: &Args) -> Outcome {
    let t = text(input);
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(t.trim().trim_end_matches('='))
        .map_err(|e| format!("invalid Base64: {e}"))
        .and_then(decoded)
}

/// Hex digits as Base64 of their bytes (`'0fff' | hex_base64` → `D/8=`).
pub(super) fn hex_base64(input: &Value, _: &Args) -> Outcome {
    let t = text(input);
    let t = t.trim();
    if !t.len().is_multiple_of(2) {
        return Err(format!("`{t}` is not an even number of hex digits"));
    }
    let bytes = (0..t.len())
        .step_by(2)
        .map(|i| {
            t.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(|| format!("`{t}` is not hex"))
        })
        .collect::<Result<Vec<u8>, String>>()?;
    Ok(string(
        base64::engine::general_purpose::STANDARD.encode(bytes),
    ))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// MD5 of the text, in hex.
pub(super) fn md5(input: &Value, _: &Args) -> Outcome {
    Ok(string(hex(&md5::Md5::digest(text(input).as_bytes()))))
}

/// SHA-1 of the text, in hex.
pub(super) fn sha1(input: &Value, _: &Args) -> Outcome {
    let digest = ring::digest::digest(
        &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
        text(input).as_bytes(),
    );
    Ok(string(hex(digest.as_ref())))
}

/// SHA-256 of the text, in hex.
pub(super) fn sha256(input: &Value, _: &Args) -> Outcome {
    let digest = ring::digest::digest(&ring::digest::SHA256, text(input).as_bytes());
    Ok(string(hex(digest.as_ref())))
}

fn hmac(algorithm: ring::hmac::Algorithm, input: &Value, args: &Args) -> Outcome {
    let secret = args.text(0).ok_or("expects the secret key")?;
    let key = ring::hmac::Key::new(algorithm, secret.as_bytes());
    Ok(string(hex(
        ring::hmac::sign(&key, text(input).as_bytes()).as_ref()
    )))
}

/// `hmac_sha1: secret`: HMAC-SHA1 of the text, in hex.
pub(super) fn hmac_sha1(input: &Value, args: &Args) -> Outcome {
    hmac(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, input, args)
}

/// `hmac_sha256: secret`: HMAC-SHA256 of the text, in hex.
pub(super) fn hmac_sha256(input: &Value, args: &Args) -> Outcome {
    hmac(ring::hmac::HMAC_SHA256, input, args)
}
