//! The controller-facing API of PROTOCOL.md (`/api/v1/*` and `/healthz`):
//! the extractors check credentials and bodies, the service does the work.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hub_proto::{
    EventAccepted, EventIn, InfraBackup, LegacyNotify, Preferences, Report, StatusOk,
    validate_customer_id,
};

use super::extract::{ClientAddr, Scoped, single_header};
use super::with_customer;
use crate::fleet_cache::ListKind;
use crate::http::error::AppError;
use crate::service::auth::Caller;
use crate::service::{ServiceError, ingest, retrieval, views};
use crate::state::AppState;

type St = State<Arc<AppState>>;

pub async fn healthz(State(st): St) -> Result<Response, AppError> {
    match views::health(&st).await {
        Ok(body) => Ok(Json(body).into_response()),
        Err(ServiceError::Store(e)) => Err(AppError::Unavailable(e)),
        Err(e) => Err(e.into()),
    }
}

pub async fn post_report(State(st): St, body: Scoped<Report>) -> Result<Response, AppError> {
    let id = body.value.customer_id.clone();
    let answer = ingest::report(&st, &body.caller, &body.raw, body.value).await?;
    Ok(with_customer(Json(answer), &id))
}

pub async fn post_event(State(st): St, body: Scoped<EventIn>) -> Result<Response, AppError> {
    let id = body.value.customer_id.clone();
    let (event, duplicate) = ingest::event(&st, body.value).await?;
    let status = if duplicate {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok(with_customer(
        (status, Json(EventAccepted { id: event })),
        &id,
    ))
}

pub async fn post_infra_backup(
    State(st): St,
    body: Scoped<InfraBackup>,
) -> Result<Response, AppError> {
    ingest::infra_backup(&st, &body.value, body.raw.to_vec()).await?;
    Ok(with_customer(
        (StatusCode::CREATED, Json(StatusOk::ok())),
        &body.value.customer_id,
    ))
}

/// Validates a customer id taken from the path.
fn path_id(id: &str) -> Result<(), AppError> {
    Ok(validate_customer_id(id)?)
}

pub async fn get_infra_backup(
    State(st): St,
    caller: Caller,
    client: ClientAddr,
    Path(customer_id): Path<String>,
) -> Result<Response, AppError> {
    path_id(&customer_id)?;
    caller.check_infra_read(&st, &customer_id)?;
    match st.store.latest_infra_backup(customer_id.clone()).await? {
        Some(raw) => {
            if caller == Caller::Global {
                // The fleet-wide key read a customer's restic passwords.
                let actor = crate::service::Actor {
                    name: "report-key".into(),
                    client: client.0,
                    session: None,
                };
                st.store
                    .audit(
                        actor.name.clone(),
                        "infra_backup.read",
                        Some(customer_id.clone()),
                        actor.describe(serde_json::json!({})),
                        "ok".into(),
                        st.clock.now(),
                    )
                    .await?;
            }
            Ok(with_customer(
                super::secret_answer((
                    [(header::CONTENT_TYPE, "application/json")],
                    raw.get().to_owned(),
                )),
                &customer_id,
            ))
        }
        None => Err(AppError::NotFound(format!(
            "no infra backup stored for `{customer_id}`"
        ))),
    }
}

pub async fn post_preferences(
    State(st): St,
    body: Scoped<Preferences>,
) -> Result<Response, AppError> {
    let id = body.value.customer_id.clone();
    ingest::preferences(&st, body.value).await?;
    Ok(with_customer(Json(StatusOk::ok()), &id))
}

pub async fn post_notify(State(st): St, body: Scoped<LegacyNotify>) -> Result<Response, AppError> {
    ingest::legacy_notify(&st, &body.value).await?;
    Ok(with_customer(
        (
            StatusCode::ACCEPTED,
            Json(StatusOk {
                status: "accepted".into(),
            }),
        ),
        &body.value.customer_id,
    ))
}

/// The retrieval password of a request (one header at most).
fn retrieval_password(headers: &HeaderMap) -> Result<&str, AppError> {
    Ok(single_header(
        headers,
        &axum::http::HeaderName::from_static("x-retrieval-password"),
    )?
    .and_then(|v| v.to_str().ok())
    .unwrap_or(""))
}

pub async fn get_config(
    State(st): St,
    client: ClientAddr,
    headers: HeaderMap,
    Path(customer_id): Path<String>,
) -> Result<Response, AppError> {
    retrieval::authorize(&st, &customer_id, client.0, retrieval_password(&headers)?).await?;
    let yaml = retrieval::config_yaml(&st, &customer_id, client.0).await?;
    Ok(with_customer(
        super::secret_answer(([(header::CONTENT_TYPE, "application/yaml")], yaml)),
        &customer_id,
    ))
}

pub async fn get_recovery(
    State(st): St,
    client: ClientAddr,
    headers: HeaderMap,
    Path(customer_id): Path<String>,
) -> Result<Response, AppError> {
    retrieval::authorize(&st, &customer_id, client.0, retrieval_password(&headers)?).await?;
    let body = retrieval::recovery(&st, &customer_id, client.0).await?;
    Ok(with_customer(
        super::secret_answer(Json(body)),
        &customer_id,
    ))
}

pub async fn list_customers(
    State(st): St,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    caller.require_global()?;
    super::stream::cached_list(&st, ListKind::Customers, &headers).await
}

pub async fn get_customer(
    State(st): St,
    caller: Caller,
    Path(customer_id): Path<String>,
) -> Result<Response, AppError> {
    path_id(&customer_id)?;
    caller.check(&customer_id)?;
    let detail = views::customer_detail(&st, &customer_id).await?;
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
    let body = views::history(&st, &customer_id, q.get("period").map(String::as_str)).await?;
    Ok(with_customer(Json(body), &customer_id))
}
