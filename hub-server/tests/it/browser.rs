//! The dashboard end to end in Debian's headless Chromium: a real
//! `hub-server` process with a dashboard password, a fleet reporting from
//! the controller simulator on loopback, and `tests/browser/e2e.py`
//! (Playwright for Python, `executable_path=/usr/bin/chromium`) clicking
//! through it. Screenshots go to `HUB_SCREENSHOTS` (the README's are made
//! with `HUB_SCREENSHOTS=docs/screenshots`), else under the target dir.
//!
//! Without Chromium or Playwright the test says so and passes, unless
//! `HUB_REQUIRE_TOOLS=1` (as in CI), where their absence fails it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use hub_server::store::StoreOptions;
use hub_sim::{HubClient, Node, node_url};
use reqwest::Method;
use serde_json::Value;

use crate::admin::{config, start_sim};
use crate::process::{hub, listening_addr, sigterm};

const CHROMIUM: &str = "/usr/bin/chromium";
const PASSWORD: &str = "correct horse battery staple";

/// Why the browser test cannot run here, if it cannot.
fn missing_browser() -> Option<String> {
    if !Path::new(CHROMIUM).exists() {
        return Some(format!(
            "{CHROMIUM} is not installed (apt-get install chromium)"
        ));
    }
    let ok = Command::new("python3")
        .args(["-c", "import playwright.sync_api"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    (!ok).then(|| "Playwright for Python is missing (pip install playwright)".to_owned())
}

fn screenshot_dir() -> PathBuf {
    let dir = match std::env::var_os("HUB_SCREENSHOTS") {
        Some(d) => {
            let d = PathBuf::from(d);
            if d.is_absolute() {
                d
            } else {
                // Relative to the repository, not to the crate cargo runs in.
                Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(d)
            }
        }
        None => Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots"),
    };
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_dashboard_in_headless_chromium() {
    let missing = missing_browser();
    if !crate::tool_available(missing.is_none(), missing.as_deref().unwrap_or("")) {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let admin = "hubadm_e2e_token";
    rt.block_on(async {
        let store = crate::open_store(&data, StoreOptions::default()).unwrap();
        assert!(
            store
                .create_admin_token("e2e".into(), admin.into(), false, jiff::Timestamp::now())
                .await
                .unwrap()
        );
    });
    let hash = hub_server::service::session::hash_password(PASSWORD, 10).unwrap();
    let mut child = hub()
        .env("HUB_SERVER_DATA_DIR", &data)
        .env("HUB_SERVER_LISTEN", "127.0.0.1:0")
        .env("HUB_AUTH_PASSWORD_HASH", &hash)
        .env("HUB_API_REPORT_API_KEY", crate::KEY)
        .env("HUB_CONTROLLERS_ALLOW_INSECURE", "true")
        .env("HUB_CONTROLLERS_ALLOWED_NETWORKS", "127.0.0.0/8")
        .env("HUB_CONTROLLERS_ALLOWED_HOSTS", "127.0.0.1")
        .env("RUST_LOG", "info")
        // The dashboard gives a silent stream up after 2.5 pings.
        .env("HUB_SERVER_STREAM_KEEPALIVE", "1s")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = format!("http://{}", listening_addr(&mut lines));
    // Keep reading so the hub never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));

    // The fleet: two managed nodes reporting through the simulator (one
    // of them the diff's controller), a manual node, a pending config.
    let (_fleet, kovacs_key) = rt.block_on(async {
        let http = reqwest::Client::new();
        let (fleet, base) = start_sim().await;
        // Managed nodes report with their own keys (so the hub learns
        // where their controllers are), the manual one with the global key.
        let sim = HubClient {
            http: http.clone(),
            hub: url.clone(),
            global_key: None,
        };
        let manual_sim = HubClient {
            global_key: Some(crate::KEY.into()),
            ..sim.clone()
        };
        let mut kovacs_key = String::new();
        for id in ["kovacs", "szabo", "varo"] {
            let resp = http
                .request(Method::POST, format!("{url}/api/admin/v1/configs"))
                .bearer_auth(admin)
                .json(&config(id))
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 201);
            let creds: Value = resp.json().await.unwrap();
            let key = creds["api_key"].as_str().unwrap().to_owned();
            if id == "varo" {
                continue;
            }
            let node = Node::new(id, &key);
            fleet.add(node.clone());
            assert_eq!(
                sim.report(&node, &node_url(&base, id)).await.unwrap(),
                Some(200)
            );
            if id == "kovacs" {
                kovacs_key = key;
            }
        }
        let manual = Node::new("nagy", "");
        assert_eq!(
            manual_sim
                .report(&manual, &node_url(&base, "nagy"))
                .await
                .unwrap(),
            Some(200)
        );
        (fleet, kovacs_key)
    });

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/e2e.py");
    let shots = screenshot_dir();
    let out = Command::new("python3")
        .arg(&script)
        .args([url.as_str(), PASSWORD, kovacs_key.as_str()])
        .arg(&shots)
        // The global report key (a manual node's report) and the hub's
        // process, which the script stops and continues (a lost stream).
        .args([crate::KEY.to_owned(), child.id().to_string()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(sigterm(&mut child), Some(0), "the hub stops cleanly");
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("e2e: all passed"), "{stdout}");
    // The timed steps' figures, for the README.
    for line in stdout.lines().filter(|l| l.contains(" ms")) {
        println!("{line}");
    }
    for shot in [
        "fleet.png",
        "customer.png",
        "fleet-phone.png",
        "customer-phone.png",
        "diff.png",
        "incidents.png",
        "status-phone.png",
    ] {
        assert!(
            shots.join(shot).metadata().unwrap().len() > 10_000,
            "{shot}"
        );
    }
}
