//! Loading a taxonomy once per compiler process, reloading when a file changes.
//!
//! Every `taxonomy!()` and derive in a crate reads the same `events.toml`; the
//! parsed result is kept, keyed by the exact bytes of every file it was built from
//! (so an edit, seen by a long-lived IDE process, is never served stale).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use cio_schema::{Diagnostics, Taxonomy};

use crate::locate::TaxonomyFile;

/// A validated taxonomy and what the codegen derives from it.
#[derive(Debug)]
pub(crate) struct Schema {
    /// The model.
    pub(crate) taxonomy: Taxonomy,
    /// Per event, the data fields its campaigns' Liquid reads.
    pub(crate) liquid: BTreeMap<String, BTreeSet<String>>,
}

impl Schema {
    /// The Liquid fields of `event`, sorted.
    pub(crate) fn liquid_fields(&self, event: &str) -> Vec<&str> {
        self.liquid
            .get(event)
            .map(|set| set.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }
}

/// The outcome of loading: every file read (for rebuild tracking) and the schema.
#[derive(Debug)]
pub(crate) struct Load {
    pub(crate) files: Vec<PathBuf>,
    pub(crate) result: Result<Schema, Diagnostics>,
    /// With errors: what can still be generated (see [`crate::salvage`]).
    pub(crate) fallback: Option<Schema>,
}

impl Load {
    /// What the generator needs from a loaded file.
    pub(crate) fn of(loaded: cio_schema::Loaded) -> Load {
        let schema = |taxonomy: Taxonomy| Schema {
            liquid: cio_schema::liquid::liquid_fields(&taxonomy),
            taxonomy,
        };
        Load {
            files: loaded.files,
            result: loaded.result.map(schema),
            fallback: loaded
                .structure
                .map(|taxonomy| schema(crate::salvage::salvage(taxonomy))),
        }
    }
}

struct Entry {
    key: PathBuf,
    contents: Vec<(PathBuf, Vec<u8>)>,
    load: Arc<Load>,
}

static CACHE: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

/// Loads `file`, from the cache when none of its files changed.
pub(crate) fn load(file: &TaxonomyFile) -> Arc<Load> {
    let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(entry) = cache.iter().find(|e| e.key == file.path) {
        let unchanged = entry
            .contents
            .iter()
            .all(|(path, bytes)| std::fs::read(path).ok().as_deref() == Some(bytes.as_slice()));
        if unchanged {
            return Arc::clone(&entry.load);
        }
    }
    let loaded = cio_schema::load(&file.path, &file.display);
    let contents = loaded
        .files
        .iter()
        .filter_map(|path| std::fs::read(path).ok().map(|bytes| (path.clone(), bytes)))
        .collect();
    let load = Arc::new(Load::of(loaded));
    cache.retain(|e| e.key != file.path);
    cache.push(Entry {
        key: file.path.clone(),
        contents,
        load: Arc::clone(&load),
    });
    load
}

/// Empties the cache.
pub(crate) fn clear() {
    CACHE.lock().unwrap_or_else(PoisonError::into_inner).clear();
}
