//! Secrets of the hub's own: random credentials, files that hold them, the
//! cipher customer secrets are sealed with ([`cipher`]) and the keys it is
//! configured with ([`SecretsConfig`]). A low module: the config parses
//! keys with it and the store seals with it; it uses neither.

pub mod cipher;

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use cipher::{SecretKey, hex};

/// HMAC-SHA256 (RFC 2104): the webhook signatures and the status links.
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let (mut ipad, mut opad) = ([0x36u8; 64], [0x5cu8; 64]);
    for i in 0..64 {
        ipad[i] ^= k[i];
        opad[i] ^= k[i];
    }
    let inner = Sha256::new()
        .chain_update(ipad)
        .chain_update(msg)
        .finalize();
    Sha256::new()
        .chain_update(opad)
        .chain_update(inner)
        .finalize()
        .into()
}

/// 32 bytes (256 bits) from the OS RNG, hex-encoded.
pub fn random_token() -> std::io::Result<String> {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(hex(&buf))
}

/// Writes `content` to a new file readable by its owner only.
pub fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(content.as_bytes())?;
    f.write_all(b"\n")?;
    f.sync_all()
}

/// Makes a file readable by its owner only (0600), or a directory
/// enterable by its owner only (0700): what the hub keeps is every
/// customer's secrets, sealed or not. A no-op where there are no modes.
pub fn restrict(path: &Path, is_dir: bool) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if is_dir { 0o700 } else { 0o600 };
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, is_dir);
        Ok(())
    }
}

/// [`restrict`], saying so in the log when it cannot (a volume the hub
/// does not own): the hub goes on.
pub fn restrict_or_warn(path: &Path, is_dir: bool) {
    if let Err(e) = restrict(path, is_dir) {
        tracing::warn!(path = %path.display(), error = %e, "cannot make it private to the hub's user");
    }
}

/// The `secrets` section of `hub.yaml`: the key customer secrets are
/// sealed with (`secrets.key`, `HUB_SECRETS_KEY`: 64 hex characters or 32
/// bytes in base64) and, during a rotation, the previous one
/// (`secrets.key_old`). Parsed when the config loads, so a bad key stops
/// the start naming the key, never its value. No key: the store uses
/// `<data_dir>/secrets.key`, generated on the first start.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecretsConfig {
    #[serde(deserialize_with = "read_key", serialize_with = "write_key")]
    pub key: Option<SecretKey>,
    #[serde(deserialize_with = "read_key", serialize_with = "write_key")]
    pub key_old: Option<SecretKey>,
}

impl std::fmt::Debug for SecretsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretsConfig")
            .field("key", &self.key.as_ref().map(|k| hex(&k.id())))
            .field("key_old", &self.key_old.as_ref().map(|k| hex(&k.id())))
            .finish()
    }
}

/// An empty string is no key; anything else must parse.
fn read_key<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SecretKey>, D::Error> {
    let text = String::deserialize(d)?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    SecretKey::parse(&text)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

/// Written back only as whether a key is set: a config printed or logged
/// never carries the key.
fn write_key<S: Serializer>(key: &Option<SecretKey>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(if key.is_some() { "<redacted>" } else { "" })
}

#[cfg(test)]
mod hmac_tests {
    #![allow(clippy::unwrap_used)]

    fn hex(b: &[u8]) -> String {
        b.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2.
        assert_eq!(
            hex(&super::hmac_sha256(
                b"Jefe",
                b"what do ya want for nothing?"
            )),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than the block.
        assert_eq!(
            hex(&super::hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }
}
