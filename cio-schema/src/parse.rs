//! Reading `events.toml` into the model. (Being written.)

use std::path::Path;

use crate::{Diagnostic, Diagnostics, Loaded};

pub(crate) fn load(path: &Path, display_name: &str) -> Loaded {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let mut loaded = parse_str(&text, display_name, path.parent());
            loaded.files.insert(0, path.to_path_buf());
            loaded
        }
        Err(e) => Loaded {
            files: Vec::new(),
            result: Err(Diagnostics(vec![Diagnostic::new(format!(
                "cannot read {display_name}: {e}"
            ))])),
        },
    }
}

pub(crate) fn parse_str(_source: &str, _display_name: &str, _base_dir: Option<&Path>) -> Loaded {
    Loaded {
        files: Vec::new(),
        result: Err(Diagnostics(vec![Diagnostic::new("not yet implemented")])),
    }
}
