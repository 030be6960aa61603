//! The admin API (`/api/admin/v1`), used by `hubctl`, the TUI and scripts.
//! Bearer admin tokens (`hub-server token create`); read-only tokens read
//! everything but secrets, full tokens also act. Handlers only translate
//! HTTP to service calls and back: every action goes through the customer
//! service, which audits it, every read through the views.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hub_proto::StatusOk;
use hub_proto::admin::{CustomerConfig, RotateRequest, UpdateRequest, Whoami};

use super::extract::{bearer, parse_json, read_body};
use super::{secret_answer, stream};
use crate::fleet_cache::ListKind;
use crate::http::error::AppError;
use crate::service::Actor;
use crate::service::auth::{self, AdminIdentity};
use crate::service::customers as configs;
use crate::service::query;
use crate::service::views::{self, FleetFilter};
use crate::state::AppState;

pub(super) type St = State<Arc<AppState>>;

/// An authenticated operator (admin token) and where the request came
/// from.
pub struct Admin(pub AdminIdentity, Option<std::net::IpAddr>);

impl Admin {
    /// 403 for read-only tokens.
    pub(super) fn write(&self) -> Result<&str, AppError> {
        if self.0.read_only {
            Err(AppError::Forbidden("this admin token is read-only"))
        } else {
            Ok(&self.0.name)
        }
    }

    pub(super) fn actor(&self) -> Actor {
        Actor {
            name: format!("token:{}", self.0.name),
            client: self.1,
            session: None,
        }
    }
}

impl FromRequestParts<Arc<AppState>> for Admin {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, st: &Arc<AppState>) -> Result<Self, AppError> {
        let token = bearer(parts)?.ok_or(AppError::Unauthorized)?;
        let id = auth::admin(st, token).await?;
        let client = super::extract::ClientAddr::from_request_parts(parts, st).await?;
        Ok(Admin(id, client.0))
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

pub(super) fn ok() -> Json<StatusOk> {
    Json(StatusOk::ok())
}

pub(super) type Q = Query<HashMap<String, String>>;

pub(super) fn parse_bool(q: &HashMap<String, String>, key: &str) -> Result<bool, AppError> {
    match q.get(key).map(String::as_str) {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") | Some("") => Ok(true),
        Some(v) => Err(AppError::invalid(
            key,
            format!("{key}: `{v}` is not true or false"),
        )),
    }
}

fn fleet_filter(q: &HashMap<String, String>) -> Result<FleetFilter, AppError> {
    let statuses = q
        .get("status")
        .map(|s| FleetFilter::parse_statuses(s))
        .transpose()?;
    let managed = q
        .get("managed")
        .map(|_| parse_bool(q, "managed"))
        .transpose()?;
    let drift = q
        .get("drift")
        .map(|d| FleetFilter::parse_drift(d))
        .transpose()?;
    Ok(FleetFilter {
        statuses,
        all: parse_bool(q, "all")?,
        managed,
        drift,
    })
}

/// `GET /fleet?status=down,warn&managed=true&all=true&drift=drifted`: blocked customers
/// are hidden unless `all` (or `status=blocked`). Without filters the
/// answer is the cached list.
pub async fn fleet(
    State(st): St,
    _: Admin,
    headers: HeaderMap,
    Query(q): Q,
) -> Result<Response, AppError> {
    let filter = fleet_filter(&q)?;
    if filter == FleetFilter::default() {
        return stream::cached_list(&st, ListKind::AdminFleet, &headers).await;
    }
    Ok(Json(views::fleet(&st, &filter)).into_response())
}

pub async fn customer(
    State(st): St,
    _: Admin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    Ok(Json(views::customer_view(&st, &id).await?).into_response())
}

pub async fn history(
    State(st): St,
    _: Admin,
    Path(id): Path<String>,
    Query(q): Q,
) -> Result<Response, AppError> {
    let body = views::history(&st, &id, q.get("period").map(String::as_str)).await?;
    Ok(Json(body).into_response())
}

pub async fn events(State(st): St, _: Admin, Query(q): Q) -> Result<Response, AppError> {
    let filter = query::events(&q)?;
    Ok(Json(views::events(&st, filter).await?).into_response())
}

pub async fn notifications(State(st): St, _: Admin, Query(q): Q) -> Result<Response, AppError> {
    let rows = views::notifications(&st, query::customer(&q), query::limit(&q)?).await?;
    Ok(Json(rows).into_response())
}

pub async fn audit(State(st): St, _: Admin, Query(q): Q) -> Result<Response, AppError> {
    let page = views::audit(
        &st,
        query::customer(&q),
        query::cursor(&q)?,
        query::limit(&q)?,
    )
    .await?;
    Ok(Json(page).into_response())
}

pub async fn list_configs(State(st): St, _: Admin) -> Result<Response, AppError> {
    Ok(Json(views::configs(&st).await?).into_response())
}

pub async fn create_config(
    State(st): St,
    admin: Admin,
    Body(cfg): Body<CustomerConfig>,
) -> Result<Response, AppError> {
    admin.write()?;
    let creds = configs::create(&st, &admin.actor(), cfg).await?;
    Ok(secret_answer((StatusCode::CREATED, Json(creds))))
}

pub async fn get_config(
    State(st): St,
    _: Admin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    Ok(Json(views::config(&st, &id).await?).into_response())
}

pub async fn put_config(
    State(st): St,
    admin: Admin,
    Path(id): Path<String>,
    Body(cfg): Body<CustomerConfig>,
) -> Result<Response, AppError> {
    admin.write()?;
    if cfg.customer_id != id {
        return Err(AppError::invalid(
            "customer_id",
            "customer_id in the body differs from the path",
        ));
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
    Ok(secret_answer((
        [(header::CONTENT_TYPE, "application/yaml")],
        yaml,
    )))
}

pub async fn credentials(
    State(st): St,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    admin.write()?;
    let creds = configs::credentials(&st, &admin.actor(), &id).await?;
    Ok(secret_answer(Json(creds)))
}

pub async fn rotate(
    State(st): St,
    admin: Admin,
    Path(id): Path<String>,
    Body(req): Body<RotateRequest>,
) -> Result<Response, AppError> {
    admin.write()?;
    Ok(secret_answer(Json(
        configs::rotate(&st, &admin.actor(), &id, req.credential).await?,
    )))
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
    Ok(secret_answer((StatusCode::CREATED, Json(creds))))
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
    configs::clear_lockout(&st, &admin.actor(), &id).await?;
    Ok(ok().into_response())
}

/// The hub itself: version, jobs (overdue ones marked), outbox and
/// delivery backlog.
pub async fn status(State(st): St, _: Admin) -> Result<Response, AppError> {
    Ok(Json(views::status(&st).await?).into_response())
}

/// Who this token is (name, read-only or full).
pub async fn whoami(admin: Admin) -> Json<Whoami> {
    Json(Whoami {
        name: admin.0.name,
        read_only: admin.0.read_only,
    })
}

pub async fn versions(State(st): St, _: Admin) -> Result<Response, AppError> {
    Ok(Json(views::versions(&st)).into_response())
}

/// Server-Sent Events of every change (see [`crate::live`]): each message
/// has an `id:`; with `Last-Event-ID` a reconnecting client first gets
/// what it missed (or a `reset` when that is no longer kept). A client
/// that reads too slowly falls behind the bounded buffer and gets a
/// `reset` instead of slowing anything down. An idle stream carries a
/// comment line every 15 s so proxies keep it open.
pub async fn stream(State(st): St, _: Admin, headers: HeaderMap) -> Response {
    stream::sse(&st, stream::last_event_id(&headers), stream::Idle::Comment)
}

/// `GET /metrics`: Prometheus/OpenMetrics text, for any admin token (a
/// read-only one is enough; nothing in it is secret, but it is the
/// operator's).
pub async fn metrics(State(st): St, _: Admin) -> Result<Response, AppError> {
    let text = views::metrics(&st).await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response())
}
