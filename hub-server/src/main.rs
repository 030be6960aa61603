//! `hub-server`: a thin shell over the library — parse flags, load config,
//! set up logging, bind, run until SIGTERM/SIGINT.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, ValueEnum};
use hub_server::clock::SystemClock;
use hub_server::config::Config;

const ABOUT: &str = "felhom hub: the server every felhom-controller reports to.";

const LONG_ABOUT: &str = "\
felhom hub: the server every felhom-controller reports to.

Started without a config it just works: data goes to ./hub-data, it listens
on 127.0.0.1:8080, and a random report key is generated on first start,
saved to ./hub-data/report_api_key (mode 0600) and printed once. Controllers
send it as `Authorization: Bearer <key>`.

Configuration is hub.yaml (see deploy/hub.yaml), read from --config or
HUB_CONFIG. Every key can be overridden by an environment variable
HUB_<SECTION>_<KEY>, e.g. HUB_API_REPORT_API_KEY or HUB_SERVER_LISTEN.
An unknown key or a bad value stops start-up with a message naming it.

Logging: RUST_LOG sets the level (default info); --log-format json for the
cluster. SIGTERM or SIGINT stops accepting connections, finishes in-flight
requests, closes the database and exits 0.";

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Parser)]
#[command(name = "hub-server", version, about = ABOUT, long_about = LONG_ABOUT)]
struct Cli {
    /// Path of hub.yaml.
    #[arg(long, env = "HUB_CONFIG", value_name = "PATH")]
    config: Option<PathBuf>,
    /// Log line format.
    #[arg(long, value_enum, default_value = "text")]
    log_format: LogFormat,
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Colour only for a person at a terminal, never in files or the cluster.
    let ansi = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(ansi);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    let config =
        Config::load(cli.config.as_deref(), std::env::vars()).context("invalid configuration")?;
    let key = hub_server::report_key(&config)?;
    if let Some(path) = &key.generated {
        // Shown once, on the terminal that started the hub, never logged.
        println!(
            "\nGenerated a report API key (saved to {}, mode 0600):\n\n    {}\n\n\
             Controllers send it as `Authorization: Bearer <key>`, e.g.\n    \
             curl -H 'Authorization: Bearer {}' http://{}/api/v1/customers\n",
            path.display(),
            key.key,
            key.key,
            config.server.listen
        );
    }
    let addr = config.listen_addr().map_err(anyhow::Error::msg)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        tracing::info!(
            addr = %listener.local_addr().unwrap_or(addr),
            data_dir = %config.server.data_dir.display(),
            "felhom hub listening"
        );
        hub_server::run(
            config,
            key,
            listener,
            Arc::new(SystemClock),
            shutdown_signal(),
        )
        .await?;
        tracing::info!("stopped");
        Ok(())
    })
}
