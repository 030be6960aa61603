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
//! | settings (a mapping) | merged at the root, e.g. `tunnel.token` |

use std::sync::{Arc, RwLock};

use serde_json::{Map, Value, json};
use thiserror::Error;

use crate::store::StoredConfig;

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
        self.current
            .read()
            .map(|g| g.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Installs a new template text after checking it is a YAML mapping.
    pub fn replace(&self, text: &str) -> Result<(), ConfigGenError> {
        let v = Arc::new(parse_template(text)?);
        if let Ok(mut g) = self.current.write() {
            *g = v;
        }
        Ok(())
    }

    pub fn generate(&self, cfg: &StoredConfig, public_url: &str) -> Result<String, ConfigGenError> {
        generate(&self.current(), cfg, public_url)
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

pub fn generate(
    template: &Value,
    cfg: &StoredConfig,
    public_url: &str,
) -> Result<String, ConfigGenError> {
    let mut out = template.clone();
    if let Value::Object(_) = cfg.settings {
        deep_merge(&mut out, &cfg.settings);
    }
    let identity = json!({
        "customer": {
            "id": cfg.customer_id,
            "name": cfg.display_name,
            "domain": cfg.domain,
            "email": cfg.contact_email,
        },
        "hub": {
            "url": public_url,
            "api_key": cfg.api_key,
        },
    });
    deep_merge(&mut out, &identity);
    if !matches!(out, Value::Object(_)) {
        out = Value::Object(Map::new());
    }
    serde_saphyr::to_string(&out).map_err(|e| ConfigGenError::Emit(e.to_string()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn cfg() -> StoredConfig {
        StoredConfig {
            customer_id: "kovacs-csalad".into(),
            display_name: "Kovács család".into(),
            domain: "kovacs-csalad.felhom.eu".into(),
            contact_email: "kovacs@example.hu".into(),
            settings: json!({"tunnel": {"token": "tun-1"}, "backup": {"keep_daily": 14}, "extra": {"x": [1]}}),
            api_key: "key-1".into(),
        }
    }

    #[test]
    fn merge_keeps_template_order_and_replaces_scalars() {
        let t = parse_template(BUNDLED_TEMPLATE).unwrap();
        let yaml = generate(&t, &cfg(), "https://hub.felhom.eu").unwrap();
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
        assert_eq!(yaml, generate(&t, &cfg(), "https://hub.felhom.eu").unwrap());
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
