//! The store below the API: the compression dictionary and its effect.

use serde_json::Value;

use crate::*;

#[tokio::test]
async fn dictionary_is_trained_and_old_rows_stay_readable() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let opts = StoreOptions {
        dict_train_after: 150,
        ..Default::default()
    };
    let hub = Hub::start_in(dir, opts).await;
    let start: jiff::Timestamp = T0.parse().unwrap();
    let mut sent = Vec::new();
    for i in 0..400 {
        let ts = start + jiff::SignedDuration::from_mins(i);
        let mut body = report(&format!("node-{}", i % 20), &ts.to_string());
        body["system"]["uptime_seconds"] = (1000 + i).into();
        let raw = body.to_string();
        assert_eq!(
            hub.post("/api/v1/report", Some(KEY), raw.clone())
                .await
                .status(),
            200
        );
        sent.push(raw);
    }
    // Training and recompression run in the background; wait for them.
    let mut trained = false;
    // Up to 30 s: the whole suite runs beside it on two cores.
    for _ in 0..600 {
        let (dicts, undicted) = hub
            .store
            .read(|c| {
                let d: i64 =
                    c.query_row("SELECT count(*) FROM compression_dicts", [], |r| r.get(0))?;
                let u: i64 =
                    c.query_row("SELECT count(*) FROM reports WHERE dict = 0", [], |r| {
                        r.get(0)
                    })?;
                Ok((d, u))
            })
            .await
            .unwrap();
        if dicts == 1 && undicted == 0 {
            trained = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(trained, "dictionary was not trained and applied");
    let avg: f64 = hub
        .store
        .read(|c| Ok(c.query_row("SELECT avg(length(body)) FROM reports", [], |r| r.get(0))?))
        .await
        .unwrap();
    let raw_avg = sent.iter().map(String::len).sum::<usize>() as f64 / sent.len() as f64;
    assert!(avg * 4.0 < raw_avg, "compressed {avg} vs raw {raw_avg}");

    // Every report, old or new, reads back byte for byte.
    let mut seen = 0;
    for n in 0..20 {
        let text = hub
            .get(
                &format!("/api/v1/customers/node-{n}/history?period=24h"),
                Some(KEY),
            )
            .await
            .text()
            .await
            .unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        for r in v["reports"].as_array().unwrap() {
            let got = r["report"].to_string();
            assert!(sent.contains(&got));
            seen += 1;
        }
    }
    assert_eq!(seen, 400);
    hub.stop().await;
}

/// A full write queue is a 503 with `Retry-After` that stores nothing, not
/// an unbounded pile of waiting requests; the hub recovers by itself.
#[tokio::test]
async fn a_full_write_queue_answers_503_with_retry_after() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let opts = StoreOptions {
        write_queue: 1,
        ..Default::default()
    };
    let hub = Hub::start_in(dir, opts).await;
    // Hold the writer, then fill its queue of one.
    let (held_tx, held_rx) = std::sync::mpsc::channel::<()>();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let store = hub.store.clone();
    let blocker = tokio::spawn(async move {
        store
            .write(move |_, _| {
                let _ = held_tx.send(());
                let _ = release_rx.recv();
                Ok(())
            })
            .await
    });
    tokio::task::spawn_blocking(move || held_rx.recv())
        .await
        .unwrap()
        .unwrap();
    let store = hub.store.clone();
    let queued = tokio::spawn(async move { store.write(|_, _| Ok(())).await });
    // Wait until it is in the queue (the queue of one is then full).
    while hub.store.queued_writes() < 1 {
        tokio::task::yield_now().await;
    }
    let resp = hub
        .post_json("/api/v1/report", Some(KEY), &report("busy", T0))
        .await;
    assert_eq!(resp.headers()["retry-after"], "1");
    assert_eq!(error_code(resp, 503).await, "overloaded");
    release_tx.send(()).unwrap();
    blocker.await.unwrap().unwrap();
    queued.await.unwrap().unwrap();
    assert_eq!(fleet_len(&hub).await, 0);
    let resp = hub
        .post_json("/api/v1/report", Some(KEY), &report("busy", T0))
        .await;
    assert_eq!(resp.status(), 200);
    hub.stop().await;
}

/// Posts `n` reports at once (distinct customers, timestamps from `from`)
/// and checks each was acknowledged.
async fn post_round(hub: &Hub, from: jiff::Timestamp, n: i64) {
    let mut tasks = Vec::new();
    for i in 0..n {
        let ts = from + jiff::SignedDuration::from_secs(i);
        let body = report(&format!("w-{i}"), &ts.to_string()).to_string();
        let client = hub.client.clone();
        let url = format!("{}/api/v1/report", hub.url);
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(KEY)
                .body(body)
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
}

/// The WAL bound of the two WAL tests: small, so a few thousand reports
/// cross it.
const SMALL_WAL: u64 = 512 * 1024;

async fn small_wal_hub() -> (Hub, Arc<tempfile::TempDir>, std::path::PathBuf) {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let opts = StoreOptions {
        wal_limit_bytes: SMALL_WAL,
        synchronous_full: false,
        ..Default::default()
    };
    let hub = Hub::start_in(dir.clone(), opts).await;
    let wal = dir.path().join("hub.db-wal");
    (hub, dir, wal)
}

/// A backup's long read keeps the WAL from being restarted; ingest goes
/// on meanwhile (the writer only looks, it does not wait on the reader
/// for every commit), and once the reader is gone the WAL restarts and
/// its file is cut back to the bound.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_reader_holds_the_wal_back_but_not_ingest() {
    if crate::sqlite_only("the WAL bound") {
        return;
    }
    let (hub, dir, wal) = small_wal_hub().await;
    let limit = SMALL_WAL;
    let wal_len = || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    let start: jiff::Timestamp = T0.parse().unwrap();
    post_round(&hub, start, 50).await;

    let mut reader = rusqlite::Connection::open(dir.path().join("hub.db")).unwrap();
    let tx = reader.transaction().unwrap();
    let _: i64 = tx
        .query_row("SELECT count(*) FROM reports", [], |r| r.get(0))
        .unwrap();
    let mut round = 1;
    while wal_len() <= 2 * limit {
        post_round(
            &hub,
            start + jiff::SignedDuration::from_secs(round * 100),
            100,
        )
        .await;
        round += 1;
        assert!(round < 200, "the WAL never grew past its bound");
    }
    drop(tx);
    drop(reader);
    // The writer tries again after its back-off, on a later commit; the
    // restart cuts the file, grown past twice the bound, back to the bound
    // (it then grows again towards twice the bound before the next one).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while wal_len() > limit + limit / 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "the WAL file was never cut back"
        );
        post_round(
            &hub,
            start + jiff::SignedDuration::from_secs(round * 100),
            20,
        )
        .await;
        round += 1;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    hub.stop().await;
}

/// Under sustained ingest the WAL stays near its bound instead of growing
/// until the volume is full.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wal_stays_bounded_under_sustained_writes() {
    if crate::sqlite_only("the WAL bound") {
        return;
    }
    let (hub, _dir, wal) = small_wal_hub().await;
    let limit = SMALL_WAL;
    let start: jiff::Timestamp = T0.parse().unwrap();
    for round in 0..40 {
        post_round(
            &hub,
            start + jiff::SignedDuration::from_secs(round * 100),
            100,
        )
        .await;
    }
    // Measured by the writer after every commit (SQLite's WAL hook), not
    // by sampling the file while the checkpoint thread races the writer.
    let largest = hub.store.wal_peak_bytes();
    assert!(
        largest > limit,
        "the test never crossed the bound: {largest}"
    );
    // The file is cut back to the bound at each restart, and never grows
    // past the WAL itself.
    let file = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    // (A WAL file has a 32-byte header before its frames.)
    assert!(
        file <= largest.max(limit) + 32,
        "file {file}, WAL {largest}"
    );
    // The bound plus 2 MiB at most: past the bound the writer waits (up
    // to twice it, 1 MiB here) for the checkpoint thread to catch up
    // before restarting it; a reader that holds a restart off (the
    // dictionary training's read, once in this run) lets it grow to four
    // times (2 MiB) before the writer waits for as long as it takes; and
    // the group commit in flight adds its pages. The writer's checkpoint
    // once lost a race with the checkpoint thread's copy, was taken for a
    // long reader, and the WAL reached 3.1 MB here.
    assert!(
        largest <= limit + 2 * 1024 * 1024,
        "WAL reached {largest} bytes"
    );
    hub.stop().await;
}

/// A sink that records what it is handed, for the write contract's test.
#[derive(Default)]
struct Recorder {
    loaded: std::sync::Mutex<Vec<String>>,
    committed: std::sync::Mutex<Vec<String>>,
}

impl hub_server::store::CommitSink for Recorder {
    fn load(
        &self,
        records: Vec<hub_server::store::FleetRecord>,
        _windows: Vec<hub_proto::alerts::MaintenanceWindow>,
    ) {
        *self.loaded.lock().unwrap() = records.into_iter().map(|r| r.customer_id).collect();
    }

    fn committed(&self, changes: Vec<hub_server::store::Change>) {
        self.committed
            .lock()
            .unwrap()
            .extend(changes.iter().map(|c| c.customer_id().to_owned()));
    }
}

/// The write contract: a write reports what it changed; the sink hears of
/// it only after the commit (before the write's answer), never for a write
/// that rolled back, and the attach loads what was committed before it.
#[tokio::test]
async fn the_sink_hears_of_committed_changes_only() {
    use hub_server::store::Change;
    let dir = tempfile::tempdir().unwrap();
    let store = crate::open_store(dir.path(), crate::fast()).unwrap();
    assert!(store.set_blocked("nobody".into(), true).await.is_ok());
    store
        .write(|c, _| {
            c.execute(
                "INSERT INTO customers (customer_id, created_at) VALUES ('early', 0)",
                [],
            )?;
            Ok(())
        })
        .await
        .unwrap();
    let sink = Arc::new(Recorder::default());
    store.attach(sink.clone()).await.unwrap();
    assert_eq!(*sink.loaded.lock().unwrap(), ["early"]);

    let blocked = |id: &str| Change::Blocked {
        customer_id: id.into(),
        blocked: true,
    };
    // Committed: heard before the answer.
    store
        .write(move |_, changes| {
            changes.push(blocked("kept"));
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(*sink.committed.lock().unwrap(), ["kept"]);
    // Rolled back: never heard, while a sibling in the same group is.
    let failing = store.write(move |_, changes| -> Result<(), _> {
        changes.push(blocked("rolled-back"));
        Err(hub_server::store::StoreError::Corrupt("refused".into()))
    });
    let sibling = store.write(move |_, changes| {
        changes.push(blocked("sibling"));
        Ok(())
    });
    let (f, s) = tokio::join!(failing, sibling);
    assert!(f.is_err() && s.is_ok());
    assert_eq!(*sink.committed.lock().unwrap(), ["kept", "sibling"]);
    store.close().await;
}
