//! Report history and the newest-report table the fleet view reads.

use hub_proto::{
    CustomerDetail, CustomerSummary, Health, HistoryEntry, StatusInputs, StatusThresholds, Version,
    update_available,
};
use jiff::Timestamp;
use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::value::RawValue;

use super::customers::{ensure_customer, lookup};
use super::{Result, Store, StoreError, from_ms, ms};

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
    pub async fn insert_report(&self, r: NewReport) -> Result<ReportInsert> {
        self.write(move |c| insert_report(c, &r)).await
    }

    /// The whole `GET /api/v1/customers` body, serialized on the reader
    /// thread straight from borrowed rows: one pass over `customers` and
    /// `latest_reports` (never history), no per-row allocation.
    pub async fn fleet_json(&self, view: StatusView) -> Result<Vec<u8>> {
        let hint = self.fleet_size_hint();
        let answer = self
            .read(move |c| {
                // Sized like the last answer: no regrowing a multi-MB buffer.
                let mut out = Vec::with_capacity(hint);
                out.extend_from_slice(b"{\"customers\":[");
                let mut first = true;
                for_each_summary(c, view, |s| {
                    if !first {
                        out.push(b',');
                    }
                    first = false;
                    serde_json::to_writer(&mut out, &s)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))
                })?;
                out.extend_from_slice(b"]}");
                Ok(out)
            })
            .await?;
        self.set_fleet_size_hint(answer.len());
        Ok(answer)
    }

    /// The fleet as owned rows, for views that filter or count it.
    pub async fn fleet(&self, view: StatusView) -> Result<Vec<CustomerSummary>> {
        self.read(move |c| {
            let mut out = Vec::new();
            for_each_summary(c, view, |s| {
                out.push(s.into_owned());
                Ok(())
            })?;
            Ok(out)
        })
        .await
    }

    /// One customer's summary without its report body, or `None`.
    pub async fn customer_summary(
        &self,
        customer_id: String,
        view: StatusView,
    ) -> Result<Option<CustomerSummary>> {
        self.read(move |c| Ok(summary_row(c, &customer_id, view)?.map(|(s, _, _)| s)))
            .await
    }

    /// One customer's summary and newest report body, or `None`.
    pub async fn customer_detail(
        &self,
        customer_id: String,
        view: StatusView,
    ) -> Result<Option<CustomerDetail>> {
        let codec = self.codec().clone();
        self.read(move |c| {
            let Some((summary, cust, ts)) = summary_row(c, &customer_id, view)? else {
                return Ok(None);
            };
            let latest_report = match ts {
                None => None,
                Some(ts) => c
                    .prepare_cached(
                        "SELECT dict, body FROM reports WHERE customer = ?1 AND ts = ?2",
                    )?
                    .query_row(params![cust, ts], |r| {
                        Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?))
                    })
                    .optional()?
                    .and_then(|(d, b)| readable(&customer_id, codec.decompress(d, &b))),
            };
            Ok(Some(CustomerDetail {
                summary,
                latest_report,
            }))
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
            let rows = stmt.query_map(params![cust.id, ms(since)], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (received, dict, body) = row?;
                // One unreadable row is left out, never the whole answer.
                if let Some(report) = readable(&customer_id, codec.decompress(dict, &body)) {
                    out.push(HistoryEntry {
                        received_at: from_ms(received),
                        report,
                    });
                }
            }
            Ok(Some(out))
        })
        .await
    }
}

/// The fleet view's columns; `summary` reads them by position.
macro_rules! fleet_select {
    () => {
        "SELECT c.customer_id, c.blocked, cc.customer IS NOT NULL, \
         l.ts, l.received_at, l.health, l.monitoring_disabled, l.controller_version, \
         l.controller_url, l.hostname, c.id \
         FROM customers c \
         LEFT JOIN latest_reports l ON l.customer = c.id \
         LEFT JOIN customer_configs cc ON cc.customer = c.id"
    };
}

/// A customer appears once it reported or has a config.
const FLEET_SQL: &str = concat!(
    fleet_select!(),
    " WHERE l.customer IS NOT NULL OR cc.customer IS NOT NULL ORDER BY c.customer_id"
);
const DETAIL_SQL: &str = concat!(
    fleet_select!(),
    " WHERE c.customer_id = ?1 AND (l.customer IS NOT NULL OR cc.customer IS NOT NULL)"
);

/// What a customer's status and update mark are computed against.
#[derive(Debug, Clone, Copy)]
pub struct StatusView {
    pub now: Timestamp,
    pub thresholds: StatusThresholds,
    /// The newest controller version the registry check found.
    pub latest: Option<Version>,
}

/// Calls `f` with every fleet row, borrowed from SQLite, in id order.
fn for_each_summary(
    c: &Connection,
    view: StatusView,
    mut f: impl FnMut(CustomerSummary<&str>) -> Result<()>,
) -> Result<()> {
    let mut stmt = c.prepare_cached(FLEET_SQL)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        f(summary(r, view)?)?;
    }
    Ok(())
}

/// One customer's summary with its row id and newest report timestamp.
fn summary_row(
    c: &Connection,
    customer_id: &str,
    view: StatusView,
) -> Result<Option<(CustomerSummary, i64, Option<i64>)>> {
    Ok(c.prepare_cached(DETAIL_SQL)?
        .query_row([customer_id], |r| {
            Ok((
                summary(r, view)?.into_owned(),
                r.get::<_, i64>(10)?,
                r.get::<_, Option<i64>>(3)?,
            ))
        })
        .optional()?)
}

/// A fleet row with its status as of `now`, strings borrowed from the row.
fn summary<'r>(
    r: &'r rusqlite::Row<'_>,
    view: StatusView,
) -> rusqlite::Result<CustomerSummary<&'r str>> {
    let text = |i: usize| -> rusqlite::Result<Option<&'r str>> {
        r.get_ref(i)?
            .as_str_or_null()
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e)))
    };
    let blocked: bool = r.get(1)?;
    let managed: bool = r.get(2)?;
    let ts: Option<i64> = r.get(3)?;
    let received: Option<i64> = r.get(4)?;
    let health = text(5)?.and_then(Health::parse);
    let monitoring_disabled = r.get::<_, Option<bool>>(6)?.unwrap_or(false);
    let inputs = StatusInputs {
        blocked,
        has_config: managed,
        last_received_at: received.map(from_ms),
        health,
        monitoring_disabled,
    };
    let controller_version = text(7)?;
    Ok(CustomerSummary {
        update_available: update_available(controller_version, view.latest),
        customer_id: text(0)?.unwrap_or_default(),
        status: inputs.status(view.now, view.thresholds),
        health,
        last_report_at: ts.map(from_ms),
        last_received_at: received.map(from_ms),
        controller_version,
        hostname: text(9)?,
        controller_url: text(8)?,
        monitoring_disabled,
        blocked,
        managed,
    })
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

fn insert_report(c: &Connection, r: &NewReport) -> Result<ReportInsert> {
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
            "INSERT INTO latest_reports (customer, ts, received_at, health, monitoring_disabled, \
                controller_version, controller_url, hostname) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
             ON CONFLICT (customer) DO UPDATE SET \
                received_at = max(received_at, excluded.received_at), \
                health = iif(excluded.ts >= ts, excluded.health, health), \
                monitoring_disabled = iif(excluded.ts >= ts, excluded.monitoring_disabled, monitoring_disabled), \
                controller_version = iif(excluded.ts >= ts, excluded.controller_version, controller_version), \
                controller_url = iif(excluded.ts >= ts, excluded.controller_url, controller_url), \
                hostname = iif(excluded.ts >= ts, excluded.hostname, hostname), \
                ts = max(ts, excluded.ts)",
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
        ])?;
    }
    if inserted == 1 && r.own_key.is_some() {
        let newest: Option<i64> = c
            .prepare_cached("SELECT ts FROM latest_reports WHERE customer = ?1")?
            .query_row([cust.id], |row| row.get(0))
            .optional()?;
        if newest == Some(ms(r.timestamp)) {
            c.prepare_cached(
                "UPDATE customer_configs SET controller_url = ?2 \
                 WHERE customer = ?1 AND controller_url IS NOT ?2",
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
