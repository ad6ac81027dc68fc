//! Standard output that never panics: when the reader is gone (`cio-cli docs | head`),
//! the rest of the output is dropped and the command ends normally.

use std::io::{ErrorKind, Write};

/// Writes `text` to standard output; a broken pipe ends the process quietly, any
/// other write error is said on standard error.
pub(crate) fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() == ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        emit_err(&format!("error: cannot write to standard output: {e}\n"));
        std::process::exit(2);
    }
}

/// Writes `text` to standard error; an error writing there is ignored (there is no
/// other place left to say it).
pub(crate) fn emit_err(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}
