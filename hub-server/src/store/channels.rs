//! The operator's webhook, ntfy and Telegram channels and their queued
//! messages. A channel's secret (HMAC key or token) is sealed like every
//! other secret; a message is one row per (alert, channel) with its own
//! attempts, so a dead channel never holds up an email or another channel.

use super::db::{Connection, OptionalExtension, params};
use hub_proto::admin::ChannelInfo;
use jiff::Timestamp;
use serde_json::{Value, json};

use super::{Result, Store, from_ms, ms};
use crate::config::Secret;
use crate::secrets::cipher::{Place, Sealer};

/// A channel to add, checked by the caller (kind, URL policy, events).
/// Its `Debug` names it only: the URL and the secret can be credentials.
#[derive(Clone)]
pub struct NewChannel {
    pub name: String,
    pub kind: String,
    pub url: String,
    pub chat_id: String,
    pub secret: Secret,
    pub events: Vec<String>,
}

/// A channel with its opened secret, for sending (`Debug` names it only).
#[derive(Clone)]
pub struct ChannelTarget {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub url: String,
    pub chat_id: String,
    pub secret: Secret,
}

impl std::fmt::Debug for NewChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewChannel")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for ChannelTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChannelTarget")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// A queued message for one channel.
#[derive(Debug, Clone)]
pub struct ChannelDelivery {
    pub id: i64,
    pub channel: i64,
    pub created_at: Timestamp,
    /// The alert: kind, customer_id, family, event, incident, subject, text.
    pub alert: Value,
    pub delivery_id: String,
    pub attempts: u32,
}

/// How a channel's message ended.
#[derive(Debug, Clone)]
pub enum ChannelOutcome {
    Sent,
    /// Given up (a permanent refusal or the retry window); `disable` also
    /// turns the channel off with that reason, and `email` (the operator
    /// told once) is queued only if this call is the one that turned it off.
    Failed {
        reason: String,
        disable: bool,
        email: Option<super::NewDelivery>,
    },
}

/// Where a channel's URL and secret are sealed.
fn place(name: &str) -> Place<'_> {
    Place {
        table: "channels",
        column: "sealed",
        customer: name,
        row: 0,
    }
}

/// What is sealed of a channel.
#[derive(serde::Serialize, serde::Deserialize)]
struct Sealed {
    url: String,
    secret: String,
}

/// A URL as lists show it: scheme, host and port; a path (which can be a
/// credential: an ntfy topic, a webhook token) as `/…`.
pub fn shown_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => {
            let host = u.host_str().unwrap_or("");
            let port = u.port().map(|p| format!(":{p}")).unwrap_or_default();
            let path = if u.path().len() > 1 || u.query().is_some() {
                "/…"
            } else {
                ""
            };
            format!("{}://{host}{port}{path}", u.scheme())
        }
        Err(_) => String::new(),
    }
}

fn info(r: &super::db::Row<'_>) -> rusqlite::Result<ChannelInfo> {
    let events: String = r.get(4)?;
    let disabled: Option<String> = r.get(6)?;
    Ok(ChannelInfo {
        name: r.get(0)?,
        kind: r.get(1)?,
        url: r.get(2)?,
        chat_id: r.get(3)?,
        events: events
            .split(',')
            .filter(|e| !e.is_empty())
            .map(str::to_owned)
            .collect(),
        created_at: from_ms(r.get(5)?),
        state: if disabled.is_some() {
            "disabled"
        } else {
            "enabled"
        }
        .into(),
        disabled_reason: disabled,
        last_ok_at: r.get::<_, Option<i64>>(7)?.map(from_ms),
        last_error: r.get::<_, String>(8)?,
        last_error_at: r.get::<_, Option<i64>>(9)?.map(from_ms),
        has_secret: r.get(10)?,
        queued: r.get(11)?,
    })
}

const INFO: &str = "SELECT ch.name, ch.kind, ch.url, ch.chat_id, ch.events, ch.created_at, \
        ch.disabled_reason, ch.last_ok_at, ch.last_error, ch.last_error_at, ch.has_secret, \
        (SELECT count(*) FROM channel_deliveries d WHERE d.channel = ch.id) FROM channels ch";

impl Store {
    /// Adds a channel; `None` if the name is taken.
    pub async fn add_channel(&self, ch: NewChannel, now: Timestamp) -> Result<Option<ChannelInfo>> {
        let sealer = self.sealer().clone();
        self.write(move |c, _| {
            let taken: bool = c
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM channels WHERE name = ?1)")?
                .query_row([&ch.name], |r| r.get(0))?;
            if taken {
                return Ok(None);
            }
            let plain = zeroize::Zeroizing::new(
                serde_json::to_string(&Sealed {
                    url: ch.url.clone(),
                    secret: ch.secret.0.clone(),
                })
                .map_err(|e| super::StoreError::Corrupt(e.to_string()))?,
            );
            let sealed = sealer.seal_str(&place(&ch.name), &plain)?;
            c.prepare_cached(
                "INSERT INTO channels (name, kind, url, chat_id, sealed, has_secret, events, \
                    created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                ch.name,
                ch.kind,
                shown_url(&ch.url),
                ch.chat_id,
                sealed,
                !ch.secret.0.is_empty(),
                ch.events.join(","),
                ms(now)
            ])?;
            channel_info(c, &ch.name)
        })
        .await
    }

    /// Every channel, by name, without secrets.
    pub async fn channels(&self) -> Result<Vec<ChannelInfo>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!("{INFO} ORDER BY ch.name"))?;
            let rows = stmt.query_map([], info)?;
            Ok(rows.collect::<std::result::Result<_, _>>()?)
        })
        .await
    }

    /// Removes a channel and what it still had queued; `false` if unknown.
    pub async fn remove_channel(&self, name: String) -> Result<bool> {
        self.write(move |c, _| {
            Ok(c.prepare_cached("DELETE FROM channels WHERE name = ?1")?
                .execute([&name])?
                == 1)
        })
        .await
    }

    /// A channel with its secret opened, by name or by id.
    pub async fn channel_target(
        &self,
        name: Option<String>,
        id: i64,
    ) -> Result<Option<ChannelTarget>> {
        let sealer = self.sealer().clone();
        self.read(move |c| {
            let row: Option<(i64, String, String, String, Vec<u8>)> = c
                .prepare_cached(
                    "SELECT id, name, kind, chat_id, sealed FROM channels \
                     WHERE name = ?1 OR (?1 IS NULL AND id = ?2)",
                )?
                .query_row(params![name, id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })
                .optional()?;
            let Some((id, name, kind, chat_id, sealed)) = row else {
                return Ok(None);
            };
            let plain = sealer.open_str(&place(&name), &sealed)?;
            let opened: Sealed = serde_json::from_str(&plain)
                .map_err(|e| super::StoreError::Corrupt(format!("channel {name}: {e}")))?;
            Ok(Some(ChannelTarget {
                id,
                name,
                kind,
                url: opened.url,
                chat_id,
                secret: Secret(opened.secret),
            }))
        })
        .await
    }

    /// Messages due at `now`, oldest first, of enabled channels.
    pub async fn due_channel_deliveries(
        &self,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<ChannelDelivery>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT d.id, d.channel, d.created_at, d.alert, d.delivery_id, d.attempts \
                 FROM channel_deliveries d JOIN channels ch ON ch.id = d.channel \
                 WHERE d.next_attempt_at <= ?1 AND ch.disabled_reason IS NULL \
                 ORDER BY d.next_attempt_at, d.id LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![ms(now), limit as i64], |r| {
                let alert: String = r.get(3)?;
                Ok(ChannelDelivery {
                    id: r.get(0)?,
                    channel: r.get(1)?,
                    created_at: from_ms(r.get(2)?),
                    alert: serde_json::from_str(&alert).unwrap_or(Value::Null),
                    delivery_id: r.get(4)?,
                    attempts: r.get(5)?,
                })
            })?;
            Ok(rows.collect::<std::result::Result<_, _>>()?)
        })
        .await
    }

    /// When the earliest queued message of an enabled channel is due.
    pub async fn next_channel_delivery(&self) -> Result<Option<Timestamp>> {
        self.read(|c| {
            let t: Option<i64> = c
                .prepare_cached(
                    "SELECT min(d.next_attempt_at) FROM channel_deliveries d \
                     JOIN channels ch ON ch.id = d.channel WHERE ch.disabled_reason IS NULL",
                )?
                .query_row([], |r| r.get(0))?;
            Ok(t.map(from_ms))
        })
        .await
    }

    /// Moves a message's next attempt out: after a failure (`attempts` and
    /// `error` set) or while its destination's rate limit is spent.
    pub async fn channel_retry(
        &self,
        id: i64,
        attempts: u32,
        next: Timestamp,
        error: Option<(String, Timestamp)>,
    ) -> Result<()> {
        self.write(move |c, _| {
            c.prepare_cached(
                "UPDATE channel_deliveries SET attempts = ?2, next_attempt_at = ?3, \
                    last_error = coalesce(?4, last_error) WHERE id = ?1",
            )?
            .execute(params![
                id,
                attempts,
                ms(next),
                error.as_ref().map(|e| &e.0)
            ])?;
            if let Some((e, at)) = &error {
                c.prepare_cached(
                    "UPDATE channels SET last_error = ?2, last_error_at = ?3 WHERE id = \
                     (SELECT channel FROM channel_deliveries WHERE id = ?1)",
                )?
                .execute(params![id, e, ms(*at)])?;
            }
            Ok(())
        })
        .await
    }

    /// Ends a message: logged, removed, the channel's state updated; a
    /// permanent refusal disables the channel once (and only then queues
    /// the operator's email). Returns whether this call disabled it.
    pub async fn channel_finished(
        &self,
        id: i64,
        outcome: ChannelOutcome,
        attempts: u32,
        now: Timestamp,
    ) -> Result<bool> {
        self.write(move |c, changes| {
            let (result, reason) = match &outcome {
                ChannelOutcome::Sent => ("sent", ""),
                ChannelOutcome::Failed { reason, .. } => ("failed", reason.as_str()),
            };
            let channel: Option<i64> = c
                .prepare_cached("SELECT channel FROM channel_deliveries WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?;
            let Some(channel) = channel else {
                return Ok(false);
            };
            c.prepare_cached(
                "INSERT INTO notification_log (created_at, channel, customer, event_type, event, \
                    outcome, reason, recipient, subject, attempts) \
                 SELECT ?2, ch.kind, d.customer, d.event_type, d.event, ?3, ?4, ch.name, \
                    coalesce(json_extract(d.alert, '$.subject'), ''), ?5 \
                 FROM channel_deliveries d JOIN channels ch ON ch.id = d.channel WHERE d.id = ?1",
            )?
            .execute(params![id, ms(now), result, reason, attempts])?;
            c.prepare_cached("DELETE FROM channel_deliveries WHERE id = ?1")?
                .execute([id])?;
            match outcome {
                ChannelOutcome::Sent => {
                    c.prepare_cached("UPDATE channels SET last_ok_at = ?2 WHERE id = ?1")?
                        .execute(params![channel, ms(now)])?;
                    Ok(false)
                }
                ChannelOutcome::Failed {
                    reason,
                    disable,
                    email,
                } => {
                    c.prepare_cached(
                        "UPDATE channels SET last_error = ?2, last_error_at = ?3 WHERE id = ?1",
                    )?
                    .execute(params![channel, reason, ms(now)])?;
                    if !disable {
                        return Ok(false);
                    }
                    let won = c
                        .prepare_cached(
                            "UPDATE channels SET disabled_reason = ?2, disabled_at = ?3 \
                             WHERE id = ?1 AND disabled_reason IS NULL",
                        )?
                        .execute(params![channel, reason, ms(now)])?
                        == 1;
                    if won {
                        // What it still had queued goes with it, logged.
                        c.prepare_cached(
                            "INSERT INTO notification_log (created_at, channel, customer, \
                                event_type, event, outcome, reason, recipient, subject, attempts) \
                             SELECT ?2, ch.kind, d.customer, d.event_type, d.event, 'failed', \
                                'channel disabled', ch.name, \
                                coalesce(json_extract(d.alert, '$.subject'), ''), d.attempts \
                             FROM channel_deliveries d JOIN channels ch ON ch.id = d.channel \
                             WHERE d.channel = ?1",
                        )?
                        .execute(params![channel, ms(now)])?;
                        c.prepare_cached("DELETE FROM channel_deliveries WHERE channel = ?1")?
                            .execute([channel])?;
                    }
                    if won && let Some(e) = email {
                        super::notify::record(
                            c,
                            changes,
                            &super::Decisions {
                                deliveries: vec![e],
                                ..Default::default()
                            },
                            now,
                        )?;
                    }
                    Ok(won)
                }
            }
        })
        .await
    }

    /// Records a test message's outcome on the channel; a success turns a
    /// disabled channel back on (the operator fixed it and proved it).
    pub async fn channel_tested(
        &self,
        id: i64,
        error: Option<String>,
        now: Timestamp,
    ) -> Result<()> {
        self.write(move |c, _| {
            match error {
                None => c
                    .prepare_cached(
                        "UPDATE channels SET last_ok_at = ?2, disabled_reason = NULL, \
                            disabled_at = NULL WHERE id = ?1",
                    )?
                    .execute(params![id, ms(now)])?,
                Some(e) => c
                    .prepare_cached(
                        "UPDATE channels SET last_error = ?2, last_error_at = ?3 WHERE id = ?1",
                    )?
                    .execute(params![id, e, ms(now)])?,
            };
            Ok(())
        })
        .await
    }

    /// The channels turned off, with why, for the digest.
    pub async fn disabled_channels(&self) -> Result<Vec<(String, String)>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT name, disabled_reason FROM channels WHERE disabled_reason IS NOT NULL \
                 ORDER BY name",
            )?;
            let disabled = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<std::result::Result<_, _>>()?;
            Ok(disabled)
        })
        .await
    }
}

fn channel_info(c: &Connection, name: &str) -> Result<Option<ChannelInfo>> {
    Ok(c.prepare_cached(&format!("{INFO} WHERE ch.name = ?1"))?
        .query_row([name], info)
        .optional()?)
}

/// Queues `d` (an operator email, or a message for the channels only) for
/// every enabled channel that wants its event type. The alert names the
/// incident of its family as it stands after this transaction's changes.
pub(super) fn fan_out(
    c: &Connection,
    customer: Option<i64>,
    customer_id: Option<&str>,
    d: &super::NewDelivery,
    now: Timestamp,
) -> Result<()> {
    let mut stmt =
        c.prepare_cached("SELECT id, events FROM channels WHERE disabled_reason IS NULL")?;
    let targets: Vec<(i64, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<std::result::Result<_, _>>()?;
    let wanted: Vec<i64> = targets
        .into_iter()
        // The digest proves the email path; a channel gets it only when
        // it asks for it by name.
        .filter(|(_, events)| {
            (events.is_empty() && d.event_type != "digest")
                || events.split(',').any(|e| e == d.event_type)
        })
        .map(|(id, _)| id)
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let (kind, family) = hub_proto::alerts::alert_meta(&d.event_type);
    let incident = match family {
        Some(f) => c
            .prepare_cached(
                "SELECT id, opened_at, resolved_at FROM incidents \
                 WHERE coalesce(customer, 0) = coalesce(?1, 0) AND family = ?2 \
                 ORDER BY id DESC LIMIT 1",
            )?
            .query_row(params![customer, f.as_str()], |r| {
                let opened: i64 = r.get(1)?;
                let end: Option<i64> = r.get(2)?;
                Ok(json!({
                    "id": r.get::<_, i64>(0)?,
                    "opened_at": from_ms(opened),
                    "duration_s": (end.unwrap_or(ms(now)) - opened).max(0) / 1000,
                }))
            })
            .optional()?,
        None => None,
    };
    let event = match d.event {
        Some(id) => c
            .prepare_cached(
                "SELECT event_type, severity, message, details, occurred_at FROM events WHERE id = ?1",
            )?
            .query_row([id], |r| {
                let details: Option<String> = r.get(3)?;
                Ok(json!({
                    "id": id,
                    "type": r.get::<_, String>(0)?,
                    "severity": r.get::<_, String>(1)?,
                    "message": r.get::<_, String>(2)?,
                    "details": details.and_then(|d| serde_json::from_str::<Value>(&d).ok()),
                    "occurred_at": from_ms(r.get(4)?),
                }))
            })
            .optional()?,
        None => None,
    }
    .unwrap_or_else(|| json!({"type": d.event_type, "message": d.subject}));
    let alert = json!({
        "kind": kind,
        "customer_id": customer_id,
        "family": family.map(|f| f.as_str()),
        "event": event,
        "incident": incident,
        "subject": d.subject,
        "text": d.text,
    })
    .to_string();
    let mut ins = c.prepare_cached(
        "INSERT INTO channel_deliveries (channel, created_at, customer, event_type, event, alert, \
            delivery_id, next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?2) \
         ON CONFLICT (delivery_id) DO NOTHING",
    )?;
    for ch in wanted {
        ins.execute(params![
            ch,
            ms(now),
            customer,
            d.event_type,
            d.event,
            alert,
            format!("{}-ch{ch}", d.idempotency_key),
        ])?;
    }
    Ok(())
}

/// Re-seals channel secrets not under the current key; see
/// `secrets::reseal_batch`.
pub(super) fn reseal(c: &Connection, s: &Sealer, batch: i64) -> Result<usize> {
    let id = s.current_id().to_vec();
    let rows: Vec<(i64, String, Vec<u8>)> = c
        .prepare_cached(
            "SELECT id, name, sealed FROM channels WHERE substr(sealed, 5, 4) != ?1 LIMIT ?2",
        )?
        .query_map(params![id, batch], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<std::result::Result<_, _>>()?;
    for (row, name, secret) in &rows {
        let p = place(name);
        let sealed = s.seal(&p, &s.open(&p, secret)?)?;
        c.execute(
            "UPDATE channels SET sealed = ?2 WHERE id = ?1",
            params![row, sealed],
        )?;
    }
    Ok(rows.len())
}
