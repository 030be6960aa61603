//! The hubs watching the fleet on this database: when the current watch
//! began (the last moment no hub was alive), so the dead man's switch's
//! grace after a start counts from an outage of the watch, not from a
//! restart of one of several replicas (a failover is not an outage).

use std::time::Duration;

use super::db::{OptionalExtension, params};
use jiff::Timestamp;

use super::notify::{put_state, state_value};
use super::{Result, Store, from_ms, ms};

const WATCHING_SINCE: &str = "watching_since";
/// Rows of hubs gone this long are removed.
const FORGET_AFTER: Duration = Duration::from_secs(86_400);

impl Store {
    /// Joins the watch as `id` at `now`: the watch's start if another hub
    /// was seen alive within `alive`, else `now` (a new watch).
    pub async fn replica_join(
        &self,
        id: String,
        now: Timestamp,
        alive: Duration,
    ) -> Result<Timestamp> {
        self.write(move |c, _| {
            let alive = i64::try_from(alive.as_millis()).unwrap_or(i64::MAX);
            let others: i64 = c
                .prepare_cached("SELECT count(*) FROM replicas WHERE id != ?1 AND last_seen >= ?2")?
                .query_row(params![id, ms(now).saturating_sub(alive)], |r| r.get(0))?;
            let kept = if others > 0 {
                state_value(c, WATCHING_SINCE)?.and_then(|v| v.parse::<Timestamp>().ok())
            } else {
                None
            };
            let since = kept.unwrap_or(now);
            put_state(c, WATCHING_SINCE, &since.to_string(), now)?;
            seen(c, &id, now)?;
            let forget = ms(now).saturating_sub(FORGET_AFTER.as_millis() as i64);
            c.prepare_cached("DELETE FROM replicas WHERE last_seen < ?1")?
                .execute([forget])?;
            Ok(since)
        })
        .await
    }

    /// A sign of life of hub `id`.
    pub async fn replica_seen(&self, id: String, now: Timestamp) -> Result<()> {
        self.write(move |c, _| seen(c, &id, now)).await
    }

    /// Hub `id` stops watching (a graceful stop: the next lone start is a
    /// new watch at once, not after the alive window) and gives back its
    /// job leases, so another hub takes its jobs on its next tick.
    pub async fn replica_leave(&self, id: String) -> Result<()> {
        self.write(move |c, _| {
            c.prepare_cached("DELETE FROM replicas WHERE id = ?1")?
                .execute([&id])?;
            c.prepare_cached("DELETE FROM job_leases WHERE holder = ?1")?
                .execute([&id])?;
            Ok(())
        })
        .await
    }

    /// Takes or renews hub `holder`'s lease on `job` until `now + ttl`: it
    /// is this hub's if it held it already, or if nobody did, or if the
    /// holder's lease ran out before `now`. One conditional upsert, so two
    /// hubs asking at once cannot both win. Asking is a sign of life of
    /// `holder` too (a standby hub is still watching).
    pub async fn lease_job(
        &self,
        job: &'static str,
        holder: String,
        now: Timestamp,
        ttl: Duration,
    ) -> Result<JobLease> {
        self.write(move |c, _| {
            seen(c, &holder, now)?;
            let until = ms(now).saturating_add(i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX));
            let won: Option<i64> = c
                .prepare_cached(
                    "INSERT INTO job_leases (job, holder, until_ms, term) VALUES (?1, ?2, ?3, 1) \
                     ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, \
                        until_ms = excluded.until_ms, \
                        term = job_leases.term + CASE WHEN job_leases.holder = excluded.holder THEN 0 ELSE 1 END \
                     WHERE job_leases.holder = excluded.holder OR job_leases.until_ms < ?4 \
                     RETURNING term",
                )?
                .query_row(params![job, holder, until, ms(now)], |r| r.get(0))
                .optional()?;
            if won.is_some() {
                return Ok(JobLease::Held);
            }
            let (holder, until): (String, i64) = c
                .prepare_cached("SELECT holder, until_ms FROM job_leases WHERE job = ?1")?
                .query_row([job], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(JobLease::Elsewhere {
                holder,
                until: from_ms(until),
            })
        })
        .await
    }
}

/// Whether this hub runs a job now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobLease {
    /// It does. (The row's `term` counts changes of holder; nothing reads
    /// it yet: it is there for writes that must be fenced by it.)
    Held,
    /// Another hub does, until `until` unless it renews.
    Elsewhere { holder: String, until: Timestamp },
}

/// Hub `id` was alive at `now` (a row of its own from its first sign).
fn seen(c: &super::db::Connection, id: &str, now: Timestamp) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO replicas (id, started_at, last_seen) VALUES (?1, ?2, ?2) \
         ON CONFLICT (id) DO UPDATE SET last_seen = max(replicas.last_seen, excluded.last_seen)",
    )?
    .execute(params![id, ms(now)])?;
    Ok(())
}
