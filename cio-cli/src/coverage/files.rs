//! Reading the coverage files the emulators wrote into a folder.

use std::path::Path;

use cio_emulator::Coverage;

use crate::Failure;

/// Everything the emulators whose files are in `dir` saw, and how many files there
/// were. Every `*.json` file of the folder must be a coverage file; a folder without
/// any is a mistake (the tests did not run with `CIO_COVERAGE_DIR` set to it).
pub(crate) fn read_dir(dir: &Path) -> Result<(Coverage, usize), Failure> {
    let shown = dir.display();
    let entries = std::fs::read_dir(dir).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Failure::Usage(format!("{shown}: no such folder")),
        _ if dir.is_file() => Failure::Usage(format!(
            "{shown} is a file; give the folder CIO_COVERAGE_DIR named"
        )),
        _ => Failure::Usage(format!("cannot read the folder {shown}: {e}")),
    })?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry =
            entry.map_err(|e| Failure::Usage(format!("cannot read the folder {shown}: {e}")))?;
        let path = entry.path();
        if path.extension().is_some_and(|ext| ext == "json") && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    if paths.is_empty() {
        return Err(Failure::Usage(format!(
            "no coverage files in {shown}: run the tests with CIO_COVERAGE_DIR={shown} first"
        )));
    }
    let mut all = Coverage::default();
    for path in &paths {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))?;
        let seen = Coverage::from_json(&text).map_err(|why| {
            Failure::Usage(format!(
                "{} is not a cio-emulator coverage file: {why}",
                path.display()
            ))
        })?;
        all.merge(seen);
    }
    Ok((all, paths.len()))
}
