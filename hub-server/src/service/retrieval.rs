//! What a freshly reinstalled node fetches with its retrieval password:
//! its generated controller.yaml and its recovery bundle. Lockouts are
//! checked first (a correct password is refused too while locked); a wrong
//! password, an unknown customer and a malformed id all answer the same,
//! so ids cannot be probed.

use std::net::IpAddr;

use hub_proto::{RecoveryResponse, validate_customer_id};

use super::{Result, ServiceError};
use crate::state::AppState;
use crate::store::Attempt;

/// Lets the request through, or says why not.
pub async fn authorize(
    st: &AppState,
    customer_id: &str,
    client: Option<IpAddr>,
    password: &str,
) -> Result<()> {
    let id = validate_customer_id(customer_id)
        .is_ok()
        .then(|| customer_id.to_owned());
    let attempt = st
        .store
        .retrieval_attempt(
            id,
            client.map(|a| a.to_string()),
            password.to_owned(),
            st.clock.now(),
        )
        .await?;
    match attempt {
        Attempt::Allowed => Ok(()),
        Attempt::Locked { retry_after_secs } => {
            tracing::warn!(customer = customer_id, client = ?client, "retrieval refused: locked out");
            Err(ServiceError::Locked { retry_after_secs })
        }
        Attempt::Denied => Err(ServiceError::Unauthorized),
    }
}

/// Records a successful retrieval: which customer's secrets went where.
async fn audited(
    st: &AppState,
    action: &'static str,
    customer_id: &str,
    client: Option<IpAddr>,
) -> Result<()> {
    let actor = super::Actor {
        name: "retrieval-password".into(),
        client,
        session: None,
    };
    st.store
        .audit(
            actor.name.clone(),
            action,
            Some(customer_id.to_owned()),
            actor.describe(serde_json::json!({})),
            "ok".into(),
            st.clock.now(),
        )
        .await?;
    Ok(())
}

/// The generated controller.yaml of an authorized customer (audited).
pub async fn config_yaml(
    st: &AppState,
    customer_id: &str,
    client: Option<IpAddr>,
) -> Result<String> {
    let yaml = generate(st, customer_id).await?;
    audited(st, "config.retrieved", customer_id, client).await?;
    Ok(yaml)
}

async fn generate(st: &AppState, customer_id: &str) -> Result<String> {
    let cfg = st
        .store
        .customer_config(customer_id.to_owned())
        .await?
        // The password matched a moment ago, so the config existed; it was
        // deleted in between.
        .ok_or(ServiceError::Unauthorized)?;
    super::customers::render(st, &cfg)
}

/// Generated config and newest readable infra backup (audited).
pub async fn recovery(
    st: &AppState,
    customer_id: &str,
    client: Option<IpAddr>,
) -> Result<RecoveryResponse> {
    let config_yaml = generate(st, customer_id).await?;
    let infra_backup = st.store.latest_infra_backup(customer_id.to_owned()).await?;
    audited(st, "recovery.retrieved", customer_id, client).await?;
    Ok(RecoveryResponse {
        customer_id: customer_id.to_owned(),
        config_yaml,
        has_infra_backup: infra_backup.is_some(),
        infra_backup,
    })
}
