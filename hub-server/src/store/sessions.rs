//! Dashboard sessions and login failures. Sessions are looked up by the
//! digest of their token; expiry (absolute and idle) is checked on every
//! use, so an expired session is refused even before pruning removes it.

use super::db::{OptionalExtension, params};
use jiff::{SignedDuration, Timestamp};
use subtle::ConstantTimeEq;

use super::customers::key_digest;
use super::lockout::{backoff_for, forget_one, locked_for, record_failure};
use super::{Result, Store, from_ms, ms};

/// A session ends this long after login at the latest.
pub const SESSION_ABSOLUTE: SignedDuration = SignedDuration::from_hours(12);

/// How stale a session's last use may be noted: the idle expiry is
/// minutes, so a minute's precision spares a disk write per page view.
const SEEN_GRANULARITY: SignedDuration = SignedDuration::from_secs(60);

/// Failed logins from one address within the window before it is refused.
pub const MAX_LOGIN_FAILURES: usize = 5;

/// A live session.
#[derive(Clone, PartialEq, Eq)]
pub struct Session {
    pub csrf_token: String,
    pub created_at: Timestamp,
    /// When the password was last given in this session (the login, or a
    /// re-entry before a secret is shown).
    pub authed_at: Timestamp,
    /// The message left for this page, taken (shown once).
    pub flash: Option<String>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Stores a new session for `token` (only its digest), opened under
    /// the password whose fingerprint is `password_fp`.
    pub async fn create_session(
        &self,
        token: String,
        csrf_token: String,
        password_fp: String,
        now: Timestamp,
    ) -> Result<()> {
        self.write(move |c, _| {
            c.prepare_cached(
                "INSERT INTO sessions (id_sha256, created_at, last_seen_at, csrf_token, \
                    password_fp, authed_at) VALUES (?1, ?2, ?2, ?3, ?4, ?2)",
            )?
            .execute(params![
                key_digest(&token),
                ms(now),
                csrf_token,
                password_fp
            ])?;
            Ok(())
        })
        .await
    }

    /// The session of `token` if it is still valid at `now`: younger than
    /// `absolute`, used within `idle`, and opened under the password whose
    /// fingerprint is `password_fp` (a changed password ends it). Marks it
    /// used and takes its flash. A page view is a read: the writer (and
    /// its fsync) is used only to take a flash, to note use at most once a
    /// minute, or to delete.
    pub async fn use_session(
        &self,
        token: String,
        now: Timestamp,
        idle: SignedDuration,
        absolute: SignedDuration,
        password_fp: String,
    ) -> Result<Option<Session>> {
        let digest = key_digest(&token);
        type Row = (i64, i64, String, Option<String>, String, i64);
        let row: Option<Row> =
            {
                let digest = digest.clone();
                self.read(move |c| {
                    Ok(c.prepare_cached(
                    "SELECT created_at, last_seen_at, csrf_token, flash, password_fp, authed_at \
                     FROM sessions WHERE id_sha256 = ?1",
                )?
                .query_row([&digest], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
                })
                .optional()?)
                })
                .await?
            };
        let Some((created, seen, csrf_token, flash, fp, authed)) = row else {
            return Ok(None);
        };
        let (created, seen) = (from_ms(created), from_ms(seen));
        let same_password: bool = fp.as_bytes().ct_eq(password_fp.as_bytes()).into();
        if !same_password
            || now.duration_since(created) >= absolute
            || now.duration_since(seen) >= idle
        {
            self.write(move |c, _| {
                c.prepare_cached("DELETE FROM sessions WHERE id_sha256 = ?1")?
                    .execute([&digest])?;
                Ok(())
            })
            .await?;
            return Ok(None);
        }
        if flash.is_some() || now.duration_since(seen) >= SEEN_GRANULARITY {
            self.write(move |c, _| {
                c.prepare_cached(
                    "UPDATE sessions SET last_seen_at = ?2, flash = NULL WHERE id_sha256 = ?1",
                )?
                .execute(params![digest, ms(now)])?;
                Ok(())
            })
            .await?;
        }
        Ok(Some(Session {
            csrf_token,
            created_at: created,
            authed_at: from_ms(authed),
            flash,
        }))
    }

    /// Leaves a message for the session's next page.
    pub async fn set_flash(&self, token: String, message: String) -> Result<()> {
        self.write(move |c, _| {
            c.prepare_cached("UPDATE sessions SET flash = ?2 WHERE id_sha256 = ?1")?
                .execute(params![key_digest(&token), message])?;
            Ok(())
        })
        .await
    }

    /// Notes that the password was given again in the session of `token`.
    pub async fn reauthed(&self, token: String, now: Timestamp) -> Result<()> {
        self.write(move |c, _| {
            c.prepare_cached("UPDATE sessions SET authed_at = ?2 WHERE id_sha256 = ?1")?
                .execute(params![key_digest(&token), ms(now)])?;
            Ok(())
        })
        .await
    }

    /// Ends every session; how many there were.
    pub async fn delete_all_sessions(&self) -> Result<usize> {
        self.write(|c, _| Ok(c.execute("DELETE FROM sessions", [])?))
            .await
    }

    /// Ends a session; `false` if there was none.
    pub async fn delete_session(&self, token: String) -> Result<bool> {
        self.write(move |c, _| {
            Ok(
                c.prepare_cached("DELETE FROM sessions WHERE id_sha256 = ?1")?
                    .execute([key_digest(&token)])?
                    == 1,
            )
        })
        .await
    }

    /// Removes sessions unused since `idle_before` or created before
    /// `created_before`.
    pub async fn prune_sessions(
        &self,
        idle_before: Timestamp,
        created_before: Timestamp,
    ) -> Result<usize> {
        self.write(move |c, _| {
            Ok(c.execute(
                "DELETE FROM sessions WHERE last_seen_at < ?1 OR created_at < ?2",
                params![ms(idle_before), ms(created_before)],
            )?)
        })
        .await
    }

    /// Reserves a login attempt from `client` (an address key, see
    /// `service::session`), in one write: refused while the address is
    /// locked or the account backs off; otherwise counted as a failure
    /// before the password is checked, so parallel guesses cannot all
    /// reach bcrypt. A correct password gives the reservation back
    /// ([`Store::login_succeeded`]).
    pub async fn reserve_login(&self, client: String, now: Timestamp) -> Result<u64> {
        self.write(move |c, _| {
            let key = format!("login:{client}");
            let wait = locked_for(c, &key, MAX_LOGIN_FAILURES, now)?.max(backoff_for(
                c,
                ACCOUNT_KEY,
                ACCOUNT_FREE_FAILURES,
                now,
            )?);
            if wait > 0 {
                return Ok(wait);
            }
            record_failure(c, &key, MAX_LOGIN_FAILURES, now)?;
            record_failure(c, ACCOUNT_KEY, ACCOUNT_KEPT_FAILURES, now)?;
            Ok(0)
        })
        .await
    }

    /// Seconds `client` is locked for now (after a failed attempt).
    pub async fn login_locked(&self, client: String, now: Timestamp) -> Result<u64> {
        self.read(move |c| {
            Ok(
                locked_for(c, &format!("login:{client}"), MAX_LOGIN_FAILURES, now)?
                    .max(backoff_for(c, ACCOUNT_KEY, ACCOUNT_FREE_FAILURES, now)?),
            )
        })
        .await
    }

    /// The password was right: the address's failures are forgotten and
    /// the reservation made at `reserved_at` leaves the account's count.
    pub async fn login_succeeded(&self, client: String, reserved_at: Timestamp) -> Result<()> {
        self.write(move |c, _| {
            c.prepare_cached("DELETE FROM retrieval_failures WHERE key = ?1")?
                .execute([format!("login:{client}")])?;
            forget_one(c, ACCOUNT_KEY, reserved_at)
        })
        .await
    }
}

/// The account-wide count of failed logins, from any address.
const ACCOUNT_KEY: &str = "login-account";
/// Failures from anywhere within the window before the account backs off.
pub const ACCOUNT_FREE_FAILURES: usize = 10;
/// Account failures remembered (the backoff doubles with each).
const ACCOUNT_KEPT_FAILURES: usize = 64;
