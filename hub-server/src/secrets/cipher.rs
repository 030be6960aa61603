//! The cipher secrets are sealed with: XChaCha20-Poly1305 under a 256-bit
//! key that never lives in the database. Every sealed value names the key
//! it was sealed with (a 4-byte id, so rotation finds what is left to
//! re-seal) and is bound by its associated data to its table, column and
//! customer (and row, where a customer has several), so a ciphertext
//! copied to another row or column does not open.
//!
//! Layout of a sealed value: `FHS\x01` · key id (4) · nonce (24) · ciphertext
//! with its 16-byte tag. The nonce is random: XChaCha's 192 bits make a
//! collision negligible however many values one key seals.
//!
//! Pure: no database, no files. The store decides where values go
//! (`store::secrets`); the config parses keys with [`SecretKey::parse`].

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};
use thiserror::Error;
use zeroize::Zeroizing;

/// What every sealed value starts with; also how SQL finds plain rows.
pub const MAGIC: &[u8; 4] = b"FHS\x01";
const ID_LEN: usize = 4;
const NONCE_LEN: usize = 24;
const HEADER: usize = MAGIC.len() + ID_LEN + NONCE_LEN;

/// Why sealing or opening failed. Never holds a key or a plain value.
#[derive(Debug, Error)]
pub enum SealError {
    #[error("secrets: the OS random number generator failed: {0}")]
    Random(String),
    #[error("secrets: encryption failed")]
    Encrypt,
    #[error(
        "stored data is unreadable: a sealed {table}.{column} of {customer} does not open with the configured key(s)"
    )]
    WrongKey {
        table: &'static str,
        column: &'static str,
        customer: String,
    },
    #[error("stored data is unreadable: a sealed {table}.{column} is not text")]
    NotText {
        table: &'static str,
        column: &'static str,
    },
}

/// A 256-bit key: 64 hex characters (or 32 bytes in base64).
#[derive(Clone)]
pub struct SecretKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey(id {})", hex(&self.id()))
    }
}

/// Two keys are the same key (compared in constant time).
impl PartialEq for SecretKey {
    fn eq(&self, other: &Self) -> bool {
        use subtle::ConstantTimeEq;
        self.0.as_ref().ct_eq(other.0.as_ref()).into()
    }
}

pub(crate) fn hex(b: &[u8]) -> String {
    b.iter().map(|b| format!("{b:02x}")).collect()
}

impl SecretKey {
    /// Reads a key; the error never repeats the value.
    pub fn parse(text: &str) -> Result<SecretKey, String> {
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
    pub fn generate() -> Result<SecretKey, SealError> {
        let mut key = Zeroizing::new([0u8; 32]);
        getrandom::fill(key.as_mut()).map_err(|e| SealError::Random(e.to_string()))?;
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

    /// The key as 64 hex characters, for the key file the hub generates.
    pub fn to_hex(&self) -> Zeroizing<String> {
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

    /// The id of the key new values are sealed with.
    pub fn current_id(&self) -> [u8; ID_LEN] {
        self.current.id()
    }

    pub fn seal(&self, place: &Place<'_>, plain: &[u8]) -> Result<Vec<u8>, SealError> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| SealError::Random(e.to_string()))?;
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
            .map_err(|_| SealError::Encrypt)?;
        let mut out = Vec::with_capacity(HEADER + ct.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.current.id());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    pub fn seal_str(&self, place: &Place<'_>, plain: &str) -> Result<Vec<u8>, SealError> {
        self.seal(place, plain.as_bytes())
    }

    /// Opens a value sealed by either key for exactly this place.
    pub fn open(&self, place: &Place<'_>, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, SealError> {
        let unreadable = || SealError::WrongKey {
            table: place.table,
            column: place.column,
            customer: place.customer.to_owned(),
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

    pub fn open_str(&self, place: &Place<'_>, sealed: &[u8]) -> Result<String, SealError> {
        let plain = self.open(place, sealed)?;
        String::from_utf8(plain.to_vec()).map_err(|_| SealError::NotText {
            table: place.table,
            column: place.column,
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn key(b: u8) -> SecretKey {
        SecretKey::parse(&hex(&[b; 32])).unwrap()
    }

    fn place<'a>(customer: &'a str, column: &'static str, row: i64) -> Place<'a> {
        Place {
            table: "customer_configs",
            column,
            customer,
            row,
        }
    }

    #[test]
    fn a_sealed_value_opens_only_in_its_place_and_with_its_key() {
        let s = Sealer::new(key(1), None);
        let here = place("kovacs", "api_key", 0);
        let sealed = s.seal_str(&here, "secret-api-key").unwrap();
        assert!(!sealed.windows(6).any(|w| w == b"secret"));
        assert_eq!(s.open_str(&here, &sealed).unwrap(), "secret-api-key");
        // Another customer, another column, another row: refused.
        assert!(s.open(&place("szabo", "api_key", 0), &sealed).is_err());
        assert!(
            s.open(&place("kovacs", "session_secret", 0), &sealed)
                .is_err()
        );
        assert!(s.open(&place("kovacs", "api_key", 2), &sealed).is_err());
        // Another key: refused; as the old key of a rotation: opens.
        assert!(Sealer::new(key(2), None).open(&here, &sealed).is_err());
        let rotating = Sealer::new(key(2), Some(key(1)));
        assert_eq!(rotating.open_str(&here, &sealed).unwrap(), "secret-api-key");
        assert!(!rotating.is_current(&sealed));
        // A flipped bit: refused.
        let mut bad = sealed.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert!(s.open(&here, &bad).is_err());
        // Two seals of one value differ (random nonces).
        assert_ne!(sealed, s.seal_str(&here, "secret-api-key").unwrap());
    }

    #[test]
    fn keys_parse_from_hex_or_base64_and_errors_never_echo_them() {
        let h = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        let k = SecretKey::parse(h).unwrap();
        use base64::Engine;
        let b = base64::engine::general_purpose::STANDARD.encode(k.0.as_ref());
        assert_eq!(SecretKey::parse(&b).unwrap().id(), k.id());
        assert_eq!(SecretKey::parse(&b).unwrap(), k);
        let err = SecretKey::parse("tooshort-secret-value").unwrap_err();
        assert!(!err.contains("tooshort"), "{err}");
        assert!(!format!("{k:?}").contains("0011"), "{k:?}");
    }
}
