//! Property tests of the parsers the fuzz targets also cover (the fuzzers
//! run for minutes by hand; these run in every test run): whatever the
//! input, parsing never panics, an accepted body reads back as one JSON
//! value, Go's renderings parse like the canonical ones, hub.yaml loading
//! never panics and the template deep-merge is idempotent.

use hub_proto::{CustomerScoped, EventIn, InfraBackup, Preferences, Report};
use hub_server::config::Config;
use hub_server::controller_yaml::deep_merge;
use hub_server::http::extract::parse_json;
use proptest::prelude::*;
use serde_json::{Value, json};

fn now() -> jiff::Timestamp {
    T0.parse().unwrap()
}

/// Arbitrary JSON values, nested a few levels.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e12f64..1e12).prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Checks the stored-body invariant for one body and one type.
fn accepted_reads_back<T>(raw: &[u8])
where
    T: serde::de::DeserializeOwned + CustomerScoped,
{
    if let Ok(v) = parse_json::<T>(raw) {
        let _ = v.validate(now());
        let text = std::str::from_utf8(raw).expect("accepted bodies are UTF-8");
        serde_json::value::RawValue::from_string(text.to_owned())
            .expect("an accepted body reads back as one JSON value");
    }
}

fn all_bodies(raw: &[u8]) {
    accepted_reads_back::<Report>(raw);
    accepted_reads_back::<EventIn>(raw);
    accepted_reads_back::<InfraBackup>(raw);
    accepted_reads_back::<Preferences>(raw);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic_and_accepted_bodies_read_back(raw in prop::collection::vec(any::<u8>(), 0..512)) {
        all_bodies(&raw);
    }

    #[test]
    fn a_valid_report_with_anything_after_it_is_refused(tail in "[^ \t\r\n]{1,8}") {
        let body = format!("{}{tail}", report("p", T0));
        prop_assert!(parse_json::<Report>(body.as_bytes()).is_err());
    }

    #[test]
    fn reports_with_arbitrary_extra_fields_keep_them(extra in json_value(), key in "x_[a-z]{1,8}") {
        let mut body = report("p", T0);
        body[key.as_str()] = extra.clone();
        let raw = body.to_string();
        let r: Report = parse_json(raw.as_bytes()).expect("a report with an extra field");
        prop_assert_eq!(r.extra.get(&key), Some(&extra));
        all_bodies(raw.as_bytes());
    }

    #[test]
    fn go_renderings_parse_like_the_canonical_report(
        nulls in prop::collection::vec(any::<bool>(), 4),
        floats in prop::collection::vec(any::<bool>(), 4),
    ) {
        let canonical = report("go", T0);
        let mut go = canonical.clone();
        let mut expected = canonical.clone();
        for (i, field) in ["storage", "containers", "checks"].iter().enumerate() {
            if nulls[i] {
                go[*field] = Value::Null;
                expected[*field] = json!([]);
            }
        }
        if nulls[3] {
            go["system"]["load_avg"] = Value::Null;
            expected["system"]["load_avg"] = json!([]);
        }
        for (i, (section, field)) in [
            ("system", "uptime_seconds"),
            ("system", "memory_total_bytes"),
            ("backup", "snapshot_count"),
            ("backup", "repo_size_bytes"),
        ]
        .iter()
        .enumerate()
        {
            if floats[i] {
                let n = go[*section][*field].as_u64().unwrap();
                go[*section][*field] = json!(n as f64);
            }
        }
        let a: Report = parse_json(go.to_string().as_bytes()).expect("Go's rendering");
        let b: Report = parse_json(expected.to_string().as_bytes()).expect("canonical");
        prop_assert_eq!(a, b);
    }

    #[test]
    fn hub_yaml_never_panics(text in ".{0,200}", key in "[a-z_]{1,12}", value in "[ -~]{0,16}") {
        let origin = std::path::Path::new("prop.yaml");
        let _ = Config::parse(Some(&text), origin, Vec::new());
        let doc = format!("server:\n  {key}: {value}\nalerting:\n  {key}: \"{value}\"\n");
        if let Err(e) = Config::parse(Some(&doc), origin, Vec::new()) {
            prop_assert!(!e.to_string().is_empty());
        }
        let env = vec![(format!("HUB_SERVER_{}", key.to_uppercase()), value)];
        let _ = Config::parse(None, origin, env);
    }

    #[test]
    fn deep_merge_is_idempotent_and_keeps_the_overlay(base in json_value(), overlay in json_value()) {
        let mut merged = base.clone();
        deep_merge(&mut merged, &overlay);
        let once = merged.clone();
        deep_merge(&mut merged, &overlay);
        prop_assert_eq!(&once, &merged);
        // Every leaf of the overlay is found at its path in the result.
        fn leaves<'a>(v: &'a Value, path: String, out: &mut Vec<(String, &'a Value)>) {
            match v {
                Value::Object(m) if !m.is_empty() => {
                    for (k, v) in m {
                        leaves(v, format!("{path}/{k}"), out);
                    }
                }
                other => out.push((path, other)),
            }
        }
        let mut want = Vec::new();
        leaves(&overlay, String::new(), &mut want);
        for (path, value) in want {
            if let Value::Object(m) = value && m.is_empty() {
                continue;
            }
            prop_assert_eq!(once.pointer(&path), Some(value), "{}", path);
        }
    }
}

use crate::{T0, report};
