//! The real `hubctl` binary against a real hub on loopback (in-process, with
//! a manual clock so ages are deterministic) fed by the simulator.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Output;
use std::sync::Arc;

use hub_server::clock::{Clock, ManualClock};
use hub_server::config::{Config, Secret};
use hub_server::store::Store;
use hub_server::{HubOptions, ReportKey};
use jiff::SignedDuration;
use serde_json::{Value, json};
use tokio::sync::oneshot;

const KEY: &str = "report-key";
const T0: &str = "2026-11-27T10:00:00Z";

struct Hub {
    url: String,
    clock: Arc<ManualClock>,
    state: Arc<hub_server::state::AppState>,
    full: String,
    ro: String,
    home: tempfile::TempDir,
    http: reqwest::Client,
    dir: Arc<tempfile::TempDir>,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<(), hub_server::HubError>>,
}

async fn hub() -> Hub {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    hub_on(
        Arc::new(tempfile::tempdir().unwrap()),
        listener,
        std::time::Duration::from_secs(15),
    )
    .await
}

impl Hub {
    /// Stops the hub (gracefully) and starts it again on the same address
    /// and data dir.
    async fn restart(mut self, keepalive: std::time::Duration) -> Hub {
        let addr: std::net::SocketAddr = self.url.trim_start_matches("http://").parse().unwrap();
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        let dir = self.dir.clone();
        let task = std::mem::replace(&mut self.task, tokio::spawn(async { Ok(()) }));
        drop(self);
        task.await.unwrap().unwrap();
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        hub_on(dir, listener, keepalive).await
    }
}

async fn hub_on(
    dir: Arc<tempfile::TempDir>,
    listener: tokio::net::TcpListener,
    keepalive: std::time::Duration,
) -> Hub {
    let mut config = Config::default();
    config.server.data_dir = dir.path().to_owned();
    config.api.report_api_key = Secret(KEY.into());
    config.registry.image = "http://127.0.0.1:9/admin/felhom-controller".into();
    config.controllers.allow_insecure = true;
    config.controllers.allowed_networks =
        vec![hub_server::config::Cidr::parse("127.0.0.0/8").unwrap()];
    config.controllers.allowed_hosts = vec!["127.0.0.1".into()];
    config.channels.allow_insecure = true;
    config.channels.allowed_networks =
        vec![hub_server::config::Cidr::parse("127.0.0.0/8").unwrap()];
    let store = Store::open(dir.path(), Default::default()).unwrap();
    let clock = Arc::new(ManualClock::new(T0.parse().unwrap()));
    let mut state = hub_server::build_state(
        config,
        ReportKey {
            key: KEY.into(),
            generated: None,
        },
        store,
        clock.clone(),
    )
    .await
    .unwrap();
    state.stream_keepalive = keepalive;
    let state = Arc::new(state);
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = oneshot::channel::<()>();
    let opts = HubOptions {
        manual: true,
        ..Default::default()
    };
    let task = tokio::spawn(hub_server::serve(state.clone(), opts, listener, async {
        let _ = rx.await;
    }));
    let now = clock.now();
    for (name, token, ro) in [("ops", "tok-full", false), ("ci", "tok-ro", true)] {
        // Already there after a restart.
        let _ = state
            .store
            .create_admin_token(name.into(), token.into(), ro, now)
            .await
            .unwrap();
    }
    Hub {
        url,
        clock,
        state,
        full: "tok-full".into(),
        ro: "tok-ro".into(),
        home: tempfile::tempdir().unwrap(),
        http: reqwest::Client::new(),
        dir,
        stop: Some(tx),
        task,
    }
}

impl Hub {
    /// Runs hubctl without a terminal, with this hub and a token.
    async fn run(&self, token: &str, args: &[&str]) -> Output {
        hubctl(
            self.home.path(),
            &[&["--server", &self.url, "--token", token], args].concat(),
        )
        .await
    }

    async fn report_as(&self, id: String) {
        self.report(&id, "ok", "1.8.2").await
    }

    async fn report(&self, id: &str, health: &str, version: &str) {
        let ts = self.clock.now().to_string();
        let body = json!({"customer_id": id, "timestamp": ts, "health": health, "controller_version": version,
                          "controller_url": "http://127.0.0.1:9", "system": {"hostname": format!("host-{id}")}});
        let resp = self
            .http
            .post(format!("{}/api/v1/report", self.url))
            .bearer_auth(KEY)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
    }
}

async fn hubctl(home: &Path, args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_hubctl"))
        .args(args)
        .env_remove("HUBCTL_SERVER")
        .env_remove("HUBCTL_TOKEN")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test]
async fn fleet_table_json_and_yaml() {
    let h = hub().await;
    h.report("kovacs", "ok", "1.8.2").await;
    h.report("nagy", "warn", "1.9.0").await;
    h.clock.advance(SignedDuration::from_mins(4));
    h.state.set_latest_version(Some("1.9.0".into()));
    let e = json!({"customer_id": "nagy", "event_type": "disk_space_low", "severity": "warning", "message": "90%"});
    reqwest::Client::new()
        .post(format!("{}/api/v1/event", h.url))
        .bearer_auth(KEY)
        .json(&e)
        .send()
        .await
        .unwrap();

    let out = h.run(&h.ro, &["fleet"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Problems first.
    assert_eq!(
        stdout(&out),
        " CUSTOMER  STATUS  HEALTH  LAST REPORT  VERSION  TYPE    DRIFT  ERR/WARN 24H  REASON
 nagy      warn    warn    4m ago       1.9.0    manual  -      0/1           health warn
 kovacs    ok      ok      4m ago       1.8.2 ↑  manual  -      0/0

newest controller: 1.9.0 (↑ = update available)
"
    );
    // Manual customers never drift: --drifted lists nobody.
    let out = h.run(&h.ro, &["fleet", "--drifted", "-o", "json"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["customers"], json!([]));
    let out = h.run(&h.ro, &["fleet", "-o", "json"]).await;
    assert!(stdout(&out).ends_with("}\n"), "JSON ends with a newline");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["customers"][1]["customer_id"], "kovacs");
    assert_eq!(v["customers"][1]["update_available"], true);
    assert_eq!(v["customers"][0]["warnings_24h"], 1);
    let out = h.run(&h.ro, &["fleet", "--sort", "id", "-o", "json"]).await;
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["customers"][0]["customer_id"], "kovacs");
    let out = h
        .run(&h.ro, &["fleet", "-o", "yaml", "--status", "warn"])
        .await;
    let y: Value = serde_saphyr::from_str(&stdout(&out)).unwrap();
    assert_eq!(y["customers"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn check_exits_one_when_a_customer_is_down() {
    let h = hub().await;
    h.report("a", "ok", "1.8.2").await;
    h.report("b", "warn", "1.8.2").await;
    let out = h.run(&h.ro, &["check"]).await;
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "all 2 customers healthy\n");
    let out = h.run(&h.ro, &["check", "--strict"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "b: warn: health warn (last report 0s ago)\n");
    h.clock.advance(SignedDuration::from_mins(90));
    let out = h.run(&h.ro, &["check"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "a: down since 12:00; no report for 1h 30m (last report 1h ago)\nb: down since 12:00; no report for 1h 30m (last report 1h ago)\n"
    );
    let out = h.run(&h.ro, &["check", "-o", "json"]).await;
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn exit_codes_for_usage_refusal_and_unreachable() {
    let h = hub().await;
    // 2: usage.
    assert_eq!(
        h.run(&h.ro, &["fleet", "--bogus"]).await.status.code(),
        Some(2)
    );
    let out = hubctl(h.home.path(), &["fleet"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("run `hubctl login`"),
        "{}",
        stderr(&out)
    );
    // 3: the hub said no.
    let out = h.run("wrong-token", &["fleet"]).await;
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("unauthorized"), "{}", stderr(&out));
    let out = h.run(&h.ro, &["show", "nobody"]).await;
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("unknown customer `nobody`"));
    let out = h
        .run(&h.ro, &["config", "create", "x", "--email", "x@example.hu"])
        .await;
    assert_eq!(out.status.code(), Some(3), "read-only token cannot act");
    // 4: unreachable.
    let out = hubctl(
        h.home.path(),
        &["--server", "http://127.0.0.1:9", "--token", "t", "fleet"],
    )
    .await;
    assert_eq!(out.status.code(), Some(4));
    assert!(
        stderr(&out).contains("cannot reach the hub"),
        "{}",
        stderr(&out)
    );
    // No scheme: http on loopback (the hub is reached, the token refused).
    let server = h.url.trim_start_matches("http://");
    let out = hubctl(
        h.home.path(),
        &["--server", server, "--token", "t", "fleet"],
    )
    .await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("unauthorized"), "{}", stderr(&out));
    let out = hubctl(
        h.home.path(),
        &["--server", "http://127.0.0.1:9", "--token", "t", "fleet"],
    )
    .await;
    // No backtrace or debug dump, one or two sentences.
    assert!(stderr(&out).lines().count() <= 2);
}

#[tokio::test]
async fn config_lifecycle_and_confirmations() {
    let h = hub().await;
    let out = h
        .run(
            &h.full,
            &[
                "config",
                "create",
                "kovacs",
                "--name",
                "Kovács",
                "--email",
                "k@example.hu",
                "--token-value",
                "tunnel=tt",
                "-o",
                "json",
            ],
        )
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let creds: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(creds["tokens"]["tunnel"], "tt");
    let out = h.run(&h.full, &["config", "create", "incomplete"]).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "domain and email default without a terminal: {}",
        stderr(&out)
    );

    let out = h.run(&h.ro, &["config", "show", "kovacs"]).await;
    assert!(
        stdout(&out).contains("tunnel: <redacted>"),
        "{}",
        stdout(&out)
    );
    let out = h.run(&h.full, &["config", "yaml", "kovacs"]).await;
    assert!(stdout(&out).contains(creds["api_key"].as_str().unwrap()));
    let out = h.run(&h.ro, &["config", "list"]).await;
    assert!(stdout(&out).contains("kovacs") && stdout(&out).contains("tunnel"));

    // Destructive actions refuse without a terminal unless --yes.
    for args in [
        &["config", "rotate", "kovacs", "--credential", "api_key"][..],
        &["block", "kovacs"],
        &["delete", "kovacs"],
    ] {
        let out = h.run(&h.full, args).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("pass --yes"), "{}", stderr(&out));
    }
    let out = h
        .run(
            &h.full,
            &[
                "config",
                "rotate",
                "kovacs",
                "--credential",
                "api_key",
                "--yes",
                "-o",
                "json",
            ],
        )
        .await;
    let rotated: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_ne!(rotated["api_key"], creds["api_key"]);
    assert_eq!(
        h.run(&h.full, &["block", "kovacs", "--yes"])
            .await
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        h.run(&h.full, &["unblock", "kovacs"]).await.status.code(),
        Some(0)
    );
    assert_eq!(
        h.run(&h.full, &["delete", "kovacs", "--yes"])
            .await
            .status
            .code(),
        Some(0)
    );
    let out = h.run(&h.ro, &["audit", "--customer", "kovacs"]).await;
    for action in [
        "config.create",
        "credentials.rotate",
        "customer.block",
        "customer.unblock",
        "config.delete",
    ] {
        assert!(stdout(&out).contains(action), "{action}: {}", stdout(&out));
    }
    assert!(stdout(&out).contains("token:ops"));

    // A manual customer is adopted.
    h.report("manual-one", "ok", "1.8.2").await;
    let out = h.run(&h.full, &["adopt", "manual-one"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = h
        .run(&h.full, &["config", "credentials", "manual-one"])
        .await;
    assert!(stdout(&out).contains("retrieval password:"));
}

#[tokio::test]
async fn diff_push_pull_update_against_the_simulator() {
    let h = hub().await;
    let out = h
        .run(
            &h.full,
            &[
                "config",
                "create",
                "live",
                "--email",
                "l@example.hu",
                "-o",
                "json",
            ],
        )
        .await;
    let creds: Value = serde_json::from_slice(&out.stdout).unwrap();
    let fleet = hub_sim::Fleet::default();
    let node = hub_sim::Node::new("live", creds["api_key"].as_str().unwrap());
    fleet.add(node.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, hub_sim::router(fleet)).await });
    // With its own key: only that may tell the hub where to push.
    let client = hub_sim::HubClient {
        http: reqwest::Client::new(),
        hub: h.url.clone(),
        global_key: None,
    };
    client
        .report_at(&node, &hub_sim::node_url(&base, "live"), h.clock.now())
        .await
        .unwrap();

    let out = h.run(&h.ro, &["diff", "live"]).await;
    assert_eq!(
        out.status.code(),
        Some(1),
        "differences: exit 1; {}",
        stderr(&out)
    );
    assert!(stdout(&out).starts_with(" PATH"), "{}", stdout(&out));
    assert_eq!(
        h.run(&h.full, &["push", "live"]).await.status.code(),
        Some(2),
        "push needs --yes"
    );
    assert_eq!(
        h.run(&h.full, &["push", "live", "--yes"])
            .await
            .status
            .code(),
        Some(0)
    );
    let out = h.run(&h.ro, &["diff", "live"]).await;
    assert_eq!(
        (out.status.code(), stdout(&out)),
        (Some(0), "live: no differences\n".to_owned())
    );
    let out = h.run(&h.ro, &["diff", "live", "-o", "json"]).await;
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["differences"], json!([]));

    node.set_live_config(
        &node
            .live_config()
            .replace("log_level: info", "log_level: debug"),
    );
    let out = h.run(&h.ro, &["diff", "live"]).await;
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.starts_with(
            " PATH                  CHANGE   HUB     CONTROLLER\n controller.log_level  differs  \"info\"  \"debug\"\n\n--- hub\n+++ controller\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("\n-  log_level: info\n+  log_level: debug\n"),
        "{text}"
    );
    assert_eq!(
        h.run(&h.full, &["pull", "live"]).await.status.code(),
        Some(0)
    );
    assert_eq!(
        h.run(&h.full, &["update", "live", "--version", "1.9.0", "--yes"])
            .await
            .status
            .code(),
        Some(0)
    );
    assert_eq!(node.updates(), vec!["1.9.0"]);
    node.set_behaviour(hub_sim::Behaviour {
        fail_api: Some(503),
        ..Default::default()
    });
    let out = h.run(&h.full, &["push", "live", "--yes"]).await;
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("HTTP 503"), "{}", stderr(&out));
}

#[tokio::test]
async fn views_show_events_history_logs_versions() {
    let h = hub().await;
    h.report("k", "ok", "1.8.2").await;
    for (t, sev) in [("backup_failed", "error"), ("disk_space_low", "warning")] {
        let e = json!({"customer_id": "k", "event_type": t, "severity": sev, "message": format!("{t} msg")});
        reqwest::Client::new()
            .post(format!("{}/api/v1/event", h.url))
            .bearer_auth(KEY)
            .json(&e)
            .send()
            .await
            .unwrap();
    }
    let out = h.run(&h.ro, &["show", "k"]).await;
    let text = stdout(&out);
    assert!(
        text.starts_with("k  OK  health ok  controller 1.8.2\n"),
        "{text}"
    );
    assert!(
        text.contains("config: manual") && text.contains("backup_failed msg"),
        "{text}"
    );

    let out = h
        .run(&h.ro, &["events", "--severity", "error", "-o", "json"])
        .await;
    let page: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let out = h.run(&h.ro, &["events", "--since", "2026-11-28"]).await;
    assert_eq!(
        stdout(&out).lines().count(),
        1,
        "header only: {}",
        stdout(&out)
    );
    assert_eq!(
        h.run(&h.ro, &["events", "--since", "soon"])
            .await
            .status
            .code(),
        Some(2)
    );
    let out = h.run(&h.ro, &["history", "k", "--period", "7d"]).await;
    assert_eq!(stdout(&out).lines().count(), 2);
    // Bad values are usage errors, found before any request; an unknown
    // customer is the hub's no.
    for args in [
        &["history", "k", "--period", "2d"][..],
        &["history", "k", "--period", "2h"],
        &["events", "--severity", "err"],
        &["events", "--type", "backup_fail"],
        &["fleet", "--status", "dwn"],
        &["fleet", "--sort", "name"],
    ] {
        let out = h.run(&h.ro, args).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
    let out = h.run(&h.ro, &["events", "--customer", "nosuch"]).await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("unknown customer `nosuch`"));
    let dispatcher = hub_server::dispatcher(&h.state).await.unwrap();
    dispatcher.drain().await.unwrap();
    let out = h.run(&h.ro, &["notifications"]).await;
    assert!(stdout(&out).contains("backup_failed"), "{}", stdout(&out));
    let out = h.run(&h.ro, &["versions"]).await;
    assert!(stdout(&out).contains("1.8.2"));
    // This hub has a registry.image it has not reached yet.
    assert!(
        stdout(&out).starts_with("newest controller: unknown (registry not checked yet)"),
        "{}",
        stdout(&out)
    );
}

#[tokio::test]
async fn login_saves_privately_and_logout_forgets() {
    let h = hub().await;
    let out = hubctl(
        h.home.path(),
        &["login", "--server", &h.url, "--token", &h.ro],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let path = h.home.path().join("config/hubctl/login.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    assert_eq!(
        hubctl(h.home.path(), &["fleet"]).await.status.code(),
        Some(0)
    );
    let bad = hubctl(
        h.home.path(),
        &["login", "--server", &h.url, "--token", "wrong"],
    )
    .await;
    assert_eq!(bad.status.code(), Some(3), "a wrong token is not saved");
    assert!(std::fs::read_to_string(&path).unwrap().contains(&h.ro));
    let no_tty = hubctl(h.home.path(), &["login", "--server", &h.url]).await;
    assert_eq!(no_tty.status.code(), Some(2));
    assert_eq!(
        hubctl(h.home.path(), &["logout"]).await.status.code(),
        Some(0)
    );
    assert!(!path.exists());
    assert_eq!(
        hubctl(h.home.path(), &["fleet"]).await.status.code(),
        Some(2)
    );
}

#[tokio::test]
async fn checked_in_completions_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../completions");
    for (args, file) in [
        (&["completions", "bash"][..], "hubctl.bash"),
        (&["completions", "zsh"], "_hubctl"),
        (&["completions", "fish"], "hubctl.fish"),
        (&["completions", "elvish"], "hubctl.elv"),
        (&["completions", "powershell"], "_hubctl.ps1"),
        (&["man"], "hubctl.1"),
    ] {
        let out = hubctl(Path::new("/nonexistent"), args).await;
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let checked_in = std::fs::read(dir.join(file)).unwrap_or_default();
        assert!(
            !checked_in.is_empty() && checked_in == out.stdout,
            "completions/{file} is missing or stale: run `scripts/completions.sh`"
        );
    }
}

#[tokio::test]
async fn events_follow_streams_new_events() {
    let h = hub().await;
    h.report("f", "ok", "1.8.2").await;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_hubctl"))
        .args([
            "--server",
            &h.url,
            "--token",
            &h.ro,
            "events",
            "--follow",
            "--severity",
            "error",
        ])
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines =
        tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(child.stdout.take().unwrap()));
    // The (empty) table header comes first; the stream is open after it.
    let header = tokio::time::timeout(std::time::Duration::from_secs(10), lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(header.contains("TIME"), "{header}");
    // The stream follows from the page's stream id: one post is enough,
    // whenever it lands.
    let post = |sev: &'static str, msg: &'static str| {
        let url = format!("{}/api/v1/event", h.url);
        async move {
            let e = json!({"customer_id": "f", "event_type": "backup_failed", "severity": sev, "message": msg});
            reqwest::Client::new()
                .post(url)
                .bearer_auth(KEY)
                .json(&e)
                .send()
                .await
                .unwrap();
        }
    };
    post("warning", "ignored by the filter").await;
    post("error", "restic failed").await;
    let line = tokio::time::timeout(std::time::Duration::from_secs(10), lines.next_line())
        .await
        .expect("a followed event")
        .unwrap()
        .unwrap();
    assert!(
        line.contains("f  error  backup_failed  restic failed"),
        "{line}"
    );
    child.kill().await.unwrap();
}

#[tokio::test]
async fn fleet_watch_redraws_on_changes() {
    let h = hub().await;
    h.report("first", "ok", "1.8.2").await;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_hubctl"))
        .args(["--server", &h.url, "--token", &h.ro, "fleet", "--watch"])
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines =
        tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(child.stdout.take().unwrap()));
    // The first draw: the table, then a blank line.
    let mut first = String::new();
    loop {
        let line = tokio::time::timeout(std::time::Duration::from_secs(10), lines.next_line())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        if line.is_empty() {
            break;
        }
        first.push_str(&line);
        first.push('\n');
    }
    assert!(
        first.starts_with(" CUSTOMER") && first.contains(" first ") && !first.contains(" second "),
        "{first}"
    );
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    // Report until a redraw lists the newcomer (a report that raced the
    // stream's subscription just is not drawn).
    while !seen.contains(" second ") {
        h.report("second", "warn", "1.8.2").await;
        while let Ok(Ok(Some(line))) =
            tokio::time::timeout(std::time::Duration::from_millis(300), lines.next_line()).await
        {
            seen.push_str(&line);
            seen.push('\n');
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no redraw with the new customer:\n{seen}"
        );
    }
    assert!(
        seen.contains(" CUSTOMER"),
        "the table was drawn again:\n{seen}"
    );
    child.kill().await.unwrap();
}

/// `config show ID -o json`, parsed.
async fn config_json(h: &Hub, id: &str) -> Value {
    let out = h.run(&h.full, &["config", "show", id, "-o", "json"]).await;
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test]
async fn config_edit_applies_what_the_editor_saved() {
    let h = hub().await;
    let out = h
        .run(
            &h.full,
            &[
                "config",
                "create",
                "ed",
                "--name",
                "Old Name",
                "--token-value",
                "tunnel=keep-me",
            ],
        )
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let edit = |editor: &'static str| {
        let (home, url, tok) = (h.home.path().to_owned(), h.url.clone(), h.full.clone());
        async move {
            tokio::process::Command::new(env!("CARGO_BIN_EXE_hubctl"))
                .args(["--server", &url, "--token", &tok, "config", "edit", "ed"])
                .env("HOME", &home)
                .env_remove("VISUAL")
                .env("EDITOR", editor)
                .stdin(std::process::Stdio::null())
                .output()
                .await
                .unwrap()
        }
    };
    let out = edit("sed -i 's/Old Name/New Name/'").await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "ed: config saved\n");
    let cfg = config_json(&h, "ed").await;
    assert_eq!(cfg["display_name"], "New Name");
    let creds = stdout(&h.run(&h.full, &["config", "credentials", "ed"]).await);
    assert!(
        creds.contains("token tunnel: keep-me"),
        "redacted token kept: {creds}"
    );

    let out = edit("sed -i 's/display_name:/display_name: [/'").await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not applied"), "{}", stderr(&out));
    let out = edit("sed -i 's/ed$/ed/'").await;
    assert_eq!(stdout(&out), "no changes\n");

    // A refused edit reopens the editor on what was written, the reason
    // on top (kubectl's way): this editor breaks the email first, then,
    // seeing the reason, mends it; the hub saves the mended one.
    let script = h.home.path().join("editor.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\n\
         if grep -q '^# The edit was not applied' \"$1\"; then\n\
           grep '^#   ' \"$1\" > \"$HOME/reason.txt\"\n\
           sed -i 's/not-an-email/ed@example.hu/' \"$1\"\n\
         else\n\
           sed -i 's/^contact_email:.*/contact_email: not-an-email/; s/New Name/Newer Name/' \"$1\"\n\
         fi\n",
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let editor: &'static str = Box::leak(format!("sh {}", script.display()).into_boxed_str());
    let out = edit(editor).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "ed: config saved\n");
    let cfg = config_json(&h, "ed").await;
    assert_eq!(
        (cfg["display_name"].as_str(), cfg["contact_email"].as_str()),
        (Some("Newer Name"), Some("ed@example.hu")),
        "the edit of the first round is kept"
    );
    let reason = std::fs::read_to_string(h.home.path().join("reason.txt")).unwrap();
    assert!(
        reason.contains("contact_email"),
        "the reason on top: {reason}"
    );
    // Saved unchanged after a refusal: it gives up with the hub's reason.
    let out = edit("sed -i 's/^contact_email:.*/contact_email: nope/'").await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("contact_email"), "{}", stderr(&out));
}

/// What controllers send is data, not terminal commands: escape sequences
/// in a hostname or an event message are shown, not executed.
#[tokio::test]
async fn control_characters_from_the_hub_are_escaped() {
    let h = hub().await;
    let ts = h.clock.now().to_string();
    let evil = "\u{1b}[2J\u{1b}]0;pwned\u{7}";
    let body = json!({"customer_id": "evil", "timestamp": ts, "health": "ok",
                      "system": {"hostname": format!("host{evil}")},
                      "containers": [{"name": format!("c{evil}")}]});
    let client = reqwest::Client::new();
    let resp = client
        .post(format!("{}/api/v1/report", h.url))
        .bearer_auth(KEY)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let event = json!({"customer_id": "evil", "event_type": "app_installed", "severity": "info",
                       "message": format!("installed{evil}")});
    let resp = client
        .post(format!("{}/api/v1/event", h.url))
        .bearer_auth(KEY)
        .json(&event)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    for args in [&["show", "evil"][..], &["events"][..], &["fleet"][..]] {
        let out = h.run(&h.ro, args).await;
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(
            !out.stdout.iter().any(|b| *b == 0x1b || *b == 0x07),
            "{args:?} printed a control character"
        );
    }
    let shown = stdout(&h.run(&h.ro, &["show", "evil"]).await);
    assert!(shown.contains("host\\u{1b}[2J"), "{shown}");
    // JSON stays the API's object: escaped by JSON itself, unchanged.
    let json_out = h.run(&h.ro, &["show", "evil", "-o", "json"]).await;
    let v: Value = serde_json::from_slice(&json_out.stdout).unwrap();
    assert_eq!(
        v["customer"]["hostname"].as_str().unwrap(),
        format!("host{evil}")
    );
}

/// `hubctl fleet | head -1`: the reader goes away, hubctl ends quietly.
#[tokio::test]
async fn a_closed_pipe_ends_quietly() {
    let h = hub().await;
    // More than a pipe buffer (64 KiB) of table, so the write meets the
    // closed pipe.
    for batch in 0..12 {
        let sends = (0..100).map(|i| h.report_as(format!("node-{batch:02}{i:02}")));
        futures_util::future::join_all(sends).await;
    }
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_hubctl"))
        .args(["--server", &h.url, "--token", &h.ro, "fleet"])
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then close the pipe like `head -1`.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    use tokio::io::AsyncReadExt;
    let _ = stdout.read(&mut first).await.unwrap();
    drop(stdout);
    let out = child.wait_with_output().await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}

/// Reads lines until one satisfies `want`, within `secs`.
async fn read_until(
    lines: &mut tokio::io::Lines<tokio::io::BufReader<impl tokio::io::AsyncRead + Unpin>>,
    secs: u64,
    want: impl Fn(&str) -> bool,
) -> String {
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        let line = tokio::time::timeout_at(deadline, lines.next_line())
            .await
            .unwrap_or_else(|_| panic!("not seen in time:\n{seen}"))
            .unwrap()
            .expect("output ended");
        seen.push_str(&line);
        seen.push('\n');
        if want(&line) {
            return seen;
        }
    }
}

/// `fleet --watch` fetches the fleet once, then lives on the stream: many
/// reports are many row messages, not many fleet fetches.
#[tokio::test]
async fn fleet_watch_fetches_once_then_follows_the_stream() {
    let h = hub().await;
    h.report("first", "ok", "1.8.2").await;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_hubctl"))
        .args(["--server", &h.url, "--token", &h.ro, "fleet", "--watch"])
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines =
        tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(child.stdout.take().unwrap()));
    read_until(&mut lines, 10, |l| l.contains(" first ")).await;
    for i in 0..100 {
        h.report(&format!("node-{i:03}"), "ok", "1.8.2").await;
    }
    read_until(&mut lines, 10, |l| l.contains(" node-099 ")).await;
    assert_eq!(
        h.state.metrics.request_count("GET", "/api/admin/v1/fleet"),
        1,
        "one fleet fetch for 100 reports"
    );
    child.kill().await.unwrap();
}

/// `events --follow` has no total timeout (HUBCTL_TIMEOUT bounds ordinary
/// calls only), lives through many keep-alives, and comes back by itself
/// after the hub restarts, saying so once on stderr.
#[tokio::test]
async fn events_follow_outlives_timeouts_and_restarts() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let keepalive = std::time::Duration::from_millis(50);
    let h = hub_on(Arc::new(tempfile::tempdir().unwrap()), listener, keepalive).await;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_hubctl"))
        .args(["--server", &h.url, "--token", &h.ro, "events", "--follow"])
        .env("NO_COLOR", "1")
        .env("HUBCTL_TIMEOUT", "0.5")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines =
        tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(child.stdout.take().unwrap()));
    let mut errs =
        tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(child.stderr.take().unwrap()));
    read_until(&mut lines, 10, |l| l.contains("TIME")).await;
    // Three times the request timeout, thirty keep-alives.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let event = |msg: &str| json!({"customer_id": "f", "event_type": "backup_failed", "severity": "error", "message": msg});
    let post = |h: &Hub, msg: &str| {
        let req = h
            .http
            .post(format!("{}/api/v1/event", h.url))
            .bearer_auth(KEY)
            .json(&event(msg));
        async move { assert_eq!(req.send().await.unwrap().status(), 201) }
    };
    post(&h, "after three timeouts").await;
    read_until(&mut lines, 10, |l| l.contains("after three timeouts")).await;

    let h = h.restart(keepalive).await;
    read_until(&mut errs, 20, |l| l.contains("reconnected")).await;
    post(&h, "after the restart").await;
    read_until(&mut lines, 10, |l| l.contains("after the restart")).await;
    assert!(child.try_wait().unwrap().is_none(), "still running");
    child.kill().await.unwrap();
}

#[tokio::test]
async fn a_stream_that_cannot_start_exits_4() {
    let home = tempfile::tempdir().unwrap();
    for args in [&["events", "--follow"][..], &["fleet", "--watch"][..]] {
        let out = hubctl(
            home.path(),
            &[&["--server", "http://127.0.0.1:9", "--token", "t"], args].concat(),
        )
        .await;
        assert_eq!(out.status.code(), Some(4), "{args:?}: {}", stderr(&out));
    }
}

/// A tmux session running the real `hubctl tui`, on its own tmux server.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn cmd(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux is installed")
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "tui"];
        args.extend_from_slice(keys);
        assert!(self.cmd(&args).status.success());
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "tui"]).stdout).into_owned()
    }

    /// Polls the screen until `want` holds (10 s at most).
    async fn until(&self, what: &str, want: impl Fn(&str) -> bool) -> String {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let s = self.screen();
            if want(&s) {
                return s;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{what}: not on the screen:\n{s}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

/// The real `hubctl tui` in a real terminal (tmux, 120×40) against a hub
/// with reporting customers: it shows them, filters, opens a customer,
/// blocks it after a confirmation, shows a new report without a key
/// press, and exits 0 on `q`.
#[tokio::test]
async fn the_tui_in_a_real_terminal() {
    let h = hub().await;
    for id in ["kovacs-csalad", "nagy-ugyfel", "szabo-peter"] {
        h.report(id, "ok", "1.8.2").await;
    }
    let status_file = h.home.path().join("tui-exit");
    let tmux = Tmux {
        socket: format!("hubctl-test-{}", std::process::id()),
    };
    let command = format!(
        "{color}HOME={home} XDG_CONFIG_HOME={home}/config {bin} --server {url} --token {token} tui; echo EXIT=$? > {status}",
        // In colour only for the screenshots.
        color = if std::env::var_os("HUB_SCREENSHOTS").is_some() {
            "TERM=xterm-256color "
        } else {
            "NO_COLOR=1 "
        },
        home = h.home.path().display(),
        bin = env!("CARGO_BIN_EXE_hubctl"),
        url = h.url,
        token = h.full,
        status = status_file.display(),
    );
    let out = tmux.cmd(&[
        "new-session",
        "-d",
        "-x",
        "120",
        "-y",
        "40",
        "-s",
        "tui",
        &command,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    tmux.until("the fleet", |s| {
        s.contains("kovacs-csalad") && s.contains("szabo-peter") && s.contains("● live")
    })
    .await;
    tmux.keys(&["/", "kov", "Enter"]);
    tmux.until("the filtered fleet", |s| {
        s.contains("kovacs-csalad") && !s.contains("szabo-peter") && s.contains("1 of 3 customers")
    })
    .await;
    tmux.keys(&["Enter"]);
    tmux.until("the customer", |s| {
        s.contains("OK kovacs-csalad") && s.contains("Config")
    })
    .await;
    tmux.keys(&["b"]);
    tmux.until("the confirmation", |s| s.contains("Block kovacs-csalad?"))
        .await;
    tmux.keys(&["y"]);
    tmux.until("the blocked banner", |s| {
        s.contains("BLOCKED: kovacs-csalad")
    })
    .await;
    let view: Value = h
        .http
        .get(format!("{}/api/admin/v1/customers/kovacs-csalad", h.url))
        .bearer_auth(&h.ro)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(view["customer"]["status"], "blocked");

    // Back to the fleet, filter cleared; a new report arrives by itself.
    // One Escape at a time: two ESC bytes read together are one key to
    // the terminal's parser (ESC ESC), and the second would be lost.
    tmux.keys(&["Escape"]);
    // (The filter still holds; the blocked customer is hidden by default.)
    tmux.until("the filtered fleet again", |s| {
        s.contains("No customer matches the filter")
    })
    .await;
    tmux.keys(&["Escape"]);
    tmux.until("the whole fleet", |s| s.contains("szabo-peter"))
        .await;
    h.report("uj-ugyfel", "warn", "1.8.2").await;
    tmux.until("the new customer", |s| s.contains("uj-ugyfel"))
        .await;
    // The README's TUI screenshots (scripts/screenshots.sh): the screen
    // with its colours at 120×40, then at 80×24 after a resize.
    if let Some(dir) = std::env::var_os("HUB_SCREENSHOTS") {
        let dir = std::path::PathBuf::from(dir);
        for (w, hgt) in [("120", "40"), ("80", "24")] {
            assert!(
                tmux.cmd(&["resize-window", "-t", "tui", "-x", w, "-y", hgt])
                    .status
                    .success()
            );
            tmux.until("the resized fleet", |s| {
                s.lines().count() <= hgt.parse().unwrap_or(40) && s.contains("uj-ugyfel")
            })
            .await;
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            let shot = tmux.cmd(&["capture-pane", "-e", "-p", "-t", "tui"]).stdout;
            std::fs::write(dir.join(format!("tui-{w}x{hgt}.ansi")), shot).unwrap();
        }
    }

    tmux.keys(&["q"]);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        // The shell creates the file before it writes to it: an empty
        // file is not the status yet.
        if let Ok(text) = std::fs::read_to_string(&status_file)
            && !text.trim().is_empty()
        {
            assert_eq!(text.trim(), "EXIT=0");
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "hubctl tui did not exit"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// `events --follow` misses nothing stored between reading its page and
/// opening the stream: it follows from the page's stream id (it used to
/// subscribe without one, so such an event was never shown).
#[tokio::test]
async fn events_follow_shows_what_came_between_the_page_and_the_stream() {
    use hubctl::cli::EventsArgs;
    use hubctl::client::{Client, DEFAULT_TIMEOUT};
    use hubctl::commands::view::{events_follower, events_page, follow_events};
    use hubctl::output::{Ctx, Format};
    let h = hub().await;
    h.report("f", "ok", "1.8.2").await;
    let post = |msg: &'static str| {
        let req = h.http.post(format!("{}/api/v1/event", h.url)).bearer_auth(KEY).json(
            &json!({"customer_id": "f", "event_type": "backup_failed", "severity": "error", "message": msg}),
        );
        async move { assert_eq!(req.send().await.unwrap().status(), 201) }
    };
    post("in the page").await;
    let client = Client::new(&h.url, &h.ro, DEFAULT_TIMEOUT).unwrap();
    let args = EventsArgs {
        customer: None,
        severity: None,
        event_type: None,
        since: None,
        limit: 50,
        follow: true,
    };
    let page = events_page(&client, &args).await.unwrap();
    assert_eq!(page.items.len(), 1);
    // Stored after the page was read, before the stream is open.
    post("in between").await;
    let mut follower = events_follower(&client, &page, |_| {});
    let ctx = Ctx {
        format: Format::Table,
        color: false,
        interactive: false,
        yes: false,
    };
    let mut lines = Vec::new();
    let follow = follow_events(&ctx, &args, &page, &mut follower, |l| {
        lines.push(l.to_owned());
        false
    });
    tokio::time::timeout(std::time::Duration::from_secs(10), follow)
        .await
        .expect("the event stored in between was never shown");
    assert!(lines[0].contains("backup_failed  in between"), "{lines:?}");
}

async fn recv(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<hubctl::tui::Msg>,
) -> Result<Option<hubctl::tui::Msg>, tokio::time::error::Elapsed> {
    tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv()).await
}

/// The TUI's stream keeps trying when its very first connection fails (it
/// used to give up and show "reconnecting…" for ever), with backoff, and
/// delivers once the hub is there.
#[tokio::test]
async fn the_tui_stream_outlives_a_failed_first_connection() {
    use hubctl::client::{Client, DEFAULT_TIMEOUT};
    use hubctl::tui::{Msg, follow_stream};
    // An address with nothing listening yet.
    let probe = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = probe.local_addr().unwrap();
    drop(probe);
    let client = Client::new(&format!("http://{addr}"), "tok-ro", DEFAULT_TIMEOUT).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let ms = std::time::Duration::from_millis;
    let task = follow_stream(&client, 0, (ms(20), ms(100)), tx);
    assert!(matches!(
        recv(&mut rx).await,
        Ok(Some(Msg::Connection(false)))
    ));
    // The hub comes up on that address (tokens are made as it starts).
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let h = hub_on(
        Arc::new(tempfile::tempdir().unwrap()),
        listener,
        std::time::Duration::from_secs(15),
    )
    .await;
    assert!(matches!(
        recv(&mut rx).await,
        Ok(Some(Msg::Connection(true)))
    ));
    h.report("late", "ok", "1.8.2").await;
    loop {
        match recv(&mut rx).await {
            Ok(Some(Msg::Stream(hub_proto::admin::StreamMessage::Row { row }))) => {
                assert_eq!(row.summary.customer_id, "late");
                break;
            }
            Ok(Some(_)) => continue,
            other => panic!("no row from the stream: {other:?}"),
        }
    }
    task.abort();
}

#[tokio::test]
async fn maintenance_windows_and_incidents() {
    let h = hub().await;
    h.report("kovacs", "ok", "1.8.2").await;
    let out = h
        .run(
            &h.full,
            &[
                "maintenance",
                "add",
                "kovacs",
                "--for",
                "2h",
                "--reason",
                "disk swap",
                "-o",
                "json",
            ],
        )
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let w: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let id = w["id"].as_i64().unwrap();
    // Two hours from the hub's clock, not the terminal's.
    assert_eq!(w["starts_at"], T0);
    assert_eq!(w["ends_at"], "2026-11-27T12:00:00Z");
    let out = h
        .run(
            &h.full,
            &[
                "maintenance",
                "add",
                "--all",
                "--daily",
                "02:00",
                "--duration",
                "1h",
                "--weekdays",
                "sun,wed",
                "--reason",
                "router reboot",
            ],
        )
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .starts_with("added #2 fleet-wide weekly 02:00 on sun,wed for 3600s (Europe/Budapest)"),
        "{}",
        stdout(&out)
    );

    let out = h.run(&h.ro, &["maintenance", "list"]).await;
    assert_eq!(
        stdout(&out),
        format!(
            "#{id} kovacs once 2026-11-27T10:00:00Z to 2026-11-27T12:00:00Z, active until 2026-11-27T12:00:00Z — disk swap\n\
             #2 fleet-wide weekly 02:00 on sun,wed for 3600s (Europe/Budapest), next 2026-11-29T01:00:00Z — router reboot\n"
        )
    );
    let out = h.run(&h.ro, &["fleet"]).await;
    assert!(
        stdout(&out).contains("maintenance until 13:00"),
        "{}",
        stdout(&out)
    );
    let out = h.run(&h.ro, &["show", "kovacs"]).await;
    assert!(stdout(&out).contains("disk swap"), "{}", stdout(&out));

    // Usage errors are the CLI's: exit 2, nothing sent.
    for bad in [
        &[
            "maintenance",
            "add",
            "kovacs",
            "--all",
            "--for",
            "1h",
            "--reason",
            "x",
        ][..],
        &[
            "maintenance",
            "add",
            "kovacs",
            "--for",
            "1h",
            "--daily",
            "02:00",
            "--duration",
            "1h",
            "--reason",
            "x",
        ],
        &[
            "maintenance",
            "add",
            "kovacs",
            "--for",
            "soon",
            "--reason",
            "x",
        ],
        &["maintenance", "add", "kovacs", "--for", "1h"],
    ] {
        let out = h.run(&h.full, bad).await;
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", stderr(&out));
    }
    // The hub's own checks: exit 3 with its message.
    let out = h
        .run(
            &h.full,
            &[
                "maintenance",
                "add",
                "kovacs",
                "--for",
                "8d",
                "--reason",
                "x",
            ],
        )
        .await;
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("max_once"), "{}", stderr(&out));
    let out = h.run(&h.ro, &["maintenance", "end", &id.to_string()]).await;
    assert_eq!(
        out.status.code(),
        Some(3),
        "read-only tokens cannot end a window"
    );
    let out = h
        .run(&h.full, &["maintenance", "end", &id.to_string()])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("ended window #{id}\n"));
    let out = h
        .run(&h.ro, &["maintenance", "list", "--customer", "kovacs"])
        .await;
    assert!(!stdout(&out).contains("disk swap"), "{}", stdout(&out));

    // An incident, opened by the dispatcher from a pushed event.
    let e = json!({"customer_id": "kovacs", "event_type": "backup_failed", "severity": "error", "message": "restic: repository locked"});
    h.http
        .post(format!("{}/api/v1/event", h.url))
        .bearer_auth(KEY)
        .json(&e)
        .send()
        .await
        .unwrap();
    hub_server::dispatcher(&h.state)
        .await
        .unwrap()
        .drain()
        .await
        .unwrap();
    let out = h.run(&h.ro, &["incidents", "--open"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table = stdout(&out);
    assert!(
        table.starts_with(" ID  CUSTOMER  FAMILY  OPENED"),
        "{table}"
    );
    assert!(
        table.contains("kovacs    backup  2026-11-27T10:00:00Z  open   -     0 sent     restic: repository locked"),
        "{table}"
    );
    let out = h
        .run(&h.ro, &["incidents", "--customer", "kovacs", "-o", "json"])
        .await;
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["incidents"][0]["family"], "backup");
    assert_eq!(v["incidents"][0]["opened_by"], "backup_failed");
    let out = h
        .run(&h.ro, &["incidents", "--customer", "Not An Id"])
        .await;
    assert_eq!(out.status.code(), Some(2));
}

/// A push to a node that has not reported with its own key says what to
/// do next, not only what is missing.
#[tokio::test]
async fn a_push_before_the_first_report_says_what_to_do() {
    let h = hub().await;
    let out = h.run(&h.full, &["config", "create", "fresh"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = h.run(&h.full, &["push", "fresh", "--yes"]).await;
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("install the generated controller.yaml on the node"),
        "{}",
        stderr(&out)
    );
}

/// A webhook receiver on loopback answering every request with `status`.
async fn receiver(status: u16) -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let s = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut buf = vec![0u8; 65536];
            let n = sock.read(&mut buf).await.unwrap_or(0);
            s.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&buf[..n]).into_owned());
            let _ = sock
                .write_all(
                    format!(
                        "HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    )
                    .as_bytes(),
                )
                .await;
        }
    });
    (url, seen)
}

#[tokio::test]
async fn channels_are_added_tested_listed_and_removed() {
    let h = hub().await;
    let (ok_url, seen) = receiver(204).await;
    let (gone_url, _) = receiver(404).await;
    let add = |name: &'static str, url: String| {
        let h = &h;
        async move {
            h.run(
                &h.full,
                &[
                    "channel",
                    "add",
                    name,
                    "--kind",
                    "webhook",
                    "--url",
                    &url,
                    "--secret",
                    "whsec-cli-1",
                ],
            )
            .await
        }
    };
    let out = add("ops-hook", ok_url.clone()).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("hubctl channel test ops-hook"),
        "{}",
        stdout(&out)
    );
    let out = add("dead-hook", gone_url).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A second one of the same name: the hub says no (exit 3).
    let out = add("ops-hook", ok_url).await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    // A refused destination names the key that allows it.
    let out = h
        .run(
            &h.full,
            &[
                "channel",
                "add",
                "x",
                "--kind",
                "ntfy",
                "--url",
                "http://169.254.169.254/t",
            ],
        )
        .await;
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("channels.allowed_networks"),
        "{}",
        stderr(&out)
    );

    // Test: 0 when it went through, 1 when not; a 404 disables nothing
    // here (a test only reports), the list shows the error.
    let out = h.run(&h.full, &["channel", "test", "ops-hook"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "ops-hook: test message sent\n");
    let req = seen.lock().unwrap()[0].to_lowercase();
    assert!(req.contains("x-felhom-signature: sha256="), "{req}");
    assert!(
        !req.contains("whsec-cli-1"),
        "the secret itself is never sent"
    );
    let out = h.run(&h.full, &["channel", "test", "dead-hook"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("404"), "{}", stdout(&out));

    let out = h.run(&h.ro, &["channel", "list"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("ops-hook") && text.contains("dead-hook"),
        "{text}"
    );
    assert!(text.contains("refused it: 404"), "{text}");
    assert!(
        !text.contains("whsec-cli-1") && !text.contains("/hook"),
        "{text}"
    );
    let out = h.run(&h.ro, &["channel", "list", "-o", "json"]).await;
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["channels"].as_array().unwrap().len(), 2);
    assert!(v["channels"][1]["last_ok_at"].is_string(), "{v}");
    // A read-only token cannot change them.
    let out = h.run(&h.ro, &["channel", "remove", "ops-hook"]).await;
    assert_eq!(out.status.code(), Some(3));
    let out = h.run(&h.full, &["channel", "remove", "ops-hook"]).await;
    assert_eq!(out.status.code(), Some(0));
    let out = h.run(&h.full, &["channel", "remove", "ops-hook"]).await;
    assert_eq!(out.status.code(), Some(3));
}

#[tokio::test]
async fn the_digest_is_previewed_read_only_and_sent_with_a_full_token() {
    let h = hub().await;
    h.report("kovacs", "ok", "1.8.2").await;
    let out = h.run(&h.ro, &["digest"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(
            "[felhom digest] all 1 node OK — 2026-11-27\n\n1 node: 1 ok; 0 incidents open.\n"
        ),
        "{text}"
    );
    assert!(text.contains("\nThe hub\n  up "), "{text}");
    let out = h.run(&h.ro, &["digest", "-o", "json"]).await;
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["nodes"], 1);
    // Sending needs a full token; without an operator address it says so.
    let out = h.run(&h.ro, &["digest", "--send"]).await;
    assert_eq!(out.status.code(), Some(3));
    let out = h.run(&h.full, &["digest", "--send"]).await;
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("notifications.operator_email"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn status_links_are_made_and_revoked() {
    let h = hub().await;
    h.report("kovacs", "ok", "1.8.2").await;
    let out = h
        .run(
            &h.full,
            &["status-link", "kovacs", "--ttl", "7d", "-o", "json"],
        )
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(v["url"].as_str().unwrap().contains("/s/"), "{v}");
    assert_eq!(v["expires_at"], "2026-12-04T10:00:00Z");
    let out = h.run(&h.full, &["status-link", "kovacs"]).await;
    assert!(
        stdout(&out).contains("(valid until 2026-12-27T10:00:00Z)"),
        "{}",
        stdout(&out)
    );
    let out = h.run(&h.full, &["status-link", "kovacs", "--revoke"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "every earlier status link of kovacs is revoked\n"
    );
    // Wrong input: the hub's or the CLI's refusal.
    let out = h
        .run(&h.full, &["status-link", "kovacs", "--ttl", "soon"])
        .await;
    assert_eq!(out.status.code(), Some(3));
    let out = h.run(&h.full, &["status-link", "nobody"]).await;
    assert_eq!(out.status.code(), Some(3));
    let out = h
        .run(
            &h.full,
            &["status-link", "kovacs", "--ttl", "1d", "--revoke"],
        )
        .await;
    assert_eq!(out.status.code(), Some(2));
    let out = h.run(&h.ro, &["status-link", "kovacs"]).await;
    assert_eq!(out.status.code(), Some(3));
}
