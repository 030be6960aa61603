//! Incidents and maintenance windows: what was said about each open
//! problem and the planned work during which nothing is said. Every
//! change of an incident is written in the transaction that makes its
//! decision (with the log rows and the queued emails), so a restart
//! neither repeats nor forgets a notification.

use std::collections::BTreeMap;

use super::db::{Connection, OptionalExtension, Row, params};
use hub_proto::alerts::{Family, Incident};
use jiff::Timestamp;

use super::customers::lookup;
use super::{Change, Changes, Result, Store, StoreError, from_ms, ms};

/// An incident with the bookkeeping the admin API does not show.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentRow {
    pub inc: Incident,
    pub held_until: Option<Timestamp>,
    pub opened_event: Option<i64>,
    pub resolving_event: Option<i64>,
    pub resolve_notified: bool,
}

/// One change to the incidents, made together with a decision.
#[derive(Debug, Clone)]
pub enum IncidentOp {
    Open {
        customer_id: Option<String>,
        family: Family,
        at: Timestamp,
        event: Option<i64>,
        opened_by: String,
        message: String,
        held: Option<String>,
        held_until: Option<Timestamp>,
        notified_operator: bool,
        notified_customer: bool,
        next_reminder_at: Option<Timestamp>,
        detail: serde_json::Value,
    },
    /// A worse event of the same family while open (stale → down is not
    /// one; `disk_space_low` → `disk_space_critical` is).
    Escalate {
        id: i64,
        opened_by: String,
        message: String,
    },
    /// The opening was notified now (on the channels marked).
    Notified {
        id: i64,
        at: Timestamp,
        operator: bool,
        customer: bool,
        next_reminder_at: Option<Timestamp>,
    },
    Hold {
        id: i64,
        held: Option<String>,
        held_until: Option<Timestamp>,
    },
    /// The cause went away; the resolution waits out the hold.
    StartResolving {
        id: i64,
        at: Timestamp,
        event: Option<i64>,
    },
    /// It came back within the hold: still the same incident.
    CancelResolving {
        id: i64,
    },
    Resolve {
        id: i64,
        at: Timestamp,
        event: Option<i64>,
        notified: bool,
    },
    /// The resolution was said (or there was nothing to say).
    Settled {
        id: i64,
    },
    /// A notification held because of this incident.
    Inhibited {
        id: i64,
        event_type: String,
    },
    /// A reminder went out; `sent` is the count of reminders the
    /// dispatcher saw. Claimed as a compare-and-set when its decision is
    /// recorded ([`claim_reminders`]), so two dispatchers remind once.
    Reminded {
        id: i64,
        sent: u32,
        next_reminder_at: Option<Timestamp>,
    },
    Detail {
        id: i64,
        detail: serde_json::Value,
    },
    /// The cause of a hold ended: every open, untold incident held under
    /// `tag` (of `customer_id`, if given) is looked at again from `until`.
    Release {
        customer_id: Option<String>,
        tag: String,
        until: Timestamp,
    },
}

const COLUMNS: &str = "i.id, cu.customer_id, i.family, i.opened_at, i.opened_by, i.message, \
    i.notified_operator_at, i.notified_customer_at, i.held, i.reminders_sent, i.next_reminder_at, \
    i.resolving_since, i.resolved_at, i.inhibited, i.detail, i.held_until, i.opened_event, \
    i.resolving_event, i.resolve_notified";

fn incident_row(r: &Row<'_>) -> rusqlite::Result<IncidentRow> {
    let opt = |i: usize| -> rusqlite::Result<Option<Timestamp>> {
        Ok(r.get::<_, Option<i64>>(i)?.map(from_ms))
    };
    let family: String = r.get(2)?;
    let inhibited: String = r.get(13)?;
    let detail: String = r.get(14)?;
    Ok(IncidentRow {
        inc: Incident {
            id: r.get(0)?,
            customer_id: r.get(1)?,
            family: Family::parse(&family).unwrap_or(Family::Node),
            opened_at: from_ms(r.get(3)?),
            opened_by: r.get(4)?,
            message: r.get(5)?,
            notified_operator_at: opt(6)?,
            notified_customer_at: opt(7)?,
            held: r
                .get::<_, Option<String>>(8)?
                .map(|h| h.split(':').next().unwrap_or_default().to_owned()),
            reminders_sent: r.get(9)?,
            next_reminder_at: opt(10)?,
            resolving_since: opt(11)?,
            resolved_at: opt(12)?,
            inhibited: serde_json::from_str(&inhibited).unwrap_or_default(),
            detail: serde_json::from_str(&detail).unwrap_or_default(),
        },
        held_until: opt(15)?,
        opened_event: r.get(16)?,
        resolving_event: r.get(17)?,
        resolve_notified: r.get(18)?,
    })
}

/// Applies `ops` in order on the writer's connection, and tells the live
/// model which backup and dbdump incidents each customer touched has open.
pub(super) fn apply(c: &Connection, changes: &mut Changes, ops: &[IncidentOp]) -> Result<()> {
    let mut touched = std::collections::BTreeSet::new();
    for op in ops {
        if let Some(id) = op.incident() {
            let cust: Option<Option<String>> = c
                .prepare_cached(
                    "SELECT cu.customer_id FROM incidents i \
                     LEFT JOIN customers cu ON cu.id = i.customer WHERE i.id = ?1",
                )?
                .query_row([id], |r| r.get(0))
                .optional()?;
            touched.extend(cust.flatten());
        }
        if let IncidentOp::Open {
            customer_id: Some(c),
            ..
        } = op
        {
            touched.insert(c.clone());
        }
        apply_one(c, op)?;
    }
    for customer_id in touched {
        let open = c
            .prepare_cached(
                "SELECT i.family, i.opened_by, i.opened_at FROM incidents i \
                 JOIN customers cu ON cu.id = i.customer \
                 WHERE cu.customer_id = ?1 AND i.resolved_at IS NULL \
                   AND i.family IN ('node', 'backup', 'dbdump') ORDER BY i.id",
            )?
            .query_map([&customer_id], |r| {
                let f: String = r.get(0)?;
                Ok((
                    Family::parse(&f).unwrap_or(Family::Backup),
                    r.get(1)?,
                    from_ms(r.get(2)?),
                ))
            })?
            .collect::<std::result::Result<_, _>>()?;
        changes.push(Change::Incidents { customer_id, open });
    }
    Ok(())
}

impl IncidentOp {
    /// The existing incident the op changes.
    fn incident(&self) -> Option<i64> {
        match self {
            IncidentOp::Open { .. } | IncidentOp::Release { .. } => None,
            IncidentOp::Escalate { id, .. }
            | IncidentOp::Notified { id, .. }
            | IncidentOp::Hold { id, .. }
            | IncidentOp::StartResolving { id, .. }
            | IncidentOp::CancelResolving { id }
            | IncidentOp::Resolve { id, .. }
            | IncidentOp::Settled { id }
            | IncidentOp::Inhibited { id, .. }
            | IncidentOp::Reminded { id, .. }
            | IncidentOp::Detail { id, .. } => Some(*id),
        }
    }
}

/// Claims the reminders among `ops` (each a compare-and-set from the count
/// its dispatcher saw): all of them, or — when another dispatcher reminded
/// any of them first — none, and the decision that carries them is dropped.
pub(super) fn claim_reminders(c: &Connection, ops: &[IncidentOp]) -> Result<bool> {
    let reminders: Vec<_> = ops
        .iter()
        .filter_map(|op| match op {
            IncidentOp::Reminded {
                id,
                sent,
                next_reminder_at,
            } => Some((*id, *sent, *next_reminder_at)),
            _ => None,
        })
        .collect();
    if reminders.is_empty() {
        return Ok(true);
    }
    c.prepare_cached("SAVEPOINT claim")?.execute([])?;
    let mut stmt = c.prepare_cached(
        "UPDATE incidents SET reminders_sent = reminders_sent + 1, next_reminder_at = ?2 \
         WHERE id = ?1 AND reminders_sent = ?3",
    )?;
    for (id, sent, next) in reminders {
        if stmt.execute(params![id, next.map(ms), sent])? == 0 {
            c.execute_batch("ROLLBACK TO claim; RELEASE claim")?;
            return Ok(false);
        }
    }
    c.prepare_cached("RELEASE claim")?.execute([])?;
    Ok(true)
}

fn apply_one(c: &Connection, op: &IncidentOp) -> Result<()> {
    {
        match op {
            IncidentOp::Open {
                customer_id,
                family,
                at,
                event,
                opened_by,
                message,
                held,
                held_until,
                notified_operator,
                notified_customer,
                next_reminder_at,
                detail,
            } => {
                let Some(cust) = incident_owner(c, customer_id.as_deref())? else {
                    return Ok(());
                };
                let when = |b: bool| b.then(|| ms(*at));
                c.prepare_cached(
                    "INSERT INTO incidents (customer, family, opened_at, opened_event, opened_by, \
                        message, held, held_until, notified_operator_at, notified_customer_at, \
                        next_reminder_at, detail) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                )?
                .execute(params![
                    cust,
                    family.as_str(),
                    ms(*at),
                    event,
                    opened_by,
                    message,
                    held,
                    held_until.map(ms),
                    when(*notified_operator),
                    when(*notified_customer),
                    next_reminder_at.map(ms),
                    detail.to_string(),
                ])?;
            }
            IncidentOp::Escalate {
                id,
                opened_by,
                message,
            } => {
                c.prepare_cached(
                    "UPDATE incidents SET opened_by = ?2, message = ?3 WHERE id = ?1",
                )?
                .execute(params![id, opened_by, message])?;
            }
            IncidentOp::Notified {
                id,
                at,
                operator,
                customer,
                next_reminder_at,
            } => {
                c.prepare_cached(
                    "UPDATE incidents SET held = NULL, held_until = NULL, \
                        notified_operator_at = coalesce(notified_operator_at, CASE WHEN ?3 THEN CAST(?2 AS BIGINT) END), \
                        notified_customer_at = coalesce(notified_customer_at, CASE WHEN ?4 THEN CAST(?2 AS BIGINT) END), \
                        next_reminder_at = coalesce(next_reminder_at, ?5) \
                     WHERE id = ?1",
                )?
                .execute(params![
                    id,
                    ms(*at),
                    operator,
                    customer,
                    next_reminder_at.map(ms)
                ])?;
            }
            IncidentOp::Hold {
                id,
                held,
                held_until,
            } => {
                c.prepare_cached("UPDATE incidents SET held = ?2, held_until = ?3 WHERE id = ?1")?
                    .execute(params![id, held, held_until.map(ms)])?;
            }
            IncidentOp::StartResolving { id, at, event } => {
                c.prepare_cached(
                    "UPDATE incidents SET resolving_since = ?2, resolving_event = ?3 WHERE id = ?1",
                )?
                .execute(params![id, ms(*at), event])?;
            }
            IncidentOp::CancelResolving { id } => {
                c.prepare_cached(
                    "UPDATE incidents SET resolving_since = NULL, resolving_event = NULL WHERE id = ?1",
                )?
                .execute([id])?;
            }
            IncidentOp::Resolve {
                id,
                at,
                event,
                notified,
            } => {
                c.prepare_cached(
                    "UPDATE incidents SET resolved_at = ?2, resolved_event = ?3, \
                        resolving_since = NULL, resolve_notified = ?4, next_reminder_at = NULL \
                     WHERE id = ?1 AND resolved_at IS NULL",
                )?
                .execute(params![id, ms(*at), event, notified])?;
            }
            IncidentOp::Settled { id } => {
                c.prepare_cached("UPDATE incidents SET resolve_notified = 1 WHERE id = ?1")?
                    .execute([id])?;
            }
            IncidentOp::Inhibited { id, event_type } => {
                let text: String = c
                    .prepare_cached("SELECT inhibited FROM incidents WHERE id = ?1")?
                    .query_row([id], |r| r.get(0))
                    .optional()?
                    .unwrap_or_else(|| "{}".into());
                let mut counts: BTreeMap<String, u32> =
                    serde_json::from_str(&text).unwrap_or_default();
                *counts.entry(event_type.clone()).or_default() += 1;
                let text = serde_json::to_string(&counts)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                c.prepare_cached("UPDATE incidents SET inhibited = ?2 WHERE id = ?1")?
                    .execute(params![id, text])?;
            }
            // Written by its claim, before the decision's other ops.
            IncidentOp::Reminded { .. } => {}
            IncidentOp::Detail { id, detail } => {
                c.prepare_cached("UPDATE incidents SET detail = ?2 WHERE id = ?1")?
                    .execute(params![id, detail.to_string()])?;
            }
            IncidentOp::Release {
                customer_id,
                tag,
                until,
            } => {
                let Some(cust) = incident_owner(c, customer_id.as_deref())? else {
                    return Ok(());
                };
                c.prepare_cached(
                    "UPDATE incidents SET held_until = ?2 \
                     WHERE held = ?1 AND resolved_at IS NULL \
                       AND (customer = ?3 OR ?3 IS NULL)",
                )?
                .execute(params![tag, ms(*until), cust])?;
            }
        }
    }
    Ok(())
}

/// The filters of `GET /api/admin/v1/incidents`.
#[derive(Debug, Clone, Default)]
pub struct IncidentFilter {
    pub open: bool,
    pub customer_id: Option<String>,
    pub family: Option<Family>,
    pub limit: usize,
}

impl Store {
    /// The incidents the dispatcher's tick has something to do with at
    /// `now`, oldest first: a resolution still to be said, the fleet and
    /// flapping incidents while open, a resolve hold over, a held opening
    /// whose hold ended, a reminder due, an open disk incident (resolved by
    /// the next report). Open node incidents held by a mass outage are not
    /// read until it ends, so a silent fleet costs the tick nothing.
    pub async fn due_incidents(
        &self,
        now: Timestamp,
        resolve_hold: std::time::Duration,
    ) -> Result<Vec<IncidentRow>> {
        self.read(move |c| {
            let sql = format!(
                "SELECT {COLUMNS} FROM incidents i LEFT JOIN customers cu ON cu.id = i.customer \
                 WHERE i.resolve_notified = 0 AND (i.resolved_at IS NOT NULL \
                    OR i.family IN ('fleet', 'flapping', 'disk') \
                    OR i.resolving_since <= ?2 \
                    OR (i.held IS NOT NULL AND i.held_until <= ?1) \
                    OR i.next_reminder_at <= ?1) \
                 ORDER BY i.id"
            );
            let hold_start = ms(now) - resolve_hold.as_millis() as i64;
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(params![ms(now), hold_start], incident_row)?;
            Ok(rows.collect::<std::result::Result<_, _>>()?)
        })
        .await
    }

    /// Incidents for the admin API, newest first.
    pub async fn incidents(&self, f: IncidentFilter) -> Result<Vec<Incident>> {
        self.read(move |c| {
            let sql = format!(
                "SELECT {COLUMNS} FROM incidents i LEFT JOIN customers cu ON cu.id = i.customer \
                 WHERE (?1 = 0 OR i.resolved_at IS NULL) AND (cu.customer_id = ?2 OR ?2 IS NULL) \
                   AND (i.family = ?3 OR ?3 IS NULL) ORDER BY i.id DESC LIMIT ?4"
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(
                params![
                    f.open,
                    f.customer_id,
                    f.family.map(|f| f.as_str()),
                    f.limit as i64
                ],
                |r| Ok(incident_row(r)?.inc),
            )?;
            Ok(rows.collect::<std::result::Result<_, _>>()?)
        })
        .await
    }

    /// What the dispatcher decides one customer's event against: the
    /// customer's open incidents, and the fleet incident if it is open or
    /// ended less than `grace` before `now`.
    pub async fn incidents_for(
        &self,
        customer_id: String,
        now: Timestamp,
        grace: std::time::Duration,
    ) -> Result<Vec<IncidentRow>> {
        self.read(move |c| {
            // Two lookups on the (customer, opened_at) index: an OR of
            // them would scan every incident.
            let sql = format!(
                "SELECT {COLUMNS} FROM incidents i LEFT JOIN customers cu ON cu.id = i.customer \
                 WHERE i.customer = (SELECT id FROM customers WHERE customer_id = ?1) \
                   AND i.resolved_at IS NULL \
                 UNION ALL \
                 SELECT {COLUMNS} FROM incidents i LEFT JOIN customers cu ON cu.id = i.customer \
                 WHERE i.customer IS NULL AND i.family = 'fleet' \
                   AND (i.resolved_at IS NULL OR i.resolved_at > ?2) \
                 ORDER BY 1"
            );
            let since = ms(now) - grace.as_millis() as i64;
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(params![customer_id, since], incident_row)?;
            Ok(rows.collect::<std::result::Result<_, _>>()?)
        })
        .await
    }

    /// One customer's incidents that were open at some moment since
    /// `since` (the status page's history), oldest first: two lookups on
    /// the (customer, opened_at) index.
    pub async fn customer_incidents_since(
        &self,
        customer_id: String,
        since: Timestamp,
    ) -> Result<Vec<Incident>> {
        self.read(move |c| {
            let sql = format!(
                "SELECT {COLUMNS} FROM incidents i LEFT JOIN customers cu ON cu.id = i.customer \
                 WHERE i.customer = (SELECT id FROM customers WHERE customer_id = ?1) \
                   AND i.opened_at >= ?2 \
                 UNION \
                 SELECT {COLUMNS} FROM incidents i LEFT JOIN customers cu ON cu.id = i.customer \
                 WHERE i.customer = (SELECT id FROM customers WHERE customer_id = ?1) \
                   AND i.opened_at < ?2 AND (i.resolved_at IS NULL OR i.resolved_at >= ?2) \
                 ORDER BY 1"
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let rows =
                stmt.query_map(
                    params![customer_id, ms(since)],
                    |r| Ok(incident_row(r)?.inc),
                )?;
            Ok(rows.collect::<std::result::Result<_, _>>()?)
        })
        .await
    }

    /// How many events of `event_type` a customer had since `since`: how
    /// often its node went down lately.
    pub async fn events_since(
        &self,
        customer_id: String,
        event_type: &'static str,
        since: Timestamp,
    ) -> Result<i64> {
        self.read(move |c| {
            Ok(c.prepare_cached(
                "SELECT count(*) FROM events e JOIN customers cu ON cu.id = e.customer \
                 WHERE cu.customer_id = ?1 AND e.occurred_at >= ?3 AND e.event_type = ?2",
            )?
            .query_row(params![customer_id, event_type, ms(since)], |r| r.get(0))?)
        })
        .await
    }

    /// Applies incident changes that go with no other write.
    pub async fn update_incidents(&self, ops: Vec<IncidentOp>) -> Result<()> {
        self.write(move |c, changes| apply(c, changes, &ops)).await
    }
}

/// The row id an incident of `customer_id` is stored under (`Some(None)`:
/// the fleet's); `None` when the customer is gone, so the op does nothing.
fn incident_owner(c: &Connection, customer_id: Option<&str>) -> Result<Option<Option<i64>>> {
    Ok(match customer_id {
        Some(id) => lookup(c, id)?.map(|r| Some(r.id)),
        None => Some(None),
    })
}
