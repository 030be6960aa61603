//! Report history and the newest-report table the fleet view reads.

use super::db::{Connection, OptionalExtension, params};
use hub_proto::alerts::Family;
use hub_proto::{Health, HistoryEntry, ReportSignals, Severity};
use jiff::Timestamp;
use serde_json::value::RawValue;

use super::customers::{ensure_customer, lookup};
use super::{Change, Changes, FleetRecord, Result, Store, StoreError, from_ms, ms};

/// A validated report, already compressed, ready to be committed.
pub struct NewReport {
    pub customer_id: String,
    pub timestamp: Timestamp,
    pub received_at: Timestamp,
    pub health: Health,
    pub monitoring_disabled: bool,
    pub controller_version: Option<String>,
    pub controller_url: Option<String>,
    pub hostname: Option<String>,
    pub signals: ReportSignals,
    pub dict: i64,
    pub body: Vec<u8>,
    /// Sent with the customer's own API key: `Some(true)` for its current
    /// key, `Some(false)` for a replaced key still in grace; `None` for the
    /// global key. Only an own-key report may set where the hub calls the
    /// controller, and a current-key report ends a rotation's grace.
    pub own_key: Option<bool>,
}

/// Outcome of storing a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportInsert {
    pub customer_blocked: bool,
    /// A report with this customer and timestamp was already stored.
    pub duplicate: bool,
}

impl Store {
    pub async fn insert_report(&self, mut r: NewReport) -> Result<ReportInsert> {
        let codec = self.codec().clone();
        self.write(move |c, changes| {
            // Compressed while the dictionary was being installed: the
            // recompression may have passed already, so do it here.
            if let Some((dict, body)) = codec.with_current_dict(r.dict, &r.body)? {
                (r.dict, r.body) = (dict, body);
            }
            insert_report(c, &r, changes)
        })
        .await
    }

    /// A customer's newest report exactly as it was received; `None` when
    /// the customer is unknown or never reported (or the body cannot be
    /// read).
    pub async fn latest_report(&self, customer_id: String) -> Result<Option<Box<RawValue>>> {
        let codec = self.codec().clone();
        self.read(move |c| {
            let Some(cust) = lookup(c, &customer_id)? else {
                return Ok(None);
            };
            Ok(c.prepare_cached(
                "SELECT r.dict, r.body FROM latest_reports l \
                 JOIN reports r ON r.customer = l.customer AND r.ts = l.ts \
                 WHERE l.customer = ?1",
            )?
            .query_row([cust.id], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?))
            })
            .optional()?
            .and_then(|(d, b)| readable(&customer_id, codec.decompress(d, &b))))
        })
        .await
    }

    /// Reports received since `since`, oldest first, exactly as sent.
    /// `None` when the customer is unknown.
    pub async fn history(
        &self,
        customer_id: String,
        since: Timestamp,
    ) -> Result<Option<Vec<HistoryEntry>>> {
        let codec = self.codec().clone();
        self.read(move |c| {
            let Some(cust) = lookup(c, &customer_id)? else {
                return Ok(None);
            };
            let mut stmt = c.prepare_cached(
                "SELECT received_at, dict, body FROM reports \
                 WHERE customer = ?1 AND ts >= ?2 ORDER BY ts",
            )?;
            let rows = stmt.query_map(params![cust.id, ms(since)], stored_body)?;
            let mut out = Vec::new();
            for row in rows {
                // One unreadable row is left out, never the whole answer.
                out.extend(history_entry(&customer_id, &codec, row?));
            }
            Ok(Some(out))
        })
        .await
    }

    /// At most `max` reports since `since`, evenly spread (every k-th):
    /// enough for a chart of 90 days without reading 8,640 reports.
    pub async fn history_sample(
        &self,
        customer_id: String,
        since: Timestamp,
        max: usize,
    ) -> Result<Option<Vec<HistoryEntry>>> {
        let codec = self.codec().clone();
        self.read(move |c| {
            let Some(cust) = lookup(c, &customer_id)? else {
                return Ok(None);
            };
            // The keys first (cheap: no bodies), newest first so the
            // newest report is always among those kept.
            let keys: Vec<i64> = c
                .prepare_cached(
                    "SELECT ts FROM reports WHERE customer = ?1 AND ts >= ?2 ORDER BY ts DESC",
                )?
                .query_map(params![cust.id, ms(since)], |r| r.get(0))?
                .collect::<std::result::Result<_, _>>()?;
            let every = keys.len().div_ceil(max.max(1)).max(1);
            let mut one = c.prepare_cached(
                "SELECT received_at, dict, body FROM reports WHERE customer = ?1 AND ts = ?2",
            )?;
            let mut out = Vec::new();
            for ts in keys.iter().step_by(every).rev() {
                let row = one.query_row(params![cust.id, ts], stored_body)?;
                out.extend(history_entry(&customer_id, &codec, row));
            }
            Ok(Some(out))
        })
        .await
    }
}

/// `received_at, dict, body` of a stored report row.
fn stored_body(r: &super::db::Row<'_>) -> rusqlite::Result<(i64, i64, Vec<u8>)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
}

/// A history entry from a stored row; `None` when it cannot be read.
fn history_entry(
    customer_id: &str,
    codec: &super::codec::Codec,
    (received, dict, body): (i64, i64, Vec<u8>),
) -> Option<HistoryEntry> {
    readable(customer_id, codec.decompress(dict, &body)).map(|report| HistoryEntry {
        received_at: from_ms(received),
        report,
    })
}

/// Every known customer as the live model keeps it (only those that
/// reported or have a config are listed): read when the model is attached,
/// and by tests to check the model against the database. The error and
/// warning events of the 24 h before the newest event are included for the
/// counts.
pub(super) fn load_fleet(c: &Connection) -> Result<Vec<FleetRecord>> {
    let mut rows: Vec<FleetRecord> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let mut stmt = c.prepare(
        "SELECT c.customer_id, c.blocked, cc.display_name, cc.customer IS NOT NULL, \
            l.ts, l.received_at, l.health, l.monitoring_disabled, l.controller_version, \
            l.controller_url, l.hostname, cc.own_key_seen_at IS NOT NULL, \
            l.backup_failed_at, l.dbdump_failed_at, l.failing_checks, l.disk_used_pct, d.status \
         FROM customers c \
         LEFT JOIN latest_reports l ON l.customer = c.id \
         LEFT JOIN customer_configs cc ON cc.customer = c.id \
         LEFT JOIN drift_states d ON d.customer = c.id AND cc.customer IS NOT NULL \
         ORDER BY c.customer_id",
    )?;
    let mut q = stmt.query([])?;
    while let Some(r) = q.next()? {
        let managed: bool = r.get(3)?;
        let row = FleetRecord {
            customer_id: r.get(0)?,
            blocked: r.get(1)?,
            display_name: if managed {
                Some(r.get::<_, Option<String>>(2)?.unwrap_or_default())
            } else {
                None
            },
            last_report_at: r.get::<_, Option<i64>>(4)?.map(from_ms),
            last_received_at: r.get::<_, Option<i64>>(5)?.map(from_ms),
            health: r
                .get::<_, Option<String>>(6)?
                .as_deref()
                .and_then(Health::parse),
            monitoring_disabled: r.get::<_, Option<bool>>(7)?.unwrap_or(false),
            controller_version: r.get(8)?,
            controller_url: r.get(9)?,
            hostname: r.get(10)?,
            own_key_seen: r.get::<_, Option<bool>>(11)?.unwrap_or(false),
            signals: ReportSignals {
                backup_failed_at: r.get::<_, Option<i64>>(12)?.map(from_ms),
                dbdump_failed_at: r.get::<_, Option<i64>>(13)?.map(from_ms),
                failing_checks: r.get::<_, Option<String>>(14)?.unwrap_or_default(),
                disk_used_pct: r.get(15)?,
            },
            incidents: Vec::new(),
            recent: Default::default(),
            drift: r
                .get::<_, Option<String>>(16)?
                .as_deref()
                .and_then(hub_proto::admin::DriftState::parse),
        };
        index.insert(row.customer_id.clone(), rows.len());
        rows.push(row);
    }
    let mut stmt = c.prepare(
        "SELECT cu.customer_id, e.received_at, e.severity FROM events e \
         JOIN customers cu ON cu.id = e.customer \
         WHERE e.severity IN ('error', 'warning') \
           AND e.received_at >= (SELECT max(received_at) FROM events) - ?1 \
         ORDER BY e.received_at",
    )?;
    let mut inc = c.prepare(
        "SELECT cu.customer_id, i.family, i.opened_by, i.opened_at FROM incidents i \
         JOIN customers cu ON cu.id = i.customer \
         WHERE i.resolved_at IS NULL AND i.family IN ('node', 'backup', 'dbdump') ORDER BY i.id",
    )?;
    let mut q = inc.query([])?;
    while let Some(r) = q.next()? {
        let id: String = r.get(0)?;
        let family = r.get::<_, String>(1)?;
        if let (Some(&i), Some(f)) = (index.get(&id), Family::parse(&family)) {
            rows[i].incidents.push((f, r.get(2)?, from_ms(r.get(3)?)));
        }
    }
    let window = 24 * 3600 * 1000i64;
    let mut q = stmt.query([window])?;
    while let Some(r) = q.next()? {
        let id: String = r.get(0)?;
        let sev = r.get::<_, String>(2)?;
        if let (Some(&i), Some(sev)) = (index.get(&id), Severity::parse(&sev)) {
            rows[i].recent.push_back((from_ms(r.get(1)?), sev));
        }
    }
    Ok(rows)
}

/// A stored body as exactly one JSON value, or `None` (logged) when it is
/// not one: a row an older hub stored with trailing bytes, or damaged on
/// disk, must not make every read of the customer fail.
pub(super) fn readable(customer_id: &str, bytes: Result<Vec<u8>>) -> Option<Box<RawValue>> {
    let parsed = bytes.and_then(|b| {
        let text = String::from_utf8(b).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        RawValue::from_string(text).map_err(|e| StoreError::Corrupt(e.to_string()))
    });
    match parsed {
        Ok(v) => Some(v),
        Err(e) => {
            tracing::warn!(customer = customer_id, error = %e, "store: unreadable stored body skipped");
            None
        }
    }
}

fn insert_report(c: &Connection, r: &NewReport, changes: &mut Changes) -> Result<ReportInsert> {
    let cust = ensure_customer(c, &r.customer_id, r.received_at)?;
    let inserted = c
        .prepare_cached(
            "INSERT INTO reports (customer, ts, received_at, dict, body) VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT DO NOTHING",
        )?
        .execute(params![cust.id, ms(r.timestamp), ms(r.received_at), r.dict, r.body])?;
    if inserted == 1 {
        // Newest by the controller's timestamp; receipt time always advances
        // (a late, queued report still proves the node is alive).
        c.prepare_cached(
            "INSERT INTO latest_reports AS l (customer, ts, received_at, health, monitoring_disabled, \
                controller_version, controller_url, hostname, backup_failed_at, dbdump_failed_at, \
                failing_checks, disk_used_pct) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) \
             ON CONFLICT (customer) DO UPDATE SET \
                received_at = max(l.received_at, excluded.received_at), \
                health = CASE WHEN excluded.ts >= l.ts THEN excluded.health ELSE l.health END, \
                monitoring_disabled = CASE WHEN excluded.ts >= l.ts THEN excluded.monitoring_disabled ELSE l.monitoring_disabled END, \
                controller_version = CASE WHEN excluded.ts >= l.ts THEN excluded.controller_version ELSE l.controller_version END, \
                controller_url = CASE WHEN excluded.ts >= l.ts THEN excluded.controller_url ELSE l.controller_url END, \
                hostname = CASE WHEN excluded.ts >= l.ts THEN excluded.hostname ELSE l.hostname END, \
                backup_failed_at = CASE WHEN excluded.ts >= l.ts THEN excluded.backup_failed_at ELSE l.backup_failed_at END, \
                dbdump_failed_at = CASE WHEN excluded.ts >= l.ts THEN excluded.dbdump_failed_at ELSE l.dbdump_failed_at END, \
                failing_checks = CASE WHEN excluded.ts >= l.ts THEN excluded.failing_checks ELSE l.failing_checks END, \
                disk_used_pct = CASE WHEN excluded.ts >= l.ts THEN excluded.disk_used_pct ELSE l.disk_used_pct END, \
                ts = max(l.ts, excluded.ts)",
        )?
        .execute(params![
            cust.id,
            ms(r.timestamp),
            ms(r.received_at),
            r.health.as_str(),
            r.monitoring_disabled,
            r.controller_version,
            r.controller_url,
            r.hostname,
            r.signals.backup_failed_at.map(ms),
            r.signals.dbdump_failed_at.map(ms),
            r.signals.failing_checks,
            r.signals.disk_used_pct,
        ])?;
        super::maintenance::end_action_windows(c, changes, cust.id, r.received_at)?;
    }
    if inserted == 1 {
        changes.push(Change::Report {
            customer_id: r.customer_id.clone(),
            timestamp: r.timestamp,
            received_at: r.received_at,
            health: r.health,
            monitoring_disabled: r.monitoring_disabled,
            controller_version: r.controller_version.clone(),
            controller_url: r.controller_url.clone(),
            hostname: r.hostname.clone(),
            signals: r.signals.clone(),
            own_key: r.own_key.is_some(),
        });
    }
    if inserted == 1 && r.own_key.is_some() {
        c.prepare_cached(
            "UPDATE customer_configs SET own_key_seen_at = ?2 \
             WHERE customer = ?1 AND own_key_seen_at IS NULL",
        )?
        .execute(params![cust.id, ms(r.received_at)])?;
        let newest: Option<i64> = c
            .prepare_cached("SELECT ts FROM latest_reports WHERE customer = ?1")?
            .query_row([cust.id], |row| row.get(0))
            .optional()?;
        if newest == Some(ms(r.timestamp)) {
            c.prepare_cached(
                "UPDATE customer_configs SET controller_url = ?2 \
                 WHERE customer = ?1 AND controller_url IS DISTINCT FROM ?2",
            )?
            .execute(params![cust.id, r.controller_url])?;
        }
    }
    if inserted == 1 && r.own_key == Some(true) {
        c.prepare_cached(
            "UPDATE customer_configs SET previous_api_key = NULL, \
                previous_api_key_sha256 = NULL, previous_key_until = NULL \
             WHERE customer = ?1 AND previous_api_key IS NOT NULL",
        )?
        .execute([cust.id])?;
    }
    Ok(ReportInsert {
        customer_blocked: cust.blocked,
        duplicate: inserted == 0,
    })
}
