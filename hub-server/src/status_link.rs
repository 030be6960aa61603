//! The signed link to a customer's status page (`/s/<token>`): who it is
//! for, until when, and under which revocation counter, signed with
//! HMAC-SHA256 under a key of its own (never the session key), checked in
//! constant time.
//!
//! `token = base64url(payload) "." base64url(HMAC(key, "felhom-status/1" ‖ payload)[..16])`
//! with `payload = 1 ‖ expires (u64 BE, unix seconds) ‖ epoch (u32 BE) ‖ customer_id`.
//! The customer's id itself is signed, not its row id: a row id can be
//! reused after a customer is deleted, an id never names someone else.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jiff::Timestamp;
use subtle::ConstantTimeEq;

/// What the MAC is bound to besides the payload: a link key signs nothing
/// else.
const DOMAIN: &[u8] = b"felhom-status/1";
const VERSION: u8 = 1;
/// Bytes of the MAC kept (128 bits).
const MAC_LEN: usize = 16;
/// Longest token read (an id is at most 64 characters).
const MAX_TOKEN: usize = 200;

/// What a link says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkClaims {
    pub customer_id: String,
    pub expires_at: Timestamp,
    /// The customer's revocation counter when the link was made.
    pub epoch: u32,
}

/// Why a token is not a link (both answered as a plain 404).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("not a status link")]
    Malformed,
    #[error("the status link's signature does not verify")]
    BadSignature,
}

fn mac(key: &[u8; 32], payload: &[u8]) -> [u8; MAC_LEN] {
    let mut msg = Vec::with_capacity(DOMAIN.len() + payload.len());
    msg.extend_from_slice(DOMAIN);
    msg.extend_from_slice(payload);
    let full = crate::secrets::hmac_sha256(key, &msg);
    let mut out = [0u8; MAC_LEN];
    out.copy_from_slice(&full[..MAC_LEN]);
    out
}

/// The token of `c` under `key`.
pub fn sign(key: &[u8; 32], c: &LinkClaims) -> String {
    let mut payload = Vec::with_capacity(13 + c.customer_id.len());
    payload.push(VERSION);
    payload.extend_from_slice(&(c.expires_at.as_second().max(0) as u64).to_be_bytes());
    payload.extend_from_slice(&c.epoch.to_be_bytes());
    payload.extend_from_slice(c.customer_id.as_bytes());
    format!(
        "{}.{}",
        B64.encode(&payload),
        B64.encode(mac(key, &payload))
    )
}

/// Where the page of `token` is: on the hub's public address, which the
/// ingress serves to the internet (`/s/`), not on the dashboard's.
pub fn url(public_url: &str, token: &str) -> String {
    format!("{}/s/{token}", public_url.trim_end_matches('/'))
}

/// The claims of a token signed under `key`. Expiry and the revocation
/// counter are the caller's to check (they need the clock and the store).
pub fn verify(key: &[u8; 32], token: &str) -> Result<LinkClaims, LinkError> {
    if token.len() > MAX_TOKEN {
        return Err(LinkError::Malformed);
    }
    let (p, m) = token.split_once('.').ok_or(LinkError::Malformed)?;
    let payload = B64.decode(p).map_err(|_| LinkError::Malformed)?;
    let given = B64.decode(m).map_err(|_| LinkError::Malformed)?;
    if given.len() != MAC_LEN || payload.len() < 14 || payload[0] != VERSION {
        return Err(LinkError::Malformed);
    }
    if !bool::from(mac(key, &payload).ct_eq(&given)) {
        return Err(LinkError::BadSignature);
    }
    let mut exp = [0u8; 8];
    exp.copy_from_slice(&payload[1..9]);
    let mut epoch = [0u8; 4];
    epoch.copy_from_slice(&payload[9..13]);
    let customer_id =
        String::from_utf8(payload[13..].to_vec()).map_err(|_| LinkError::Malformed)?;
    let secs = i64::try_from(u64::from_be_bytes(exp)).map_err(|_| LinkError::Malformed)?;
    Ok(LinkClaims {
        customer_id,
        expires_at: Timestamp::from_second(secs).map_err(|_| LinkError::Malformed)?,
        epoch: u32::from_be_bytes(epoch),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn claims(id: &str) -> LinkClaims {
        LinkClaims {
            customer_id: id.into(),
            expires_at: "2026-12-31T00:00:00Z".parse().unwrap(),
            epoch: 3,
        }
    }

    #[test]
    fn a_signed_link_verifies_and_says_what_was_signed() {
        let key = [7u8; 32];
        let t = sign(&key, &claims("kovacs-csalad"));
        assert!(t.len() < 120, "{t}");
        assert!(!t.contains('/') && !t.contains('+') && !t.contains('='));
        assert_eq!(verify(&key, &t).unwrap(), claims("kovacs-csalad"));
    }

    #[test]
    fn every_tampered_byte_and_another_key_are_refused() {
        let key = [7u8; 32];
        let t = sign(&key, &claims("anna"));
        let bytes = t.as_bytes();
        for i in 0..bytes.len() {
            for flip in [b'A', b'B', b'-', b'.'] {
                if bytes[i] == flip {
                    continue;
                }
                let mut changed = bytes.to_vec();
                changed[i] = flip;
                let changed = String::from_utf8(changed).unwrap();
                // A change that decodes to the same bytes (the unused
                // bits of the last base64 character) is the same token.
                if let Ok(c) = verify(&key, &changed) {
                    assert_eq!(c, claims("anna"), "{changed}");
                }
            }
        }
        assert_eq!(verify(&[8u8; 32], &t), Err(LinkError::BadSignature));
        // Another customer's id under the same MAC.
        let (_, mac_part) = t.split_once('.').unwrap();
        let other = sign(&key, &claims("bela"));
        let (payload_b, _) = other.split_once('.').unwrap();
        assert_eq!(
            verify(&key, &format!("{payload_b}.{mac_part}")),
            Err(LinkError::BadSignature)
        );
        for junk in ["", ".", "abc", "a.b", &"x".repeat(500)] {
            assert_eq!(verify(&key, junk), Err(LinkError::Malformed), "{junk}");
        }
    }
}
