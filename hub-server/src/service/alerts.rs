//! Incidents and maintenance windows for the admin API and the dashboard:
//! listing them, adding and ending windows (audited), and the implicit
//! window of an operator action that restarts a node.

use hub_proto::alerts::{Family, IncidentList, MaintenanceList, MaintenanceWindow, NewMaintenance};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

use super::{Actor, ServiceError};
use crate::state::AppState;
use crate::store::IncidentFilter;

/// `GET /incidents?open=true&customer=ID&family=node`.
pub async fn incidents(
    st: &AppState,
    open: bool,
    customer_id: Option<String>,
    family: Option<&str>,
    limit: usize,
) -> Result<IncidentList, ServiceError> {
    let family = family
        .map(|f| {
            Family::parse(f).ok_or_else(|| {
                ServiceError::invalid(
                    "family",
                    format!("family `{f}` is not node, backup, dbdump, disk, flapping or fleet"),
                )
            })
        })
        .transpose()?;
    if let Some(id) = &customer_id {
        hub_proto::validate_customer_id(id)?;
    }
    let incidents = st
        .store
        .incidents(IncidentFilter {
            open,
            customer_id,
            family,
            limit,
        })
        .await?;
    Ok(IncidentList { incidents })
}

/// The windows that are active or still to come, with their times as of
/// now, optionally only those covering one customer.
pub fn maintenance(st: &AppState, customer_id: Option<&str>) -> MaintenanceList {
    let now = st.clock.now();
    let windows = st
        .live()
        .windows()
        .iter()
        .filter(|w| customer_id.is_none_or(|c| w.covers(c)))
        .map(|w| w.clone().with_times(now))
        .filter(|w| w.active_until.is_some() || w.next_start.is_some())
        .collect();
    MaintenanceList { windows }
}

/// Adds a window after the same checks `hubctl` makes; audited.
pub async fn add_maintenance(
    st: &AppState,
    actor: &Actor,
    w: NewMaintenance,
) -> Result<MaintenanceWindow, ServiceError> {
    let now = st.clock.now();
    let w = w.anchored(now);
    let target = w.customer_id.clone().unwrap_or_else(|| "*".into());
    let details = json!({"kind": w.kind.as_str(), "reason": w.reason});
    let result = async {
        let max_once = SignedDuration::try_from(st.config.maintenance.max_once.0)
            .unwrap_or(SignedDuration::MAX);
        w.validate(now, max_once, &st.config.alerting.timezone)?;
        let tz = if w.timezone.is_empty() {
            st.config.alerting.timezone.clone()
        } else {
            w.timezone.clone()
        };
        let id = w.customer_id.clone();
        st.store
            .add_maintenance(w, tz, actor.name.clone(), now)
            .await?
            .map(|w| w.with_times(now))
            .ok_or_else(|| {
                ServiceError::NotFound(format!("unknown customer `{}`", id.unwrap_or_default()))
            })
    }
    .await;
    super::customers::audited(st, actor, "maintenance.add", &target, details, result).await
}

/// Ends a window now; audited.
pub async fn end_maintenance(st: &AppState, actor: &Actor, id: i64) -> Result<(), ServiceError> {
    let window = st.store.maintenance_window(id).await?;
    let target = window
        .as_ref()
        .and_then(|w| w.customer_id.clone())
        .unwrap_or_else(|| "*".into());
    let result = async {
        if window.is_none() || !st.store.end_maintenance(id, st.clock.now()).await? {
            return Err(ServiceError::NotFound(format!(
                "no maintenance window {id} that has not ended"
            )));
        }
        Ok(())
    }
    .await;
    super::customers::audited(
        st,
        actor,
        "maintenance.end",
        &target,
        json!({"id": id}),
        result,
    )
    .await
}

/// Opens the window of an action that restarts the node (`what`: "update",
/// "push"); returns its id, to end it if the action failed.
pub async fn open_action_window(
    st: &AppState,
    actor: &Actor,
    customer_id: &str,
    what: &str,
) -> Result<Option<i64>, ServiceError> {
    let now = st.clock.now();
    let until = now
        .checked_add(
            SignedDuration::try_from(st.config.maintenance.action_window.0)
                .unwrap_or(SignedDuration::MAX),
        )
        .unwrap_or(Timestamp::MAX);
    Ok(st
        .store
        .add_action_window(
            customer_id.to_owned(),
            format!("{what} by {}", actor.name),
            actor.name.clone(),
            now,
            until,
            st.config.alerting.timezone.clone(),
        )
        .await?)
}

/// Ends an action's window when the action failed: the node was not
/// restarted, so nothing excuses its silence.
pub async fn close_action_window(st: &AppState, id: Option<i64>) -> Result<(), ServiceError> {
    if let Some(id) = id {
        st.store.end_maintenance(id, st.clock.now()).await?;
    }
    Ok(())
}
