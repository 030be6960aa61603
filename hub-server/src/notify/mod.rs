//! The notification pipeline, in two persisted steps so no email is lost
//! to an outage or a restart and none is sent twice:
//!
//! 1. **Decide.** Every stored event (from a controller or the hub) and
//!    every legacy relay lands in the outbox in the same transaction as the
//!    data. The dispatcher decides per channel (cooldown, preferences,
//!    blocked, …) and, in one transaction, logs every skip, queues every
//!    email to send as a *delivery* (rendered, with its idempotency key) and
//!    removes the outbox entry.
//! 2. **Deliver.** Each delivery has its own next-attempt time. A round
//!    sends every due delivery once (a few at a time, so one slow email
//!    never holds up the others); a transient failure (429, 5xx, network)
//!    moves its next attempt out with exponential backoff capped at
//!    [`MAX_BACKOFF`] (or Resend's `retry-after`), and only after
//!    `notifications.retry_window` (24 h) without success is it logged as
//!    failed. Every attempt carries the same `Idempotency-Key`.
//!
//! Ingest never waits for email.

pub mod alert_texts;
pub mod channels;
pub mod incidents;
pub mod page_texts;
pub mod resend;
pub mod texts;
mod tick;

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use hub_proto::{EventType, LegacyNotify, Severity};
use tokio::sync::{Notify, watch};

use crate::clock::Clock;
use crate::config::{AlertingConfig, MaintenanceConfig, NotificationsConfig, StatusPageConfig};
use crate::job_board::JobBoard;
use crate::live::Live;
use crate::store::{
    Channel, Decisions, Delivery, IncidentOp, OutboxItem, Store, StoreError, StoredEvent,
};
use incidents::Batch;
use resend::{Email, Mailer, SendError};
use texts::Facts;

/// How many outbox entries are decided at a time.
const BATCH: usize = 256;
/// Deliveries sent at once in a round.
const PARALLEL_SENDS: usize = 4;
/// Deliveries taken per round.
const ROUND: usize = 64;
/// How long a round holds its deliveries: every one of them sent one
/// after another at the client's timeout, and a minute to spare. Past it
/// another dispatcher may send what a dead one held.
pub const DELIVERY_LEASE: Duration = Duration::from_secs(
    (ROUND / PARALLEL_SENDS) as u64 * crate::outbound::CLIENT_TIMEOUT.as_secs() + 60,
);
/// Wait before the second attempt; it doubles with each failure.
pub const FIRST_BACKOFF: Duration = Duration::from_secs(10);
/// Longest wait between two attempts of one email.
pub const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// How often the dispatcher looks for due deliveries when nothing wakes it.
const POLL: Duration = Duration::from_secs(5);

/// Why a channel did not send.
pub mod reason {
    pub const COOLDOWN: &str = "cooldown";
    pub const DISABLED: &str = "disabled";
    pub const BLOCKED: &str = "blocked";
    pub const NO_ADDRESS: &str = "no_address";
    pub const NOT_APPLICABLE: &str = "not_applicable";
    /// Inside a maintenance window.
    pub const MAINTENANCE: &str = "maintenance";
    /// The node itself is down or stale.
    pub const INHIBITED: &str = "inhibited";
    /// Many nodes went silent at once: the hub may be cut off.
    pub const MASS_OUTAGE: &str = "mass_outage";
    pub const FLAPPING: &str = "flapping";
    /// Down again within `alerting.resolve_hold`: the same outage.
    pub const RESOLVE_HOLD: &str = "resolve_hold";
    /// Already open and told; reminders say it again.
    pub const OPEN_INCIDENT: &str = "open_incident";
}

pub struct Dispatcher {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub config: NotificationsConfig,
    pub dashboard_url: String,
    pub mailer: Mailer,
    /// Distinguishes this hub's idempotency keys from another hub's on the
    /// same Resend account.
    pub instance: String,
    pub wake: Arc<Notify>,
    /// The channel loop's, woken after a round that may have queued
    /// messages for it.
    pub wake_channels: Arc<Notify>,
    /// Where each round is recorded (job `notify`), so a stuck dispatcher
    /// shows as overdue.
    pub board: Arc<JobBoard>,
    pub alerting: AlertingConfig,
    pub maintenance: MaintenanceConfig,
    /// The maintenance windows and the fleet's newest reports.
    pub live: Arc<Live>,
    /// `alerting.timezone`.
    pub tz: jiff::tz::TimeZone,
    /// Whether customer emails link to the customer's page, for how long.
    pub status_page: StatusPageConfig,
    /// Where the pages are (`server.public_url`).
    pub public_url: String,
}

/// Decisions not written yet: those about different customers go in one
/// transaction (a mass outage's 10,000 events are a few commits, not
/// 10,000).
#[derive(Default)]
pub(super) struct Pending {
    all: Vec<Decisions>,
    customers: std::collections::HashSet<Option<String>>,
}

impl Pending {
    pub(super) fn push(&mut self, customer: Option<String>, d: Decisions) {
        self.customers.insert(customer);
        self.all.push(d);
    }
}

/// Runs one round of a delivery loop as a task of its own, spanned and
/// recorded on the job board: a failure is logged and recorded, a panic
/// too, and the loop goes on. `None` once shutdown began; `Some(None)`
/// after a failed round.
pub(crate) async fn one_round<T: Send + 'static>(
    board: &JobBoard,
    job: &'static str,
    clock: &dyn Clock,
    shutdown: &mut watch::Receiver<bool>,
    round: impl std::future::Future<Output = Result<T, StoreError>> + Send + 'static,
) -> Option<Option<T>> {
    board.started(job, clock.now());
    let span = tracing::info_span!("job", job);
    let task = tokio::spawn(tracing::Instrument::instrument(round, span));
    let abort = task.abort_handle();
    let outcome = tokio::select! {
        r = task => r,
        _ = shutdown.changed() => {
            abort.abort();
            return None;
        }
    };
    let now = clock.now();
    Some(match outcome {
        Ok(Ok(r)) => {
            board.succeeded(job, now);
            Some(r)
        }
        Ok(Err(e)) => {
            board.failed(job, now, e.to_string());
            tracing::warn!(error = %e, "{job}: round failed; will retry");
            None
        }
        Err(e) => {
            board.failed(job, now, "panicked".into());
            tracing::error!(error = %e, "{job}: round died; the next one runs as usual");
            None
        }
    })
}

/// A channel's verdict on one outbox entry.
enum Decision {
    Skip(&'static str),
    Send(texts::Rendered, String),
    /// The operator's email is skipped for this reason (off, or no
    /// address), but the other operator channels get the message.
    ChannelsOnly(texts::Rendered, &'static str),
}

/// The wait before attempt `attempts + 1` of a delivery that failed
/// `attempts` times: 10 s, 20 s, 40 s, … capped at [`MAX_BACKOFF`].
pub fn backoff(attempts: u32) -> Duration {
    let factor = 1u32
        .checked_shl(attempts.saturating_sub(1))
        .unwrap_or(u32::MAX);
    FIRST_BACKOFF.saturating_mul(factor).min(MAX_BACKOFF)
}

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    /// Outbox entries decided.
    pub decided: usize,
    pub sent: usize,
    /// Deliveries that will be tried again.
    pub deferred: usize,
    /// Deliveries given up (refused by Resend, or past the retry window).
    pub failed: usize,
}

impl Dispatcher {
    /// Decides and delivers whenever woken (or every few seconds) until
    /// shutdown. Each round is a task of its own: a panic is logged and
    /// recorded, and the next round runs as usual.
    pub async fn run(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        const JOB: &str = "notify";
        self.board.register(JOB, POLL, self.clock.now());
        loop {
            let me = self.clone();
            let Some(outcome) =
                one_round(&self.board, JOB, &*self.clock, &mut shutdown, async move {
                    me.round().await
                })
                .await
            else {
                return;
            };
            if let Some(r) = outcome {
                if r.decided > 0 {
                    self.wake_channels.notify_one();
                }
                if r != Round::default() {
                    tracing::info!(
                        decided = r.decided,
                        sent = r.sent,
                        deferred = r.deferred,
                        failed = r.failed,
                        "notify: round"
                    );
                }
            }
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
                _ = shutdown.changed() => return,
            }
        }
    }

    /// Decides every pending outbox entry and attempts every due delivery
    /// once; returns how many outbox entries were decided.
    pub async fn drain(&self) -> Result<usize, StoreError> {
        Ok(self.round().await?.decided)
    }

    /// One round: decide, then deliver what is due.
    pub async fn round(&self) -> Result<Round, StoreError> {
        let mut round = Round::default();
        let mut pending = Pending::default();
        loop {
            let items = self.store.pending_outbox(BATCH).await?;
            if items.is_empty() {
                break;
            }
            for item in items {
                let customer = Some(item.customer_id.clone());
                self.before(&mut pending, &customer).await?;
                let d = self.decide(item).await?;
                pending.push(customer, d);
                round.decided += 1;
            }
            self.flush(&mut pending).await?;
        }
        // The timed decisions, after the events they depend on.
        self.tick().await?;
        loop {
            let due = self
                .store
                .lease_deliveries(self.clock.now(), ROUND, DELIVERY_LEASE)
                .await?;
            let n = due.len();
            let outcomes: Vec<Result<Outcome, StoreError>> = futures_util::stream::iter(due)
                .map(|d| self.deliver(d))
                .buffer_unordered(PARALLEL_SENDS)
                .collect()
                .await;
            for o in outcomes {
                match o? {
                    Outcome::Sent => round.sent += 1,
                    Outcome::Deferred => round.deferred += 1,
                    Outcome::Failed => round.failed += 1,
                }
            }
            if n < ROUND {
                return Ok(round);
            }
        }
    }

    /// Writes the decisions held back, in one transaction.
    pub(super) async fn flush(&self, p: &mut Pending) -> Result<(), StoreError> {
        p.customers.clear();
        let all = std::mem::take(&mut p.all);
        self.store.record_decisions(all, self.clock.now()).await
    }

    /// Writes what is held back before a second decision about the same
    /// customer, which reads what the first one wrote.
    pub(super) async fn before(
        &self,
        p: &mut Pending,
        customer: &Option<String>,
    ) -> Result<(), StoreError> {
        if p.customers.contains(customer) {
            self.flush(p).await?;
        }
        Ok(())
    }

    /// Decides one outbox entry: skips to log, emails to queue as
    /// deliveries and incident changes, written with the entry's removal.
    async fn decide(&self, item: OutboxItem) -> Result<Decisions, StoreError> {
        let mut b = Batch::default();
        match (item.kind.as_str(), &item.event) {
            ("event", Some(ev)) => self.decide_event(&item, ev, &mut b).await?,
            ("legacy_notify", _) => match serde_json::from_str::<LegacyNotify>(&item.payload) {
                Ok(n) => {
                    let now = self.clock.now().to_string();
                    let facts = Facts {
                        customer_id: &item.customer_id,
                        event_type: "legacy_notify",
                        severity: n.severity,
                        message: &n.message,
                        details: None,
                        occurred_at: &now,
                        dashboard_url: &self.dashboard_url,
                    };
                    let d = self
                        .operator_decision(&item, "legacy_notify", false, || {
                            texts::operator(&facts, Some(&n.subject))
                        })
                        .await?;
                    self.record(&mut b, &item, Channel::Operator, "legacy_notify", None, d);
                }
                Err(e) => {
                    tracing::warn!(outbox = item.id, error = %e, "notify: unreadable legacy relay dropped")
                }
            },
            // The event was pruned before it could be dispatched.
            _ => {}
        }
        Ok(b.into_decisions(Some(item.id), Some(item.customer_id.clone())))
    }

    fn record(
        &self,
        b: &mut Batch,
        item: &OutboxItem,
        channel: Channel,
        event_type: &str,
        event: Option<i64>,
        d: Decision,
    ) {
        let key = format!("{}-{}-{}", self.instance, item.id, channel.as_str());
        match d {
            Decision::Skip(why) => b.skip(channel, event_type, event, why),
            Decision::Send(r, to) => b.send(channel, event_type, event, r, to, key),
            Decision::ChannelsOnly(r, why) => {
                b.skip(channel, event_type, event, why);
                b.channels_only(event_type, event, r, key);
            }
        }
    }

    /// One event: its incident first, then each channel.
    async fn decide_event(
        &self,
        item: &OutboxItem,
        ev: &StoredEvent,
        b: &mut Batch,
    ) -> Result<(), StoreError> {
        let occurred = ev.occurred_at.to_string();
        let type_name = ev.event_type.as_str();
        let facts = Facts {
            customer_id: &item.customer_id,
            event_type: type_name,
            severity: ev.severity,
            message: &ev.message,
            details: ev.details.as_deref(),
            occurred_at: &occurred,
            dashboard_url: &self.dashboard_url,
        };
        let s = self.situation(&item.customer_id).await?;
        let (then, family) = match incidents::effect(ev.event_type) {
            incidents::Effect::Resolve(f) => return self.resolve(item, ev, f, &s, b).await,
            incidents::Effect::Open(f) => match self.open(item, ev, f, &s, b).await? {
                None => return Ok(()),
                Some(then) => (Some(then), Some(f)),
            },
            incidents::Effect::None => {
                if let Some(h) = self.hold(&s, ev.event_type, None) {
                    if let Some(src) = h.source {
                        b.ops.push(IncidentOp::Inhibited {
                            id: src,
                            event_type: type_name.to_owned(),
                        });
                    }
                    if ev.severity >= Severity::Warning {
                        b.skip(Channel::Operator, type_name, Some(ev.id), h.reason);
                    }
                    if ev.event_type.customer_facing() {
                        b.skip(Channel::Customer, type_name, Some(ev.id), h.reason);
                    }
                    return Ok(());
                }
                (None, None)
            }
        };
        // An opening is news: no cooldown. Anything else keeps it.
        let cooldown = then.is_none();
        if ev.severity >= Severity::Warning {
            let d = self
                .operator_decision(item, type_name, cooldown, || texts::operator(&facts, None))
                .await?;
            self.record(b, item, Channel::Operator, type_name, Some(ev.id), d);
        }
        if ev.event_type.customer_facing() {
            let d = self
                .customer_decision(
                    &item.customer_id,
                    item.customer_blocked,
                    ev.event_type,
                    cooldown,
                    &facts,
                )
                .await?;
            self.record(b, item, Channel::Customer, type_name, Some(ev.id), d);
        }
        if let (Some(then), Some(f)) = (then, family) {
            self.opened(then, item, ev, f, b);
        }
        Ok(())
    }

    /// One attempt of one delivery, and its persisted consequence.
    async fn deliver(&self, d: Delivery) -> Result<Outcome, StoreError> {
        let email = Email {
            idempotency_key: d.idempotency_key.clone(),
            to: d.recipient.clone(),
            subject: d.subject.clone(),
            text: d.text.clone(),
            html: d.html.clone(),
        };
        let result = self.mailer.send(&email).await;
        let now = self.clock.now();
        let attempts = d.attempts.saturating_add(1);
        match result {
            Ok(provider_id) => {
                self.store
                    .delivery_sent(d.id, provider_id, attempts, now)
                    .await?;
                Ok(Outcome::Sent)
            }
            Err(e) => {
                let window = self.config.retry_window.0;
                let age = now.duration_since(d.created_at);
                let expired = !age.is_negative() && age.unsigned_abs() >= window;
                if let SendError::Transient {
                    message,
                    retry_after,
                } = &e
                    && !expired
                {
                    let wait = retry_after.unwrap_or_else(|| backoff(attempts));
                    let next = crate::clock::after(now, wait);
                    tracing::warn!(customer = %d.customer_id, channel = d.channel.as_str(), attempts, retry_in_s = wait.as_secs(), error = %message, "notify: email deferred");
                    self.store
                        .delivery_retry(d.id, attempts, next, message.clone())
                        .await?;
                    return Ok(Outcome::Deferred);
                }
                let reason = if e.is_transient() {
                    format!(
                        "gave up after {attempts} attempts over {}: {e}",
                        crate::config::GoDuration(window)
                    )
                } else {
                    e.to_string()
                };
                tracing::warn!(customer = %d.customer_id, channel = d.channel.as_str(), error = %reason, "notify: email failed");
                self.store
                    .delivery_failed(d.id, reason, attempts, now)
                    .await?;
                Ok(Outcome::Failed)
            }
        }
    }

    async fn operator_decision(
        &self,
        item: &OutboxItem,
        event_type: &str,
        cooldown: bool,
        render: impl FnOnce() -> texts::Rendered,
    ) -> Result<Decision, StoreError> {
        if item.customer_blocked {
            return Ok(Decision::Skip(reason::BLOCKED));
        }
        if cooldown
            && self
                .in_cooldown(
                    &item.customer_id,
                    Channel::Operator,
                    event_type,
                    self.config.operator_cooldown.0,
                )
                .await?
        {
            return Ok(Decision::Skip(reason::COOLDOWN));
        }
        if !self.config.operator_enabled {
            return Ok(Decision::ChannelsOnly(render(), reason::DISABLED));
        }
        if self.config.operator_email.trim().is_empty() {
            return Ok(Decision::ChannelsOnly(render(), reason::NO_ADDRESS));
        }
        Ok(Decision::Send(render(), self.config.operator_email.clone()))
    }

    async fn customer_decision(
        &self,
        customer_id: &str,
        blocked: bool,
        event_type: EventType,
        cooldown: bool,
        facts: &Facts<'_>,
    ) -> Result<Decision, StoreError> {
        if blocked {
            return Ok(Decision::Skip(reason::BLOCKED));
        }
        let Some(prefs) = self.store.preferences(customer_id.to_owned()).await? else {
            return Ok(Decision::Skip(reason::NO_ADDRESS));
        };
        if !prefs.enabled_events.contains(&event_type) {
            return Ok(Decision::Skip(reason::DISABLED));
        }
        let wait = prefs
            .cooldown_hours
            .map(|h| Duration::from_secs(u64::from(h) * 3600))
            .unwrap_or(self.config.customer_cooldown_default.0);
        if cooldown
            && self
                .in_cooldown(customer_id, Channel::Customer, event_type.as_str(), wait)
                .await?
        {
            return Ok(Decision::Skip(reason::COOLDOWN));
        }
        let link = self.page_link(customer_id).await?;
        match texts::customer(facts, link.as_ref()) {
            Some(r) => Ok(Decision::Send(r, prefs.email)),
            None => Ok(Decision::Skip(reason::NOT_APPLICABLE)),
        }
    }

    /// A fresh link to the customer's status page for an email about to be
    /// queued, valid `status_page.ttl`; `None` when the pages are off.
    pub(super) async fn page_link(
        &self,
        customer_id: &str,
    ) -> Result<Option<texts::PageLink>, StoreError> {
        if !self.status_page.enabled {
            return Ok(None);
        }
        let until = crate::clock::after(self.clock.now(), self.status_page.ttl.0);
        let token = self
            .store
            .status_link_token(customer_id.to_owned(), until)
            .await?;
        Ok(token.map(|t| texts::PageLink {
            url: crate::status_link::url(&self.public_url, &t),
            until: page_texts::Lang::Hu.when(until, &self.tz),
        }))
    }

    async fn in_cooldown(
        &self,
        customer_id: &str,
        channel: Channel,
        event_type: &str,
        cooldown: Duration,
    ) -> Result<bool, StoreError> {
        let last = self
            .store
            .last_sent(customer_id.to_owned(), channel, event_type.to_owned())
            .await?;
        Ok(last.is_some_and(|t| {
            let age = self.clock.now().duration_since(t);
            age.is_negative() || age.unsigned_abs() < cooldown
        }))
    }
}

/// What became of one delivery attempt.
enum Outcome {
    Sent,
    Deferred,
    Failed,
}
