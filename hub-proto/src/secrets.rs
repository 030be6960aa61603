//! What counts as a secret in a config — one rule for sealing at rest,
//! redacting views and redacting diffs, so none of them can miss what
//! another catches.
//!
//! A value is a secret when its key names one — a word of the key (split at
//! `_`, `-`, `.` and lower-to-upper case changes) is a password, passphrase,
//! pass, pwd, secret, token, credential (or their plurals), or the key's
//! last word is `key`/`keys` (`api_key`, `private_key`, `encryption_key`,
//! `accessKey`) — at any depth, or when it is text holding a URL with
//! credentials in it (`https://user:pw@host/`). Everything below a secret
//! key is secret too.

use serde_json::{Map, Value};

use crate::admin::REDACTED;

const SECRET_WORDS: &[&str] = &[
    "password",
    "passwords",
    "passwd",
    "passphrase",
    "passphrases",
    "pass",
    "pwd",
    "secret",
    "secrets",
    "token",
    "tokens",
    "credential",
    "credentials",
    "apikey",
    "privatekey",
];

/// The words of a key: `clientSecret` → `client`, `secret`;
/// `ENCRYPTION_KEY` → `encryption`, `key`.
fn words(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if matches!(c, '_' | '-' | '.' | ' ') {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// Whether a key names a secret.
pub fn is_secret_key(key: &str) -> bool {
    let w = words(key);
    w.iter().any(|w| SECRET_WORDS.contains(&w.as_str()))
        || w.last().is_some_and(|l| l == "key" || l == "keys")
}

/// Whether text holds a URL with credentials (`scheme://user:pw@host`, or
/// just `scheme://user@host` with a token for a user).
pub fn has_url_credentials(text: &str) -> bool {
    text.split_whitespace().any(|part| {
        let Some((_, rest)) = part.split_once("://") else {
            return false;
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        authority.contains('@')
    })
}

/// Whether the value at `key` is a secret.
pub fn is_secret(key: &str, value: &Value) -> bool {
    is_secret_key(key) || value.as_str().is_some_and(has_url_credentials)
}

/// The JSON pointers (`/smtp/password`) of every secret below `value`,
/// each the top of a secret subtree.
pub fn secret_pointers(value: &Value) -> Vec<String> {
    fn walk(v: &Value, at: &str, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    let here = format!("{at}/{}", escape(k));
                    if is_secret(k, v) {
                        out.push(here);
                    } else {
                        walk(v, &here, out);
                    }
                }
            }
            Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    let here = format!("{at}/{i}");
                    if v.as_str().is_some_and(has_url_credentials) {
                        out.push(here);
                    } else {
                        walk(v, &here, out);
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, "", &mut out);
    out
}

/// A JSON pointer's escaping of one key (RFC 6901).
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Replaces every secret below `value` by `<redacted>`.
pub fn redact(value: &mut Value) {
    for p in secret_pointers(value) {
        // An empty or absent secret hides nothing: it is shown as it is,
        // so the operator sees that none is set.
        if let Some(v) = value.pointer_mut(&p)
            && !is_unset(v)
        {
            *v = Value::String(REDACTED.to_owned());
        }
    }
}

/// `null` or `""`: no secret is set.
pub fn is_unset(v: &Value) -> bool {
    v.is_null() || v.as_str() == Some("")
}

/// [`redact`] over a map (a config's `settings` or `monitoring`).
pub fn redact_map(map: &mut Map<String, Value>) {
    let mut v = Value::Object(std::mem::take(map));
    redact(&mut v);
    if let Value::Object(m) = v {
        *map = m;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_empty_secret_is_shown_empty() {
        let mut v = json!({"smtp": {"password": "", "token": null, "secret": "s"}});
        redact(&mut v);
        assert_eq!(
            v,
            json!({"smtp": {"password": "", "token": null, "secret": REDACTED}})
        );
    }

    #[test]
    fn secret_names_of_every_usual_shape() {
        for k in [
            "password",
            "smtp_password",
            "SMTP_PASSWORD",
            "passphrase",
            "pass",
            "db_pass",
            "pwd",
            "secret",
            "clientSecret",
            "token",
            "tokens",
            "auth-token",
            "api_key",
            "apiKey",
            "APIKey",
            "private_key",
            "encryption_key",
            "access_key",
            "ssh_keys",
            "credentials",
            "aws.credential",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in [
            "keep_daily",
            "key_id",
            "monkey_business",
            "passthrough",
            "bypass",
            "disk_space_warning_percent",
            "domain",
            "keyboard",
        ] {
            assert!(!is_secret_key(k), "{k}");
        }
    }

    #[test]
    fn urls_with_credentials_are_secrets_wherever_they_are() {
        assert!(has_url_credentials("https://user:pw@example.com/x"));
        assert!(has_url_credentials("s3://AKIA123@bucket"));
        assert!(!has_url_credentials("https://example.com/a@b"));
        assert!(!has_url_credentials("mail me at a@b.hu"));
        let mut v = json!({
            "smtp": {"host": "mail", "password": "p1", "port": 25},
            "backup": {"target": "sftp://u:p2@nas/backups", "keep": 7},
            "mirrors": ["https://m.example", "https://x:p3@m2.example"],
            "vault": {"tokens": ["t1", "t2"]},
            "notes": "keep_daily"
        });
        let mut found = secret_pointers(&v);
        found.sort();
        assert_eq!(
            found,
            [
                "/backup/target",
                "/mirrors/1",
                "/smtp/password",
                "/vault/tokens"
            ]
        );
        redact(&mut v);
        let text = v.to_string();
        for s in ["p1", "p2", "p3", "t1"] {
            assert!(!text.contains(s), "{s} in {text}");
        }
        assert_eq!(v["smtp"]["port"], 25);
        assert_eq!(v["notes"], "keep_daily");
    }
}
