//! The loop that delivers queued channel messages, beside the email
//! dispatcher: per channel in order, channels side by side, each
//! destination's token bucket, the email's backoff, and a permanent
//! refusal turning the channel off once (with one operator email).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use jiff::Timestamp;
use serde_json::json;
use tokio::sync::{Notify, watch};

use super::{ChannelError, ChannelSender, JOB, PARALLEL_SENDS, POLL, ROUND};
use crate::clock::{Clock, after};
use crate::config::NotificationsConfig;
use crate::job_board::JobBoard;
use crate::notify::{backoff, texts};
use crate::store::channels::{ChannelDelivery, ChannelOutcome, ChannelTarget};
use crate::store::{Channel, NewDelivery, Store, StoreError};

/// Delivers queued channel messages until shutdown.
pub struct ChannelDispatcher {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub sender: ChannelSender,
    pub config: NotificationsConfig,
    pub instance: String,
    /// Woken when the email dispatcher queued channel messages.
    pub wake: Arc<Notify>,
    /// The email dispatcher's, woken for a "channel disabled" email.
    pub wake_email: Arc<Notify>,
    pub board: Arc<JobBoard>,
}

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChannelRound {
    pub sent: usize,
    pub deferred: usize,
    pub failed: usize,
    /// Waiting for their destination's rate limit.
    pub limited: usize,
    pub disabled: usize,
}

impl ChannelDispatcher {
    pub async fn run(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        self.board.register(JOB, POLL, self.clock.now());
        loop {
            let me = self.clone();
            let Some(outcome) = crate::notify::one_round(
                &self.board,
                JOB,
                &*self.clock,
                &mut shutdown,
                async move { me.round().await },
            )
            .await
            else {
                return;
            };
            if let Some(r) = outcome.filter(|r| *r != ChannelRound::default()) {
                tracing::info!(
                    sent = r.sent,
                    deferred = r.deferred,
                    failed = r.failed,
                    limited = r.limited,
                    disabled = r.disabled,
                    "channels: round"
                );
            }
            // Sleeps until the next message is due (a rate limit, a
            // backoff), a wake, or the poll: never spins on a queue that
            // is not due.
            let wait = match self.store.next_channel_delivery().await {
                Ok(Some(t)) => {
                    let d = t.duration_since(self.clock.now());
                    Duration::try_from(d)
                        .unwrap_or(Duration::ZERO)
                        .clamp(Duration::from_millis(50), POLL)
                }
                _ => POLL,
            };
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.changed() => return,
            }
        }
    }

    /// Attempts every due message once.
    pub async fn round(&self) -> Result<ChannelRound, StoreError> {
        let mut round = ChannelRound::default();
        loop {
            let now = self.clock.now();
            let due = self.store.due_channel_deliveries(now, ROUND).await?;
            let n = due.len();
            let mut targets: HashMap<i64, Option<ChannelTarget>> = HashMap::new();
            // Per channel, in order: one channel's messages go one after
            // the other (a refusal stops the rest), channels side by side.
            let mut go: Vec<(i64, Vec<(ChannelDelivery, ChannelTarget)>)> = Vec::new();
            for d in due {
                if let std::collections::hash_map::Entry::Vacant(e) = targets.entry(d.channel) {
                    e.insert(self.store.channel_target(None, d.channel).await?);
                }
                let Some(Some(t)) = targets.get(&d.channel) else {
                    continue;
                };
                match self.sender.take(t, now) {
                    Ok(()) => match go.iter_mut().find(|(c, _)| *c == d.channel) {
                        Some((_, list)) => list.push((d, t.clone())),
                        None => go.push((d.channel, vec![(d, t.clone())])),
                    },
                    Err(wait) => {
                        round.limited += 1;
                        self.store
                            .channel_retry(d.id, d.attempts, after(now, wait), None)
                            .await?;
                    }
                }
            }
            let outcomes: Vec<Result<Vec<Attempt>, StoreError>> = futures_util::stream::iter(go)
                .map(|(_, list)| async move {
                    let mut done = Vec::new();
                    for (d, t) in list {
                        let a = self.attempt(d, t).await?;
                        let stop = matches!(a, Attempt::Disabled);
                        done.push(a);
                        if stop {
                            break;
                        }
                    }
                    Ok(done)
                })
                .buffer_unordered(PARALLEL_SENDS)
                .collect()
                .await;
            for o in outcomes.into_iter().map(|o| o.map(Vec::into_iter)) {
                for a in o? {
                    match a {
                        Attempt::Sent => round.sent += 1,
                        Attempt::Deferred => round.deferred += 1,
                        Attempt::Failed => round.failed += 1,
                        Attempt::Disabled => {
                            round.failed += 1;
                            round.disabled += 1;
                        }
                    }
                }
            }
            if n < ROUND {
                return Ok(round);
            }
        }
    }

    async fn attempt(&self, d: ChannelDelivery, ch: ChannelTarget) -> Result<Attempt, StoreError> {
        let result = self
            .sender
            .send(&ch, &d.alert, &d.delivery_id, self.clock.now())
            .await;
        let now = self.clock.now();
        let attempts = d.attempts.saturating_add(1);
        let e = match result {
            Ok(()) => {
                self.store
                    .channel_finished(d.id, ChannelOutcome::Sent, attempts, now)
                    .await?;
                return Ok(Attempt::Sent);
            }
            Err(e) => e,
        };
        let window = self.config.retry_window.0;
        let age = now.duration_since(d.created_at);
        let expired = !age.is_negative() && age.unsigned_abs() >= window;
        if let ChannelError::Transient {
            message,
            retry_after,
        } = &e
            && !expired
        {
            let wait = retry_after.unwrap_or_else(|| backoff(attempts));
            tracing::warn!(channel = %ch.name, kind = %ch.kind, attempts, retry_in_s = wait.as_secs(), error = %message, "channels: message deferred");
            self.store
                .channel_retry(
                    d.id,
                    attempts,
                    after(now, wait),
                    Some((message.clone(), now)),
                )
                .await?;
            return Ok(Attempt::Deferred);
        }
        let reason = if e.is_permanent() {
            e.to_string()
        } else {
            format!(
                "gave up after {attempts} attempts over {}: {e}",
                crate::config::GoDuration(window)
            )
        };
        let disable = e.is_permanent();
        tracing::warn!(channel = %ch.name, kind = %ch.kind, disable, error = %reason, "channels: message failed");
        let email = disable
            .then(|| self.disabled_email(&ch, &reason, now))
            .flatten();
        let won = self
            .store
            .channel_finished(
                d.id,
                ChannelOutcome::Failed {
                    reason,
                    disable,
                    email,
                },
                attempts,
                now,
            )
            .await?;
        if won {
            self.wake_email.notify_one();
            return Ok(Attempt::Disabled);
        }
        Ok(Attempt::Failed)
    }

    /// The operator's one email about a channel turned off (none when the
    /// operator email is off or has no address).
    fn disabled_email(
        &self,
        ch: &ChannelTarget,
        reason: &str,
        now: Timestamp,
    ) -> Option<NewDelivery> {
        if !self.config.operator_enabled || self.config.operator_email.trim().is_empty() {
            return None;
        }
        let subject = format!(
            "[felhom WARNING] channel {} ({}) disabled",
            ch.name, ch.kind
        );
        let text = format!(
            "The {} channel `{}` was turned off: {reason}\n\n\
             Nothing more is sent to it. Fix the destination, then `hubctl channel test {}` \
             turns it back on (or remove it: `hubctl channel remove {}`).\n",
            ch.kind, ch.name, ch.name, ch.name
        );
        let html = format!("<p>{}</p>", texts::esc(&text).replace('\n', "<br>"));
        Some(NewDelivery {
            channel: Channel::Operator,
            event_type: "channel_disabled".into(),
            event: None,
            recipient: self.config.operator_email.clone(),
            subject,
            text,
            html,
            idempotency_key: format!(
                "{}-channel{}-disabled-{}",
                self.instance,
                ch.id,
                now.as_millisecond()
            ),
            email: true,
        })
    }
}

/// Sends a test message to `ch` now (not queued), records the outcome on
/// the channel; a success turns a disabled channel back on.
pub async fn send_test(
    store: &Store,
    sender: &ChannelSender,
    ch: &ChannelTarget,
    now: Timestamp,
) -> Result<Result<(), ChannelError>, StoreError> {
    let alert = json!({
        "kind": "test",
        "customer_id": null,
        "family": null,
        "event": {"type": "test", "message": "A test message from felhom hub"},
        "incident": null,
        "subject": format!("[felhom] test message for channel {}", ch.name),
        "text": "This is a test: the channel works.",
    });
    let id = format!("test-ch{}-{}", ch.id, now.as_millisecond());
    let result = sender.send(ch, &alert, &id, now).await;
    store
        .channel_tested(ch.id, result.as_ref().err().map(|e| e.to_string()), now)
        .await?;
    Ok(result)
}

/// What became of one attempt.
enum Attempt {
    Sent,
    Deferred,
    Failed,
    Disabled,
}
