//! The router tier: the real router over a real store, driven with
//! `tower::ServiceExt::oneshot` — no listener, no connection, no process.
//! For what depends on routing, extractors and error mapping only; what
//! depends on the connection (limits, client addresses, streams that stay
//! open) is tested over real HTTP.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use hub_server::state::AppState;
use tower::ServiceExt;

use crate::*;

/// A state over a fresh store (no server, no jobs).
async fn state() -> (Arc<AppState>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = hub_server::config::Config::default();
    config.server.data_dir = dir.path().to_owned();
    config.api.report_api_key = hub_server::config::Secret(KEY.into());
    let store = crate::open_store(dir.path(), fast()).unwrap();
    let clock = Arc::new(hub_server::clock::ManualClock::new(T0.parse().unwrap()));
    let key = hub_server::ReportKey {
        key: KEY.into(),
        generated: None,
    };
    let state = hub_server::build_state(config, key, store, clock)
        .await
        .unwrap();
    (Arc::new(state), dir)
}

async fn call(st: &Arc<AppState>, req: Request<Body>) -> (StatusCode, Value) {
    let resp = hub_server::http::router(st.clone())
        .oneshot(req)
        .await
        .unwrap();
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn post(path: &str, key: Option<&str>, body: &str) -> Request<Body> {
    let mut r = Request::post(path).header("content-type", "application/json");
    if let Some(k) = key {
        r = r.header("authorization", format!("Bearer {k}"));
    }
    r.body(Body::from(body.to_owned())).unwrap()
}

fn get(path: &str, key: &str) -> Request<Body> {
    Request::get(path)
        .header("authorization", format!("Bearer {key}"))
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn errors_map_to_status_and_stable_codes() {
    let (st, _dir) = state().await;
    let trailing = format!("{} {{}}", report("a", T0));
    for (req, status, code) in [
        (post("/api/v1/report", None, "{}"), 401, "unauthorized"),
        (
            post("/api/v1/report", Some(KEY), "{"),
            400,
            "malformed_json",
        ),
        (
            post("/api/v1/report", Some(KEY), &trailing),
            400,
            "invalid_json",
        ),
        (
            post(
                "/api/v1/event",
                Some(KEY),
                r#"{"customer_id":"a","event_type":"no_such","severity":"info","message":"m"}"#,
            ),
            400,
            "invalid_event_type",
        ),
        (
            post(
                "/api/v1/event",
                Some(KEY),
                r#"{"customer_id":"a","event_type":"backup_failed","severity":"loud","message":"m"}"#,
            ),
            400,
            "invalid_severity",
        ),
        (
            post(
                "/api/v1/report",
                Some(KEY),
                r#"{"customer_id":"Not Valid","timestamp":"2026-11-27T10:00:00Z","health":"ok"}"#,
            ),
            400,
            "invalid_customer_id",
        ),
        (
            get("/api/v1/customers/a/history?period=2d", KEY),
            400,
            "invalid_period",
        ),
        (get("/api/v1/customers/a/history", KEY), 404, "not_found"),
        (
            get("/api/admin/v1/fleet", "not-a-token"),
            401,
            "unauthorized",
        ),
        (get("/no/such/endpoint", KEY), 404, "not_found"),
    ] {
        let what = format!("{} {}", req.method(), req.uri());
        let (got, body) = call(&st, req).await;
        assert_eq!(got.as_u16(), status, "{what}: {body}");
        assert_eq!(body["error"]["code"], code, "{what}: {body}");
    }
}

#[tokio::test]
async fn an_accepted_report_is_in_the_fleet_at_once() {
    let (st, _dir) = state().await;
    let body = report("kovacs", T0).to_string();
    let (status, answer) = call(&st, post("/api/v1/report", Some(KEY), &body)).await;
    assert_eq!(status, 200, "{answer}");
    let token = "hubadm_router_token";
    st.store
        .create_admin_token("r".into(), token.into(), true, T0.parse().unwrap())
        .await
        .unwrap();
    let (status, fleet) = call(&st, get("/api/admin/v1/fleet", token)).await;
    assert_eq!(status, 200);
    assert_eq!(fleet["customers"][0]["customer_id"], "kovacs");
    assert_eq!(fleet["customers"][0]["status"], "ok");
    // The events page says where to follow it from.
    let (_, page) = call(&st, get("/api/admin/v1/events", token)).await;
    assert!(page["stream_id"].as_u64().is_some(), "{page}");
}
