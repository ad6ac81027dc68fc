//! Did-you-mean suggestions for misspelled names.
//!
//! ```
//! use cio_schema::suggest::did_you_mean;
//! let events = ["signed_up", "email_verified"];
//! assert_eq!(did_you_mean("sign_up", events), Some("signed_up"));
//! assert_eq!(did_you_mean("checkout", events), None);
//! ```

/// The candidate closest to `name`, when one is close enough: Jaro similarity of at
/// least 0.7 or Damerau-Levenshtein distance of at most 2. Among close candidates the
/// one with the smallest distance wins, then the highest similarity, then the first.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(usize, f64, &'a str)> = None;
    for candidate in candidates {
        let distance = strsim::damerau_levenshtein(name, candidate);
        let similarity = strsim::jaro(name, candidate);
        if distance > 2 && similarity < 0.7 {
            continue;
        }
        let better = match best {
            None => true,
            Some((d, s, _)) => distance < d || (distance == d && similarity > s),
        };
        if better {
            best = Some((distance, similarity, candidate));
        }
    }
    best.map(|(_, _, c)| c)
}

/// `"; did you mean `x`?"` for the closest candidate, or `""` when none is close.
pub(crate) fn hint<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    match did_you_mean(name, candidates) {
        Some(c) => format!("; did you mean `{c}`?"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_closest() {
        let c = ["signed_up", "email_verified", "feature_used"];
        assert_eq!(did_you_mean("sign_up", c), Some("signed_up"));
        assert_eq!(did_you_mean("signedup", c), Some("signed_up"));
        assert_eq!(did_you_mean("email_verifed", c), Some("email_verified"));
        assert_eq!(did_you_mean("feature", c), Some("feature_used"));
    }

    #[test]
    fn nothing_close() {
        let c = ["signed_up", "email_verified"];
        assert_eq!(did_you_mean("checkout_completed", c), None);
        assert_eq!(did_you_mean("x", c), None);
        assert_eq!(did_you_mean("x", []), None);
    }

    #[test]
    fn smallest_distance_wins() {
        assert_eq!(did_you_mean("strng", ["string", "strings"]), Some("string"));
        assert_eq!(did_you_mean("int", ["float", "int"]), Some("int"));
        assert_eq!(did_you_mean("dat", ["doc", "data"]), Some("data"));
    }

    #[test]
    fn hint_text() {
        assert_eq!(hint("strng", ["string"]), "; did you mean `string`?");
        assert_eq!(hint("zzzzzz", ["string"]), "");
    }
}
