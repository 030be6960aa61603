//! `hub-server`: a thin shell over the library — parse flags, load config,
//! set up logging, bind, run until SIGTERM/SIGINT.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use hub_server::HubOptions;
use hub_server::clock::SystemClock;
use hub_server::config::Config;
use hub_server::service::session::Gate;
use hub_server::store::{Store, StoreOptions};

const ABOUT: &str = "felhom hub: the server every felhom-controller reports to.";

const LONG_ABOUT: &str = "\
felhom hub: the server every felhom-controller reports to.

Started without a config it just works: data goes to ./hub-data, it listens
on 127.0.0.1:8080, and a random report key is generated on first start,
saved to ./hub-data/report_api_key (mode 0600) and printed once. Controllers
send it as `Authorization: Bearer <key>`.

Configuration is hub.yaml (see deploy/k8s/hub.yaml), read from --config or
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
#[command(name = "hub-server", version = concat!(env!("CARGO_PKG_VERSION"), " (", env!("HUB_GIT_COMMIT"), ")"), about = ABOUT, long_about = LONG_ABOUT)]
struct Cli {
    /// Path of hub.yaml.
    #[arg(long, env = "HUB_CONFIG", value_name = "PATH", global = true)]
    config: Option<PathBuf>,
    /// Log line format.
    #[arg(long, value_enum, default_value = "text", global = true)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Manage admin API tokens (for hubctl and scripts).
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Print the email the hub would send for an event type, without
    /// sending anything (operator in English, customer in Hungarian).
    PreviewEmail {
        /// Event type, e.g. node_down (or legacy_notify), or an incident
        /// email: node_resolved, backup_resolved, dbdump_resolved,
        /// disk_resolved, after_maintenance, after_mass_outage, reminder,
        /// mass_outage, fleet_resolved, node_flapping, node_stable.
        event_type: String,
        /// Which channel's text to show.
        #[arg(long, value_enum, default_value = "customer")]
        channel: PreviewChannel,
        /// Show the HTML part instead of the plain text.
        #[arg(long)]
        html: bool,
    },
    /// Write a consistent copy of the database to FILE, also while the
    /// hub runs and ingests (checked, then renamed into place).
    Backup {
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// Replace the database with a backup. Refused while a hub runs on the
    /// data dir; the replaced database is kept as hub.db.replaced-<time>.
    Restore {
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
    },
    /// Dashboard sessions.
    Sessions {
        #[command(subcommand)]
        command: SessionsCommand,
    },
    /// The key that seals customer secrets at rest.
    Secrets {
        #[command(subcommand)]
        command: SecretsCommand,
    },
    /// Exit 0 when the hub on this machine answers /healthz with 200, 1
    /// otherwise (for Docker's HEALTHCHECK: the image has no curl).
    Healthcheck,
    /// Read the dashboard password (a prompt on a terminal, else the first
    /// line of stdin) and print its bcrypt hash for auth.password_hash.
    HashPassword {
        /// bcrypt cost: each step doubles the work (10 at least).
        #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(10..=16))]
        cost: u32,
    },
}

/// Says where the secrets key is when it is a file next to the data (the
/// laptop trial): it must be kept, and kept apart from backups.
fn log_key_source(source: &hub_server::store::secrets::KeySource) {
    use hub_server::store::secrets::KeySource;
    match source {
        KeySource::Configured => {}
        KeySource::File {
            path,
            generated: true,
        } => tracing::warn!(
            path = %path.display(),
            "generated the secrets key that seals customer secrets in hub.db; it lives next to \
             the data: keep a copy elsewhere (backups of hub.db do not contain it), and set \
             HUB_SECRETS_KEY in production"
        ),
        KeySource::File { path, .. } => tracing::info!(
            path = %path.display(),
            "secrets key read from a file next to the data (set HUB_SECRETS_KEY in production)"
        ),
    }
}

/// Read when neither --config nor HUB_CONFIG names a file and it exists:
/// where the cluster mounts hub.yaml.
const IMAGE_CONFIG: &str = "/etc/felhom-hub/hub.yaml";

/// GET /healthz on the configured listen address (a wildcard address is
/// asked on loopback), plain HTTP/1.1 with std only, 3 s at most.
fn healthcheck(config: &Config) -> anyhow::Result<()> {
    use std::io::{Read, Write};
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
    use std::time::Duration;
    let mut addr = config.listen_addr().map_err(anyhow::Error::msg)?;
    if addr.ip().is_unspecified() {
        let lo: IpAddr = match addr {
            SocketAddr::V4(_) => Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => Ipv6Addr::LOCALHOST.into(),
        };
        addr.set_ip(lo);
    }
    let limit = Duration::from_secs(3);
    let mut conn = TcpStream::connect_timeout(&addr, limit)
        .with_context(|| format!("cannot connect to {addr}"))?;
    conn.set_read_timeout(Some(limit))?;
    conn.set_write_timeout(Some(limit))?;
    write!(
        conn,
        "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut head = [0u8; 64];
    let n = conn.read(&mut head)?;
    let status_line = String::from_utf8_lossy(&head[..n]);
    let status = status_line.split_whitespace().nth(1).unwrap_or("");
    if status == "200" {
        Ok(())
    } else {
        anyhow::bail!("/healthz on {addr} answered {status:?}")
    }
}

/// The minimum a dashboard password must have: it guards every customer's
/// disaster-recovery secrets.
const MIN_PASSWORD_CHARS: usize = 12;

fn hash_password(cost: u32) -> anyhow::Result<()> {
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Dashboard password: ")
            .context("cannot read the password")?;
        let again = rpassword::prompt_password("Again: ").context("cannot read the password")?;
        if first != again {
            anyhow::bail!("the two passwords differ");
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("cannot read the password from stdin")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    if password.chars().count() < MIN_PASSWORD_CHARS {
        anyhow::bail!("the password must have at least {MIN_PASSWORD_CHARS} characters");
    }
    let hash = hub_server::service::session::hash_password(&password, cost)?;
    println!("{hash}");
    Ok(())
}

#[derive(Debug, Subcommand)]
enum SecretsCommand {
    /// Print a new random key (64 hex characters) for HUB_SECRETS_KEY.
    GenerateKey,
    /// Re-seal every secret under HUB_SECRETS_KEY, reading those still
    /// under HUB_SECRETS_KEY_OLD; safe while the hub runs (with both keys).
    Rotate,
}

fn secrets_command(config: &Config, cmd: &SecretsCommand) -> anyhow::Result<()> {
    match cmd {
        SecretsCommand::GenerateKey => {
            let key = hub_server::secrets::random_token()?;
            println!("{key}");
            Ok(())
        }
        SecretsCommand::Rotate => {
            if config.secrets.key.is_none() {
                anyhow::bail!(
                    "set HUB_SECRETS_KEY to the new key and HUB_SECRETS_KEY_OLD to the old one"
                );
            }
            with_store(config, async |store| {
                let mut total = 0;
                loop {
                    // A hundred rows per transaction: a running hub keeps writing.
                    let n = store.reseal(100).await?;
                    if n == 0 {
                        break;
                    }
                    total += n;
                }
                // Nothing sealed with the old key may stay in free pages.
                store.scrub().await?;
                println!(
                    "Re-sealed {total} row(s) under the new key and rewrote the database (no \
                     old-key copy left in it); HUB_SECRETS_KEY_OLD can be removed. Backups and \
                     Litestream generations made before still open with the old key: take a \
                     fresh backup and start a new generation."
                );
                Ok(())
            })
        }
    }
}

/// Runs a command's `work` on the data dir's store, in a runtime of its
/// own, and closes the store (its writes drained) whether or not the work
/// succeeded.
fn with_store<T>(
    config: &Config,
    work: impl AsyncFnOnce(&Store) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(async {
        let store = Store::open(&config.server.data_dir, StoreOptions::from_config(config))?;
        let result = work(&store).await;
        store.close().await;
        result
    })
}

#[derive(Debug, Subcommand)]
enum SessionsCommand {
    /// End every dashboard session (also of a running hub: its next page
    /// asks for the password).
    RevokeAll,
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create an admin token and print it once (only its hash is stored).
    /// Usable at once, also by a hub already running on the same data dir.
    Create {
        /// A name for the token (who or what uses it), unique.
        #[arg(long)]
        name: String,
        /// Reads everything but secrets; cannot act (for CI scripts).
        #[arg(long)]
        read_only: bool,
    },
    /// List admin tokens (names, never the tokens).
    List,
    /// Revoke an admin token by name.
    Revoke { name: String },
}

fn token_command(config: &Config, cmd: &TokenCommand) -> anyhow::Result<()> {
    with_store(config, async |store| {
        let now = jiff::Timestamp::now();
        match cmd {
            TokenCommand::Create { name, read_only } => {
                let name = name.trim();
                if name.is_empty() || name.chars().any(char::is_control) {
                    anyhow::bail!("a token name must not be empty");
                }
                let token = format!("hubadm_{}", hub_server::secrets::random_token()?);
                if !store
                    .create_admin_token(name.to_owned(), token.clone(), *read_only, now)
                    .await?
                {
                    anyhow::bail!(
                        "a token named `{name}` exists; revoke it first or pick another name"
                    );
                }
                let kind = if *read_only { "read-only" } else { "full" };
                println!(
                    "Created {kind} admin token `{name}`. It is shown only now:\n\n    {token}\n"
                );
                println!("Use it as `Authorization: Bearer <token>` or with hubctl --token.");
                Ok(())
            }
            TokenCommand::List => {
                for t in store.admin_tokens().await? {
                    let kind = if t.read_only { "read-only" } else { "full" };
                    println!("{}\t{kind}\tcreated {}", t.name, t.created_at);
                }
                Ok(())
            }
            TokenCommand::Revoke { name } => {
                if store.revoke_admin_token(name.clone()).await? {
                    println!("Revoked admin token `{name}`.");
                    Ok(())
                } else {
                    Err(anyhow::anyhow!("no admin token named `{name}`"))
                }
            }
        }
    })
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum PreviewChannel {
    Operator,
    Customer,
}

fn preview(
    config: &Config,
    event_type: &str,
    channel: PreviewChannel,
    html: bool,
) -> anyhow::Result<()> {
    use hub_server::notify::alert_texts;
    use hub_server::notify::texts::{self, Facts};
    if alert_texts::PREVIEWS.contains(&event_type) {
        let tz = jiff::tz::TimeZone::get(&config.alerting.timezone)?;
        let c = alert_texts::Ctx {
            dashboard_url: config.server.dashboard_url(),
            tz: &tz,
        };
        let link = texts::PageLink::example(&config.server.public_url);
        let customer = matches!(channel, PreviewChannel::Customer).then_some(&link);
        let r = alert_texts::preview(&c, event_type, customer).ok_or_else(|| {
            anyhow::anyhow!("`{event_type}` is an operator email only: pass --channel operator")
        })?;
        println!("Subject: {}\n", r.subject);
        println!("{}", if html { r.html } else { r.text });
        return Ok(());
    }
    let severity = hub_proto::EventType::parse(event_type)
        .map(|t| t.usual_severity())
        .or_else(|| (event_type == "legacy_notify").then_some(hub_proto::Severity::Warning))
        .ok_or_else(|| anyhow::anyhow!("unknown event type `{event_type}`"))?;
    let facts = Facts {
        customer_id: "kovacs-csalad",
        event_type,
        severity,
        message: "Example message from the controller",
        details: Some(r#"{"example":true}"#),
        occurred_at: "2026-11-27T02:10:00Z",
        dashboard_url: config.server.dashboard_url(),
    };
    let rendered = match channel {
        PreviewChannel::Operator => {
            let legacy = (event_type == "legacy_notify").then_some("Example subject");
            texts::operator(&facts, legacy)
        }
        PreviewChannel::Customer => {
            let link = texts::PageLink::example(&config.server.public_url);
            texts::customer(&facts, Some(&link)).ok_or_else(|| {
                anyhow::anyhow!("`{event_type}` is never emailed to customers (see docs/api.md)")
            })?
        }
    };
    println!("Subject: {}\n", rendered.subject);
    println!("{}", if html { rendered.html } else { rendered.text });
    Ok(())
}

/// The server's log goes through [`hub_server::logwriter`] (off the
/// runtime, never blocking it); commands write directly, so their output
/// and their log keep their order. The guard flushes on drop.
fn init_logging(
    format: LogFormat,
    off_runtime: bool,
) -> anyhow::Result<Option<hub_server::logwriter::LogGuard>> {
    if !off_runtime {
        install_logging(format, std::io::stdout);
        return Ok(None);
    }
    let (writer, guard) =
        hub_server::logwriter::start(std::io::stdout()).context("cannot start the log writer")?;
    install_logging(format, writer);
    Ok(Some(guard))
}

/// The global subscriber: `RUST_LOG` (default `info`), text or JSON lines.
/// The filter is by target and level only (`Targets`): unlike `EnvFilter`
/// it takes no lock when a span is entered or left, and every request runs
/// in a span (6% of ingest throughput with `EnvFilter`, bench/ab.sh).
fn install_logging<W>(format: LogFormat, writer: W)
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let (filter, refused) = log_filter(std::env::var("RUST_LOG").ok().as_deref());
    // Colour only for a person at a terminal, never in files or the cluster.
    let ansi = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let layer = tracing_subscriber::fmt::layer()
        .with_target(false)
        .with_ansi(ansi)
        .with_writer(writer);
    let registry = tracing_subscriber::registry().with(filter);
    match format {
        LogFormat::Text => registry.with(layer).init(),
        LogFormat::Json => registry.with(layer.json().flatten_event(true)).init(),
    }
    if let Some(e) = refused {
        tracing::warn!(error = %e, "RUST_LOG is not `level` or `target=level,…`; logging at info");
    }
}

/// `RUST_LOG` as a filter: `info`, `warn,hub_server=debug`, …; unset or
/// empty means `info`, and so does a value that does not parse (with the
/// reason, to be logged once logging runs).
fn log_filter(
    value: Option<&str>,
) -> (
    tracing_subscriber::filter::Targets,
    Option<tracing_subscriber::filter::ParseError>,
) {
    let info = || tracing_subscriber::filter::Targets::new().with_default(tracing::Level::INFO);
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => (info(), None),
        Some(v) => match v.parse() {
            Ok(targets) => (targets, None),
            Err(e) => (info(), Some(e)),
        },
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

/// mimalloc instead of glibc's malloc: a report's request allocates many
/// small strings, and glibc's malloc and free (with the consolidation its
/// fast bins need before each larger block) were a fifth of the request
/// path. Measured under full ingest (2026-11-28): 146 -> 98-124 ms of CPU
/// per 1,000 reports, peak RSS 61 -> 59 MiB, idle 17.0 -> 18.4 MiB. Built
/// `no_thp`: with transparent huge pages mimalloc's eagerly committed arena
/// doubled the idle RSS (36 MiB).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // Everything the hub creates (database, WAL, keys, backups, the lock)
    // is its user's alone, whatever the container's umask.
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    match real_main() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // One plain message with its causes, never a backtrace.
            eprintln!("hub-server: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn real_main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Some(Command::HashPassword { cost }) = &cli.command {
        // Needs no configuration: run it before there is one.
        return hash_password(*cost);
    }
    // Held to the end of main: the log's last lines are flushed on drop.
    let _log = init_logging(cli.log_format, cli.command.is_none())?;
    let config_path = cli.config.clone().or_else(|| {
        // In the image: the mounted ConfigMap, when there is one.
        let p = PathBuf::from(IMAGE_CONFIG);
        p.exists().then_some(p)
    });
    let config =
        Config::load(config_path.as_deref(), std::env::vars()).context("invalid configuration")?;
    if let Some(Command::Healthcheck) = &cli.command {
        return healthcheck(&config);
    }
    if let Some(Command::Token { command }) = &cli.command {
        return token_command(&config, command);
    }
    if let Some(Command::Secrets { command }) = &cli.command {
        return secrets_command(&config, command);
    }
    if let Some(Command::Sessions {
        command: SessionsCommand::RevokeAll,
    }) = &cli.command
    {
        return with_store(&config, async |store| {
            let n = store.delete_all_sessions().await?;
            store
                .audit(
                    "command".into(),
                    "sessions.revoke_all",
                    None,
                    serde_json::json!({"sessions": n}),
                    "ok".into(),
                    jiff::Timestamp::now(),
                )
                .await?;
            println!("Ended {n} dashboard session(s); everyone logs in again.");
            Ok(())
        });
    }
    if let Some(Command::Backup { to }) = &cli.command {
        let summary = hub_server::store::backup::backup_to(&config.server.data_dir, to)?;
        println!("Backup written: {summary}");
        return Ok(());
    }
    if let Some(Command::Restore { from }) = &cli.command {
        let stamp = jiff::Timestamp::now()
            .strftime("%Y%m%dT%H%M%SZ")
            .to_string();
        let (summary, aside) = hub_server::store::backup::restore_from(
            &config.server.data_dir,
            from,
            StoreOptions::from_config(&config),
            &stamp,
        )?;
        println!("Restored: {summary}");
        if let Some(aside) = aside {
            println!("The replaced database is kept as {}", aside.display());
        }
        return Ok(());
    }
    if let Some(Command::PreviewEmail {
        event_type,
        channel,
        html,
    }) = &cli.command
    {
        return preview(&config, event_type, *channel, *html);
    }
    let key = hub_server::report_key(&config)?;
    if let Some(path) = &key.generated
        && !std::io::stdout().is_terminal()
    {
        // Not a person at a terminal (a pod, a service): stdout is a log,
        // so only where the key is, never the key.
        tracing::info!(path = %path.display(), "generated a report API key; it is in this file (mode 0600)");
    } else if let Some(path) = &key.generated {
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
    // One hub per data dir, and no restore under a running hub.
    let _lock = hub_server::store::backup::DataDirLock::acquire(&config.server.data_dir)?;
    runtime.block_on(async move {
        // The store first: "listening" means ready, migrations done.
        let store = Store::open(&config.server.data_dir, StoreOptions::from_config(&config))?;
        log_key_source(store.key_source());
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let data_dir = config.server.data_dir.display().to_string();
        let state = hub_server::build_state(config, key, store, Arc::new(SystemClock)).await?;
        if hub_server::service::session::gate(&state) == Gate::Refused {
            tracing::warn!(
                "dashboard disabled: no password is set and the hub listens beyond loopback \
                 or its server.public_url is not a loopback URL; run `hub-server hash-password` \
                 and put the hash in auth.password_hash (or HUB_AUTH_PASSWORD_HASH)"
            );
        }
        tracing::info!(
            addr = %listener.local_addr().unwrap_or(addr),
            data_dir = %data_dir,
            "felhom hub listening"
        );
        hub_server::serve(
            Arc::new(state),
            HubOptions::default(),
            listener,
            shutdown_signal(),
        )
        .await?;
        tracing::info!("stopped");
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::log_filter;
    use tracing::Level;

    #[test]
    fn rust_log_is_a_level_or_targets_and_anything_else_means_info() {
        let (f, e) = log_filter(None);
        assert!(e.is_none());
        assert!(f.would_enable("hub_server", &Level::INFO));
        assert!(!f.would_enable("hub_server", &Level::DEBUG));
        let (f, _) = log_filter(Some("warn"));
        assert!(!f.would_enable("hub_server", &Level::INFO));
        assert!(f.would_enable("tower", &Level::WARN));
        let (f, e) = log_filter(Some("warn,hub_server=debug"));
        assert!(e.is_none());
        assert!(f.would_enable("hub_server", &Level::DEBUG));
        assert!(!f.would_enable("hyper", &Level::INFO));
        let (f, e) = log_filter(Some("[request]=nonsense"));
        assert!(e.is_some());
        assert!(f.would_enable("hub_server", &Level::INFO));
        let (f, e) = log_filter(Some("  "));
        assert!(e.is_none() && f.would_enable("x", &Level::INFO));
    }
}
