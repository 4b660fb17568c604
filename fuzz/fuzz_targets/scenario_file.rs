//! Any text given as a scenario file either parses into a scenario or yields a one-line error with a
//! position inside the text; it never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match leapsim_scenario::parse_str("fuzz.toml", text) {
        Ok(sc) => {
            assert!(!sc.name.is_empty());
        }
        Err(e) => {
            let line = e.to_string();
            assert!(!line.contains('\n'), "{line}");
            if let Some((l, _)) = e.position {
                assert!(l >= 1 && l <= text.lines().count() + 1, "{line}");
            }
        }
    }
});
