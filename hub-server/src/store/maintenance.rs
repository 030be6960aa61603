//! Maintenance windows: planned work during which openings are not
//! notified. Every change hands the live model the new list, so the
//! fleet's reasons say "maintenance until …" from the commit on.

use super::db::{Connection, OptionalExtension, Row, params};
use hub_proto::alerts::{MaintenanceWindow, NewMaintenance, WindowKind};
use jiff::Timestamp;

use super::customers::lookup;
use super::{Change, Changes, Result, Store, from_ms, ms};

impl Store {
    /// Stores a new window; returns it with its id, or `None` when the
    /// customer is unknown.
    pub async fn add_maintenance(
        &self,
        w: NewMaintenance,
        tz: String,
        created_by: String,
        now: Timestamp,
    ) -> Result<Option<MaintenanceWindow>> {
        let id = self
            .write(move |c, changes| {
                let cust = match &w.customer_id {
                    Some(id) => match lookup(c, id)? {
                        Some(r) => Some(r.id),
                        None => return Ok(None),
                    },
                    None => None,
                };
                let id = insert_window(c, cust, &w, &tz, &created_by, now)?;
                windows_changed(c, changes)?;
                Ok(Some(id))
            })
            .await?;
        match id {
            Some(id) => self.maintenance_window(id).await,
            None => Ok(None),
        }
    }

    /// Opens the implicit window of an operator action that restarts the
    /// node; returns its id.
    pub async fn add_action_window(
        &self,
        customer_id: String,
        reason: String,
        created_by: String,
        now: Timestamp,
        until: Timestamp,
        tz: String,
    ) -> Result<Option<i64>> {
        self.write(move |c, changes| {
            let Some(cust) = lookup(c, &customer_id)? else {
                return Ok(None);
            };
            let w = NewMaintenance {
                customer_id: Some(customer_id.clone()),
                kind: WindowKind::Action,
                starts_at: Some(now),
                ends_at: Some(until),
                start_time: None,
                duration_s: None,
                weekdays: Vec::new(),
                timezone: tz.clone(),
                reason,
            };
            let id = insert_window(c, Some(cust.id), &w, &tz, &created_by, now)?;
            windows_changed(c, changes)?;
            Ok(Some(id))
        })
        .await
    }

    /// Ends a window now; false if there is no such window (or it ended).
    pub async fn end_maintenance(&self, id: i64, now: Timestamp) -> Result<bool> {
        self.write(move |c, changes| {
            let ended = c
                .prepare_cached(
                    "UPDATE maintenance_windows SET ended_at = ?2 WHERE id = ?1 \
                     AND (ended_at IS NULL OR ended_at > ?2)",
                )?
                .execute(params![id, ms(now)])?
                == 1;
            if ended {
                windows_changed(c, changes)?;
            }
            Ok(ended)
        })
        .await
    }

    /// Windows not ended early (one-off windows past their end included
    /// until pruned), for the rules and `maintenance list`.
    pub async fn maintenance_windows(&self) -> Result<Vec<MaintenanceWindow>> {
        self.read(live_windows).await
    }

    /// One window, ended or not.
    pub async fn maintenance_window(&self, id: i64) -> Result<Option<MaintenanceWindow>> {
        self.read(move |c| {
            let sql = format!(
                "SELECT {WINDOW_COLUMNS} FROM maintenance_windows w \
                 LEFT JOIN customers cu ON cu.id = w.customer WHERE w.id = ?1"
            );
            Ok(c.prepare_cached(&sql)?
                .query_row([id], window_row)
                .optional()?)
        })
        .await
    }
}

/// Ends the action windows of a customer whose node reported again at
/// least [`ACTION_SETTLE`] after the action: the node is back.
pub(super) fn end_action_windows(
    c: &Connection,
    changes: &mut Changes,
    customer: i64,
    received: Timestamp,
) -> Result<()> {
    let ended = c
        .prepare_cached(
            "UPDATE maintenance_windows SET ended_at = ?2 WHERE customer = ?1 \
         AND kind = 'action' AND ended_at IS NULL AND starts_at <= ?3",
        )?
        .execute(params![
            customer,
            ms(received),
            ms(received) - ACTION_SETTLE.as_millis() as i64
        ])?;
    if ended > 0 {
        windows_changed(c, changes)?;
    }
    Ok(())
}

/// Hands the live model the windows after a change of them.
fn windows_changed(c: &Connection, changes: &mut Changes) -> Result<()> {
    changes.push(Change::Maintenance {
        windows: live_windows(c)?,
    });
    Ok(())
}

/// A report this soon after an action may predate the restart.
pub const ACTION_SETTLE: std::time::Duration = std::time::Duration::from_secs(60);

fn insert_window(
    c: &Connection,
    cust: Option<i64>,
    w: &NewMaintenance,
    tz: &str,
    created_by: &str,
    now: Timestamp,
) -> Result<i64> {
    Ok(c.prepare_cached(
        "INSERT INTO maintenance_windows (customer, kind, starts_at, ends_at, start_time, \
            duration_s, weekdays, tz, reason, created_by, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id",
    )?
    .query_row(
        params![
            cust,
            w.kind.as_str(),
            w.starts_at.map(ms),
            w.ends_at.map(ms),
            w.start_time,
            w.duration_s,
            w.weekdays.join(","),
            tz,
            w.reason.trim(),
            created_by,
            ms(now),
        ],
        |r| r.get(0),
    )?)
}

const WINDOW_COLUMNS: &str = "w.id, cu.customer_id, w.kind, w.starts_at, w.ends_at, w.start_time, \
    w.duration_s, w.weekdays, w.tz, w.reason, w.created_by, w.created_at, w.ended_at";

/// Windows not ended early: what the rules and the live model look at
/// (a one-off window past its end is inactive by itself; pruning removes
/// it with the rest of the history).
pub(super) fn live_windows(c: &Connection) -> Result<Vec<MaintenanceWindow>> {
    let sql = format!(
        "SELECT {WINDOW_COLUMNS} FROM maintenance_windows w \
         LEFT JOIN customers cu ON cu.id = w.customer \
         WHERE w.ended_at IS NULL ORDER BY w.id"
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt.query_map([], window_row)?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

fn window_row(r: &Row<'_>) -> rusqlite::Result<MaintenanceWindow> {
    let kind: String = r.get(2)?;
    let days: String = r.get(7)?;
    Ok(MaintenanceWindow {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        kind: WindowKind::parse(&kind).unwrap_or(WindowKind::Once),
        starts_at: r.get::<_, Option<i64>>(3)?.map(from_ms),
        ends_at: r.get::<_, Option<i64>>(4)?.map(from_ms),
        start_time: r.get(5)?,
        duration_s: r.get(6)?,
        weekdays: days
            .split(',')
            .filter(|d| !d.is_empty())
            .map(str::to_owned)
            .collect(),
        timezone: r.get(8)?,
        reason: r.get(9)?,
        created_by: r.get(10)?,
        created_at: from_ms(r.get(11)?),
        ended_at: r.get::<_, Option<i64>>(12)?.map(from_ms),
        active_until: None,
        next_start: None,
    })
}
