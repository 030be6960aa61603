//! hub.yaml: loading arbitrary text never panics; a config that loads is
//! valid (its listen address parses, thresholds are ordered).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let origin = std::path::Path::new("fuzz.yaml");
    if let Ok(c) = hub_server::config::Config::parse(Some(text), origin, Vec::new()) {
        assert!(c.listen_addr().is_ok());
        assert!(c.alerting.stale_threshold < c.alerting.down_threshold);
    }
});
