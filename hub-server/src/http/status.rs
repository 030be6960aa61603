//! The admin API of the customers' status page links
//! (`/api/admin/v1/customers/{customer_id}/status-link`).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, post};
use hub_proto::admin::StatusLinkRequest;

use super::admin::{Admin, Body, St, ok};
use super::openapi::{self, Auth::*, RouteDoc as D};
use crate::http::error::AppError;
use crate::service::status_link;
use crate::state::AppState;

pub async fn issue(
    State(st): St,
    admin: Admin,
    Path(id): Path<String>,
    Body(req): Body<StatusLinkRequest>,
) -> Result<Response, AppError> {
    admin.write()?;
    let link = status_link::issue(&st, &admin.actor(), &id, req.ttl.as_deref()).await?;
    Ok(Json(link).into_response())
}

pub async fn revoke(
    State(st): St,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    admin.write()?;
    status_link::revoke(&st, &admin.actor(), &id).await?;
    Ok(ok().into_response())
}

pub fn routes() -> Vec<(openapi::RouteDoc, MethodRouter<Arc<AppState>>)> {
    vec![
        (
            D::new(
                "POST",
                "/api/admin/v1/customers/{customer_id}/status-link",
                AdminWrite,
                200,
                "A signed link to the customer's status page ({\"ttl\": \"30d\"}; default status_page.ttl)",
            )
            .takes("StatusLinkRequest")
            .returns("StatusLink"),
            post(issue),
        ),
        (
            D::new(
                "POST",
                "/api/admin/v1/customers/{customer_id}/status-link/revoke",
                AdminWrite,
                200,
                "End every earlier status link of the customer",
            )
            .returns("StatusOk"),
            post(revoke),
        ),
    ]
}
