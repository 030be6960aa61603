//! What the operator's daily digest reads from the database, in one read
//! over indexed time ranges (the last 24 h of events, incidents and the
//! notification log), and the digest's queueing, at most once per local
//! day.

use super::db::params;
use jiff::Timestamp;

use super::{NewDelivery, Result, Store, from_ms, ms};

/// One incident as the digest lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestIncident {
    pub customer_id: Option<String>,
    pub family: String,
    pub opened_at: Timestamp,
    pub resolved_at: Option<Timestamp>,
    pub reminders_sent: u32,
    pub held: Option<String>,
}

/// The database's part of a digest.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DigestFacts {
    /// Still open, oldest first.
    pub open: Vec<DigestIncident>,
    /// Opened in the last 24 h.
    pub opened: Vec<DigestIncident>,
    /// Resolved in the last 24 h.
    pub resolved: Vec<DigestIncident>,
    /// Customers told of a missed backup / database dump in the last 24 h.
    pub missed_backups: Vec<String>,
    pub missed_dumps: Vec<String>,
    /// Notifications given up in the last 24 h (emails and channels).
    pub failed: i64,
    /// Skipped notifications of the last 24 h by reason.
    pub skipped: Vec<(String, i64)>,
    /// Managed customers with no report, configured before the cut-off.
    pub pending_long: Vec<String>,
}

impl Store {
    /// The digest's facts for the 24 h up to `now`; customers pending
    /// since before `pending_before` count as pending long.
    pub async fn digest_facts(
        &self,
        now: Timestamp,
        pending_before: Timestamp,
    ) -> Result<DigestFacts> {
        let since = ms(now) - 24 * 3600 * 1000;
        self.read(move |c| {
            let incident = |r: &super::db::Row<'_>| -> rusqlite::Result<DigestIncident> {
                Ok(DigestIncident {
                    customer_id: r.get(0)?,
                    family: r.get(1)?,
                    opened_at: from_ms(r.get(2)?),
                    resolved_at: r.get::<_, Option<i64>>(3)?.map(from_ms),
                    reminders_sent: r.get(4)?,
                    held: r.get(5)?,
                })
            };
            let select = "SELECT cu.customer_id, i.family, i.opened_at, i.resolved_at, \
                    i.reminders_sent, i.held FROM incidents i \
                    LEFT JOIN customers cu ON cu.id = i.customer";
            let list = |sql: String, p: &[&dyn rusqlite::ToSql]| -> Result<Vec<DigestIncident>> {
                let mut stmt = c.prepare_cached(&sql)?;
                let rows = stmt.query_map(p, incident)?;
                Ok(rows.collect::<std::result::Result<_, _>>()?)
            };
            let open = list(
                format!("{select} WHERE i.resolved_at IS NULL ORDER BY i.opened_at, i.id"),
                &[],
            )?;
            let opened = list(
                format!("{select} WHERE i.opened_at >= ?1 ORDER BY i.opened_at, i.id"),
                &[&since],
            )?;
            let resolved = list(
                format!("{select} WHERE i.resolved_at >= ?1 ORDER BY i.resolved_at, i.id"),
                &[&since],
            )?;
            let missed = |t: &str| -> Result<Vec<String>> {
                let mut stmt = c.prepare_cached(
                    "SELECT DISTINCT cu.customer_id FROM events e JOIN customers cu ON cu.id = e.customer \
                     WHERE e.received_at >= ?1 AND e.event_type = ?2 ORDER BY cu.customer_id",
                )?;
                let rows = stmt.query_map(params![since, t], |r| r.get(0))?;
                Ok(rows.collect::<std::result::Result<_, _>>()?)
            };
            let failed: i64 = c
                .prepare_cached(
                    "SELECT count(*) FROM notification_log WHERE created_at >= ?1 AND outcome = 'failed'",
                )?
                .query_row([since], |r| r.get(0))?;
            let mut stmt = c.prepare_cached(
                "SELECT reason, count(*) FROM notification_log \
                 WHERE created_at >= ?1 AND outcome = 'skipped' GROUP BY reason ORDER BY reason",
            )?;
            let skipped = stmt
                .query_map([since], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<std::result::Result<_, _>>()?;
            let mut stmt = c.prepare_cached(
                "SELECT cu.customer_id FROM customer_configs cc JOIN customers cu ON cu.id = cc.customer \
                 WHERE cc.created_at < ?1 \
                   AND NOT EXISTS (SELECT 1 FROM latest_reports l WHERE l.customer = cc.customer) \
                 ORDER BY cu.customer_id",
            )?;
            let pending_long = stmt
                .query_map([ms(pending_before)], |r| r.get(0))?
                .collect::<std::result::Result<_, _>>()?;
            Ok(DigestFacts {
                open,
                opened,
                resolved,
                missed_backups: missed("expected_backup_missed")?,
                missed_dumps: missed("expected_dbdump_missed")?,
                failed,
                skipped,
                pending_long,
            })
        })
        .await
    }

    /// Queues the digest email. With `job`, only if that daily job has not
    /// run on `local_date` (recorded in the same transaction, so a restart
    /// neither repeats nor skips a day); returns whether it was queued.
    pub async fn queue_digest(
        &self,
        job: Option<&'static str>,
        local_date: String,
        email: NewDelivery,
        now: Timestamp,
    ) -> Result<bool> {
        self.write(move |c, changes| {
            if let Some(job) = job
                && !super::jobs::mark_daily_run(c, job, &local_date, now)?
            {
                return Ok(false);
            }
            super::notify::record(
                c,
                changes,
                &super::Decisions {
                    deliveries: vec![email],
                    ..Default::default()
                },
                now,
            )?;
            Ok(true)
        })
        .await
    }
}
