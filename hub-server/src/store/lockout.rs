//! Retrieval-password attempts, decided in the writer so concurrent
//! guesses cannot race past a lockout: after [`MAX_FAILURES`] failures for
//! one customer id within [`WINDOW`], both retrieval endpoints refuse that
//! id until the window passes (a correct password included); after
//! [`MAX_ADDRESS_FAILURES`] failures from one client address across ids,
//! that address is refused likewise. Failures are counted for unknown ids
//! too, so the answers never tell which customers exist. The state is a
//! row per key in SQLite: it survives restarts, is never evicted while it
//! locks, and each attempt reads and writes one row by primary key.

use super::db::{Connection, OptionalExtension, params};
use jiff::{SignedDuration, Timestamp};
use subtle::ConstantTimeEq;

use super::{Result, Store, ms};

pub const MAX_FAILURES: usize = 5;
pub const MAX_ADDRESS_FAILURES: usize = 20;
pub const WINDOW: SignedDuration = SignedDuration::from_mins(15);

/// The outcome of one retrieval attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    Allowed,
    /// Refused without looking at the password; retry after this many
    /// seconds.
    Locked {
        retry_after_secs: u64,
    },
    /// Wrong password or unknown customer (recorded as a failure).
    Denied,
}

impl Store {
    /// Checks the lockouts of `customer_id` and of `client` (an address),
    /// then the password; records a failure, or clears the customer's
    /// failures on success — all in one write.
    pub async fn retrieval_attempt(
        &self,
        customer_id: Option<String>,
        client: Option<String>,
        password: String,
        now: Timestamp,
    ) -> Result<Attempt> {
        self.write(move |c, _| {
            let id_key = customer_id.as_ref().map(|id| format!("id:{id}"));
            let ip_key = client.map(|a| format!("ip:{a}"));
            let mut wait = 0;
            if let Some(k) = &id_key {
                wait = wait.max(locked_for(c, k, MAX_FAILURES, now)?);
            }
            if let Some(k) = &ip_key {
                wait = wait.max(locked_for(c, k, MAX_ADDRESS_FAILURES, now)?);
            }
            if wait > 0 {
                return Ok(Attempt::Locked {
                    retry_after_secs: wait,
                });
            }
            let ok = match &customer_id {
                Some(id) if !password.is_empty() => password_matches(c, id, &password)?,
                _ => false,
            };
            if ok {
                if let Some(k) = &id_key {
                    c.prepare_cached("DELETE FROM retrieval_failures WHERE key = ?1")?
                        .execute([k])?;
                }
                return Ok(Attempt::Allowed);
            }
            if let Some(k) = &id_key {
                record_failure(c, k, MAX_FAILURES, now)?;
            }
            if let Some(k) = &ip_key {
                record_failure(c, k, MAX_ADDRESS_FAILURES, now)?;
            }
            Ok(Attempt::Denied)
        })
        .await
    }

    /// Seconds the status pages stay closed to `client` (0: open), after
    /// [`MAX_ADDRESS_FAILURES`] bad links from it within [`WINDOW`].
    pub async fn status_page_locked(&self, client: String, now: Timestamp) -> Result<u64> {
        self.read(move |c| locked_for(c, &format!("status:{client}"), MAX_ADDRESS_FAILURES, now))
            .await
    }

    /// Counts a bad status link from `client`.
    pub async fn status_page_failure(&self, client: String, now: Timestamp) -> Result<()> {
        self.write(move |c, _| {
            record_failure(c, &format!("status:{client}"), MAX_ADDRESS_FAILURES, now)
        })
        .await
    }

    /// Lifts a customer's lockout; `true` if there were failures recorded.
    pub async fn clear_lockout(&self, customer_id: String) -> Result<bool> {
        self.write(move |c, _| {
            Ok(c.execute(
                "DELETE FROM retrieval_failures WHERE key = ?1",
                [format!("id:{customer_id}")],
            )? == 1)
        })
        .await
    }

    /// Forgets failures that can no longer lock anything.
    pub async fn prune_lockouts(&self, now: Timestamp) -> Result<usize> {
        self.write(move |c, _| {
            Ok(c.execute(
                "DELETE FROM retrieval_failures WHERE updated_at <= ?1",
                [ms(now - WINDOW)],
            )?)
        })
        .await
    }
}

/// The recent failure times of `key` (within the window at `now`).
fn recent(c: &Connection, key: &str, now: Timestamp) -> Result<Vec<i64>> {
    let text: Option<String> = c
        .prepare_cached("SELECT failures FROM retrieval_failures WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?;
    let since = ms(now - WINDOW);
    Ok(text
        .unwrap_or_default()
        .split(',')
        .filter_map(|t| t.parse::<i64>().ok())
        .filter(|t| *t > since)
        .collect())
}

/// Seconds `key` stays locked at `now` (0 = not locked): it unlocks when
/// the oldest of its last `max` failures leaves the window.
pub(super) fn locked_for(c: &Connection, key: &str, max: usize, now: Timestamp) -> Result<u64> {
    let times = recent(c, key, now)?;
    if times.len() < max {
        return Ok(0);
    }
    let oldest = times[times.len() - max];
    let unlock = oldest + WINDOW.as_millis() as i64;
    let left_ms = (unlock - ms(now)).max(1000);
    Ok(((left_ms + 999) / 1000) as u64)
}

/// Seconds `key` backs off at `now`: nothing for its first `free`
/// failures within the window, then 1 s after the newest failure, doubling
/// with each further one up to the window (an account-wide brake that no
/// number of addresses gets around).
pub(super) fn backoff_for(c: &Connection, key: &str, free: usize, now: Timestamp) -> Result<u64> {
    let times = recent(c, key, now)?;
    let Some(newest) = times.last() else {
        return Ok(0);
    };
    let Some(over) = times.len().checked_sub(free) else {
        return Ok(0);
    };
    let delay_ms = 1000i64
        .saturating_mul(1i64 << over.min(20))
        .min(WINDOW.as_millis() as i64);
    let left_ms = newest + delay_ms - ms(now);
    Ok(if left_ms <= 0 {
        0
    } else {
        ((left_ms + 999) / 1000) as u64
    })
}

/// Removes one failure recorded at `at` from `key` (a reservation given
/// back).
pub(super) fn forget_one(c: &Connection, key: &str, at: Timestamp) -> Result<()> {
    let mut times = recent(c, key, at)?;
    if let Some(pos) = times.iter().rposition(|t| *t == ms(at)) {
        times.remove(pos);
    }
    let text = times
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    c.prepare_cached("UPDATE retrieval_failures SET failures = ?2 WHERE key = ?1")?
        .execute(params![key, text])?;
    Ok(())
}

pub(super) fn record_failure(c: &Connection, key: &str, max: usize, now: Timestamp) -> Result<()> {
    let mut times = recent(c, key, now)?;
    times.push(ms(now));
    let keep = &times[times.len().saturating_sub(max)..];
    let text = keep
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    c.prepare_cached(
        "INSERT INTO retrieval_failures (key, failures, updated_at) VALUES (?1, ?2, ?3) \
         ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, \
            updated_at = excluded.updated_at",
    )?
    .execute(params![key, text, ms(now)])?;
    Ok(())
}

/// Whether `password` is the customer's retrieval password, compared in
/// constant time; an unknown customer costs the same comparison.
fn password_matches(c: &Connection, customer_id: &str, password: &str) -> Result<bool> {
    // Only a digest of the password is stored; a digest of the presented
    // one is compared with it in constant time (and for an unknown id with
    // a dummy, so both take as long).
    let stored: Option<Vec<u8>> = c
        .prepare_cached(
            "SELECT cc.retrieval_password FROM customer_configs cc \
             JOIN customers c ON c.id = cc.customer WHERE c.customer_id = ?1",
        )?
        .query_row([customer_id], |r| r.get(0))
        .optional()?;
    let presented = super::customers::key_digest(password);
    let known = stored.is_some();
    let stored = stored.unwrap_or_else(|| vec![0u8; presented.len()]);
    let same: bool = stored.ct_eq(&presented).into();
    Ok(known && same)
}
