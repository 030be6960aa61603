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

/// A hub double on loopback that records what it is sent.
async fn recording_hub() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let app = Router::new()
        .route("/api/v1/report", post(record))
        .route("/api/v1/event", post(record))
        .route("/api/v1/infra-backup", post(record))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hub = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (hub, seen)
}

#[tokio::test]
async fn many_nodes_report_events_and_backups_once() {
    let (hub, seen) = recording_hub().await;

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

/// `--keys`: each customer reports with its own key from a file of
/// `hubctl config credentials -o json` output; `--fail-backups 0.5`: half
/// of them say their backup failed (and send one event); `--stop-after`:
/// two rounds of reports, then silence while the process runs on.
#[tokio::test]
async fn keys_failed_backups_and_silence_after_reporting() {
    use tokio::io::AsyncBufReadExt;
    let (hub, seen) = recording_hub().await;
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys.json");
    std::fs::write(
        &keys,
        "{\"customer_id\": \"anna\", \"api_key\": \"key-anna\", \"session_secret\": \"s\", \"tokens\": {}}\n\
         {\"customer_id\": \"bela\", \"api_key\": \"key-bela\", \"session_secret\": \"s\", \"tokens\": {}}\n",
    )
    .unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_hub-sim"))
        .args(["--hub", &hub, "--interval", "1", "--stop-after", "2s"])
        .args(["--fail-backups", "0.5", "--keys"])
        .arg(&keys)
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let silent = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        while let Some(l) = lines.next_line().await.unwrap() {
            if l.contains("went silent") {
                return true;
            }
        }
        false
    })
    .await
    .unwrap();
    assert!(silent, "hub-sim never went silent");
    // Silence is decided before the next round: what was recorded is all
    // there will be.
    let seen = seen.lock().unwrap().clone();
    let reports: Vec<_> = seen.iter().filter(|s| s.0 == "/api/v1/report").collect();
    assert_eq!(reports.len(), 4, "two rounds of two nodes: {reports:?}");
    for r in &reports {
        let id = r.2["customer_id"].as_str().unwrap();
        assert_eq!(r.1, format!("Bearer key-{id}"), "its own key");
        assert_eq!(r.2["backup"]["last_backup_ok"], id == "anna", "{id}");
    }
    let failed: Vec<_> = seen
        .iter()
        .filter(|s| s.0 == "/api/v1/event" && s.2["event_type"] == "backup_failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].2["customer_id"], "bela");
    assert_eq!(child.try_wait().unwrap(), None, "it runs on, silent");
    child.kill().await.unwrap();

    // A bad keys file or fraction stops it before anything is sent.
    std::fs::write(&keys, "{\"customer_id\": \"anna\"}").unwrap();
    for args in [
        vec!["--keys".to_owned(), keys.display().to_string()],
        vec!["--fail-backups".to_owned(), "1.5".to_owned()],
        vec!["--stop-after".to_owned(), "soon".to_owned()],
    ] {
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_hub-sim"))
            .args(["--hub", &hub, "--once"])
            .args(&args)
            .output()
            .await
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
    }
}
