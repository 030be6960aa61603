//! The template deep-merge: two YAML documents (split at the first NUL)
//! merge without panicking, and merging the overlay again changes nothing.
#![no_main]

use hub_server::controller_yaml::{deep_merge, parse_yaml};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (a, b) = text.split_once('\0').unwrap_or((text, ""));
    let (Ok(mut base), Ok(overlay)) = (parse_yaml(a), parse_yaml(b)) else {
        return;
    };
    deep_merge(&mut base, &overlay);
    let once = base.clone();
    deep_merge(&mut base, &overlay);
    assert_eq!(once, base, "merging twice equals merging once");
});
