//! Generation of a customer's `controller.yaml`: the template deep-merged
//! with the customer's settings, then the hub-owned identity fields. Pure:
//! no I/O, deterministic output for the same inputs.
//!
//! Mappings merge recursively, scalars and sequences replace, and the
//! template's key order is kept (keys only the customer has come after).
//!
//! Where the customer's fields land:
//!
//! | customer field | template path |
//! |---|---|
//! | customer id | `customer.id` |
//! | display name | `customer.name` |
//! | domain | `customer.domain` |
//! | contact email | `customer.email` |
//! | per-customer API key | `hub.api_key` |
//! | `server.public_url` of the hub | `hub.url` |
//! | `settings` (a mapping) | deep-merged at the root |
//! | `monitoring` overrides | deep-merged into `monitoring` |
//! | token `NAME` | `NAME.token` (e.g. `tunnel.token`, `dns.token`) |
//! | legacy monitoring UUIDs | not generated (deprecated, kept for reference) |
//!
//! Later rows win over earlier ones; identity and hub fields always win.

use std::sync::{Arc, RwLock};

use serde_json::{Map, Value, json};
use thiserror::Error;

use hub_proto::admin::CustomerConfig;

/// The template that ships in the binary.
pub const BUNDLED_TEMPLATE: &str = include_str!("../templates/controller.yaml.example");

#[derive(Debug, Error)]
pub enum ConfigGenError {
    #[error("template is not valid YAML: {0}")]
    TemplateYaml(String),
    #[error("template must be a YAML mapping at the top level")]
    TemplateNotMapping,
    #[error("cannot write YAML: {0}")]
    Emit(String),
}

/// Parses YAML the way controllers do: only `true`/`false` are booleans, so
/// a value like `no` (Norway, a flag name) stays a string.
pub fn parse_yaml(text: &str) -> Result<Value, ConfigGenError> {
    let opts = serde_saphyr::options! { strict_booleans: true };
    serde_saphyr::from_str_with_options(text, opts)
        .map_err(|e| ConfigGenError::TemplateYaml(e.to_string()))
}

/// The current template, replaceable at run time by the template refresh.
pub struct Template {
    current: RwLock<Arc<Value>>,
}

impl Template {
    pub fn bundled() -> Result<Self, ConfigGenError> {
        Ok(Self {
            current: RwLock::new(Arc::new(parse_template(BUNDLED_TEMPLATE)?)),
        })
    }

    pub fn current(&self) -> Arc<Value> {
        crate::sync::read(&self.current, "template").clone()
    }

    /// Installs a new template text after checking it is a YAML mapping.
    pub fn replace(&self, text: &str) -> Result<(), ConfigGenError> {
        let v = Arc::new(parse_template(text)?);
        *crate::sync::write(&self.current, "template") = v;
        Ok(())
    }

    pub fn generate(
        &self,
        cfg: &CustomerConfig,
        api_key: &str,
        public_url: &str,
    ) -> Result<String, ConfigGenError> {
        generate(&self.current(), cfg, api_key, public_url)
    }
}

pub fn parse_template(text: &str) -> Result<Value, ConfigGenError> {
    match parse_yaml(text)? {
        v @ Value::Object(_) => Ok(v),
        _ => Err(ConfigGenError::TemplateNotMapping),
    }
}

/// Deep merge of `overlay` into `base`.
pub fn deep_merge(base: &mut Value, overlay: &Value) {
    match (base, overlay) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(existing) => deep_merge(existing, v),
                    None => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

/// The generated controller.yaml as a value (for diffs).
pub fn generate_value(
    template: &Value,
    c: &CustomerConfig,
    api_key: &str,
    public_url: &str,
) -> Value {
    let mut out = template.clone();
    deep_merge(&mut out, &Value::Object(c.settings.clone()));
    if !c.monitoring.is_empty() {
        deep_merge(&mut out, &json!({ "monitoring": c.monitoring }));
    }
    for (name, value) in &c.tokens {
        deep_merge(&mut out, &json!({ name: { "token": value } }));
    }
    let identity = json!({
        "customer": {
            "id": c.customer_id,
            "name": c.display_name,
            "domain": c.domain,
            "email": c.contact_email,
        },
        "hub": {
            "url": public_url,
            "api_key": api_key,
        },
    });
    deep_merge(&mut out, &identity);
    if !matches!(out, Value::Object(_)) {
        out = Value::Object(Map::new());
    }
    out
}

pub fn generate(
    template: &Value,
    cfg: &CustomerConfig,
    api_key: &str,
    public_url: &str,
) -> Result<String, ConfigGenError> {
    serde_saphyr::to_string(&generate_value(template, cfg, api_key, public_url))
        .map_err(|e| ConfigGenError::Emit(e.to_string()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn cfg() -> CustomerConfig {
        let Value::Object(settings) = json!({"backup": {"keep_daily": 14}, "extra": {"x": [1]}})
        else {
            unreachable!()
        };
        CustomerConfig {
            customer_id: "kovacs-csalad".into(),
            display_name: "Kovács család".into(),
            domain: "kovacs-csalad.felhom.eu".into(),
            contact_email: "kovacs@example.hu".into(),
            tokens: [("tunnel".to_owned(), "tun-1".to_owned())].into(),
            settings,
            ..Default::default()
        }
    }

    #[test]
    fn merge_keeps_template_order_and_replaces_scalars() {
        let t = parse_template(BUNDLED_TEMPLATE).unwrap();
        let yaml = generate(&t, &cfg(), "key-1", "https://hub.felhom.eu").unwrap();
        let v = parse_yaml(&yaml).unwrap();
        assert_eq!(v["customer"]["id"], "kovacs-csalad");
        assert_eq!(v["customer"]["name"], "Kovács család");
        assert_eq!(v["hub"]["api_key"], "key-1");
        assert_eq!(v["tunnel"]["token"], "tun-1");
        assert_eq!(v["tunnel"]["provider"], "cloudflare");
        assert_eq!(v["backup"]["keep_daily"], 14);
        assert_eq!(v["backup"]["keep_weekly"], 4);
        assert_eq!(v["extra"]["x"][0], 1);
        let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys.first().map(String::as_str), Some("customer"));
        assert_eq!(keys.last().map(String::as_str), Some("extra"));
        // Deterministic.
        assert_eq!(
            yaml,
            generate(&t, &cfg(), "key-1", "https://hub.felhom.eu").unwrap()
        );
    }

    #[test]
    fn strict_booleans_and_bad_templates() {
        let v = parse_template("country: no\nflag: true\n").unwrap();
        assert_eq!(v["country"], "no");
        assert_eq!(v["flag"], true);
        assert!(parse_template("- a\n- b\n").is_err());
        assert!(parse_template("a: [\n").is_err());
    }
}

/// Paths a controller changes on its own; a diff ignores them by default.
pub const VOLATILE_PATHS: &[&str] = &[
    "controller.instance_id",
    "controller.version",
    "controller.started_at",
    "updates.last_checked_at",
    "generated_at",
];

/// Leaves of a YAML/JSON value by dotted path; sequences are leaves.
pub fn flatten(v: &Value) -> std::collections::BTreeMap<String, Value> {
    fn walk(prefix: &str, v: &Value, out: &mut std::collections::BTreeMap<String, Value>) {
        match v {
            Value::Object(m) if !m.is_empty() => {
                for (k, child) in m {
                    let p = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&p, child, out);
                }
            }
            other => {
                out.insert(prefix.to_owned(), other.clone());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk("", v, &mut out);
    out
}

/// Value-based differences by dotted path (key order ignored), skipping
/// `ignored` paths and everything below them.
pub fn diff(hub: &Value, live: &Value, ignored: &[&str]) -> Vec<hub_proto::admin::DiffEntry> {
    let (a, b) = (flatten(hub), flatten(live));
    let skip = |p: &str| {
        ignored
            .iter()
            .any(|i| p == *i || p.strip_prefix(i).is_some_and(|r| r.starts_with('.')))
    };
    let mut paths: Vec<&String> = a.keys().chain(b.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter(|p| !skip(p) && a.get(*p) != b.get(*p))
        .map(|p| hub_proto::admin::DiffEntry {
            path: p.clone(),
            hub: a.get(p).cloned(),
            controller: b.get(p).cloned(),
        })
        .collect()
}

/// What a diff shows for a secret: never its value, only whether the two
/// sides hold the same one.
pub const SECRET_SAME: &str = "<redacted>";
pub const SECRET_DIFFERENT: &str = "<redacted, different>";

/// Replaces every secret in both documents before they are compared or
/// shown — by the one rule of `hub_proto::secrets` (names at any depth,
/// URLs with credentials): equal secrets both become [`SECRET_SAME`]; when
/// they differ the controller's side becomes [`SECRET_DIFFERENT`], so a
/// diff still says that a push would change it.
pub fn redact_secrets(hub: &mut Value, live: &mut Value) {
    use hub_proto::secrets::{has_url_credentials, is_secret_key};
    let url_secret = |v: Option<&Value>| v.and_then(Value::as_str).is_some_and(has_url_credentials);
    /// Hides one place on both sides, saying whether they were the same.
    fn hide(h: Option<&mut Value>, l: Option<&mut Value>) {
        let same = match (&h, &l) {
            (Some(a), Some(b)) => a == b,
            (None, None) => true,
            _ => false,
        };
        if let Some(v) = h {
            *v = Value::String(SECRET_SAME.into());
        }
        if let Some(v) = l {
            let shown = if same { SECRET_SAME } else { SECRET_DIFFERENT };
            *v = Value::String(shown.into());
        }
    }
    fn walk(
        hub: Option<&mut Value>,
        live: Option<&mut Value>,
        url_secret: &dyn Fn(Option<&Value>) -> bool,
    ) {
        match (hub, live) {
            (Some(Value::Object(h)), Some(Value::Object(l))) => {
                let keys: Vec<String> = h.keys().chain(l.keys()).cloned().collect();
                for k in keys {
                    if is_secret_key(&k) || url_secret(h.get(&k)) || url_secret(l.get(&k)) {
                        hide(h.get_mut(&k), l.get_mut(&k));
                    } else {
                        walk(h.get_mut(&k), l.get_mut(&k), url_secret);
                    }
                }
            }
            (Some(Value::Array(h)), Some(Value::Array(l))) => {
                let n = h.len().max(l.len());
                for i in 0..n {
                    if url_secret(h.get(i)) || url_secret(l.get(i)) {
                        hide(h.get_mut(i), l.get_mut(i));
                    } else {
                        walk(h.get_mut(i), l.get_mut(i), url_secret);
                    }
                }
            }
            (Some(one), None) | (None, Some(one)) => hub_proto::secrets::redact(one),
            (Some(h), Some(l)) => {
                hub_proto::secrets::redact(h);
                hub_proto::secrets::redact(l);
            }
            (None, None) => {}
        }
    }
    if url_secret(Some(hub)) || url_secret(Some(live)) {
        hide(Some(hub), Some(live));
        return;
    }
    walk(Some(hub), Some(live), &url_secret);
}

/// A unified diff of two YAML texts, for people: from the hub's to the
/// controller's (`-` lines are the hub's, `+` the controller's), the same
/// direction as the table's "hub only" and "controller only".
pub fn unified(hub_yaml: &str, live_yaml: &str) -> String {
    similar::TextDiff::from_lines(hub_yaml, live_yaml)
        .unified_diff()
        .header("hub", "controller")
        .to_string()
}

#[cfg(test)]
mod diff_tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn diff_is_by_value_and_path_ignoring_order_and_volatile_paths() {
        let hub =
            parse_yaml("a:\n  x: 1\n  y: [1, 2]\nb: s\ncontroller:\n  version: 1.0.0\n").unwrap();
        let live =
            parse_yaml("b: s\na:\n  y: [1, 3]\n  x: 1\n  z: new\ncontroller:\n  version: 2.0.0\n")
                .unwrap();
        let d = diff(&hub, &live, VOLATILE_PATHS);
        let paths: Vec<_> = d.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, vec!["a.y", "a.z"]);
        assert_eq!(d[1].hub, None);
        assert_eq!(d[1].controller, Some(serde_json::json!("new")));
        assert!(diff(&hub, &hub, &[]).is_empty());
        let u = unified("b: 1\n", "b: 2\n");
        assert!(u.starts_with("--- hub\n+++ controller\n"), "{u}");
        assert!(u.contains("-b: 1") && u.contains("+b: 2"), "{u}");
    }

    #[test]
    fn secrets_never_reach_a_diff_but_their_change_does() {
        let mut hub = parse_yaml(
            "hub:\n  api_key: k1\ntunnel:\n  token: t1\ndns:\n  token: d1\nextra:\n  - password: p\n",
        )
        .unwrap();
        let mut live =
            parse_yaml("hub:\n  api_key: k1\ntunnel:\n  token: t2\nmine:\n  session_secret: s\n")
                .unwrap();
        redact_secrets(&mut hub, &mut live);
        let text = format!("{hub} {live}");
        for secret in ["k1", "t1", "t2", "d1", "\"p\"", "\"s\""] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        let d = diff(&hub, &live, &[]);
        let paths: Vec<_> = d.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            vec!["dns.token", "extra", "mine.session_secret", "tunnel.token"]
        );
        let tunnel = d.iter().find(|e| e.path == "tunnel.token").unwrap();
        assert_eq!(tunnel.controller, Some(serde_json::json!(SECRET_DIFFERENT)));
    }

    /// The review's corpus: names a name list missed, a `tokens:` list and
    /// credentials inside URLs, on either side or both.
    #[test]
    fn a_diff_shows_no_secret_of_any_usual_shape() {
        let live = parse_yaml(
            "backup:\n  encryption_key: EK1\n  passphrase: PP1\n  target: sftp://u:URLPW@nas/b\n\
             db:\n  pass: DBP1\n  dsn: postgres://app:DSNPW@db:5432/app\n\
             ssh:\n  private_key: PK1\n  accessKey: AK1\n\
             vault:\n  tokens:\n    - VT1\n    - VT2\n\
             mirrors:\n  - https://m.example\n  - https://x:MIRRORPW@m2.example\n\
             smtp:\n  Password: SMTPPW\n  credentials:\n    user: u\n    secret: CREDPW\n",
        )
        .unwrap();
        let mut hub = parse_yaml("backup:\n  encryption_key: EK2\n").unwrap();
        let mut live2 = live.clone();
        redact_secrets(&mut hub, &mut live2);
        let d = diff(&hub, &live2, &[]);
        let text = serde_json::to_string(&d).unwrap();
        for secret in [
            "EK1", "EK2", "PP1", "URLPW", "DBP1", "DSNPW", "PK1", "AK1", "VT1", "VT2", "MIRRORPW",
            "SMTPPW", "CREDPW",
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        let ek = d
            .iter()
            .find(|e| e.path == "backup.encryption_key")
            .unwrap();
        assert_eq!(ek.controller, Some(serde_json::json!(SECRET_DIFFERENT)));
        assert!(text.contains("https://m.example"), "not a secret: {text}");
    }
}
