//! Any text as a Liquid template: the analyzer (variables, roots, guards) and the
//! syntax check with Customer.io's dialect. Never a panic, hang or stack overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    match cio_schema::liquid::analyze(source) {
        Ok(analysis) => {
            let _ = format!("{analysis:?}");
        }
        Err(error) => assert!(error.offset <= source.len(), "{error:?}"),
    }
    if let Err(error) = cio_schema::liquid::check_syntax(source) {
        assert!(error.offset <= source.len(), "{error:?}");
    }
});
