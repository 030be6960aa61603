//! The operator's webhook, ntfy and Telegram channels for the admin API,
//! the dashboard and hubctl: adding one (its URL checked against the
//! `channels.*` policy before anything is stored), listing, testing and
//! removing them, each change audited.

use hub_proto::admin::{ChannelInfo, ChannelRequest, ChannelTest};
use serde_json::json;

use super::{Actor, ServiceError};
use crate::config::Secret;
use crate::notify::channels::{ChannelSender, KINDS, NOTICES};
use crate::state::AppState;
use crate::store::channels::NewChannel;

/// Most characters of a channel's name.
const MAX_NAME: usize = 64;

/// What the audit log names a channel by.
fn target(name: &str) -> String {
    format!("channel:{name}")
}

fn sender(st: &AppState) -> Result<ChannelSender, ServiceError> {
    ChannelSender::for_config(&st.config).map_err(|e| ServiceError::Internal(e.to_string()))
}

/// The request checked: its name, kind, the fields its kind needs, its
/// event types and its URL against the outbound policy.
async fn checked(st: &AppState, req: ChannelRequest) -> Result<NewChannel, ServiceError> {
    let name = req.name.trim().to_owned();
    if name.is_empty()
        || name.len() > MAX_NAME
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(ServiceError::invalid(
            "name",
            format!("a channel name is 1 to {MAX_NAME} letters, digits, - or _"),
        ));
    }
    let kind = req.kind.trim().to_ascii_lowercase();
    if !KINDS.contains(&kind.as_str()) {
        return Err(ServiceError::invalid(
            "kind",
            format!("kind `{kind}` is not webhook, ntfy or telegram"),
        ));
    }
    let secret = req.secret.unwrap_or_default();
    let token = req.token.unwrap_or_default();
    let chat_id = req.chat_id.unwrap_or_default().trim().to_owned();
    let (url, secret) = match kind.as_str() {
        "webhook" => {
            if secret.is_empty() {
                return Err(ServiceError::invalid(
                    "secret",
                    "a webhook needs --secret: the receiver checks X-Felhom-Signature with it",
                ));
            }
            (req.url.trim().to_owned(), secret)
        }
        "ntfy" => (req.url.trim().to_owned(), token),
        _ => {
            if token.is_empty() || chat_id.is_empty() {
                return Err(ServiceError::invalid(
                    if token.is_empty() { "token" } else { "chat_id" },
                    "a telegram channel needs --token (the bot's) and --chat-id",
                ));
            }
            if token.contains('/') || token.contains('?') || token.contains('#') {
                return Err(ServiceError::invalid("token", "not a Telegram bot token"));
            }
            (String::new(), token)
        }
    };
    let policy = crate::outbound::OutboundPolicy::for_channels(&st.config.channels);
    if kind != "telegram" {
        if url.is_empty() {
            return Err(ServiceError::invalid(
                "url",
                format!("a {kind} channel needs --url"),
            ));
        }
        policy
            .check_channel(&url)
            .await
            .map_err(|e| ServiceError::invalid("url", format!("`{url}` is refused: {e}")))?;
    }
    let mut events = Vec::new();
    for e in req.events.iter().flat_map(|e| e.split(',')) {
        let e = e.trim();
        if e.is_empty() {
            continue;
        }
        if hub_proto::EventType::parse(e).is_none()
            && !NOTICES.contains(&e)
            && hub_proto::alerts::alert_meta(e).0 != "resolved"
        {
            return Err(ServiceError::invalid(
                "events",
                format!(
                    "`{e}` is not an event type or one of {}",
                    NOTICES.join(", ")
                ),
            ));
        }
        events.push(e.to_owned());
    }
    Ok(NewChannel {
        name,
        kind,
        url,
        chat_id,
        secret: Secret(secret),
        events,
    })
}

/// `POST /channels`: 409 if the name is taken.
pub async fn add(
    st: &AppState,
    actor: &Actor,
    req: ChannelRequest,
) -> Result<ChannelInfo, ServiceError> {
    let name = req.name.clone();
    let details = json!({"kind": req.kind, "events": req.events});
    let result = async {
        let ch = checked(st, req).await?;
        st.store
            .add_channel(ch, st.clock.now())
            .await?
            .ok_or_else(|| ServiceError::Conflict(format!("a channel `{name}` exists already")))
    }
    .await;
    super::customers::audited(st, actor, "channel.add", &target(&name), details, result).await
}

pub async fn list(st: &AppState) -> Result<Vec<ChannelInfo>, ServiceError> {
    Ok(st.store.channels().await?)
}

/// `DELETE /channels/{name}`.
pub async fn remove(st: &AppState, actor: &Actor, name: &str) -> Result<(), ServiceError> {
    let result = async {
        if st.store.remove_channel(name.to_owned()).await? {
            Ok(())
        } else {
            Err(ServiceError::NotFound(format!("no channel `{name}`")))
        }
    }
    .await;
    super::customers::audited(
        st,
        actor,
        "channel.remove",
        &target(name),
        json!({}),
        result,
    )
    .await
}

/// `POST /channels/{name}/test`: a test message now; a success turns a
/// disabled channel back on.
pub async fn test(st: &AppState, actor: &Actor, name: &str) -> Result<ChannelTest, ServiceError> {
    let result = async {
        let ch = st
            .store
            .channel_target(Some(name.to_owned()), 0)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no channel `{name}`")))?;
        let sent = crate::notify::channels::send_test(&st.store, &sender(st)?, &ch, st.clock.now())
            .await?;
        Ok(ChannelTest {
            name: name.to_owned(),
            ok: sent.is_ok(),
            error: sent.err().map(|e| e.to_string()),
        })
    }
    .await;
    super::customers::audited(st, actor, "channel.test", &target(name), json!({}), result).await
}
