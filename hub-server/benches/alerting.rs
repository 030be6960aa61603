//! The alerting rules at fleet size, measured (not asserted):
//!
//!   cargo bench -p hub-server --bench alerting
//!
//! A real store in a temporary directory with 10,000 customers that
//! reported, 500 open incidents and 50 maintenance windows, on a manual
//! clock. It measures, in CPU time (the process's threads, and the
//! store's writer thread alone, from `/proc/self/task/*/schedstat`):
//!
//! - a settled tick: the dead man's switch (`staleness::check`) and one
//!   dispatcher round, with nothing to do but look;
//! - a mass outage: every node silent at once — the switch's pass that
//!   records 10,000 transitions and opens the fleet incident, then the
//!   dispatcher rounds that decide the 10,000 events (and how many emails
//!   they queue: one);
//! - its end: every node back, the fleet incident resolved.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hub_proto::alerts::{NewMaintenance, WindowKind};
use hub_proto::{EventType, Health};
use hub_server::clock::{Clock, ManualClock};
use hub_server::config::{Config, Secret};
use hub_server::jobs::staleness;
use hub_server::notify::Dispatcher;
use hub_server::state::AppState;
use hub_server::store::{NewEvent, NewReport, Store};
use hub_server::{ReportKey, build_state, dispatcher};
use jiff::{SignedDuration, Timestamp};

const CUSTOMERS: usize = 10_000;
const INCIDENTS: usize = 500;
const WINDOWS: usize = 50;

/// CPU time of this process's threads, and of the store's writer.
fn cpu() -> (Duration, Duration) {
    let mut all = Duration::ZERO;
    let mut writer = Duration::ZERO;
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return (all, writer);
    };
    for t in tasks.flatten() {
        let p = t.path();
        let ns = std::fs::read_to_string(p.join("schedstat"))
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
            .unwrap_or(0);
        let d = Duration::from_nanos(ns);
        all += d;
        let name = std::fs::read_to_string(p.join("comm")).unwrap_or_default();
        if name.trim() == "store-write" {
            writer += d;
        }
    }
    (all, writer)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

struct Cost {
    wall: Duration,
    cpu: Duration,
    writer: Duration,
}

async fn measure<T>(f: impl std::future::Future<Output = T>) -> (T, Cost) {
    let (c0, w0) = cpu();
    let t0 = Instant::now();
    let out = f.await;
    let wall = t0.elapsed();
    let (c1, w1) = cpu();
    (
        out,
        Cost {
            wall,
            cpu: c1.saturating_sub(c0),
            writer: w1.saturating_sub(w0),
        },
    )
}

fn report(id: &str, ts: Timestamp) -> Vec<u8> {
    serde_json::json!({
        "customer_id": id, "timestamp": ts, "controller_version": "1.8.2", "health": "ok",
        "system": {"hostname": format!("host-{id}"), "cpu_percent": 12.5},
        "storage": [{"mount_point": "/", "total_bytes": 250_000_000_000u64, "used_bytes": 61_000_000_000u64}],
        "backup": {"last_backup_ok": true}
    })
    .to_string()
    .into_bytes()
}

/// Emails waiting for delivery (nobody listens at the Resend address, so
/// every one queued stays).
async fn queued(store: &Store) -> usize {
    store
        .pending_deliveries()
        .await
        .map(|(n, _)| n as usize)
        .unwrap_or(0)
}

async fn report_all(store: &Store, now: Timestamp) {
    for chunk in (0..CUSTOMERS).collect::<Vec<_>>().chunks(500) {
        let mut tasks = Vec::new();
        for &i in chunk {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let id = format!("customer-{i:05}");
                let raw = report(&id, now);
                let parsed: hub_proto::Report = serde_json::from_slice(&raw).ok()?;
                let (dict, body) = store.codec().compress_report(&raw).ok()?;
                store
                    .insert_report(NewReport {
                        customer_id: id,
                        timestamp: now,
                        received_at: now,
                        health: Health::Ok,
                        monitoring_disabled: false,
                        controller_version: Some("1.8.2".into()),
                        controller_url: None,
                        hostname: None,
                        signals: parsed.signals(),
                        dict,
                        body,
                        own_key: None,
                    })
                    .await
                    .ok()
            }));
        }
        for t in tasks {
            let _ = t.await;
        }
    }
}

fn main() -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(run())
}

async fn run() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let t0: Timestamp = "2026-11-27T10:00:00Z".parse()?;
    let mut config = Config::default();
    config.server.data_dir = dir.path().to_owned();
    config.api.report_api_key = Secret("bench-report-key".into());
    config.notifications.operator_email = "ops@felhom.eu".into();
    // Nobody listens there: queued emails stay queued (counted, never sent).
    config.notifications.resend_base_url = "http://127.0.0.1:9".into();
    config.notifications.resend_api_key = Secret("re_bench".into());
    let store = Store::open(dir.path(), Default::default())?;
    let clock = Arc::new(ManualClock::new(t0));
    let key = ReportKey {
        key: "bench-report-key".into(),
        generated: None,
    };
    let state = Arc::new(build_state(config, key, store.clone(), clock.clone()).await?);
    let dispatcher = dispatcher(&state).await?;

    let setup = Instant::now();
    report_all(&store, t0).await;
    for i in 0..INCIDENTS {
        store
            .insert_event(NewEvent {
                customer_id: format!("customer-{:05}", i * 7),
                event_type: EventType::BackupFailed,
                severity: EventType::BackupFailed.usual_severity(),
                message: "restic exited 1".into(),
                details: None,
                occurred_at: t0,
                received_at: t0,
                from_hub: false,
                event_id: None,
            })
            .await?;
    }
    dispatcher.drain().await?;
    for i in 0..WINDOWS {
        let w = NewMaintenance {
            customer_id: Some(format!("customer-{:05}", i * 13 + 1)),
            kind: WindowKind::Daily,
            starts_at: None,
            ends_at: None,
            start_time: Some("03:00".into()),
            duration_s: Some(3600),
            weekdays: Vec::new(),
            timezone: "Europe/Budapest".into(),
            reason: "nightly".into(),
        };
        store
            .add_maintenance(w, "Europe/Budapest".into(), "bench".into(), t0)
            .await?;
    }
    let before = queued(&store).await;
    println!(
        "setup: {CUSTOMERS} customers, {INCIDENTS} open incidents ({before} emails queued), {WINDOWS} windows in {:.1} s",
        setup.elapsed().as_secs_f64()
    );

    // Settled: a tick a minute for 20 minutes, nothing due.
    let mut check = Vec::new();
    let mut both = Vec::new();
    for _ in 0..20 {
        clock.advance(SignedDuration::from_mins(1));
        let (r, c) = measure(staleness::check(&state)).await;
        anyhow::ensure!(r? == 0, "a settled fleet made transitions");
        let (_, d) = measure(dispatcher.round()).await;
        check.push(c.cpu);
        both.push(c.cpu + d.cpu);
    }
    check.sort();
    both.sort();
    println!(
        "settled tick: switch CPU median {} max {}; switch + dispatcher round median {} max {}",
        ms(check[check.len() / 2]),
        ms(check[check.len() - 1]),
        ms(both[both.len() / 2]),
        ms(both[both.len() - 1])
    );

    // Every node silent at once.
    clock.advance(SignedDuration::from_mins(15));
    let (n, c) = measure(staleness::check(&state)).await;
    println!(
        "mass outage, switch pass: {} transitions, wall {}, CPU {}, writer {}",
        n?,
        ms(c.wall),
        ms(c.cpu),
        ms(c.writer)
    );
    let mut rounds = 0;
    let mut worst_writer = Duration::ZERO;
    let mut total = Cost {
        wall: Duration::ZERO,
        cpu: Duration::ZERO,
        writer: Duration::ZERO,
    };
    loop {
        let (r, c) = measure(dispatcher.round()).await;
        let r = r?;
        rounds += 1;
        worst_writer = worst_writer.max(c.writer);
        total.wall += c.wall;
        total.cpu += c.cpu;
        total.writer += c.writer;
        if r.decided == 0 {
            break;
        }
    }
    let emails = queued(&store).await - before;
    println!(
        "mass outage, dispatcher: {rounds} rounds, wall {}, CPU {}, writer {} (worst round {}); emails queued: {emails}",
        ms(total.wall),
        ms(total.cpu),
        ms(total.writer),
        ms(worst_writer)
    );

    // Down 30 minutes later: more transitions, still held.
    clock.advance(SignedDuration::from_mins(30));
    let emails = switch_and_drain(&state, &dispatcher, "mass outage, down", "transitions").await?;
    println!("{}", emails - before);

    // Everyone back.
    clock.advance(SignedDuration::from_mins(5));
    report_all(&store, clock.now()).await;
    let emails = switch_and_drain(&state, &dispatcher, "the end", "recoveries").await?;
    println!("{}", emails - before);
    Ok(())
}

/// One switch pass and the dispatcher's rounds after it, measured and
/// printed up to "emails queued: "; returns the emails queued so far.
async fn switch_and_drain(
    state: &Arc<AppState>,
    dispatcher: &Dispatcher,
    label: &str,
    what: &str,
) -> anyhow::Result<usize> {
    let (n, c) = measure(staleness::check(state)).await;
    let (_, d) = measure(dispatcher.drain()).await;
    print!(
        "{label}: {} {what}, switch writer {}, dispatcher wall {} writer {}; emails queued: ",
        n?,
        ms(c.writer),
        ms(d.wall),
        ms(d.writer)
    );
    Ok(queued(&state.store).await)
}
