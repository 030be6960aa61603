//! The admin API (`/api/admin/v1`), used by `hubctl` and scripts. Bearer
//! admin tokens (`hub-server token create`); read-only tokens read
//! everything but secrets, full tokens also act. Every action goes through
//! the config service, which audits it.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use hub_proto::admin::{
    CredentialKind, CustomerConfig, Fleet, FleetEntry, HubStatus, UpdateRequest, Versions,
};
use hub_proto::{CustomerStatus, StatusOk, validate_customer_id};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::extract::{bearer, parse_json, read_body};
use crate::http::error::AppError;
use crate::service::customers as configs;
use crate::state::AppState;
use crate::store::{AdminIdentity, EventFilter};

type St = State<Arc<AppState>>;

/// An authenticated operator (admin token).
pub struct Admin(pub AdminIdentity);

impl Admin {
    /// 403 for read-only tokens.
    fn write(&self) -> Result<&str, AppError> {
        if self.0.read_only {
            Err(AppError::Forbidden("this admin token is read-only"))
        } else {
            Ok(&self.0.name)
        }
    }

    fn actor(&self) -> String {
        format!("token:{}", self.0.name)
    }
}

impl FromRequestParts<Arc<AppState>> for Admin {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, st: &Arc<AppState>) -> Result<Self, AppError> {
        let token = bearer(parts)?.ok_or(AppError::Unauthorized)?;
        st.store
            .admin_identity(token.to_owned())
            .await?
            .map(Admin)
            .ok_or(AppError::Unauthorized)
    }
}

/// A JSON body for admin endpoints, with the PROTOCOL error body on failure.
pub struct Body<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for Body<T> {
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, st: &S) -> Result<Self, AppError> {
        let raw = read_body(req, st).await?;
        Ok(Body(parse_json(&raw)?))
    }
}

fn ok() -> Json<StatusOk> {
    Json(StatusOk::ok())
}

type Q = Query<HashMap<String, String>>;

fn parse_bool(q: &HashMap<String, String>, key: &str) -> Result<bool, AppError> {
    match q.get(key).map(String::as_str) {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") | Some("") => Ok(true),
        Some(v) => Err(AppError::InvalidField {
            field: key.to_owned(),
            message: format!("{key}: `{v}` is not true or false"),
        }),
    }
}

fn parse_limit(q: &HashMap<String, String>) -> Result<usize, AppError> {
    match q.get("limit") {
        None => Ok(100),
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .ok_or_else(|| AppError::InvalidField {
                field: "limit".into(),
                message: "limit must be 1 to 1000".into(),
            }),
    }
}

fn parse_time(q: &HashMap<String, String>, key: &str) -> Result<Option<Timestamp>, AppError> {
    q.get(key)
        .map(|v| {
            v.parse::<Timestamp>().map_err(|_| AppError::InvalidField {
                field: key.to_owned(),
                message: format!("{key}: `{v}` is not an RFC 3339 timestamp"),
            })
        })
        .transpose()
}

fn parse_cursor(q: &HashMap<String, String>) -> Result<Option<i64>, AppError> {
    q.get("cursor")
        .map(|v| {
            v.parse::<i64>().map_err(|_| AppError::InvalidField {
                field: "cursor".into(),
                message: "cursor must be a number from next_cursor".into(),
            })
        })
        .transpose()
}

/// `GET /fleet?status=down,warn&managed=true&all=true`: blocked customers
/// are hidden unless `all` (or `status=blocked`).
pub async fn fleet(State(st): St, _: Admin, Query(q): Q) -> Result<Json<Fleet>, AppError> {
    let statuses: Option<Vec<CustomerStatus>> = q
        .get("status")
        .map(|s| {
            s.split(',')
                .map(|x| {
                    CustomerStatus::parse(x.trim()).ok_or_else(|| AppError::InvalidField {
                        field: "status".into(),
                        message: format!(
                            "status `{x}` is not one of ok, warn, down, disabled, pending, blocked"
                        ),
                    })
                })
                .collect()
        })
        .transpose()?;
    let all = parse_bool(&q, "all")?;
    let managed = q
        .get("managed")
        .map(|_| parse_bool(&q, "managed"))
        .transpose()?;
    let view = st.status_view();
    let now = view.now;
    let rows = st.store.fleet(view).await?;
    let counts = st
        .store
        .event_counts(now - SignedDuration::from_hours(24))
        .await?;
    let customers = rows
        .into_iter()
        .filter(|c| match &statuses {
            Some(s) => s.contains(&c.status),
            None => all || c.status != CustomerStatus::Blocked,
        })
        .filter(|c| managed.is_none_or(|m| c.managed == m))
        .map(|summary| {
            let n = counts
                .get(&summary.customer_id)
                .copied()
                .unwrap_or_default();
            FleetEntry {
                last_report_age_secs: summary
                    .last_received_at
                    .map(|t| now.duration_since(t).as_secs()),
                errors_24h: n.errors,
                warnings_24h: n.warnings,
                summary,
            }
        })
        .collect();
    Ok(Json(Fleet {
        customers,
        latest_controller_version: st.latest_version(),
    }))
}

/// Everything about one customer, secrets redacted.
#[derive(Serialize, Deserialize)]
pub struct CustomerView {
    pub customer: hub_proto::CustomerDetail,
    pub config: Option<CustomerConfig>,
    pub recent_events: Vec<hub_proto::admin::EventRecord>,
    pub notifications: Vec<crate::store::LogRow>,
}

pub async fn customer(
    State(st): St,
    _: Admin,
    Path(id): Path<String>,
) -> Result<Json<CustomerView>, AppError> {
    validate_customer_id(&id)?;
    let customer = st
        .store
        .customer_detail(id.clone(), st.status_view())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("unknown customer `{id}`")))?;
    let config = st
        .store
        .customer_config(id.clone())
        .await?
        .map(|c| c.config.redacted());
    let recent_events = st
        .store
        .list_events(EventFilter {
            customer_id: Some(id.clone()),
            limit: 20,
            ..Default::default()
        })
        .await?
        .items;
    let notifications = st.store.notification_log_for(Some(id), 20).await?;
    Ok(Json(CustomerView {
        customer,
        config,
        recent_events,
        notifications,
    }))
}

pub async fn history(
    State(st): St,
    _: Admin,
    Path(id): Path<String>,
    Query(q): Q,
) -> Result<Response, AppError> {
    validate_customer_id(&id)?;
    let body = super::api::history(&st, id, q.get("period").map(String::as_str)).await?;
    Ok(Json(body).into_response())
}

pub async fn events(State(st): St, _: Admin, Query(q): Q) -> Result<Response, AppError> {
    if let Some(s) = q.get("severity")
        && hub_proto::Severity::parse(s).is_none()
    {
        return Err(AppError::InvalidField {
            field: "severity".into(),
            message: format!("severity `{s}` is not info, warning or error"),
        });
    }
    if let Some(t) = q.get("type")
        && hub_proto::EventType::parse(t).is_none()
    {
        return Err(AppError::InvalidField {
            field: "event_type".into(),
            message: format!("unknown event type `{t}`"),
        });
    }
    let page = st
        .store
        .list_events(EventFilter {
            customer_id: q.get("customer").cloned(),
            severity: q.get("severity").cloned(),
            event_type: q.get("type").cloned(),
            since: parse_time(&q, "since")?,
            until: parse_time(&q, "until")?,
            before_id: parse_cursor(&q)?,
            limit: parse_limit(&q)?,
        })
        .await?;
    Ok(Json(page).into_response())
}

pub async fn notifications(State(st): St, _: Admin, Query(q): Q) -> Result<Response, AppError> {
    let rows = st
        .store
        .notification_log_for(q.get("customer").cloned(), parse_limit(&q)?)
        .await?;
    Ok(Json(rows).into_response())
}

pub async fn audit(State(st): St, _: Admin, Query(q): Q) -> Result<Response, AppError> {
    let page = st
        .store
        .audit_log(
            q.get("customer").cloned(),
            parse_cursor(&q)?,
            parse_limit(&q)?,
        )
        .await?;
    Ok(Json(page).into_response())
}

pub async fn list_configs(State(st): St, _: Admin) -> Result<Response, AppError> {
    let configs: Vec<CustomerConfig> = st
        .store
        .customer_configs()
        .await?
        .iter()
        .map(CustomerConfig::redacted)
        .collect();
    Ok(Json(configs).into_response())
}

pub async fn create_config(
    State(st): St,
    admin: Admin,
    Body(cfg): Body<CustomerConfig>,
) -> Result<Response, AppError> {
    admin.write()?;
    let creds = configs::create(&st, &admin.actor(), cfg).await?;
    Ok((StatusCode::CREATED, Json(creds)).into_response())
}

pub async fn get_config(
    State(st): St,
    _: Admin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    validate_customer_id(&id)?;
    let cfg = st
        .store
        .customer_config(id.clone())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no config for `{id}`")))?;
    Ok(Json(cfg.config.redacted()).into_response())
}

pub async fn put_config(
    State(st): St,
    admin: Admin,
    Path(id): Path<String>,
    Body(cfg): Body<CustomerConfig>,
) -> Result<Response, AppError> {
    admin.write()?;
    if cfg.customer_id != id {
        return Err(AppError::InvalidField {
            field: "customer_id".into(),
            message: "customer_id in the body differs from the path".into(),
        });
    }
    Ok(Json(configs::update(&st, &admin.actor(), cfg).await?).into_response())
}

pub async fn delete_config(
    State(st): St,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    admin.write()?;
    configs::delete(&st, &admin.actor(), &id).await?;
    Ok(ok().into_response())
}

/// The generated controller.yaml carries the API key and tokens: a secret.
pub async fn config_yaml(
    State(st): St,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    admin.write()?;
    let yaml = configs::generated_yaml(&st, &admin.actor(), &id).await?;
    Ok(([(header::CONTENT_TYPE, "application/yaml")], yaml).into_response())
}

pub async fn credentials(
    State(st): St,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    admin.write()?;
    let creds = configs::credentials(&st, &admin.actor(), &id).await?;
    Ok(Json(creds).into_response())
}

#[derive(Deserialize)]
pub struct RotateRequest {
    pub credential: CredentialKind,
}

pub async fn rotate(
    State(st): St,
    admin: Admin,
    Path(id): Path<String>,
    Body(req): Body<RotateRequest>,
) -> Result<Response, AppError> {
    admin.write()?;
    Ok(Json(configs::rotate(&st, &admin.actor(), &id, req.credential).await?).into_response())
}

pub async fn block(
    State(st): St,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    admin.write()?;
    configs::set_blocked(&st, &admin.actor(), &id, true).await?;
    Ok(ok().into_response())
}

pub async fn unblock(
    State(st): St,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    admin.write()?;
    configs::set_blocked(&st, &admin.actor(), &id, false).await?;
    Ok(ok().into_response())
}

pub async fn adopt(
    State(st): St,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    admin.write()?;
    let creds = configs::adopt(&st, &admin.actor(), &id).await?;
    Ok((StatusCode::CREATED, Json(creds)).into_response())
}

pub async fn push(
    State(st): St,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    admin.write()?;
    configs::push(&st, &admin.actor(), &id).await?;
    Ok(ok().into_response())
}

pub async fn pull(
    State(st): St,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    admin.write()?;
    Ok(Json(configs::pull(&st, &admin.actor(), &id).await?).into_response())
}

pub async fn diff(State(st): St, _: Admin, Path(id): Path<String>) -> Result<Response, AppError> {
    Ok(Json(configs::diff(&st, &id).await?).into_response())
}

pub async fn update(
    State(st): St,
    admin: Admin,
    Path(id): Path<String>,
    Body(req): Body<UpdateRequest>,
) -> Result<Response, AppError> {
    admin.write()?;
    configs::trigger_update(&st, &admin.actor(), &id, req).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(StatusOk {
            status: "update started".into(),
        }),
    )
        .into_response())
}

pub async fn clear_lockout(
    State(st): St,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    admin.write()?;
    validate_customer_id(&id)?;
    let cleared = st.store.clear_lockout(id.clone()).await?;
    st.store
        .audit(
            admin.actor(),
            "lockout.clear",
            Some(id),
            serde_json::json!({"was_locked": cleared}),
            "ok".into(),
            st.clock.now(),
        )
        .await?;
    Ok(ok().into_response())
}

/// The hub itself: version, jobs (overdue ones marked), outbox and
/// delivery backlog.
pub async fn status(State(st): St, _: Admin) -> Result<Json<HubStatus>, AppError> {
    let now = st.clock.now();
    let (deliveries_pending, oldest_delivery_at) = st.store.pending_deliveries().await?;
    Ok(Json(HubStatus {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        started_at: st.started_at,
        latest_controller_version: st.latest_version(),
        jobs: st.jobs.snapshot(now),
        outbox_pending: st.store.outbox_len().await?,
        deliveries_pending,
        oldest_delivery_at,
    }))
}

pub async fn versions(State(st): St, _: Admin) -> Result<Response, AppError> {
    let mut fleet = std::collections::BTreeMap::new();
    for c in st.store.fleet(st.status_view()).await? {
        *fleet
            .entry(c.controller_version.unwrap_or_else(|| "unknown".into()))
            .or_insert(0) += 1;
    }
    Ok(Json(Versions {
        latest: st.latest_version(),
        fleet,
    })
    .into_response())
}

/// Server-Sent Events: new events, report arrivals and operator changes, so
/// the TUI and dashboard update without polling. A subscriber that falls
/// more than 1024 messages behind gets a `lagged` event and goes on.
pub async fn stream(State(st): St, _: Admin) -> Response {
    use axum::response::sse::{Event, KeepAlive, Sse};
    use futures_util::StreamExt;
    use tokio_stream::wrappers::BroadcastStream;
    use tokio_stream::wrappers::errors::BroadcastStreamRecvError;

    let messages = BroadcastStream::new(st.subscribe()).map(|m| {
        let event = match m {
            Ok(msg) => Event::default()
                .event(msg.kind())
                .json_data(&msg)
                .unwrap_or_else(|_| Event::default().event("error")),
            Err(BroadcastStreamRecvError::Lagged(n)) => {
                Event::default().event("lagged").data(n.to_string())
            }
        };
        Ok::<_, std::convert::Infallible>(event)
    });
    Sse::new(messages.take_until(st.closing()))
        .keep_alive(KeepAlive::default())
        .into_response()
}
