//! The controller-facing API of PROTOCOL.md (`/api/v1/*` and `/healthz`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hub_proto::{
    EventAccepted, EventIn, HealthBody, HistoryPeriod, HistoryResponse, InfraBackup, LegacyNotify,
    Preferences, RecoveryResponse, Report, ReportAccepted, StatusOk, validate_customer_id,
};

use super::extract::{Caller, ClientAddr, Scoped};
use super::with_customer;
use crate::http::error::AppError;
use crate::state::AppState;
use crate::store::{Attempt, NewEvent, NewReport};

type St = State<Arc<AppState>>;

pub async fn healthz(State(st): St) -> Result<Json<HealthBody>, AppError> {
    match tokio::time::timeout(Duration::from_secs(2), st.store.ping()).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(AppError::Unavailable(e)),
        Err(_) => {
            return Err(AppError::Unavailable(crate::store::StoreError::Corrupt(
                "ping timed out".into(),
            )));
        }
    }
    let jobs: std::collections::BTreeMap<String, String> = st
        .jobs
        .snapshot(st.clock.now())
        .into_iter()
        .map(|j| (j.name, if j.overdue { "overdue" } else { "ok" }.to_owned()))
        .collect();
    let degraded = jobs.values().any(|v| v == "overdue");
    Ok(Json(HealthBody {
        status: if degraded { "degraded" } else { "ok" }.to_owned(),
        jobs,
    }))
}

pub async fn post_report(State(st): St, body: Scoped<Report>) -> Result<Response, AppError> {
    let r = body.value;
    let (dict, packed) = st.store.codec().compress_report(&body.raw)?;
    let health = r.health;
    let out = st
        .store
        .insert_report(NewReport {
            timestamp: r.timestamp,
            received_at: st.clock.now(),
            health: r.health,
            monitoring_disabled: r.monitoring_disabled,
            hostname: r.hostname().map(str::to_owned),
            controller_version: r.controller_version,
            controller_url: r.controller_url,
            dict,
            body: packed,
            customer_id: r.customer_id.clone(),
            own_key: match &body.caller {
                Caller::Global => None,
                Caller::Customer { current, .. } => Some(*current),
            },
        })
        .await?;
    let received_at = st.clock.now();
    st.publish(|| hub_proto::admin::StreamMessage::Report {
        customer_id: r.customer_id.clone(),
        health: health.as_str().to_owned(),
        received_at,
    });
    let answer = ReportAccepted {
        status: "ok".into(),
        customer_blocked: out.customer_blocked,
    };
    Ok(with_customer(Json(answer), &r.customer_id))
}

pub async fn post_event(State(st): St, body: Scoped<EventIn>) -> Result<Response, AppError> {
    let e = body.value;
    let now = st.clock.now();
    let customer_id = e.customer_id.clone();
    let event = NewEvent {
        customer_id: e.customer_id,
        event_type: e.event_type,
        severity: e.severity,
        message: e.message,
        details: e.details.map(|d| serde_json::Value::Object(d).to_string()),
        occurred_at: e.occurred_at.unwrap_or(now),
        received_at: now,
        from_hub: false,
        event_id: e.event_id,
    };
    let out = st.store.insert_event(event.clone()).await?;
    if !out.duplicate {
        st.wake.notify_one();
        st.publish_event(out.id, &event);
    }
    let status = if out.duplicate {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok(with_customer(
        (status, Json(EventAccepted { id: out.id })),
        &customer_id,
    ))
}

pub async fn post_infra_backup(
    State(st): St,
    body: Scoped<InfraBackup>,
) -> Result<Response, AppError> {
    let b = body.value;
    st.store
        .insert_infra_backup(
            b.customer_id.clone(),
            b.created_at,
            st.clock.now(),
            body.raw.to_vec(),
        )
        .await?;
    Ok(with_customer(
        (StatusCode::CREATED, Json(StatusOk::ok())),
        &b.customer_id,
    ))
}

/// Validates a customer id taken from the path.
fn path_id(id: &str) -> Result<(), AppError> {
    Ok(validate_customer_id(id)?)
}

pub async fn get_infra_backup(
    State(st): St,
    caller: Caller,
    Path(customer_id): Path<String>,
) -> Result<Response, AppError> {
    path_id(&customer_id)?;
    caller.check(&customer_id)?;
    match st.store.latest_infra_backup(customer_id.clone()).await? {
        Some(raw) => Ok(with_customer(
            (
                [(header::CONTENT_TYPE, "application/json")],
                raw.get().to_owned(),
            ),
            &customer_id,
        )),
        None => Err(AppError::NotFound(format!(
            "no infra backup stored for `{customer_id}`"
        ))),
    }
}

pub async fn post_preferences(
    State(st): St,
    body: Scoped<Preferences>,
) -> Result<Response, AppError> {
    let p = body.value;
    let customer_id = p.customer_id.clone();
    st.store.set_preferences(p, st.clock.now()).await?;
    Ok(with_customer(Json(StatusOk::ok()), &customer_id))
}

pub async fn post_notify(State(st): St, body: Scoped<LegacyNotify>) -> Result<Response, AppError> {
    let n = body.value;
    let payload = serde_json::to_value(&n).map_err(|e| AppError::BadRequest(e.to_string()))?;
    st.store
        .enqueue_outbox(
            "legacy_notify",
            n.customer_id.clone(),
            payload,
            st.clock.now(),
        )
        .await?;
    Ok(with_customer(
        (
            StatusCode::ACCEPTED,
            Json(StatusOk {
                status: "accepted".into(),
            }),
        ),
        &n.customer_id,
    ))
}

/// Lockouts first (a correct password is refused too while locked), then
/// the password. Wrong password, unknown customer and malformed id all
/// answer the same 401 so ids cannot be probed.
async fn retrieval_auth(
    st: &AppState,
    headers: &HeaderMap,
    client: Option<IpAddr>,
    customer_id: &str,
) -> Result<(), AppError> {
    let password = super::extract::single_header(
        headers,
        &axum::http::HeaderName::from_static("x-retrieval-password"),
    )?
    .and_then(|v| v.to_str().ok())
    .unwrap_or("");
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
            Err(AppError::TooManyAttempts { retry_after_secs })
        }
        Attempt::Denied => Err(AppError::Unauthorized),
    }
}

/// The generated controller.yaml of a managed customer.
async fn generated_yaml(st: &AppState, customer_id: &str) -> Result<String, AppError> {
    let cfg = st
        .store
        .customer_config(customer_id.to_owned())
        .await?
        // The password matched a moment ago, so the config existed; it was
        // deleted in between.
        .ok_or(AppError::Unauthorized)?;
    Ok(crate::service::customers::render(st, &cfg)?)
}

pub async fn get_config(
    State(st): St,
    client: ClientAddr,
    headers: HeaderMap,
    Path(customer_id): Path<String>,
) -> Result<Response, AppError> {
    retrieval_auth(&st, &headers, client.0, &customer_id).await?;
    let yaml = generated_yaml(&st, &customer_id).await?;
    Ok(with_customer(
        ([(header::CONTENT_TYPE, "application/yaml")], yaml),
        &customer_id,
    ))
}

pub async fn get_recovery(
    State(st): St,
    client: ClientAddr,
    headers: HeaderMap,
    Path(customer_id): Path<String>,
) -> Result<Response, AppError> {
    retrieval_auth(&st, &headers, client.0, &customer_id).await?;
    let config_yaml = generated_yaml(&st, &customer_id).await?;
    let infra_backup = st.store.latest_infra_backup(customer_id.clone()).await?;
    let body = RecoveryResponse {
        customer_id: customer_id.clone(),
        config_yaml,
        has_infra_backup: infra_backup.is_some(),
        infra_backup,
    };
    Ok(with_customer(Json(body), &customer_id))
}

pub async fn list_customers(State(st): St, caller: Caller) -> Result<Response, AppError> {
    caller.require_global()?;
    let body = st.store.fleet_json(st.status_view()).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

pub async fn get_customer(
    State(st): St,
    caller: Caller,
    Path(customer_id): Path<String>,
) -> Result<Response, AppError> {
    path_id(&customer_id)?;
    caller.check(&customer_id)?;
    let detail = st
        .store
        .customer_detail(customer_id.clone(), st.status_view())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("unknown customer `{customer_id}`")))?;
    Ok(with_customer(Json(detail), &customer_id))
}

pub async fn get_history(
    State(st): St,
    caller: Caller,
    Path(customer_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    path_id(&customer_id)?;
    caller.check(&customer_id)?;
    let body = history(
        &st,
        customer_id.clone(),
        q.get("period").map(String::as_str),
    )
    .await?;
    Ok(with_customer(Json(body), &customer_id))
}

/// A customer's reports over `period` (default 24h), for both APIs.
pub async fn history(
    st: &AppState,
    customer_id: String,
    period: Option<&str>,
) -> Result<HistoryResponse, AppError> {
    let raw = period.unwrap_or("24h");
    let period = HistoryPeriod::parse(raw).ok_or_else(|| AppError::InvalidField {
        field: "period".into(),
        message: format!("period `{raw}` is not one of 1h, 24h, 7d, 30d, 90d"),
    })?;
    let since = st
        .clock
        .now()
        .checked_sub(jiff::SignedDuration::from_secs(
            period.duration().as_secs() as i64
        ))
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let reports = st
        .store
        .history(customer_id.clone(), since)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("unknown customer `{customer_id}`")))?;
    Ok(HistoryResponse {
        customer_id,
        period,
        reports,
    })
}
