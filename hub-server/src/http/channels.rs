//! The admin API of the operator's webhook, ntfy and Telegram channels
//! (`/api/admin/v1/channels`).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, post};
use hub_proto::admin::{ChannelList, ChannelRequest};

use super::admin::{Admin, Body, St, ok};
use super::openapi::{self, Auth::*, RouteDoc as D};
use crate::http::error::AppError;
use crate::service::channels;
use crate::state::AppState;

pub async fn list(State(st): St, _: Admin) -> Result<Response, AppError> {
    let channels = channels::list(&st).await?;
    Ok(Json(ChannelList { channels }).into_response())
}

pub async fn add(
    State(st): St,
    admin: Admin,
    Body(req): Body<ChannelRequest>,
) -> Result<Response, AppError> {
    admin.write()?;
    let ch = channels::add(&st, &admin.actor(), req).await?;
    Ok((StatusCode::CREATED, Json(ch)).into_response())
}

pub async fn remove(
    State(st): St,
    admin: Admin,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    admin.write()?;
    channels::remove(&st, &admin.actor(), &name).await?;
    Ok(ok().into_response())
}

pub async fn test(
    State(st): St,
    admin: Admin,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    admin.write()?;
    let t = channels::test(&st, &admin.actor(), &name).await?;
    Ok(Json(t).into_response())
}

pub fn routes() -> Vec<(openapi::RouteDoc, MethodRouter<Arc<AppState>>)> {
    vec![
        (
            D::new(
                "GET",
                "/api/admin/v1/channels",
                Admin,
                200,
                "The webhook, ntfy and Telegram channels: state, last success, last error",
            )
            .returns("ChannelList"),
            get(list),
        ),
        (
            D::new(
                "POST",
                "/api/admin/v1/channels",
                AdminWrite,
                201,
                "Add a channel (its URL is checked against channels.* first)",
            )
            .takes("ChannelRequest")
            .returns("ChannelInfo"),
            post(add),
        ),
        (
            D::new(
                "DELETE",
                "/api/admin/v1/channels/{name}",
                AdminWrite,
                200,
                "Remove a channel and what it still had queued",
            )
            .returns("StatusOk"),
            delete(remove),
        ),
        (
            D::new(
                "POST",
                "/api/admin/v1/channels/{name}/test",
                AdminWrite,
                200,
                "Send a test message now; a success turns a disabled channel back on",
            )
            .returns("ChannelTest"),
            post(test),
        ),
    ]
}
