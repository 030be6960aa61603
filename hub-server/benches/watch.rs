//! The digest and the drift job at fleet size, measured (not asserted):
//!
//!   cargo bench -p hub-server --bench watch
//!
//! - the digest over 10,000 reporting customers with 90 days of history
//!   (two events per customer per day, 1.8 million rows; 500 incidents a
//!   day resolved, 500 open; a notification log): wall and CPU time of
//!   building it, as `GET /digest` and the 07:30 job do;
//! - the drift job over 1,000 managed customers served by hub-sim on
//!   loopback (each node holds exactly what the hub would push): one full
//!   pass (every customer due), its wall and CPU time, the most controller
//!   calls seen in flight at once, and what that is per
//!   `drift.check_interval` (6 h) as a share of one core;
//! - a customer's status page (`GET /s/<token>`) on that same database
//!   (with a node incident every ten days per customer for the
//!   availability bar), over HTTP on loopback with `Accept-Encoding: br,
//!   gzip`: latency p50/p99/max over 2,000 pages of random customers, two
//!   at a time, and the compressed size.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hub_proto::Health;
use hub_server::clock::ManualClock;
use hub_server::config::{Cidr, Config, Secret};
use hub_server::store::{NewCustomerConfig, NewReport, Store};
use hub_server::{ReportKey, build_state};
use jiff::{SignedDuration, Timestamp};

const CUSTOMERS: usize = 10_000;
const DAYS: i64 = 90;
const MANAGED: usize = 1_000;

/// CPU time of this process's threads.
fn cpu() -> Duration {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Duration::ZERO;
    };
    tasks
        .flatten()
        .filter_map(|t| {
            std::fs::read_to_string(t.path().join("schedstat"))
                .ok()?
                .split_whitespace()
                .next()?
                .parse::<u64>()
                .ok()
        })
        .map(Duration::from_nanos)
        .sum()
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async {
        digest().await?;
        drift().await
    })
}

fn config(dir: &std::path::Path) -> Config {
    let mut config = Config::default();
    config.server.data_dir = dir.to_owned();
    config.api.report_api_key = Secret("bench-report-key".into());
    config.notifications.operator_email = "ops@felhom.eu".into();
    config.notifications.resend_base_url = "http://127.0.0.1:9".into();
    config.registry.image = "http://127.0.0.1:9/felhom-controller".into();
    config.controllers.allow_insecure = true;
    config.controllers.allowed_networks = Cidr::parse("127.0.0.0/8").into_iter().collect();
    config
}

fn key() -> ReportKey {
    ReportKey {
        key: "bench-report-key".into(),
        generated: None,
    }
}

async fn report(
    store: &Store,
    id: String,
    url: Option<String>,
    now: Timestamp,
) -> anyhow::Result<()> {
    let managed = url.is_some();
    let raw = serde_json::json!({
        "customer_id": id, "timestamp": now, "controller_version": "1.8.2", "health": "ok",
        "controller_url": url, "backup": {"last_backup_ok": true}
    })
    .to_string()
    .into_bytes();
    let parsed: hub_proto::Report = serde_json::from_slice(&raw)?;
    let (dict, body) = store.codec().compress_report(&raw)?;
    store
        .insert_report(NewReport {
            customer_id: id,
            timestamp: now,
            received_at: now,
            health: Health::Ok,
            monitoring_disabled: false,
            controller_version: Some("1.8.2".into()),
            controller_url: url,
            hostname: None,
            signals: parsed.signals(),
            dict,
            body,
            // The managed nodes report with their own key: only such a
            // report says where the hub may call the controller.
            own_key: managed.then_some(true),
        })
        .await?;
    Ok(())
}

async fn digest() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let t0: Timestamp = "2026-12-01T06:00:00Z".parse()?;
    let store = Store::open(dir.path(), Default::default())?;
    let clock = Arc::new(ManualClock::new(t0));
    let state =
        Arc::new(build_state(config(dir.path()), key(), store.clone(), clock.clone()).await?);
    let setup = Instant::now();
    for chunk in (0..CUSTOMERS).collect::<Vec<_>>().chunks(500) {
        let mut tasks = Vec::new();
        for &i in chunk {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                report(&store, format!("customer-{i:05}"), None, t0).await
            }));
        }
        for t in tasks {
            t.await??;
        }
    }
    let now = t0.as_millisecond();
    for day in 0..DAYS {
        store
            .write(move |c, _| {
                let at = now - day * 86_400_000;
                c.execute(
                    "INSERT INTO events (customer, event_type, severity, message, occurred_at, received_at, source) \
                     SELECT id, 'backup_completed', 'info', 'backup done', ?1, ?1, 'controller' FROM customers",
                    [at - 3_600_000],
                )?;
                c.execute(
                    "INSERT INTO events (customer, event_type, severity, message, occurred_at, received_at, source) \
                     SELECT id, CASE WHEN id % 50 = 0 THEN 'expected_backup_missed' ELSE 'dbdump_completed' END, \
                        'info', 'dump', ?1, ?1, 'hub' FROM customers",
                    [at - 7_200_000],
                )?;
                c.execute(
                    "INSERT INTO incidents (customer, family, opened_at, opened_by, message, \
                        resolved_at, resolve_notified) \
                     SELECT id, 'backup', ?1, 'backup_failed', 'restic exited 1', ?2, 1 \
                     FROM customers WHERE id % 20 = ?3",
                    [at - 20_000_000, at - 10_000_000, day % 20],
                )?;
                c.execute(
                    "INSERT INTO incidents (customer, family, opened_at, opened_by, message, \
                        resolved_at, resolve_notified) \
                     SELECT id, 'node', ?1, 'node_down', 'no report', ?2, 1 \
                     FROM customers WHERE id % 10 = ?3",
                    [at - 40_000_000, at - 36_000_000, day % 10],
                )?;
                c.execute(
                    "INSERT INTO notification_log (created_at, channel, customer, event_type, outcome, reason) \
                     SELECT ?1, 'customer', id, 'backup_failed', 'skipped', 'no_address' \
                     FROM customers WHERE id % 20 = ?2",
                    [at - 9_000_000, day % 20],
                )?;
                Ok(())
            })
            .await?;
    }
    store
        .write(move |c, _| {
            c.execute(
                "INSERT INTO incidents (customer, family, opened_at, opened_by, message) \
                 SELECT id, 'dbdump', ?1, 'dbdump_failed', 'pg_dump failed' FROM customers WHERE id % 20 = 7",
                [now - 30_000_000],
            )?;
            Ok(())
        })
        .await?;
    println!(
        "digest setup: {CUSTOMERS} customers, {} events over {DAYS} days in {:.1} s",
        CUSTOMERS as i64 * 2 * DAYS,
        setup.elapsed().as_secs_f64()
    );
    let mut walls = Vec::new();
    let mut cpus = Vec::new();
    let mut size = 0;
    for _ in 0..7 {
        clock.advance(SignedDuration::from_secs(60));
        let (c0, w0) = (cpu(), Instant::now());
        let d = hub_server::service::digest::build(&state).await?;
        walls.push(w0.elapsed());
        cpus.push(cpu().saturating_sub(c0));
        size = d.text.len();
        anyhow::ensure!(d.open_incidents == 500, "open: {}", d.open_incidents);
    }
    walls.sort();
    cpus.sort();
    println!(
        "digest build: wall median {} max {}, CPU median {} max {}; text {size} bytes",
        ms(walls[walls.len() / 2]),
        ms(walls[walls.len() - 1]),
        ms(cpus[cpus.len() / 2]),
        ms(cpus[cpus.len() - 1])
    );
    status_pages(&state).await
}

/// Status pages of random customers on the digest's database.
async fn status_pages(state: &Arc<hub_server::state::AppState>) -> anyhow::Result<()> {
    let url = serve(hub_server::http::router(state.clone())).await?;
    let http = reqwest::Client::new();
    let mut paths = Vec::new();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..2_000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let id = format!("customer-{:05}", seed % CUSTOMERS as u64);
        let link =
            hub_server::service::status_link::link(state, &id, Duration::from_secs(86_400)).await?;
        let path = link.url.split_once("/s/").map(|(_, t)| format!("/s/{t}"));
        paths.push(path.ok_or_else(|| anyhow::anyhow!("no /s/ in {}", link.url))?);
    }
    let get = |path: String| {
        let (http, url) = (http.clone(), url.clone());
        async move {
            let t = Instant::now();
            let resp = http
                .get(format!("{url}{path}"))
                .header("accept-encoding", "br, gzip")
                .send()
                .await?;
            anyhow::ensure!(resp.status() == 200, "{}", resp.status());
            let encoding = resp
                .headers()
                .get("content-encoding")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("none")
                .to_owned();
            let body = resp.bytes().await?;
            Ok::<_, anyhow::Error>((t.elapsed(), body.len(), encoding))
        }
    };
    // Warm the readers' statement caches, then measure two at a time.
    for p in paths.iter().take(50) {
        get(p.clone()).await?;
    }
    let mut times = Vec::new();
    let mut biggest = (0, String::new());
    for pair in paths.chunks(2) {
        let runs = futures_util::future::join_all(pair.iter().map(|p| get(p.clone()))).await;
        for r in runs {
            let (t, size, encoding) = r?;
            times.push(t);
            if size > biggest.0 {
                biggest = (size, encoding);
            }
        }
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    let plain = http
        .get(format!("{url}{}", paths[0]))
        .send()
        .await?
        .bytes()
        .await?
        .len();
    println!(
        "status page: {} pages, p50 {} p99 {} max {}; largest {} bytes {} ({plain} bytes uncompressed)",
        times.len(),
        ms(at(0.5)),
        ms(at(0.99)),
        ms(times[times.len() - 1]),
        biggest.0,
        biggest.1
    );
    Ok(())
}

async fn serve(app: axum::Router) -> anyhow::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(url)
}

async fn drift() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let t0: Timestamp = "2026-12-01T06:00:00Z".parse()?;
    let store = Store::open(dir.path(), Default::default())?;
    let clock = Arc::new(ManualClock::new(t0));
    let state =
        Arc::new(build_state(config(dir.path()), key(), store.clone(), clock.clone()).await?);
    let fleet = hub_sim::Fleet::default();
    // Counts the controller calls in flight, and the most seen at once.
    let (now_in, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (a, b) = (now_in.clone(), most.clone());
    let app = hub_sim::router(fleet.clone()).layer(axum::middleware::from_fn(
        move |req: axum::extract::Request, next: axum::middleware::Next| {
            let (a, b) = (a.clone(), b.clone());
            async move {
                let n = a.fetch_add(1, Ordering::SeqCst) + 1;
                b.fetch_max(n, Ordering::SeqCst);
                let resp = next.run(req).await;
                a.fetch_sub(1, Ordering::SeqCst);
                resp
            }
        },
    ));
    let sim = serve(app).await?;
    for i in 0..MANAGED {
        let id = format!("managed-{i:04}");
        let api_key = format!("{id}-api-key-0123456789abcdef");
        store
            .insert_customer_config(
                NewCustomerConfig {
                    config: hub_proto::admin::CustomerConfig {
                        customer_id: id.clone(),
                        display_name: format!("Customer {i}"),
                        domain: String::new(),
                        contact_email: format!("{id}@example.hu"),
                        ..Default::default()
                    },
                    api_key: api_key.clone(),
                    retrieval_password: format!("{id}-retrieval-password"),
                    session_secret: "session".into(),
                },
                t0,
            )
            .await?;
        let node = hub_sim::Node::new(&id, &api_key);
        let cfg = store
            .customer_config(id.clone())
            .await?
            .ok_or_else(|| anyhow::anyhow!("config of {id}"))?;
        node.set_live_config(&hub_server::service::customers::render(&state, &cfg)?);
        fleet.add(node);
        report(&store, id.clone(), Some(hub_sim::node_url(&sim, &id)), t0).await?;
    }
    if let Err(e) = hub_server::service::customers::diff(&state, "managed-0000").await {
        anyhow::bail!("the drift check cannot read a node: {e}");
    }
    // The first run schedules; an interval later every customer is due.
    hub_server::jobs::drift::check(&state).await?;
    clock.advance(SignedDuration::from_hours(6));
    let (c0, w0) = (cpu(), Instant::now());
    let r = hub_server::jobs::drift::check(&state).await?;
    let (wall, used) = (w0.elapsed(), cpu().saturating_sub(c0));
    anyhow::ensure!(r.checked == MANAGED, "checked {}", r.checked);
    anyhow::ensure!(r.events == 0, "in sync, yet {} events", r.events);
    let share = used.as_secs_f64() / (6.0 * 3600.0) * 100.0;
    println!(
        "drift pass: {} customers in {} wall, {} CPU (hub and hub-sim in one process); \
         most controller calls at once: {}; per 6 h interval: {share:.4} % of one core",
        r.checked,
        ms(wall),
        ms(used),
        most.load(Ordering::SeqCst)
    );
    Ok(())
}
