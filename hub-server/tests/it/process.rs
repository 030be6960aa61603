//! The real `hub-server` binary: first start on defaults, config errors,
//! graceful stop on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_hub-server");

/// The binary, kept off every network but loopback.
/// Runs a command that must succeed and returns what it printed (its
/// stderr in the failure message otherwise).
pub(crate) fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub(crate) fn hub() -> Command {
    let mut c = Command::new(BIN);
    c.env(
        "HUB_REGISTRY_IMAGE",
        "http://127.0.0.1:9/admin/felhom-controller",
    )
    .env("HUB_NOTIFICATIONS_RESEND_BASE_URL", "http://127.0.0.1:9")
    .env_remove("HUB_CONFIG");
    c
}

#[test]
fn first_start_generates_a_private_key_and_sigterm_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = hub()
        .current_dir(dir.path())
        .env("HUB_SERVER_LISTEN", "127.0.0.1:0")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut addr = None;
    let mut before = Vec::new();
    for line in lines.by_ref() {
        let line = strip_ansi(&line.unwrap());
        before.push(line.clone());
        if let Some(pos) = line.find("addr=") {
            let rest = &line[pos + 5..];
            let end = rest.find(' ').unwrap_or(rest.len());
            addr = Some(rest[..end].to_owned());
            break;
        }
    }
    let addr = addr.expect("listening address logged");
    let path = dir.path().join("hub-data/report_api_key");
    let key = std::fs::read_to_string(&path).unwrap().trim().to_owned();
    assert_eq!(key.len(), 64);
    // stdout is not a terminal here (as in a pod): it is a log, so it says
    // where the key is and never the key itself.
    let early = before.join("\n");
    assert!(
        !early.contains(&key),
        "key printed to a non-terminal: {early}"
    );
    assert!(early.contains("report_api_key"), "{early}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        // Everything else it made is private too, whatever the umask it
        // was started with (this test's is the usual 022).
        let data = dir.path().join("hub-data");
        let mode = std::fs::metadata(&data).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "data dir");
        for entry in std::fs::read_dir(&data).unwrap() {
            let entry = entry.unwrap();
            let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", entry.path().display());
        }
    }

    // The key works over real HTTP; the request is logged without it.
    let client = std::net::TcpStream::connect(&addr).unwrap();
    drop(client);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let status = rt.block_on(async {
        reqwest::Client::new()
            .get(format!("http://{addr}/api/v1/customers"))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 200);

    let exit = sigterm(&mut child);
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert_eq!(exit, Some(0), "{rest:?}");
    let log = rest.join("\n");
    assert!(log.contains("/api/v1/customers"), "{log}");
    assert!(!log.contains(&key), "key leaked into the log");

    // A second start reuses the key and prints nothing about it.
    let out = hub()
        .current_dir(dir.path())
        .env("HUB_SERVER_LISTEN", "nowhere")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("server.listen"), "{err}");
}

#[test]
fn unknown_config_key_stops_start_up_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("hub.yaml");
    std::fs::write(&cfg, "alerting:\n  stale_treshold: 30m\n").unwrap();
    let out = hub().arg("--config").arg(&cfg).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("alerting.stale_treshold"), "{err}");
}

#[test]
fn help_documents_defaults_and_env() {
    let out = hub().arg("--help").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "./hub-data",
        "127.0.0.1:8080",
        "HUB_CONFIG",
        "HUB_<SECTION>_<KEY>",
        "SIGTERM",
        "--log-format",
    ] {
        assert!(text.contains(needle), "{needle} missing from --help");
    }
}

#[test]
fn version_names_the_commit() {
    let out = hub().arg("--version").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    // "hub-server 0.4.0 (0123456789ab)"
    assert!(
        text.starts_with(&format!("hub-server {} (", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    let commit = text
        .trim()
        .rsplit('(')
        .next()
        .unwrap()
        .trim_end_matches(')');
    assert!(!commit.is_empty(), "{text}");
}

#[test]
fn healthcheck_exits_zero_only_while_the_hub_answers() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = hub()
        .current_dir(dir.path())
        .env("HUB_SERVER_LISTEN", "127.0.0.1:0")
        .env("HUB_API_REPORT_API_KEY", "health-key")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = listening_addr(&mut lines);
    std::thread::spawn(move || lines.for_each(drop));
    let check = |listen: &str| {
        hub()
            .arg("healthcheck")
            .current_dir(dir.path())
            .env("HUB_SERVER_LISTEN", listen)
            .output()
            .unwrap()
    };
    let ok = check(&addr);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    // A wildcard listen address is asked on loopback.
    let port = addr.rsplit(':').next().unwrap();
    assert!(check(&format!("0.0.0.0:{port}")).status.success());
    assert_eq!(sigterm(&mut child), Some(0));
    let down = check(&addr);
    assert_eq!(down.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&down.stderr).contains("cannot connect"));
}

/// SIGTERM, as an orchestrator stops the hub; the exit code within 10 s.
pub(crate) fn sigterm(child: &mut std::process::Child) -> Option<i32> {
    let pid = child.id().to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status().ok()?;
    assert!(sent.success(), "kill -TERM {pid} failed");
    wait_timeout(child, Duration::from_secs(10))
}

fn wait_timeout(child: &mut std::process::Child, limit: Duration) -> Option<i32> {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if let Ok(Some(status)) = child.try_wait() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    None
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c2 in chars.by_ref() {
                if c2 == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Reads the child's log until it says where it listens.
pub(crate) fn listening_addr(lines: &mut impl Iterator<Item = std::io::Result<String>>) -> String {
    for line in lines.by_ref() {
        let line = strip_ansi(&line.unwrap());
        if let Some(pos) = line.find("addr=") {
            let rest = &line[pos + 5..];
            return rest[..rest.find(' ').unwrap_or(rest.len())].to_owned();
        }
    }
    panic!("hub-server exited before listening");
}

#[test]
fn with_a_config_file_the_jobs_and_the_dispatcher_run_on_their_own() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (resend, resend_url) = rt.block_on(crate::fakes::FakeResend::start());
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("hub.yaml");
    std::fs::write(
        &cfg,
        format!(
            "api:\n  report_api_key: \"e2e-key\"\n\
             notifications:\n  resend_api_key: \"{}\"\n  resend_base_url: \"{resend_url}\"\n  operator_email: \"ops@felhom.eu\"\n\
             alerting:\n  stale_threshold: \"2s\"\n  down_threshold: \"5s\"\n  check_interval: \"1s\"\n\
             server:\n  listen: \"127.0.0.1:0\"\n  data_dir: \"{}\"\n",
            crate::fakes::RESEND_KEY,
            dir.path().join("data").display()
        ),
    )
    .unwrap();
    let mut child = hub()
        .arg("--config")
        .arg(&cfg)
        .env_remove("HUB_NOTIFICATIONS_RESEND_BASE_URL")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = listening_addr(&mut lines);
    let drain = std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<_>>());

    let report = crate::report("e2e-node", &jiff::Timestamp::now().to_string());
    let status = rt.block_on(async {
        reqwest::Client::new()
            .post(format!("http://{addr}/api/v1/report"))
            .bearer_auth("e2e-key")
            .json(&report)
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 200);
    // Real time passes here (a real process has a real clock): poll for
    // the two pages with a deadline instead of sleeping a fixed time.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let subjects = loop {
        let s: Vec<String> = resend
            .delivered()
            .iter()
            .map(|m| m.body["subject"].as_str().unwrap_or("").to_owned())
            .collect();
        let paged = |what: &str| s.iter().any(|x| x.contains(what));
        let done = paged("e2e-node: node is stale") && paged("e2e-node: node is DOWN");
        if done || std::time::Instant::now() > deadline {
            break s;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(sigterm(&mut child), Some(0));
    let log = drain.join().unwrap().join("\n");
    let stale = subjects
        .iter()
        .position(|s| s.contains("e2e-node: node is stale"));
    let down = subjects
        .iter()
        .position(|s| s.contains("e2e-node: node is DOWN"));
    assert!(
        matches!((stale, down), (Some(a), Some(b)) if a < b),
        "{subjects:?}\n{log}"
    );
    // One page per transition, however many checks ran.
    assert_eq!(
        subjects.iter().filter(|s| s.contains("node is")).count(),
        2,
        "{subjects:?}"
    );
    assert!(log.contains("job staleness"), "{log}");
    assert!(
        !log.contains(crate::fakes::RESEND_KEY),
        "Resend key leaked into the log"
    );
}

#[test]
fn preview_email_prints_texts_without_sending() {
    let out = hub()
        .args(["preview-email", "disk_missing"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("Subject: Az egyik lemez nem érhető el"),
        "{text}"
    );
    assert!(text.contains("Kedves Ügyfelünk!"));
    let out = hub()
        .args([
            "preview-email",
            "node_down",
            "--channel",
            "operator",
            "--html",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("<p><strong>kovacs-csalad</strong>"));
    let out = hub()
        .args(["preview-email", "cert_expiring"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("never emailed to customers") && !err.contains("backtrace"),
        "{err}"
    );
    // The incident emails, by the names the notification log gives them.
    let out = hub()
        .args(["preview-email", "mass_outage", "--channel", "operator"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("Subject: [felhom ERROR] Mass outage: 8 of 8 nodes silent since 02:10"),
        "{text}"
    );
    let out = hub()
        .args(["preview-email", "node_resolved"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("A probléma időtartama: 2 óra 15 perc"),
        "{text}"
    );
    let out = hub().args(["preview-email", "reminder"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--channel operator"));
}

/// The hub on `data` with the global report `key`, logging at `info` to a
/// pipe: the child, its log from after the listening line, its address.
fn serve_logging(
    data: &str,
    key: &str,
) -> (
    std::process::Child,
    std::io::Lines<BufReader<std::process::ChildStdout>>,
    String,
) {
    let mut child = hub()
        .env("HUB_SERVER_LISTEN", "127.0.0.1:0")
        .env("HUB_SERVER_DATA_DIR", data)
        .env("HUB_API_REPORT_API_KEY", key)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = listening_addr(&mut lines);
    (child, lines, addr)
}

/// `hub-server token create --read-only` on `data`: the token it printed.
fn read_only_token(data: &str, name: &str) -> String {
    let text = stdout_of(
        hub()
            .args(["token", "create", "--name", name, "--read-only"])
            .env("HUB_SERVER_DATA_DIR", data),
    );
    text.split_whitespace()
        .find(|w| w.starts_with("hubadm_"))
        .expect("token printed")
        .to_owned()
}

#[test]
fn a_token_created_while_the_hub_runs_works_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data_s = data.display().to_string();
    let (mut child, lines, addr) = serve_logging(&data_s, "sim-report-key");
    let drain = std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<_>>());

    // Same data dir, separate process, server running.
    let token = read_only_token(&data_s, "ci");
    let again = hub()
        .args(["token", "create", "--name", "ci"])
        .env("HUB_SERVER_DATA_DIR", &data_s)
        .output()
        .unwrap();
    assert!(!again.status.success());
    let listed = hub()
        .args(["token", "list"])
        .env("HUB_SERVER_DATA_DIR", &data_s)
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed.contains("ci\tread-only") && !listed.contains(&token),
        "{listed}"
    );

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        for id in ["demo-1", "demo-2"] {
            let mut r = crate::report(id, &jiff::Timestamp::now().to_string());
            r["health"] = "warn".into();
            let resp = reqwest::Client::new()
                .post(format!("http://{addr}/api/v1/report"))
                .bearer_auth("sim-report-key")
                .json(&r)
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 200);
        }
    });
    let fleet: serde_json::Value = rt.block_on(async {
        reqwest::Client::new()
            .get(format!("http://{addr}/api/admin/v1/fleet"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    let ids: Vec<&str> = fleet["customers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["customer_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec!["demo-1", "demo-2"]);
    assert!(
        fleet["customers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] == "warn")
    );

    let revoked = hub()
        .args(["token", "revoke", "ci"])
        .env("HUB_SERVER_DATA_DIR", &data_s)
        .output()
        .unwrap();
    assert!(revoked.status.success());
    let status = rt.block_on(async {
        reqwest::Client::new()
            .get(format!("http://{addr}/api/admin/v1/fleet"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 401);

    assert_eq!(sigterm(&mut child), Some(0));
    let log = drain.join().unwrap().join("\n");
    assert!(!log.contains(&token), "admin token leaked into the log");
}

/// A log reader that stops reading (a stalled container runtime, a full
/// pipe) must not stop the hub: the server's log is written off the
/// runtime, and what the buffer cannot hold is dropped and counted.
#[test]
fn a_stdout_nobody_reads_does_not_stop_the_hub() {
    let dir = tempfile::tempdir().unwrap();
    let data_s = dir.path().join("data").display().to_string();
    let token = read_only_token(&data_s, "scrape");
    // Read up to the address, then never again: the pipe (64 KiB) fills
    // after a few hundred request lines, the log's buffer after 8,192.
    let (mut child, lines, addr) = serve_logging(&data_s, "stall-key");
    let base = format!("http://{addr}");

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dropped = rt.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let url = format!("{base}/api/v1/customers");
        let workers = (0..8).map(|_| {
            let (client, url) = (client.clone(), url.clone());
            async move {
                for _ in 0..1200 {
                    let resp = client
                        .get(&url)
                        .bearer_auth("stall-key")
                        .send()
                        .await
                        .expect("the hub answers while its log is not read");
                    assert_eq!(resp.status(), 200);
                }
            }
        });
        futures_util::future::join_all(workers).await;
        let metrics = client
            .get(format!("{base}/metrics"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        metrics
            .lines()
            .find_map(|l| l.strip_prefix("hub_log_lines_dropped "))
            .expect("the dropped lines are in /metrics")
            .trim()
            .parse::<u64>()
            .unwrap()
    });
    // 9,600 request lines: more than the pipe and the buffer hold.
    assert!(dropped > 0, "{dropped} lines dropped");
    assert_eq!(sigterm(&mut child), Some(0));
    drop(lines);
}
