//! The dashboard's stylesheet, script and icon, compiled into the binary.

use axum::http::header;
use axum::response::{IntoResponse, Response};

pub async fn css() -> Response {
    asset(
        "text/css; charset=utf-8",
        include_str!("../../../assets/app.css"),
    )
}

pub async fn js() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../../../assets/live.js"),
    )
}

pub async fn icon() -> Response {
    asset("image/svg+xml", include_str!("../../../assets/icon.svg"))
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
