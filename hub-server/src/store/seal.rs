//! Secrets at rest: XChaCha20-Poly1305 under a 256-bit key that never lives
//! in the database. Every sealed value names the key it was sealed with
//! (a 4-byte id, so rotation finds what is left to re-seal) and is bound by
//! its associated data to its table, column and customer (and row, where a
//! customer has several), so a ciphertext copied to another row or column
//! does not open.
//!
//! Layout of a sealed value: `FHS\x01` · key id (4) · nonce (24) · ciphertext
//! with its 16-byte tag. The nonce is random: XChaCha's 192 bits make a
//! collision negligible however many values one key seals.

use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::{Result, StoreError};

const MAGIC: &[u8; 4] = b"FHS\x01";
const ID_LEN: usize = 4;
const NONCE_LEN: usize = 24;
const HEADER: usize = MAGIC.len() + ID_LEN + NONCE_LEN;
/// The file a key is generated into when none is configured.
pub const KEY_FILE: &str = "secrets.key";

/// A 256-bit key: 64 hex characters (or 32 bytes in base64).
#[derive(Clone)]
pub struct SecretKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey(id {})", hex(&self.id()))
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|b| format!("{b:02x}")).collect()
}

impl SecretKey {
    /// Reads a key; the error never repeats the value.
    pub fn parse(text: &str) -> std::result::Result<SecretKey, String> {
        let t = text.trim();
        let mut key = Zeroizing::new([0u8; 32]);
        if t.len() == 64 && t.bytes().all(|c| c.is_ascii_hexdigit()) {
            for (i, chunk) in t.as_bytes().chunks(2).enumerate() {
                let s = std::str::from_utf8(chunk).map_err(|_| "not hex".to_owned())?;
                key[i] = u8::from_str_radix(s, 16).map_err(|_| "not hex".to_owned())?;
            }
            return Ok(SecretKey(key));
        }
        use base64::Engine;
        let decoded = Zeroizing::new(
            base64::engine::general_purpose::STANDARD
                .decode(t)
                .map_err(|_| "must be 64 hex characters or 32 bytes in base64".to_owned())?,
        );
        if decoded.len() != 32 {
            return Err("must be 64 hex characters or 32 bytes in base64".into());
        }
        key.copy_from_slice(&decoded);
        Ok(SecretKey(key))
    }

    /// A new key from the OS RNG.
    pub fn generate() -> Result<SecretKey> {
        let mut key = Zeroizing::new([0u8; 32]);
        getrandom::fill(key.as_mut()).map_err(|e| StoreError::Secrets(e.to_string()))?;
        Ok(SecretKey(key))
    }

    /// Which key sealed a value: the first 4 bytes of a hash of the key.
    pub fn id(&self) -> [u8; ID_LEN] {
        let h = Sha256::new()
            .chain_update(b"felhom-hub secrets key id\0")
            .chain_update(self.0.as_ref())
            .finalize();
        [h[0], h[1], h[2], h[3]]
    }

    fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex(self.0.as_ref()))
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.0.as_ref().into())
    }
}

/// Where a sealed value belongs: its associated data.
pub struct Place<'a> {
    pub table: &'static str,
    pub column: &'static str,
    pub customer: &'a str,
    /// The row among a customer's rows (infra backups), else 0.
    pub row: i64,
}

impl Place<'_> {
    fn aad(&self) -> Vec<u8> {
        format!(
            "felhom-hub\0{}\0{}\0{}\0{}",
            self.table, self.column, self.customer, self.row
        )
        .into_bytes()
    }
}

/// The keys in use: values are sealed with `current`; `old` (during a
/// rotation) still opens what it sealed.
#[derive(Clone)]
pub struct Sealer {
    current: SecretKey,
    old: Option<SecretKey>,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer")
            .field("current", &self.current)
            .field("old", &self.old)
            .finish()
    }
}

impl Sealer {
    pub fn new(current: SecretKey, old: Option<SecretKey>) -> Sealer {
        let old = old.filter(|o| o.id() != current.id());
        Sealer { current, old }
    }

    pub fn seal(&self, place: &Place<'_>, plain: &[u8]) -> Result<Vec<u8>> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| StoreError::Secrets(e.to_string()))?;
        let aad = place.aad();
        let ct = self
            .current
            .cipher()
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: &aad,
                },
            )
            .map_err(|_| StoreError::Secrets("encryption failed".into()))?;
        let mut out = Vec::with_capacity(HEADER + ct.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.current.id());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    pub fn seal_str(&self, place: &Place<'_>, plain: &str) -> Result<Vec<u8>> {
        self.seal(place, plain.as_bytes())
    }

    /// Opens a value sealed by either key for exactly this place.
    pub fn open(&self, place: &Place<'_>, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let unreadable = || {
            StoreError::Corrupt(format!(
                "a sealed {}.{} of {} does not open with the configured key(s)",
                place.table, place.column, place.customer
            ))
        };
        if !is_sealed(sealed) {
            return Err(unreadable());
        }
        let id = &sealed[MAGIC.len()..MAGIC.len() + ID_LEN];
        let key = if id == self.current.id() {
            &self.current
        } else {
            match &self.old {
                Some(old) if id == old.id() => old,
                _ => return Err(unreadable()),
            }
        };
        let nonce = XNonce::from_slice(&sealed[MAGIC.len() + ID_LEN..HEADER]);
        let aad = place.aad();
        key.cipher()
            .decrypt(
                nonce,
                Payload {
                    msg: &sealed[HEADER..],
                    aad: &aad,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| unreadable())
    }

    pub fn open_str(&self, place: &Place<'_>, sealed: &[u8]) -> Result<String> {
        let plain = self.open(place, sealed)?;
        String::from_utf8(plain.to_vec()).map_err(|_| {
            StoreError::Corrupt(format!(
                "a sealed {}.{} is not text",
                place.table, place.column
            ))
        })
    }

    /// Whether `sealed` is under the current key (rotation skips it).
    pub fn is_current(&self, sealed: &[u8]) -> bool {
        is_sealed(sealed) && sealed[MAGIC.len()..MAGIC.len() + ID_LEN] == self.current.id()
    }
}

/// Whether a stored value is sealed (not plain text from before sealing).
pub fn is_sealed(v: &[u8]) -> bool {
    v.len() > HEADER && v.starts_with(MAGIC)
}

/// The check value: proves at start that the configured key is the one
/// the database's secrets were sealed with.
const CHECK: Place<'static> = Place {
    table: "secrets_meta",
    column: "key_check",
    customer: "",
    row: 1,
};
const CHECK_TEXT: &[u8] = b"felhom-hub secrets";

/// The keys the store opens with: configured ones, or the key file in the
/// data dir (generated on the first start when the database holds no
/// sealed secrets yet).
#[derive(Clone, Default)]
pub struct SecretsConfig {
    pub key: Option<SecretKey>,
    pub old: Option<SecretKey>,
}

impl std::fmt::Debug for SecretsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretsConfig")
            .field("key", &self.key.as_ref().map(|k| hex(&k.id())))
            .field("old", &self.old.as_ref().map(|k| hex(&k.id())))
            .finish()
    }
}

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
    c: &mut Connection,
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
    let sealer = Sealer::new(current, cfg.old.clone());
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
            c.execute(
                "INSERT INTO secrets_meta (id, key_check) VALUES (1, ?1)",
                [sealed],
            )?;
        }
    }
    // Pages that held a plain secret are overwritten, not just freed, and
    // the WAL frames with the old pages are checkpointed and truncated.
    c.pragma_update(None, "secure_delete", "ON")?;
    let tx = c.transaction()?;
    let sealed = seal_plain_rows(&tx, &sealer)?;
    tx.commit()?;
    c.pragma_update(None, "secure_delete", "OFF")?;
    if sealed > 0 {
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
        tracing::info!(
            rows = sealed,
            "store: sealed secrets an older hub kept in plain text"
        );
    }
    Ok((sealer, source))
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
        .collect::<rusqlite::Result<_>>()?;
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
        .collect::<rusqlite::Result<_>>()?;
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
        .collect::<rusqlite::Result<_>>()?;
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

/// Moves the token values out of a config document: the document keeps
/// the names (with empty values) and the values are sealed on their own.
pub fn split_tokens(s: &Sealer, customer: &str, document: &str) -> Result<(String, Vec<u8>)> {
    let mut doc: serde_json::Value = serde_json::from_str(document)
        .map_err(|e| StoreError::Corrupt(format!("config of {customer}: {e}")))?;
    let tokens = doc
        .get_mut("tokens")
        .and_then(|t| t.as_object_mut())
        .map(std::mem::take)
        .unwrap_or_default();
    let names: serde_json::Map<String, serde_json::Value> = tokens
        .keys()
        .map(|k| (k.clone(), serde_json::Value::String(String::new())))
        .collect();
    if let Some(obj) = doc.as_object_mut() {
        obj.insert("tokens".into(), serde_json::Value::Object(names));
    }
    let plain = Zeroizing::new(
        serde_json::to_vec(&tokens)
            .map_err(|e| StoreError::Corrupt(format!("tokens of {customer}: {e}")))?,
    );
    let sealed = s.seal(&tokens_place(customer), &plain)?;
    Ok((doc.to_string(), sealed))
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
    let id = s.current.id().to_vec();
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
        .collect::<rusqlite::Result<_>>()?;
    for (cust, customer, api_key, previous, session, tokens) in cfgs {
        let again = |column: &'static str, v: &[u8]| -> Result<Vec<u8>> {
            let place = config_place(&customer, column);
            s.seal(&place, &s.open(&place, v)?)
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
        .collect::<rusqlite::Result<_>>()?;
    for (row, customer, body) in backups {
        let place = infra_place(&customer, row);
        let sealed = s.seal(&place, &s.open(&place, &body)?)?;
        c.execute(
            "UPDATE infra_backups SET body = ?2 WHERE id = ?1",
            params![row, sealed],
        )?;
        done += 1;
    }
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

    fn key(b: u8) -> SecretKey {
        SecretKey::parse(&hex(&[b; 32])).unwrap()
    }

    fn place(customer: &str) -> Place<'_> {
        config_place(customer, "api_key")
    }

    #[test]
    fn a_sealed_value_opens_only_in_its_place_and_with_its_key() {
        let s = Sealer::new(key(1), None);
        let sealed = s.seal_str(&place("kovacs"), "secret-api-key").unwrap();
        assert!(!sealed.windows(6).any(|w| w == b"secret"));
        assert_eq!(
            s.open_str(&place("kovacs"), &sealed).unwrap(),
            "secret-api-key"
        );
        // Another customer, another column, another row: refused.
        assert!(s.open(&place("szabo"), &sealed).is_err());
        assert!(
            s.open(&config_place("kovacs", "session_secret"), &sealed)
                .is_err()
        );
        assert!(s.open(&infra_place("kovacs", 2), &sealed).is_err());
        // Another key: refused; as the old key of a rotation: opens.
        assert!(
            Sealer::new(key(2), None)
                .open(&place("kovacs"), &sealed)
                .is_err()
        );
        let rotating = Sealer::new(key(2), Some(key(1)));
        assert_eq!(
            rotating.open_str(&place("kovacs"), &sealed).unwrap(),
            "secret-api-key"
        );
        assert!(!rotating.is_current(&sealed));
        // A flipped bit: refused.
        let mut bad = sealed.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert!(s.open(&place("kovacs"), &bad).is_err());
        // Two seals of one value differ (random nonces).
        assert_ne!(
            sealed,
            s.seal_str(&place("kovacs"), "secret-api-key").unwrap()
        );
    }

    #[test]
    fn keys_parse_from_hex_or_base64_and_errors_never_echo_them() {
        let h = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        let k = SecretKey::parse(h).unwrap();
        use base64::Engine;
        let b = base64::engine::general_purpose::STANDARD.encode(k.0.as_ref());
        assert_eq!(SecretKey::parse(&b).unwrap().id(), k.id());
        let err = SecretKey::parse("tooshort-secret-value").unwrap_err();
        assert!(!err.contains("tooshort"), "{err}");
        assert!(!format!("{k:?}").contains("0011"), "{k:?}");
    }
}
