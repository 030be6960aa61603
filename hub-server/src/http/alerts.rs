//! The admin API of incidents and maintenance windows
//! (`/api/admin/v1/incidents`, `/api/admin/v1/maintenance`).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use hub_proto::alerts::NewMaintenance;

use super::admin::{Admin, Body, Q, St, ok, parse_bool};
use super::openapi::{self, Auth::*, RouteDoc as D};
use crate::http::error::AppError;
use crate::service::alerts;
use crate::service::query;
use crate::state::AppState;

/// `GET /incidents?open=true&customer=ID&family=node&limit=N`.
pub async fn incidents(State(st): St, _: Admin, Query(q): Q) -> Result<Response, AppError> {
    let list = alerts::incidents(
        &st,
        parse_bool(&q, "open")?,
        q.get("customer").cloned(),
        q.get("family").map(String::as_str),
        query::limit(&q)?,
    )
    .await?;
    Ok(Json(list).into_response())
}

/// `GET /maintenance?customer=ID`: windows active now or still to come.
pub async fn list(State(st): St, _: Admin, Query(q): Q) -> Result<Response, AppError> {
    Ok(Json(alerts::maintenance(
        &st,
        q.get("customer").map(String::as_str),
    ))
    .into_response())
}

pub async fn add(
    State(st): St,
    admin: Admin,
    Body(w): Body<NewMaintenance>,
) -> Result<Response, AppError> {
    admin.write()?;
    let w = alerts::add_maintenance(&st, &admin.actor(), w).await?;
    Ok((StatusCode::CREATED, Json(w)).into_response())
}

pub async fn end(
    State(st): St,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    admin.write()?;
    let id = id
        .parse::<i64>()
        .map_err(|_| AppError::invalid("id", "a window id is a number"))?;
    alerts::end_maintenance(&st, &admin.actor(), id).await?;
    Ok(ok().into_response())
}

/// `GET /digest`: today's digest as it would be sent now.
pub async fn digest(State(st): St, _: Admin) -> Result<Response, AppError> {
    Ok(Json(crate::service::digest::build(&st).await?).into_response())
}

/// `POST /digest/send`: queues today's digest for the operator now.
pub async fn send_digest(State(st): St, admin: Admin) -> Result<Response, AppError> {
    admin.write()?;
    let d = crate::service::digest::send(&st, &admin.actor()).await?;
    Ok(Json(d).into_response())
}

pub fn routes() -> Vec<(openapi::RouteDoc, MethodRouter<Arc<AppState>>)> {
    vec![
        (
            D::new(
                "GET",
                "/api/admin/v1/digest",
                Admin,
                200,
                "The operator's daily digest as it would be sent now (a preview)",
            )
            .returns("Digest"),
            get(digest),
        ),
        (
            D::new(
                "POST",
                "/api/admin/v1/digest/send",
                AdminWrite,
                200,
                "Send the digest to the operator now",
            )
            .returns("Digest"),
            post(send_digest),
        ),
        (
            D::new(
                "GET",
                "/api/admin/v1/incidents",
                Admin,
                200,
                "Incidents, newest first (?open=true&customer=&family=&limit=)",
            )
            .returns("IncidentList"),
            get(incidents),
        ),
        (
            D::new(
                "GET",
                "/api/admin/v1/maintenance",
                Admin,
                200,
                "Maintenance windows active now or to come (?customer=)",
            )
            .returns("MaintenanceList"),
            get(list),
        ),
        (
            D::new(
                "POST",
                "/api/admin/v1/maintenance",
                AdminWrite,
                201,
                "Add a maintenance window (one-off, daily or weekly)",
            )
            .takes("NewMaintenance")
            .returns("MaintenanceWindow"),
            post(add),
        ),
        (
            D::new(
                "POST",
                "/api/admin/v1/maintenance/{id}/end",
                AdminWrite,
                200,
                "End a maintenance window now",
            )
            .returns("StatusOk"),
            post(end),
        ),
    ]
}
