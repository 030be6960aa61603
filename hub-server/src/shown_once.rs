//! Credentials a page shows once: the action that made them (create,
//! adopt, rotate, reveal) answers its POST with a redirect to
//! `/shown/<nonce>`, and that page takes them from here. A reload, the
//! back button or a second tab finds nothing and says so: repeating the
//! page never repeats the action (post/redirect/get). Kept in memory for
//! five minutes at most, bound to the session that made them: a restart
//! forgets them, which only means "shown already".

use std::collections::HashMap;
use std::sync::Mutex;

use hub_proto::admin::Credentials;
use jiff::{SignedDuration, Timestamp};
use sha2::Digest;

/// How long credentials wait for their page.
const KEPT: SignedDuration = SignedDuration::from_mins(5);

struct Entry {
    session: [u8; 32],
    at: Timestamp,
    creds: Credentials,
    next: String,
}

#[derive(Default)]
pub struct ShownOnce {
    waiting: Mutex<HashMap<String, Entry>>,
}

impl std::fmt::Debug for ShownOnce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShownOnce").finish_non_exhaustive()
    }
}

fn digest(session_token: &str) -> [u8; 32] {
    sha2::Sha256::digest(session_token.as_bytes()).into()
}

impl ShownOnce {
    /// Keeps `creds` for one showing in the session `session_token`, with
    /// the page to continue to; returns the nonce of its page.
    pub fn put(
        &self,
        session_token: &str,
        creds: Credentials,
        next: String,
        now: Timestamp,
    ) -> std::io::Result<String> {
        let nonce = crate::secrets::random_token()?;
        let mut waiting = self
            .waiting
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?;
        waiting.retain(|_, e| now.duration_since(e.at) < KEPT);
        waiting.insert(
            nonce.clone(),
            Entry {
                session: digest(session_token),
                at: now,
                creds,
                next,
            },
        );
        Ok(nonce)
    }

    /// The credentials behind `nonce` and where to continue, once, in the
    /// session that made them and within five minutes.
    pub fn take(
        &self,
        session_token: &str,
        nonce: &str,
        now: Timestamp,
    ) -> Option<(Credentials, String)> {
        let mut waiting = self.waiting.lock().ok()?;
        let e = waiting.get(nonce)?;
        use subtle::ConstantTimeEq;
        if !bool::from(e.session.ct_eq(&digest(session_token))) {
            return None;
        }
        let e = waiting.remove(nonce)?;
        (now.duration_since(e.at) < KEPT).then_some((e.creds, e.next))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn creds() -> Credentials {
        Credentials {
            customer_id: "kovacs".into(),
            api_key: "k".into(),
            retrieval_password: Some("pw".into()),
            session_secret: "s".into(),
            tokens: Default::default(),
            secrets: Default::default(),
        }
    }

    #[test]
    fn once_in_its_session_within_five_minutes() {
        let t0: Timestamp = "2026-12-07T08:00:00Z".parse().unwrap();
        let once = ShownOnce::default();
        let n = once.put("sess-a", creds(), "/next".into(), t0).unwrap();
        assert!(once.take("sess-b", &n, t0).is_none(), "another session");
        let (c, next) = once.take("sess-a", &n, t0).unwrap();
        assert_eq!((c.api_key.as_str(), next.as_str()), ("k", "/next"));
        assert!(once.take("sess-a", &n, t0).is_none(), "a reload");
        let n = once.put("sess-a", creds(), "/next".into(), t0).unwrap();
        assert!(once.take("sess-a", &n, t0 + KEPT).is_none(), "too late");
    }
}
