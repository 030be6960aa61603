//! Admin tokens, the audit log and the admin API's list queries.

use super::db::{OptionalExtension, params};
use hub_proto::admin::{AuditEntry, EventRecord, Page, TokenInfo};
use jiff::Timestamp;
use rusqlite::types::Value as SqlValue;

use super::customers::key_digest;
use super::{Result, Store, from_ms, ms};

/// Who an admin token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminIdentity {
    pub name: String,
    pub read_only: bool,
}

/// Filters of the event list; all optional.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub customer_id: Option<String>,
    pub severity: Option<String>,
    pub event_type: Option<String>,
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
    /// Only events with an id below this (the previous page's cursor).
    pub before_id: Option<i64>,
    pub limit: usize,
}

/// Error and warning counts of one customer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: i64,
    pub warnings: i64,
}

impl Store {
    /// Stores a new admin token (only its digest); `false` if the name is taken.
    pub async fn create_admin_token(
        &self,
        name: String,
        token: String,
        read_only: bool,
        now: Timestamp,
    ) -> Result<bool> {
        self.write(move |c, _| {
            let n = c.execute(
                "INSERT INTO admin_tokens (name, sha256, read_only, created_at) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (name) DO NOTHING",
                params![name, key_digest(&token), read_only, ms(now)],
            )?;
            Ok(n == 1)
        })
        .await
    }

    pub async fn admin_tokens(&self) -> Result<Vec<TokenInfo>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT name, read_only, created_at FROM admin_tokens ORDER BY name",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(TokenInfo {
                    name: r.get(0)?,
                    read_only: r.get(1)?,
                    created_at: from_ms(r.get(2)?),
                })
            })?;
            Ok(rows.collect::<std::result::Result<_, _>>()?)
        })
        .await
    }

    pub async fn revoke_admin_token(&self, name: String) -> Result<bool> {
        self.write(move |c, _| {
            Ok(c.execute("DELETE FROM admin_tokens WHERE name = ?1", [&name])? == 1)
        })
        .await
    }

    /// Who `token` belongs to. Looked up by digest: a wrong token matches no
    /// row, and the digest comparison leaks nothing about the stored one.
    pub async fn admin_identity(&self, token: String) -> Result<Option<AdminIdentity>> {
        self.read(move |c| {
            Ok(
                c.prepare_cached("SELECT name, read_only FROM admin_tokens WHERE sha256 = ?1")?
                    .query_row([key_digest(&token)], |r| {
                        Ok(AdminIdentity {
                            name: r.get(0)?,
                            read_only: r.get(1)?,
                        })
                    })
                    .optional()?,
            )
        })
        .await
    }

    /// Appends to the audit log.
    pub async fn audit(
        &self,
        actor: String,
        action: &'static str,
        customer_id: Option<String>,
        details: serde_json::Value,
        outcome: String,
        now: Timestamp,
    ) -> Result<()> {
        self.write(move |c, _| {
            c.prepare_cached(
                "INSERT INTO audit_log (at, actor, action, customer_id, details, outcome) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                ms(now),
                actor,
                action,
                customer_id,
                details.to_string(),
                outcome
            ])?;
            Ok(())
        })
        .await
    }

    /// The audit log, newest first, optionally for one customer.
    pub async fn audit_log(
        &self,
        customer_id: Option<String>,
        before_id: Option<i64>,
        limit: usize,
    ) -> Result<Page<AuditEntry>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, at, actor, action, customer_id, details, outcome FROM audit_log \
                 WHERE (customer_id = ?1 OR ?1 IS NULL) AND (id < ?2 OR ?2 IS NULL) \
                 ORDER BY id DESC LIMIT ?3",
            )?;
            let rows = stmt.query_map(params![customer_id, before_id, limit as i64 + 1], |r| {
                Ok(AuditEntry {
                    id: r.get(0)?,
                    at: from_ms(r.get(1)?),
                    actor: r.get(2)?,
                    action: r.get(3)?,
                    customer_id: r.get(4)?,
                    details: serde_json::from_str(&r.get::<_, String>(5)?).unwrap_or_default(),
                    outcome: r.get(6)?,
                })
            })?;
            let items: Vec<AuditEntry> = rows.collect::<std::result::Result<_, _>>()?;
            Ok(page(items, limit, |e| e.id))
        })
        .await
    }

    /// Events matching `f`, newest first, one page.
    pub async fn list_events(&self, f: EventFilter) -> Result<Page<EventRecord>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT e.id, cu.customer_id, e.event_type, e.severity, e.message, e.details, \
                    e.occurred_at, e.received_at, e.source \
                 FROM events e JOIN customers cu ON cu.id = e.customer \
                 WHERE (cu.customer_id = ?1 OR ?1 IS NULL) AND (e.severity = ?2 OR ?2 IS NULL) \
                   AND (e.event_type = ?3 OR ?3 IS NULL) AND (e.occurred_at >= ?4 OR ?4 IS NULL) \
                   AND (e.occurred_at < ?5 OR ?5 IS NULL) AND (e.id < ?6 OR ?6 IS NULL) \
                 ORDER BY e.id DESC LIMIT ?7",
            )?;
            let args: [SqlValue; 7] = [
                f.customer_id.clone().map_or(SqlValue::Null, SqlValue::Text),
                f.severity.clone().map_or(SqlValue::Null, SqlValue::Text),
                f.event_type.clone().map_or(SqlValue::Null, SqlValue::Text),
                f.since.map_or(SqlValue::Null, |t| SqlValue::Integer(ms(t))),
                f.until.map_or(SqlValue::Null, |t| SqlValue::Integer(ms(t))),
                f.before_id.map_or(SqlValue::Null, SqlValue::Integer),
                SqlValue::Integer(f.limit as i64 + 1),
            ];
            let rows = stmt.query_map(&args[..], |r| {
                Ok(EventRecord {
                    id: r.get(0)?,
                    customer_id: r.get(1)?,
                    event_type: r.get(2)?,
                    severity: r.get(3)?,
                    message: r.get(4)?,
                    details: r
                        .get::<_, Option<String>>(5)?
                        .and_then(|d| serde_json::from_str(&d).ok()),
                    occurred_at: from_ms(r.get(6)?),
                    received_at: from_ms(r.get(7)?),
                    source: r.get(8)?,
                })
            })?;
            let items: Vec<EventRecord> = rows.collect::<std::result::Result<_, _>>()?;
            Ok(page(items, f.limit, |e| e.id))
        })
        .await
    }

    /// Error and warning event counts per customer since `since`.
    pub async fn event_counts(
        &self,
        since: Timestamp,
    ) -> Result<std::collections::HashMap<String, Counts>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT cu.customer_id, sum(e.severity = 'error'), sum(e.severity = 'warning') \
                 FROM events e JOIN customers cu ON cu.id = e.customer \
                 WHERE e.received_at >= ?1 GROUP BY e.customer",
            )?;
            let rows = stmt.query_map([ms(since)], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    Counts {
                        errors: r.get(1)?,
                        warnings: r.get(2)?,
                    },
                ))
            })?;
            Ok(rows.collect::<std::result::Result<_, _>>()?)
        })
        .await
    }
}

/// Cuts a `limit + 1` query result into a page with a cursor.
fn page<T>(mut items: Vec<T>, limit: usize, id: impl Fn(&T) -> i64) -> Page<T> {
    let next_cursor = if items.len() > limit {
        items.truncate(limit);
        items.last().map(&id)
    } else {
        None
    };
    Page {
        items,
        next_cursor,
        stream_id: None,
    }
}
