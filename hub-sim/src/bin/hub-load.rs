//! `hub-load`: measured load for the benchmarks (bench/ops.sh). Unlike wrk,
//! which sends as fast as the hub answers, `ingest` sends at a fixed rate
//! (open loop: a late answer does not delay the next request, and latency
//! counts from when a request was due), so "p99 at 1,000 reports/s while a
//! backup runs" means what it says. `recovery` times the recovery call.

use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use serde_json::json;
use tokio::sync::Semaphore;

#[derive(Parser)]
#[command(
    name = "hub-load",
    version,
    about = "Fixed-rate load and timings against a hub"
)]
struct Cli {
    /// The hub's base URL.
    #[arg(long, default_value = "http://127.0.0.1:8080", global = true)]
    hub: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// POST reports at a fixed rate; print p50/p99 of the window measured:
    /// `--seconds` after the warm-up, or while COMMAND runs.
    Ingest(IngestArgs),
    /// GET /api/v1/recovery/{customer} COUNT times, one after another.
    Recovery {
        #[arg(long)]
        customer: String,
        #[arg(long, env = "HUB_LOAD_PASSWORD")]
        password: String,
        #[arg(long, default_value_t = 2000)]
        count: u32,
    },
}

#[derive(clap::Args)]
struct IngestArgs {
    /// The global report key.
    #[arg(long, env = "HUB_LOAD_KEY")]
    key: String,
    /// Reports per second.
    #[arg(long, default_value_t = 1000)]
    rate: u32,
    /// Distinct customers the reports rotate over.
    #[arg(long, default_value_t = 1000)]
    customers: u32,
    /// Seconds of load before measuring starts.
    #[arg(long, default_value_t = 2)]
    warmup: u64,
    /// Seconds measured when no COMMAND is given.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Customer ids are `<prefix>-<n>`; a new prefix per run keeps
    /// every report new to the hub.
    #[arg(long, default_value = "load")]
    prefix: String,
    /// Also print p99 and the slowest request of every second measured.
    #[arg(long)]
    per_second: bool,
    /// Run this after the warm-up and measure while it runs.
    #[arg(last = true)]
    command: Vec<String>,
}

/// One answered (or failed) request: when it was due, how long it took.
struct Sample {
    due: Instant,
    latency: Duration,
    ok: bool,
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

fn summary(what: &str, samples: &[&Sample], seconds: f64) -> String {
    let mut lat: Vec<Duration> = samples.iter().map(|s| s.latency).collect();
    lat.sort();
    let failed = samples.iter().filter(|s| !s.ok).count();
    format!(
        "{what}: requests={} failed={failed} rate={:.0}/s p50_ms={:.2} p99_ms={:.2} max_ms={:.2}",
        samples.len(),
        samples.len() as f64 / seconds.max(1e-9),
        percentile(&lat, 0.50),
        percentile(&lat, 0.99),
        lat.last().map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0),
    )
}

fn report_body(customer: &str, round: u64) -> serde_json::Value {
    let ts = jiff::Timestamp::from_second(1_795_000_000 + round as i64 * 900)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    json!({
        "customer_id": customer,
        "timestamp": ts.to_string(),
        "controller_version": "1.8.2",
        "health": "ok",
        "system": {"hostname": format!("felhom-{customer}"), "os": "Debian 12",
                   "uptime_seconds": 864_000 + round * 900, "cpu_percent": (round % 97) as f64,
                   "memory_total_bytes": 8_208_000_000u64, "memory_used_bytes": 2_000_000_000u64 + round},
        "storage": [{"mount_point": "/", "label": "system", "fs_type": "ext4",
                     "total_bytes": 250_000_000_000u64, "used_bytes": 50_000_000_000u64 + round, "smart_ok": true}],
        "containers": [{"name": "nextcloud", "image": "nextcloud:29", "state": "running",
                        "health": "healthy", "restart_count": 0}],
        "backup": {"last_backup_ok": true, "last_dbdump_ok": true, "snapshot_count": round},
    })
}

async fn ingest(hub: &str, args: &IngestArgs) -> anyhow::Result<bool> {
    let IngestArgs {
        key,
        rate,
        customers,
        warmup,
        seconds,
        prefix,
        per_second,
        command,
    } = args;
    let (rate, customers) = (*rate, *customers);
    if rate == 0 || customers == 0 {
        bail!("--rate and --customers must be at least 1");
    }
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let url = format!("{}/api/v1/report", hub.trim_end_matches('/'));
    let samples = Arc::new(Mutex::new(Vec::<Sample>::new()));
    let in_flight = Arc::new(Semaphore::new(1024));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));

    let sender = {
        let (samples, stop, in_flight) = (samples.clone(), stop.clone(), in_flight.clone());
        let (key, prefix) = (key.clone(), prefix.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate)));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
            let mut n: u64 = 0;
            let mut tasks = tokio::task::JoinSet::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let due = tick.tick().await.into_std();
                let customer = format!("{prefix}-{}", n % u64::from(customers));
                let body = report_body(&customer, n / u64::from(customers));
                n += 1;
                let (http, url, key, samples) =
                    (http.clone(), url.clone(), key.clone(), samples.clone());
                let permit = in_flight.clone().acquire_owned().await;
                tasks.spawn(async move {
                    let _permit = permit;
                    let ok = match http.post(&url).bearer_auth(&key).json(&body).send().await {
                        Ok(r) => r.status().is_success(),
                        Err(_) => false,
                    };
                    let latency = due.elapsed();
                    if let Ok(mut s) = samples.lock() {
                        s.push(Sample { due, latency, ok });
                    }
                });
                while tasks.try_join_next().is_some() {}
            }
            while tasks.join_next().await.is_some() {}
        })
    };

    tokio::time::sleep(Duration::from_secs(*warmup)).await;
    let start = Instant::now();
    let mut command_ok = true;
    if let Some((program, args)) = command.split_first() {
        let mut child = std::process::Command::new(program)
            .args(args)
            .spawn()
            .with_context(|| format!("cannot run {program}"))?;
        let status = tokio::task::spawn_blocking(move || child.wait()).await??;
        command_ok = status.success();
        println!(
            "command: exit={} seconds={:.2}",
            status.code().unwrap_or(-1),
            start.elapsed().as_secs_f64()
        );
    } else {
        tokio::time::sleep(Duration::from_secs(*seconds)).await;
    }
    let end = Instant::now();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    sender.await?;

    let all = samples
        .lock()
        .map_err(|_| anyhow::anyhow!("a request task panicked"))?;
    let window: Vec<&Sample> = all
        .iter()
        .filter(|s| s.due >= start && s.due < end)
        .collect();
    if *per_second {
        let secs = (end - start).as_secs();
        for sec in 0..=secs {
            let from = start + Duration::from_secs(sec);
            let to = from + Duration::from_secs(1);
            let slice: Vec<&Sample> = window
                .iter()
                .copied()
                .filter(|s| s.due >= from && s.due < to)
                .collect();
            if !slice.is_empty() {
                println!("{}", summary(&format!("second {sec}"), &slice, 1.0));
            }
        }
    }
    println!(
        "{}",
        summary("ingest", &window, (end - start).as_secs_f64())
    );
    let failed = all.iter().filter(|s| !s.ok).count();
    Ok(command_ok && failed == 0)
}

async fn recovery(hub: &str, customer: &str, password: &str, count: u32) -> anyhow::Result<bool> {
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/recovery/{customer}", hub.trim_end_matches('/'));
    let mut samples = Vec::new();
    let start = Instant::now();
    for _ in 0..count {
        let due = Instant::now();
        let resp = http
            .get(&url)
            .header("X-Retrieval-Password", password)
            .send()
            .await?;
        let ok = resp.status().is_success();
        resp.bytes().await?;
        samples.push(Sample {
            due,
            latency: due.elapsed(),
            ok,
        });
    }
    let refs: Vec<&Sample> = samples.iter().collect();
    println!(
        "{}",
        summary("recovery", &refs, start.elapsed().as_secs_f64())
    );
    Ok(samples.iter().all(|s| s.ok))
}

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    let ok = match &cli.command {
        Command::Ingest(args) => ingest(&cli.hub, args).await?,
        Command::Recovery {
            customer,
            password,
            count,
        } => recovery(&cli.hub, customer, password, *count).await?,
    };
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
