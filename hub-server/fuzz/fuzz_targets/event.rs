//! A event body as the hub receives it: parsing never panics, and a body the
//! hub accepts is exactly one JSON value it can read back.
#![no_main]

use hub_proto::{CustomerScoped, EventIn};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = hub_server::http::extract::parse_json::<EventIn>(data) else {
        return;
    };
    let now = jiff::Timestamp::constant(1_795_000_000, 0);
    let _ = value.validate(now);
    let text = std::str::from_utf8(data).expect("accepted bodies are UTF-8");
    serde_json::value::RawValue::from_string(text.to_owned())
        .expect("an accepted body reads back as one JSON value");
});
