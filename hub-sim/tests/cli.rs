//! The `hub-sim` binary against a recording hub double on loopback.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use serde_json::Value;

type Seen = Arc<Mutex<Vec<(String, String, Value)>>>;

async fn record(
    State(seen): State<Seen>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: String,
) -> axum::http::StatusCode {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let json: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    seen.lock()
        .unwrap()
        .push((uri.path().to_owned(), auth, json));
    axum::http::StatusCode::OK
}

#[tokio::test]
async fn many_nodes_report_events_and_backups_once() {
    let seen: Seen = Arc::default();
    let app = Router::new()
        .route("/api/v1/report", post(record))
        .route("/api/v1/event", post(record))
        .route("/api/v1/infra-backup", post(record))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hub = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_hub-sim"))
        .args([
            "--hub",
            &hub,
            "--customer",
            "demo",
            "--nodes",
            "3",
            "--once",
            "--health",
            "fail",
        ])
        .args(["--api-key", "k"])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recorded = seen.clone();
    let seen = seen.lock().unwrap().clone();
    let reports: Vec<&(String, String, Value)> =
        seen.iter().filter(|s| s.0 == "/api/v1/report").collect();
    assert_eq!(reports.len(), 3);
    for (i, r) in reports.iter().enumerate() {
        let id = format!("demo-{:04}", i + 1);
        assert_eq!(r.2["customer_id"], id.as_str());
        assert_eq!(r.2["health"], "fail");
        // Each node authenticates with its own key when no report key is given.
        assert_eq!(r.1, format!("Bearer k-{}", i + 1));
        let url = r.2["controller_url"].as_str().unwrap();
        assert!(
            url.starts_with("http://127.0.0.1:") && url.ends_with(&format!("/n/{id}")),
            "{url}"
        );
    }
    assert_eq!(seen.iter().filter(|s| s.0 == "/api/v1/event").count(), 3);
    assert_eq!(
        seen.iter()
            .filter(|s| s.0 == "/api/v1/infra-backup")
            .count(),
        3
    );

    // A silent node sends nothing but still serves its API.
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_hub-sim"))
        .args(["--hub", &hub, "--customer", "quiet", "--once", "--silent"])
        .output()
        .await
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("quiet: report -> None"));
    let all = recorded.lock().unwrap();
    assert!(
        all.iter().all(|s| !s.2.to_string().contains("quiet")),
        "a silent node sent something"
    );
}
