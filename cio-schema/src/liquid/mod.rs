//! Liquid analysis of message templates: syntax, and every `event.*` / `customer.*`
//! variable a message reads, checked against the taxonomy. (Being written.)

use std::collections::{BTreeMap, BTreeSet};

use crate::{Diagnostic, SourceFile, Taxonomy};

/// Checks every message of `taxonomy`: Liquid syntax, and each variable it reads
/// against the trigger events of the campaigns that send it and the profile.
/// `events_toml` is the source the taxonomy was parsed from (for inline templates).
pub fn check_taxonomy(taxonomy: &Taxonomy, events_toml: &SourceFile) -> Vec<Diagnostic> {
    let _ = (taxonomy, events_toml);
    Vec::new()
}

/// For each event (by name), the data fields that messages of the campaigns it
/// triggers read: the fields the event must always carry.
pub fn liquid_fields(taxonomy: &Taxonomy) -> BTreeMap<String, BTreeSet<String>> {
    let _ = taxonomy;
    BTreeMap::new()
}
