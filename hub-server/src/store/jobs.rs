//! Queries and writes of the background jobs: the dead man's switch state,
//! the daily deadline check and retention pruning.

use super::db::{OptionalExtension, params};
use jiff::Timestamp;

use super::events::{insert_event, insert_event_for};
use super::{NewEvent, Result, Store, from_ms, ms};

/// The dead man's switch state of a node, ordered by severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NodeState {
    Ok,
    Stale,
    Down,
}

impl NodeState {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeState::Ok => "ok",
            NodeState::Stale => "stale",
            NodeState::Down => "down",
        }
    }

    fn parse(s: &str) -> NodeState {
        match s {
            "stale" => NodeState::Stale,
            "down" => NodeState::Down,
            _ => NodeState::Ok,
        }
    }
}

/// A node the staleness job watches.
#[derive(Debug, Clone)]
pub struct Watched {
    pub customer_id: String,
    pub last_received_at: Timestamp,
    pub state: NodeState,
}

/// One switch transition: from the state the switch saw to the new one,
/// with the event that announces it.
#[derive(Debug, Clone)]
pub struct NodeTransition {
    pub customer_id: String,
    pub from: NodeState,
    pub to: NodeState,
    pub event: Option<NewEvent>,
}

/// What the prune job removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    pub reports: usize,
    pub events: usize,
    pub notifications: usize,
    pub infra_backups: usize,
    /// Retrieval-failure rows that could no longer lock anything.
    pub lockouts: usize,
    /// Dashboard sessions past their idle or absolute expiry.
    pub sessions: usize,
    pub pages_freed: i64,
}

/// Customers pruned per write transaction, so ingest is never held up long.
const PRUNE_CUSTOMERS_PER_TX: i64 = 50;
const PRUNE_ROWS_PER_TX: i64 = 5000;

impl Store {
    /// Active, reporting, monitored customers with their switch state.
    /// Blocked, pending and monitoring-disabled customers are not watched.
    pub async fn watched_nodes(&self) -> Result<Vec<Watched>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT cu.customer_id, l.received_at, s.state FROM customers cu \
                 JOIN latest_reports l ON l.customer = cu.id \
                 LEFT JOIN node_states s ON s.customer = cu.id \
                 WHERE cu.blocked = 0 AND l.monitoring_disabled = 0",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(Watched {
                    customer_id: r.get(0)?,
                    last_received_at: from_ms(r.get(1)?),
                    state: NodeState::parse(
                        r.get::<_, Option<String>>(2)?.as_deref().unwrap_or("ok"),
                    ),
                })
            })?;
            Ok(rows.collect::<std::result::Result<_, _>>()?)
        })
        .await
    }

    /// A node's switch state and when it last changed (`None`: never
    /// left ok).
    pub async fn node_state(&self, customer_id: String) -> Result<Option<(NodeState, Timestamp)>> {
        self.read(move |c| {
            Ok(c.prepare_cached(
                "SELECT s.state, s.changed_at FROM node_states s \
                 JOIN customers cu ON cu.id = s.customer WHERE cu.customer_id = ?1",
            )?
            .query_row([customer_id], |r| {
                Ok((
                    NodeState::parse(&r.get::<_, String>(0)?),
                    from_ms(r.get(1)?),
                ))
            })
            .optional()?)
        })
        .await
    }

    /// Records switch transitions and, atomically with each, the event that
    /// announces it (if any), all in one transaction: the switch hands a
    /// mass outage over in parts of 1,000, each one commit, not 1,000.
    ///
    /// Each transition is a compare-and-set from the state the switch saw
    /// (`from`): one that another writer got to first (a second replica,
    /// or a report in between) changes nothing and announces nothing, so
    /// two switches passing at once give one event. Returns each event's
    /// id (`None`: no event, the transition was lost, or the customer is
    /// gone).
    pub async fn set_node_states(
        &self,
        transitions: Vec<NodeTransition>,
        now: Timestamp,
    ) -> Result<Vec<Option<i64>>> {
        self.write(move |c, changes| {
            let mut ids = Vec::with_capacity(transitions.len());
            for t in &transitions {
                let Some(cust) = super::customers::lookup(c, &t.customer_id)? else {
                    ids.push(None);
                    continue;
                };
                if !node_state_cas(c, cust.id, t.from, t.to, now)? {
                    ids.push(None);
                    continue;
                }
                ids.push(match &t.event {
                    Some(e) => Some(insert_event_for(c, cust.id, e, changes)?.id),
                    None => None,
                });
            }
            Ok(ids)
        })
        .await
    }

    /// Customers that should have emitted `event_type` since `since` and did
    /// not: active, reporting, monitored, and not already known to be down
    /// (the node_down alert covers those).
    pub async fn missing_event(
        &self,
        event_type: &'static str,
        since: Timestamp,
    ) -> Result<Vec<String>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT cu.customer_id FROM customers cu \
                 JOIN latest_reports l ON l.customer = cu.id \
                 WHERE cu.blocked = 0 AND l.monitoring_disabled = 0 \
                 AND NOT EXISTS (SELECT 1 FROM node_states s WHERE s.customer = cu.id AND s.state = 'down') \
                 AND NOT EXISTS (SELECT 1 FROM events e WHERE e.customer = cu.id \
                                 AND e.event_type = ?1 AND e.occurred_at >= ?2) \
                 ORDER BY cu.customer_id",
            )?;
            let rows = stmt.query_map(params![event_type, ms(since)], |r| r.get(0))?;
            Ok(rows.collect::<std::result::Result<_, _>>()?)
        })
        .await
    }

    /// The local date a daily job last ran, if ever.
    /// When a daily job last completed.
    pub async fn job_last_ran_at(&self, job: &'static str) -> Result<Option<Timestamp>> {
        self.read(move |c| {
            let ms: Option<i64> = c
                .prepare_cached("SELECT ran_at FROM job_runs WHERE job = ?1")?
                .query_row([job], |r| r.get(0))
                .optional()?;
            Ok(ms.map(super::from_ms))
        })
        .await
    }

    pub async fn job_last_run(&self, job: &'static str) -> Result<Option<String>> {
        self.read(move |c| {
            Ok(
                c.prepare_cached("SELECT local_date FROM job_runs WHERE job = ?1")?
                    .query_row([job], |r| r.get(0))
                    .optional()?,
            )
        })
        .await
    }

    /// Marks `job` as run for `local_date` and stores its events, in one
    /// transaction. Returns the new events' ids, or `None` (and nothing
    /// stored) if it already ran that day.
    pub async fn complete_daily_job(
        &self,
        job: &'static str,
        local_date: String,
        events: Vec<NewEvent>,
        now: Timestamp,
    ) -> Result<Option<Vec<i64>>> {
        self.write(move |c, changes| {
            if !mark_daily_run(c, job, &local_date, now)? {
                return Ok(None);
            }
            let mut ids = Vec::with_capacity(events.len());
            for e in &events {
                ids.push(insert_event(c, e, changes)?.id);
            }
            Ok(Some(ids))
        })
        .await
    }

    /// Deletes history older than `cutoff` in bounded transactions, never a
    /// customer's newest report or newest infra backup, then gives the freed
    /// pages back to the file system.
    pub async fn prune(&self, cutoff: Timestamp) -> Result<Pruned> {
        let cutoff = ms(cutoff);
        let mut out = Pruned::default();
        let mut after = 0i64;
        loop {
            let (n, last) = self
                .write(move |c, _| {
                    let custs: Vec<(i64, i64)> = c
                        .prepare_cached(
                            "SELECT customer, ts FROM latest_reports WHERE customer > ?1 \
                             ORDER BY customer LIMIT ?2",
                        )?
                        .query_map(params![after, PRUNE_CUSTOMERS_PER_TX], |r| {
                            Ok((r.get(0)?, r.get(1)?))
                        })?
                        .collect::<std::result::Result<_, _>>()?;
                    let mut del = c.prepare_cached(
                        "DELETE FROM reports WHERE customer = ?1 AND ts < ?2 AND ts < ?3",
                    )?;
                    let mut n = 0;
                    for (cust, newest) in &custs {
                        n += del.execute(params![cust, cutoff, newest])?;
                    }
                    Ok((n, custs.last().map(|(id, _)| *id)))
                })
                .await?;
            out.reports += n;
            match last {
                Some(id) => after = id,
                None => break,
            }
        }
        for (table, column, field) in [
            ("events", "received_at", 0),
            ("notification_log", "created_at", 1),
        ] {
            loop {
                let sql = format!(
                    "DELETE FROM {table} WHERE id IN (SELECT id FROM {table} WHERE {column} < ?1 LIMIT ?2)"
                );
                let n = self
                    .write(move |c, _| Ok(c.execute(&sql, params![cutoff, PRUNE_ROWS_PER_TX])?))
                    .await?;
                if field == 0 {
                    out.events += n;
                } else {
                    out.notifications += n;
                }
                if (n as i64) < PRUNE_ROWS_PER_TX {
                    break;
                }
            }
        }
        out.infra_backups = self
            .write(move |c, _| {
                Ok(c.execute(
                    "DELETE FROM infra_backups WHERE received_at < ?1 AND id NOT IN ( \
                        SELECT (SELECT b2.id FROM infra_backups b2 WHERE b2.customer = b.customer \
                                ORDER BY b2.created_at DESC, b2.id DESC LIMIT 1) \
                        FROM infra_backups b GROUP BY b.customer)",
                    [cutoff],
                )?)
            })
            .await?;
        loop {
            let freed = self
                .write(|c, _| {
                    // PostgreSQL's autovacuum reuses the space.
                    let Some(c) = c.lite() else { return Ok(0) };
                    let before: i64 = c.query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
                    c.execute_batch("PRAGMA incremental_vacuum(2000)")?;
                    let after: i64 = c.query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
                    Ok(before - after)
                })
                .await?;
            out.pages_freed += freed;
            if freed <= 0 {
                break;
            }
        }
        Ok(out)
    }
}

/// Moves a node from `from` to `to`; `false` when it was not in `from`
/// (no row counts as ok, the state before any transition).
fn node_state_cas(
    c: &super::db::Connection,
    customer: i64,
    from: NodeState,
    to: NodeState,
    now: Timestamp,
) -> Result<bool> {
    let moved = c
        .prepare_cached(
            "UPDATE node_states SET state = ?3, changed_at = ?4 WHERE customer = ?1 AND state = ?2",
        )?
        .execute(params![customer, from.as_str(), to.as_str(), ms(now)])?;
    if moved == 1 || from != NodeState::Ok {
        return Ok(moved == 1);
    }
    Ok(c.prepare_cached(
        "INSERT INTO node_states (customer, state, changed_at) VALUES (?1, ?2, ?3) \
         ON CONFLICT (customer) DO NOTHING",
    )?
    .execute(params![customer, to.as_str(), ms(now)])?
        == 1)
}

/// Records that daily `job` ran on `local_date`; `false` (nothing written)
/// if it already had: the one check of "at most once per local day".
pub(super) fn mark_daily_run(
    c: &super::db::Connection,
    job: &str,
    local_date: &str,
    now: Timestamp,
) -> Result<bool> {
    // One conditional statement, not a read and a write: whichever
    // writer changes the date first ran the day; the other changes nothing.
    let n = c
        .prepare_cached(
            "INSERT INTO job_runs (job, local_date, ran_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (job) DO UPDATE SET local_date = excluded.local_date, ran_at = excluded.ran_at \
             WHERE job_runs.local_date IS DISTINCT FROM excluded.local_date",
        )?
        .execute(params![job, local_date, ms(now)])?;
    Ok(n == 1)
}
