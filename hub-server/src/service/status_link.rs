//! Making, revoking and checking the signed links to customers' status
//! pages. The rule of what a link is worth lives here: a bad or tampered
//! token, a revoked link, a blocked or unknown customer are "not found"
//! (nothing revealed); only a link that would still be good but for its
//! age is "expired".

use std::time::Duration;

use hub_proto::admin::StatusLink;
use serde_json::json;

use super::{Actor, ServiceError};
use crate::config::{GoDuration, MAX_LINK_TTL};
use crate::state::AppState;
use crate::status_link::{LinkClaims, url, verify};

/// What a token is worth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkCheck {
    Valid(LinkClaims),
    /// Good but for its age.
    Expired,
    /// Anything else: bad, tampered, revoked, blocked, unknown.
    NotFound,
}

fn enabled(st: &AppState) -> Result<(), ServiceError> {
    if st.config.status_page.enabled {
        Ok(())
    } else {
        Err(ServiceError::Conflict(
            "the status pages are off (status_page.enabled)".into(),
        ))
    }
}

/// A fresh link for `id`, valid `ttl` (default `status_page.ttl`), with
/// the customer's current revocation counter.
pub async fn link(st: &AppState, id: &str, ttl: Duration) -> Result<StatusLink, ServiceError> {
    enabled(st)?;
    hub_proto::validate_customer_id(id)?;
    let expires_at = crate::clock::after(st.clock.now(), ttl);
    let token = st
        .store
        .status_link_token(id.to_owned(), expires_at)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("unknown customer `{id}`")))?;
    Ok(StatusLink {
        url: url(&st.config.server.public_url, &token),
        expires_at,
    })
}

/// `hubctl status-link ID [--ttl 30d]`: a link for the operator to pass
/// on; audited (it opens the customer's page to whoever holds it).
pub async fn issue(
    st: &AppState,
    actor: &Actor,
    id: &str,
    ttl: Option<&str>,
) -> Result<StatusLink, ServiceError> {
    let result = async {
        let ttl = match ttl {
            None => st.config.status_page.ttl.0,
            Some(t) => {
                GoDuration::parse(t)
                    .map_err(|e| ServiceError::invalid("ttl", format!("ttl `{t}`: {e}")))?
                    .0
            }
        };
        if ttl < Duration::from_secs(1) || ttl > MAX_LINK_TTL {
            return Err(ServiceError::invalid("ttl", "a link lives 1s to 366d"));
        }
        link(st, id, ttl).await
    }
    .await;
    let details = json!({"ttl": ttl});
    super::customers::audited(st, actor, "status_link.issue", id, details, result).await
}

/// `hubctl status-link ID --revoke`: every earlier link of `id` stops
/// working; audited.
pub async fn revoke(st: &AppState, actor: &Actor, id: &str) -> Result<(), ServiceError> {
    let result = async {
        hub_proto::validate_customer_id(id)?;
        st.store
            .revoke_status_links(id.to_owned())
            .await?
            .map(|_| ())
            .ok_or_else(|| ServiceError::NotFound(format!("unknown customer `{id}`")))
    }
    .await;
    super::customers::audited(st, actor, "status_link.revoke", id, json!({}), result).await
}

/// What `token` is worth now.
pub async fn check(st: &AppState, token: &str) -> Result<LinkCheck, ServiceError> {
    if !st.config.status_page.enabled {
        return Ok(LinkCheck::NotFound);
    }
    let key = st.store.status_link_key().await?;
    let Ok(claims) = verify(&key, token) else {
        return Ok(LinkCheck::NotFound);
    };
    match st
        .store
        .status_link_epoch(claims.customer_id.clone())
        .await?
    {
        Some((epoch, false)) if epoch == claims.epoch => {}
        _ => return Ok(LinkCheck::NotFound),
    }
    if claims.expires_at <= st.clock.now() {
        return Ok(LinkCheck::Expired);
    }
    Ok(LinkCheck::Valid(claims))
}
