//! The store's side of secrets at rest (the cipher is `crate::secrets::cipher`):
//! which key the store opens with (configured, or a key file next to the
//! data generated on the first start) and proof that it is the database's
//! key; the one-time upgrade that seals what an older hub stored in plain
//! text; where each sealed value belongs; and re-sealing under a new key
//! during a rotation.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hub_proto::admin::REDACTED;

use super::db::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::{Result, StoreError};
use crate::secrets::SecretsConfig;
use crate::secrets::cipher::{MAGIC, Place, Sealer, SecretKey};

/// The file a key is generated into when none is configured.
pub const KEY_FILE: &str = "secrets.key";

/// The check value: proves at start that the configured key is the one
/// the database's secrets were sealed with.
const CHECK: Place<'static> = Place {
    table: "secrets_meta",
    column: "key_check",
    customer: "",
    row: 1,
};
const CHECK_TEXT: &[u8] = b"felhom-hub secrets";

/// How the store came by its key, for the start-up log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Configured,
    /// Read from, or just generated into, this file next to the data.
    File {
        path: PathBuf,
        generated: bool,
    },
}

/// Resolves the keys, checks them against the database and seals what an
/// older hub stored in plain text. Runs once at open, before anything is
/// served.
pub(super) fn prepare(
    c: &Connection,
    data_dir: &Path,
    cfg: &SecretsConfig,
) -> Result<(Sealer, KeySource)> {
    let check: Option<Vec<u8>> = c
        .query_row("SELECT key_check FROM secrets_meta WHERE id = 1", [], |r| {
            r.get(0)
        })
        .optional()?;
    let (current, source) = match &cfg.key {
        Some(k) => (k.clone(), KeySource::Configured),
        None => {
            let path = data_dir.join(KEY_FILE);
            match std::fs::read_to_string(&path) {
                Ok(text) => (
                    SecretKey::parse(&text)
                        .map_err(|e| StoreError::Secrets(format!("{}: {e}", path.display())))?,
                    KeySource::File {
                        path,
                        generated: false,
                    },
                ),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    if check.is_some() {
                        return Err(StoreError::Secrets(format!(
                            "the secrets in {} are sealed with a key that is not configured: \
                             set HUB_SECRETS_KEY (secrets.key) to it",
                            data_dir.join("hub.db").display()
                        )));
                    }
                    let key = SecretKey::generate()?;
                    crate::secrets::write_private(&path, &key.to_hex()).map_err(|e| {
                        StoreError::Secrets(format!("cannot write {}: {e}", path.display()))
                    })?;
                    (
                        key,
                        KeySource::File {
                            path,
                            generated: true,
                        },
                    )
                }
                Err(e) => {
                    return Err(StoreError::Secrets(format!(
                        "cannot read {}: {e}",
                        path.display()
                    )));
                }
            }
        }
    };
    let sealer = Sealer::new(current, cfg.key_old.clone());
    match check {
        Some(sealed) => {
            if sealer.open(&CHECK, &sealed).is_err() {
                return Err(StoreError::Secrets(
                    "the configured secrets key (HUB_SECRETS_KEY, or HUB_SECRETS_KEY_OLD during a \
                     rotation) does not open this database's secrets; nothing was changed"
                        .into(),
                ));
            }
        }
        None => {
            let sealed = sealer.seal(&CHECK, CHECK_TEXT)?;
            // Replicas starting together on a new database: the first
            // check stays, and every other replica's key must open it.
            c.execute(
                "INSERT INTO secrets_meta (id, key_check) VALUES (1, ?1) \
                 ON CONFLICT (id) DO NOTHING",
                [sealed],
            )?;
            let kept: Vec<u8> =
                c.query_row("SELECT key_check FROM secrets_meta WHERE id = 1", [], |r| {
                    r.get(0)
                })?;
            if sealer.open(&CHECK, &kept).is_err() {
                return Err(StoreError::Secrets(
                    "another replica sealed this database with a different secrets key \
                     (HUB_SECRETS_KEY); nothing was changed"
                        .into(),
                ));
            }
        }
    }
    // Only SQLite can hold what a hub before sealing kept in plain text: a
    // PostgreSQL database is only ever written by a sealing hub.
    let Some(lite) = c.lite() else {
        return Ok((sealer, source));
    };
    // Pages that held a plain secret are overwritten, not just freed; the
    // pages an older hub freed while secure_delete was off are rewritten
    // by the VACUUM, and the WAL frames with the old pages are truncated.
    lite.pragma_update(None, "secure_delete", "ON")?;
    c.execute_batch("BEGIN")?;
    let sealed =
        match seal_plain_rows(c, &sealer).and_then(|a| Ok(a + seal_config_secrets(c, &sealer)?)) {
            Ok(n) => {
                c.execute_batch("COMMIT")?;
                n
            }
            Err(e) => {
                let _ = c.execute_batch("ROLLBACK");
                return Err(e);
            }
        };
    lite.pragma_update(None, "secure_delete", "OFF")?;
    if sealed > 0 {
        scrub(c)?;
        tracing::info!(
            rows = sealed,
            "store: sealed secrets an older hub kept in plain text"
        );
    }
    Ok((sealer, source))
}

/// Rewrites the database with `secure_delete` on and truncates the WAL:
/// no free page or WAL frame keeps a value that was deleted or replaced.
///
/// On PostgreSQL the tables that hold secrets are rewritten (`VACUUM
/// FULL`), so no dead row version keeps one; what the server's WAL
/// archive and base backups hold is the operator's PostgreSQL's to expire.
pub(super) fn scrub(c: &Connection) -> Result<()> {
    let Some(lite) = c.lite() else {
        c.execute_batch(
            "VACUUM FULL customer_configs, infra_backups, channels, status_link_key, secrets_meta",
        )?;
        return Ok(());
    };
    lite.pragma_update(None, "secure_delete", "ON")?;
    let vacuumed = lite.execute_batch("VACUUM");
    lite.pragma_update(None, "secure_delete", "OFF")?;
    vacuumed?;
    lite.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

/// Seals what a hub before sealing stored in plain text: the credentials,
/// the tokens (moved out of the config document) and the infra backups;
/// retrieval passwords become digests. Idempotent.
fn seal_plain_rows(c: &Connection, s: &Sealer) -> Result<usize> {
    let mut sealed = 0;
    type Row = (
        i64,
        String,
        String,
        Option<String>,
        String,
        String,
        Option<Vec<u8>>,
    );
    let rows: Vec<Row> = c
        .prepare(
            "SELECT cc.customer, c.customer_id, cc.api_key, cc.previous_api_key, \
                    cc.session_secret, cc.document, cc.tokens \
             FROM customer_configs cc JOIN customers c ON c.id = cc.customer \
             WHERE typeof(cc.api_key) = 'text'",
        )?
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?
        .collect::<std::result::Result<_, _>>()?;
    for (id, customer, api_key, previous, session, document, tokens) in rows {
        let place = |column| Place {
            table: "customer_configs",
            column,
            customer: &customer,
            row: 0,
        };
        let previous = previous
            .map(|p| s.seal_str(&place("previous_api_key"), &p))
            .transpose()?;
        let (document, tokens) = match tokens {
            Some(t) => (document, t),
            None => split_tokens(s, &customer, &document)?,
        };
        c.execute(
            "UPDATE customer_configs SET api_key = ?2, previous_api_key = ?3, \
                session_secret = ?4, document = ?5, tokens = ?6 WHERE customer = ?1",
            params![
                id,
                s.seal_str(&place("api_key"), &api_key)?,
                previous,
                s.seal_str(&place("session_secret"), &session)?,
                document,
                tokens,
            ],
        )?;
        sealed += 1;
    }
    let passwords: Vec<(i64, String)> = c
        .prepare(
            "SELECT customer, retrieval_password FROM customer_configs \
             WHERE typeof(retrieval_password) = 'text'",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<std::result::Result<_, _>>()?;
    for (id, password) in passwords {
        let password = Zeroizing::new(password);
        c.execute(
            "UPDATE customer_configs SET retrieval_password = ?2 WHERE customer = ?1",
            params![id, Sha256::digest(password.as_bytes()).to_vec()],
        )?;
        sealed += 1;
    }
    let plain: Vec<(i64, String, Vec<u8>)> = c
        .prepare(
            "SELECT b.id, c.customer_id, b.body FROM infra_backups b \
             JOIN customers c ON c.id = b.customer WHERE substr(b.body, 1, 4) != ?1",
        )?
        .query_map([&MAGIC[..]], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<std::result::Result<_, _>>()?;
    for (id, customer, body) in plain {
        let sealed_body = s.seal(&infra_place(&customer, id), &body)?;
        c.execute(
            "UPDATE infra_backups SET body = ?2 WHERE id = ?1",
            params![id, sealed_body],
        )?;
        sealed += 1;
    }
    Ok(sealed)
}

/// Where an infra backup's body is sealed.
pub fn infra_place(customer: &str, row: i64) -> Place<'_> {
    Place {
        table: "infra_backups",
        column: "body",
        customer,
        row,
    }
}

/// Where a customer's tokens are sealed.
pub fn tokens_place(customer: &str) -> Place<'_> {
    Place {
        table: "customer_configs",
        column: "tokens",
        customer,
        row: 0,
    }
}

/// Where a customer's credentials are sealed.
pub fn config_place<'a>(customer: &'a str, column: &'static str) -> Place<'a> {
    Place {
        table: "customer_configs",
        column,
        customer,
        row: 0,
    }
}

/// Moves the secrets out of a config document: the token values (the
/// document keeps the names, with empty values) and every secret in
/// `settings` and `monitoring` (the document keeps `<redacted>` in its
/// place), sealed together as one JSON object — token names, and JSON
/// pointers (`/settings/smtp/password`, which no token name can be).
pub fn split_tokens(s: &Sealer, customer: &str, document: &str) -> Result<(String, Vec<u8>)> {
    let mut doc: serde_json::Value = serde_json::from_str(document)
        .map_err(|e| StoreError::Corrupt(format!("config of {customer}: {e}")))?;
    let mut sealed = doc
        .get_mut("tokens")
        .and_then(|t| t.as_object_mut())
        .map(std::mem::take)
        .unwrap_or_default();
    let names: serde_json::Map<String, serde_json::Value> = sealed
        .keys()
        .map(|k| (k.clone(), serde_json::Value::String(String::new())))
        .collect();
    if let Some(obj) = doc.as_object_mut() {
        obj.insert("tokens".into(), serde_json::Value::Object(names));
    }
    for pointer in config_secret_pointers(&doc) {
        if let Some(v) = doc.pointer_mut(&pointer) {
            let value = std::mem::replace(v, serde_json::Value::String(REDACTED.to_owned()));
            sealed.insert(pointer, value);
        }
    }
    let plain = Zeroizing::new(
        serde_json::to_vec(&sealed)
            .map_err(|e| StoreError::Corrupt(format!("tokens of {customer}: {e}")))?,
    );
    let sealed = s.seal(&tokens_place(customer), &plain)?;
    Ok((doc.to_string(), sealed))
}

/// The pointers of the secrets in a config document's `settings` and
/// `monitoring` (the rule of `hub_proto::secrets`).
fn config_secret_pointers(doc: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for section in ["settings", "monitoring"] {
        if let Some(v) = doc.get(section) {
            out.extend(
                hub_proto::secrets::secret_pointers(v)
                    .into_iter()
                    .map(|p| format!("/{section}{p}")),
            );
        }
    }
    out
}

/// A config document with its sealed values put back, its token values,
/// and its other secrets by pointer.
pub struct Joined {
    pub document: serde_json::Value,
    pub tokens: BTreeMap<String, String>,
    pub secrets: BTreeMap<String, serde_json::Value>,
}

/// Puts a config document's sealed values back ([`Joined`]).
pub fn join_secrets(
    s: &Sealer,
    customer: &str,
    document: &str,
    sealed: Option<&[u8]>,
) -> Result<Joined> {
    let mut doc: serde_json::Value = serde_json::from_str(document)
        .map_err(|e| StoreError::Corrupt(format!("config of {customer}: {e}")))?;
    let mut tokens = BTreeMap::new();
    let mut secrets = BTreeMap::new();
    if let Some(sealed) = sealed {
        let plain = s.open(&tokens_place(customer), sealed)?;
        let map: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&plain)
            .map_err(|e| StoreError::Corrupt(format!("tokens of {customer}: {e}")))?;
        for (k, v) in map {
            if k.starts_with('/') {
                if let Some(slot) = doc.pointer_mut(&k) {
                    *slot = v.clone();
                }
                secrets.insert(k, v);
            } else if let serde_json::Value::String(v) = v {
                tokens.insert(k, v);
            }
        }
    }
    if let Some(obj) = doc.get_mut("tokens").and_then(|t| t.as_object_mut()) {
        for (k, v) in &tokens {
            obj.insert(k.clone(), serde_json::Value::String(v.clone()));
        }
    }
    Ok(Joined {
        document: doc,
        tokens,
        secrets,
    })
}

/// Seals the secrets an older hub left in plain text in the `settings` and
/// `monitoring` of config documents (only tokens were sealed then).
fn seal_config_secrets(c: &Connection, s: &Sealer) -> Result<usize> {
    let rows: Vec<(i64, String, String, Option<Vec<u8>>)> = c
        .prepare(
            "SELECT cc.customer, c.customer_id, cc.document, cc.tokens \
             FROM customer_configs cc JOIN customers c ON c.id = cc.customer",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<std::result::Result<_, _>>()?;
    let mut sealed = 0;
    for (id, customer, document, tokens) in rows {
        let doc: serde_json::Value = serde_json::from_str(&document)
            .map_err(|e| StoreError::Corrupt(format!("config of {customer}: {e}")))?;
        let plain_left = config_secret_pointers(&doc)
            .iter()
            .any(|p| doc.pointer(p).and_then(|v| v.as_str()) != Some(REDACTED));
        if !plain_left {
            continue;
        }
        let joined = join_secrets(s, &customer, &document, tokens.as_deref())?;
        let (document, tokens) = split_tokens(s, &customer, &joined.document.to_string())?;
        c.execute(
            "UPDATE customer_configs SET document = ?2, tokens = ?3 WHERE customer = ?1",
            params![id, document, tokens],
        )?;
        sealed += 1;
    }
    Ok(sealed)
}

/// A config row's sealed values: customer, id, api key, previous key,
/// session secret, tokens.
type SealedConfigRow = (
    i64,
    String,
    Vec<u8>,
    Option<Vec<u8>>,
    Vec<u8>,
    Option<Vec<u8>>,
);

/// Re-seals every value not under the current key, `batch` rows per
/// transaction so a running hub keeps writing; returns how many values
/// were re-sealed. The check value moves to the current key last.
pub(super) fn reseal_batch(c: &Connection, s: &Sealer, batch: i64) -> Result<usize> {
    let mut done = 0;
    let id = s.current_id().to_vec();
    let cfgs: Vec<SealedConfigRow> = c
        .prepare_cached(
            "SELECT cc.customer, c.customer_id, cc.api_key, cc.previous_api_key, \
                    cc.session_secret, cc.tokens \
             FROM customer_configs cc JOIN customers c ON c.id = cc.customer \
             WHERE substr(cc.api_key, 5, 4) != ?1 OR substr(cc.session_secret, 5, 4) != ?1 \
                OR substr(cc.previous_api_key, 5, 4) != ?1 OR substr(cc.tokens, 5, 4) != ?1 \
             LIMIT ?2",
        )?
        .query_map(params![id, batch], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<std::result::Result<_, _>>()?;
    for (cust, customer, api_key, previous, session, tokens) in cfgs {
        let again = |column: &'static str, v: &[u8]| -> Result<Vec<u8>> {
            let place = config_place(&customer, column);
            Ok(s.seal(&place, &s.open(&place, v)?)?)
        };
        let previous = previous
            .map(|p| again("previous_api_key", &p))
            .transpose()?;
        let tokens = tokens.map(|t| again("tokens", &t)).transpose()?;
        c.execute(
            "UPDATE customer_configs SET api_key = ?2, previous_api_key = ?3, \
                session_secret = ?4, tokens = ?5 WHERE customer = ?1",
            params![
                cust,
                again("api_key", &api_key)?,
                previous,
                again("session_secret", &session)?,
                tokens
            ],
        )?;
        done += 1;
    }
    let backups: Vec<(i64, String, Vec<u8>)> = c
        .prepare_cached(
            "SELECT b.id, c.customer_id, b.body FROM infra_backups b \
             JOIN customers c ON c.id = b.customer WHERE substr(b.body, 5, 4) != ?1 LIMIT ?2",
        )?
        .query_map(params![id, batch], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<std::result::Result<_, _>>()?;
    for (row, customer, body) in backups {
        let place = infra_place(&customer, row);
        let sealed = s.seal(&place, &s.open(&place, &body)?)?;
        c.execute(
            "UPDATE infra_backups SET body = ?2 WHERE id = ?1",
            params![row, sealed],
        )?;
        done += 1;
    }
    done += super::channels::reseal(c, s, batch)?;
    done += super::status_links::reseal(c, s)?;
    if done == 0 {
        let check: Vec<u8> =
            c.query_row("SELECT key_check FROM secrets_meta WHERE id = 1", [], |r| {
                r.get(0)
            })?;
        if !s.is_current(&check) {
            c.execute(
                "UPDATE secrets_meta SET key_check = ?1 WHERE id = 1",
                [s.seal(&CHECK, CHECK_TEXT)?],
            )?;
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn places_keep_customers_columns_and_rows_apart() {
        let s = Sealer::new(SecretKey::generate().unwrap(), None);
        let sealed = s.seal_str(&config_place("kovacs", "api_key"), "k").unwrap();
        assert!(
            s.open(&config_place("kovacs", "session_secret"), &sealed)
                .is_err()
        );
        assert!(s.open(&tokens_place("kovacs"), &sealed).is_err());
        assert!(s.open(&infra_place("kovacs", 0), &sealed).is_err());
        let (doc, tokens) =
            split_tokens(&s, "kovacs", r#"{"tokens":{"tunnel":"t0k"},"domain":"d"}"#).unwrap();
        assert_eq!(doc, r#"{"tokens":{"tunnel":""},"domain":"d"}"#);
        assert_eq!(
            s.open_str(&tokens_place("kovacs"), &tokens).unwrap(),
            r#"{"tunnel":"t0k"}"#
        );
    }
}
