//! The layers above the defaults: a file's sections and keys, then
//! `HUB_<SECTION>_<KEY>` variables typed after the default they replace.
//! An unknown section or key fails, naming it and where it came from.

use serde_json::Value;

use super::ConfigError;

pub(super) fn merge_file(
    merged: &mut Value,
    defaults: &Value,
    file: Value,
    origin: &str,
) -> Result<(), ConfigError> {
    let Value::Object(sections) = file else {
        return Err(ConfigError::Invalid {
            key: "(top level)".into(),
            message: format!("{origin} must be a mapping of sections"),
        });
    };
    for (section, body) in sections {
        let Some(known) = defaults.get(&section).and_then(Value::as_object) else {
            return Err(ConfigError::UnknownKey {
                key: section,
                origin: origin.into(),
            });
        };
        let body = match body {
            Value::Null => continue,
            Value::Object(m) => m,
            _ => {
                return Err(ConfigError::Invalid {
                    key: section,
                    message: "must be a mapping".into(),
                });
            }
        };
        for (key, value) in body {
            if !known.contains_key(&key) {
                return Err(ConfigError::UnknownKey {
                    key: format!("{section}.{key}"),
                    origin: origin.into(),
                });
            }
            merged[&section][&key] = value;
        }
    }
    Ok(())
}

/// Applies one `HUB_SECTION_KEY=value`; the type comes from the default so
/// `HUB_SERVER_MAX_BODY_BYTES=2048` is a number and a key of digits a string.
pub(super) fn apply_env(
    merged: &mut Value,
    defaults: &Value,
    name: &str,
    value: &str,
) -> Result<(), ConfigError> {
    let Some(rest) = name.strip_prefix("HUB_") else {
        return Ok(());
    };
    let rest = rest.to_ascii_lowercase();
    let Some((section, key)) = rest.split_once('_') else {
        return Ok(());
    };
    let Some(known) = defaults.get(section).and_then(Value::as_object) else {
        // HUB_CONFIG and other non-section variables are not overrides.
        return Ok(());
    };
    let Some(default) = known.get(key) else {
        return Err(ConfigError::UnknownKey {
            key: format!("{section}.{key}"),
            origin: format!("environment variable {name}"),
        });
    };
    let invalid = |what: &str| ConfigError::Invalid {
        key: format!("{section}.{key}"),
        message: format!("{name} must be {what}"),
    };
    let typed = match default {
        // A list: comma-separated (`10.0.0.0/8,fd00::/8`).
        Value::Array(_) => Value::Array(
            value
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| Value::String(v.to_owned()))
                .collect(),
        ),
        Value::Bool(_) => match value.trim() {
            "true" | "1" | "yes" => Value::Bool(true),
            "false" | "0" | "no" => Value::Bool(false),
            _ => return Err(invalid("true or false")),
        },
        Value::Number(_) => Value::Number(
            value
                .trim()
                .parse::<u64>()
                .map_err(|_| invalid("a whole number"))?
                .into(),
        ),
        _ => Value::String(value.to_owned()),
    };
    merged[section][key] = typed;
    Ok(())
}
