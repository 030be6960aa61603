//! `hub-sim`: run one or many simulated felhom-controllers against a hub.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use hub_proto::Health;
use hub_sim::{Behaviour, Fleet, HubClient, Node, node_url};

#[derive(Debug, Parser)]
#[command(
    name = "hub-sim",
    version = concat!(env!("CARGO_PKG_VERSION"), " (", env!("HUB_GIT_COMMIT"), ")"),
    about = "Simulated felhom-controllers for tests, demos and load"
)]
struct Cli {
    /// The hub's base URL.
    #[arg(long, env = "HUB_SIM_HUB", default_value = "http://127.0.0.1:8080")]
    hub: String,
    /// The hub's global report key; without it each node uses its --api-key.
    #[arg(long, env = "HUB_SIM_REPORT_KEY")]
    report_key: Option<String>,
    /// Customer id (with --nodes N: the prefix of `<id>-0001` …).
    #[arg(long, default_value = "sim")]
    customer: String,
    /// How many nodes to simulate.
    #[arg(long, default_value_t = 1)]
    nodes: usize,
    /// The API key each node demands on its own API (and sends to the hub
    /// when no --report-key is given). With --nodes, `-<n>` is appended.
    #[arg(long, env = "HUB_SIM_API_KEY", default_value = "sim-api-key")]
    api_key: String,
    /// Where to serve the controller API.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: String,
    /// Seconds between reports.
    #[arg(long, default_value_t = 900)]
    interval: u64,
    /// Send one round (report, start event, infra backup) and exit.
    #[arg(long)]
    once: bool,
    /// Report this health.
    #[arg(long, value_parser = ["ok", "warn", "fail"])]
    health: Option<String>,
    /// Never report (a dead node).
    #[arg(long)]
    silent: bool,
    /// Answer every controller API call with this HTTP status.
    #[arg(long)]
    fail_api: Option<u16>,
    /// Delay every controller API answer by this many milliseconds.
    #[arg(long, default_value_t = 0)]
    slow_ms: u64,
    /// Report for this long (`30m`, `90s`: whole --interval rounds, at
    /// least the first report), then go silent while still serving the
    /// controller API: a node that dies after it was seen.
    #[arg(long, value_parser = duration)]
    stop_after: Option<Duration>,
    /// This fraction of the nodes (0 to 1, spread evenly) reports a failed
    /// backup and sends one `backup_failed` event.
    #[arg(long, value_parser = fraction, default_value_t = 0.0)]
    fail_backups: f64,
    /// Customers and their own API keys from a file of `hubctl config
    /// credentials ID -o json` output (one object, several, or an array);
    /// replaces --customer, --nodes and --api-key.
    #[arg(long)]
    keys: Option<std::path::PathBuf>,
}

fn duration(s: &str) -> Result<Duration, String> {
    let secs = hub_proto::alerts::parse_duration_secs(s).map_err(|e| e.to_string())?;
    u64::try_from(secs)
        .map(Duration::from_secs)
        .map_err(|_| format!("`{s}` is negative"))
}

fn fraction(s: &str) -> Result<f64, String> {
    s.parse::<f64>()
        .ok()
        .filter(|f| (0.0..=1.0).contains(f))
        .ok_or_else(|| format!("`{s}` is not a fraction from 0 to 1"))
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hub-sim: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let behaviour = Behaviour {
        fail_api: cli.fail_api,
        slow: Duration::from_millis(cli.slow_ms),
        health: cli.health.as_deref().and_then(Health::parse),
        silent: cli.silent,
        fail_backups: false,
    };
    let nodes: Vec<(String, String)> = match &cli.keys {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            hub_sim::read_keys(&text).with_context(|| format!("--keys {}", path.display()))?
        }
        None if cli.nodes > 1 => (1..=cli.nodes)
            .map(|i| {
                (
                    format!("{}-{i:04}", cli.customer),
                    format!("{}-{i}", cli.api_key),
                )
            })
            .collect(),
        None => vec![(cli.customer.clone(), cli.api_key.clone())],
    };
    let fleet = Fleet::default();
    for (i, (id, key)) in nodes.iter().enumerate() {
        hub_proto::validate_customer_id(id).context("--customer")?;
        let node = Node::new(id, key);
        node.set_behaviour(Behaviour {
            fail_backups: hub_sim::chosen(i + 1, cli.fail_backups),
            ..behaviour.clone()
        });
        fleet.add(node);
    }
    let listener = tokio::net::TcpListener::bind(&cli.listen)
        .await
        .with_context(|| format!("cannot listen on {}", cli.listen))?;
    let base = format!("http://{}", listener.local_addr()?);
    println!(
        "hub-sim: {} node(s), controller API at {base}/n/<customer_id>",
        fleet.all().len()
    );
    let app = hub_sim::router(fleet.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let client = Arc::new(HubClient {
        http: reqwest::Client::builder()
            .user_agent(concat!(
                "hub-sim/",
                env!("CARGO_PKG_VERSION"),
                " (",
                env!("HUB_GIT_COMMIT"),
                ")"
            ))
            .timeout(Duration::from_secs(10))
            .build()?,
        hub: cli.hub.clone(),
        global_key: cli.report_key.clone(),
    });
    for node in fleet.all() {
        let url = node_url(&base, &node.customer_id);
        let status = client.report(&node, &url).await?;
        if status.is_some() {
            client
                .event(&node, "controller_started", "info", "hub-sim started")
                .await?;
            if node.behaviour().fail_backups {
                client
                    .event(&node, "backup_failed", "error", "restic exited 1 (hub-sim)")
                    .await?;
            }
            client.infra_backup(&node).await?;
        }
        println!("{}: report -> {status:?}", node.customer_id);
    }
    if cli.once {
        return Ok(());
    }
    let interval = Duration::from_secs(cli.interval.max(1));
    let mut left = cli
        .stop_after
        .map(|d| hub_sim::rounds_before_silence(d, interval));
    let mut tick = tokio::time::interval(interval);
    tick.tick().await;
    loop {
        if let Some(n) = left.as_mut() {
            *n = n.saturating_sub(1);
            if *n == 0 {
                for node in fleet.all() {
                    node.set_behaviour(Behaviour {
                        silent: true,
                        ..node.behaviour()
                    });
                }
                left = None;
                println!("hub-sim: the nodes went silent (--stop-after); their API still answers");
            }
        }
        tokio::select! {
            _ = tick.tick() => {}
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
        for node in fleet.all() {
            let url = node_url(&base, &node.customer_id);
            if let Err(e) = client.report(&node, &url).await {
                eprintln!("{}: report failed: {e:#}", node.customer_id);
            }
        }
    }
}
