//! The drift job's persisted state: one row per managed customer, written
//! with the event it emits in one transaction, so a restart neither repeats
//! a `config_drift` nor forgets one is open.

use super::db::{OptionalExtension, params};
use hub_proto::admin::DriftState;
use jiff::Timestamp;

use super::events::insert_event_for;
use super::{Change, NewEvent, Result, Store, from_ms, ms};

/// A customer the drift job may check, with what it knows of it.
#[derive(Debug, Clone)]
pub struct DriftCandidate {
    pub customer_id: String,
    /// Down nodes are not checked (their silence is the news).
    pub down: bool,
    pub state: Option<DriftRow>,
    /// The newest successful push or `config_applied` event.
    pub last_push: Option<Timestamp>,
}

/// One customer's drift verdict to record: `seen` is the row its check
/// started from (`None`: it had none).
#[derive(Debug, Clone)]
pub struct DriftWrite {
    pub customer_id: String,
    pub seen: Option<DriftRow>,
    pub row: DriftRow,
    pub event: Option<NewEvent>,
}

/// The stored verdict of one customer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DriftRow {
    pub status: Option<DriftState>,
    pub hash: Option<String>,
    /// Consecutive checks that saw `hash`.
    pub consecutive: u32,
    /// The hash a `config_drift` was emitted for, until it is resolved.
    pub emitted: Option<String>,
    /// Since when `status` holds.
    pub since: Option<Timestamp>,
    pub last_checked_at: Option<Timestamp>,
    pub next_check_at: Option<Timestamp>,
    pub last_error: String,
}

impl Store {
    /// Managed, reporting, unblocked customers with their drift rows.
    pub async fn drift_candidates(&self) -> Result<Vec<DriftCandidate>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT cu.customer_id, \
                    EXISTS (SELECT 1 FROM node_states s WHERE s.customer = cu.id AND s.state = 'down'), \
                    d.customer IS NOT NULL, d.status, d.hash, d.consecutive, d.emitted, d.since, \
                    d.last_checked_at, d.next_check_at, d.last_error, \
                    max(coalesce((SELECT max(a.at) FROM audit_log a WHERE a.customer_id = cu.customer_id \
                                  AND a.action = 'controller.push' AND a.outcome = 'ok'), 0), \
                        coalesce((SELECT max(e.occurred_at) FROM events e WHERE e.customer = cu.id \
                                  AND e.event_type = 'config_applied'), 0)) \
                 FROM customers cu \
                 JOIN customer_configs cc ON cc.customer = cu.id \
                 JOIN latest_reports l ON l.customer = cu.id \
                 LEFT JOIN drift_states d ON d.customer = cu.id \
                 WHERE cu.blocked = 0 ORDER BY cu.customer_id",
            )?;
            let rows = stmt.query_map([], |r| {
                let state = if r.get::<_, bool>(2)? {
                    Some(DriftRow {
                        status: r
                            .get::<_, Option<String>>(3)?
                            .as_deref()
                            .and_then(DriftState::parse),
                        hash: r.get(4)?,
                        consecutive: r.get(5)?,
                        emitted: r.get(6)?,
                        since: r.get::<_, Option<i64>>(7)?.map(from_ms),
                        last_checked_at: r.get::<_, Option<i64>>(8)?.map(from_ms),
                        next_check_at: r.get::<_, Option<i64>>(9)?.map(from_ms),
                        last_error: r.get(10)?,
                    })
                } else {
                    None
                };
                let push: i64 = r.get(11)?;
                Ok(DriftCandidate {
                    customer_id: r.get(0)?,
                    down: r.get(1)?,
                    state,
                    last_push: (push > 0).then(|| from_ms(push)),
                })
            })?;
            Ok(rows.collect::<std::result::Result<_, _>>()?)
        })
        .await
    }

    /// Stores each customer's new drift row and, in the same transaction,
    /// the event it emits (if any); a changed verdict reaches the fleet.
    /// Each row is a compare-and-set from the row its check saw: when
    /// another hub recorded a check of that customer in between, this one
    /// changes nothing and emits nothing. Answers the events written.
    pub async fn record_drift(&self, rows: Vec<DriftWrite>) -> Result<usize> {
        self.write(move |c, changes| {
            let mut events = 0;
            for DriftWrite {
                customer_id,
                seen,
                row,
                event,
            } in &rows
            {
                let Some(cust) = super::customers::lookup(c, customer_id)? else {
                    continue;
                };
                let before: Option<Option<String>> = c
                    .prepare_cached("SELECT status FROM drift_states WHERE customer = ?1")?
                    .query_row([cust.id], |r| r.get(0))
                    .optional()?;
                let won = c.prepare_cached(
                    "INSERT INTO drift_states (customer, status, hash, consecutive, emitted, since, \
                        last_checked_at, next_check_at, last_error) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
                     ON CONFLICT (customer) DO UPDATE SET status = excluded.status, \
                        hash = excluded.hash, consecutive = excluded.consecutive, \
                        emitted = excluded.emitted, since = excluded.since, \
                        last_checked_at = excluded.last_checked_at, \
                        next_check_at = excluded.next_check_at, last_error = excluded.last_error \
                     WHERE drift_states.next_check_at IS NOT DISTINCT FROM ?10 \
                       AND drift_states.last_checked_at IS NOT DISTINCT FROM ?11",
                )?
                .execute(params![
                    cust.id,
                    row.status.map(DriftState::as_str),
                    row.hash,
                    row.consecutive,
                    row.emitted,
                    row.since.map(ms),
                    row.last_checked_at.map(ms),
                    row.next_check_at.map(ms).unwrap_or(0),
                    row.last_error,
                    seen.as_ref().map(|s| s.next_check_at.map(ms).unwrap_or(0)),
                    seen.as_ref().and_then(|s| s.last_checked_at.map(ms)),
                ])?;
                if won == 0 {
                    continue;
                }
                if let Some(state) = row.status
                    && before.flatten().as_deref() != Some(state.as_str())
                {
                    changes.push(Change::Drift {
                        customer_id: customer_id.clone(),
                        state,
                    });
                }
                if let Some(e) = event {
                    insert_event_for(c, cust.id, e, changes)?;
                    events += 1;
                }
            }
            Ok(events)
        })
        .await
    }

    /// Customers by drift verdict, for the digest: (drifted, unknown), ids.
    pub async fn drift_summary(&self) -> Result<(Vec<String>, Vec<String>)> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT cu.customer_id, d.status FROM drift_states d \
                 JOIN customers cu ON cu.id = d.customer \
                 JOIN customer_configs cc ON cc.customer = cu.id \
                 WHERE d.status IN ('drifted', 'unknown') ORDER BY cu.customer_id",
            )?;
            let mut q = stmt.query([])?;
            let (mut drifted, mut unknown) = (Vec::new(), Vec::new());
            while let Some(r) = q.next()? {
                let id: String = r.get(0)?;
                if r.get::<_, String>(1)? == "drifted" {
                    drifted.push(id);
                } else {
                    unknown.push(id);
                }
            }
            Ok((drifted, unknown))
        })
        .await
    }
}
