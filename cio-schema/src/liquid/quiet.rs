//! Running dependency code that may panic without the panic being printed: the
//! `liquid` parser has internal assertions, and a macro that catches them must show
//! only its own error, not "thread panicked at ..." in the compiler's output.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// Set while this thread runs code whose panics are caught and reported by cio.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, returning `None` if it panicked. The panic hook (installed once per
/// process, chaining to the hook that was there before) prints nothing for a panic on
/// this thread inside `f`; panics anywhere else are printed as before.
pub(crate) fn catch<T>(f: impl FnOnce() -> T) -> Option<T> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let outer = QUIET.with(|quiet| quiet.replace(true));
    let outcome = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|quiet| quiet.set(outer));
    outcome.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Set in the child process that [`a_caught_panic_prints_nothing`] starts.
    const CHILD: &str = "CIO_SCHEMA_QUIET_PANIC_CHILD";

    #[test]
    fn a_caught_panic_prints_nothing() {
        if std::env::var_os(CHILD).is_some() {
            // In the child: one caught panic (silent), then one uncaught elsewhere
            // (printed), so the parent sees the hook still works for other panics.
            assert_eq!(catch(|| -> u8 { panic!("inside the dependency") }), None);
            assert_eq!(catch(|| 7), Some(7));
            let _ = std::thread::spawn(|| panic!("outside any catch")).join();
            return;
        }
        let output = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "liquid::quiet::tests::a_caught_panic_prints_nothing",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        assert!(!stderr.contains("inside the dependency"), "{stderr}");
        assert!(stderr.contains("outside any catch"), "{stderr}");
    }
}
