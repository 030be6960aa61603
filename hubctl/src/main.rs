//! `hubctl`: the operator's command line over the hub's admin API. It never
//! opens the database.

use std::io::Write;
use std::process::ExitCode;

use std::time::Duration;

use clap::Parser;
use hub_proto::actions::OperatorAction;

use hubctl::cli::{Cli, Command};
use hubctl::client::{Client, DEFAULT_TIMEOUT};
use hubctl::commands::{CliError, Outcome, actions, alerts, channels, config, session, view};
use hubctl::output::Ctx;
use hubctl::{settings, tui};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ctx = Ctx::new(cli.output, cli.no_color, cli.yes);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("hubctl: cannot start: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli, ctx)) {
        Ok((text, outcome)) => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`hubctl fleet | head`) is not an error.
            let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
            match outcome {
                Outcome::Clean => ExitCode::SUCCESS,
                Outcome::Found => ExitCode::from(1),
            }
        }
        Err(e) => {
            eprintln!("hubctl: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// Limit of one ordinary call (not of a stream): `HUBCTL_TIMEOUT` seconds,
/// default 60.
fn request_timeout() -> Duration {
    std::env::var("HUBCTL_TIMEOUT")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(DEFAULT_TIMEOUT)
}

/// The server and token from flags or environment, else from `hubctl login`.
fn client(cli: &Cli) -> Result<Client, CliError> {
    let saved = settings::load();
    let server = cli
        .server
        .clone()
        .or_else(|| saved.as_ref().map(|l| l.server.clone()))
        .ok_or_else(|| {
            CliError::Usage("no hub: pass --server, set HUBCTL_SERVER or run `hubctl login`".into())
        })?;
    let token = cli
        .token
        .clone()
        .or_else(|| saved.as_ref().map(|l| l.token.clone()))
        .ok_or_else(|| {
            CliError::Usage("no token: pass --token, set HUBCTL_TOKEN or run `hubctl login`".into())
        })?;
    Ok(Client::new(&server, &token, request_timeout())?)
}

async fn act(
    c: &Client,
    ctx: &Ctx,
    action: OperatorAction,
    customer: &str,
) -> Result<String, CliError> {
    actions::run(c, ctx, action, customer, None).await
}

async fn run(cli: Cli, ctx: Ctx) -> Result<(String, Outcome), CliError> {
    let clean = |s: String| (s, Outcome::Clean);
    match &cli.command {
        Command::Login => {
            return session::login(
                &ctx,
                cli.server.clone(),
                cli.token.clone(),
                request_timeout(),
            )
            .await
            .map(clean);
        }
        Command::Logout => return session::logout().map(clean),
        Command::Completions { shell } => return Ok(clean(session::completions(*shell))),
        Command::Man => return session::man().map(clean),
        _ => {}
    }
    let c = client(&cli)?;
    let out = match &cli.command {
        Command::Tui => tui::run(&c, ctx.color).await?,
        Command::Fleet(args) => view::fleet(&c, &ctx, args).await?,
        Command::Show { customer } => view::show(&c, &ctx, customer).await?,
        Command::Events(args) => view::events(&c, &ctx, args).await?,
        Command::History { customer, period } => view::history(&c, &ctx, customer, period).await?,
        Command::Config(cmd) => config::run(&c, &ctx, cmd).await?,
        Command::Block { customer } => act(&c, &ctx, OperatorAction::Block, customer).await?,
        Command::Unblock { customer } => act(&c, &ctx, OperatorAction::Unblock, customer).await?,
        Command::Delete { customer } => act(&c, &ctx, OperatorAction::Delete, customer).await?,
        Command::Adopt { customer } => act(&c, &ctx, OperatorAction::Adopt, customer).await?,
        Command::Push { customer } => act(&c, &ctx, OperatorAction::Push, customer).await?,
        Command::Pull { customer } => act(&c, &ctx, OperatorAction::Pull, customer).await?,
        Command::Diff { customer } => return actions::diff(&c, &ctx, customer).await,
        Command::Update { customer, version } => {
            actions::run(&c, &ctx, OperatorAction::Update, customer, Some(version)).await?
        }
        Command::Notifications(args) => view::notifications(&c, &ctx, args).await?,
        Command::Audit(args) => view::audit(&c, &ctx, args).await?,
        Command::Versions => view::versions(&c, &ctx).await?,
        Command::Incidents(args) => alerts::incidents(&c, &ctx, args).await?,
        Command::Maintenance(cmd) => alerts::maintenance(&c, &ctx, cmd).await?,
        Command::StatusLink {
            customer,
            ttl,
            revoke,
        } => {
            let id = hubctl::commands::customer_id(customer)?;
            if *revoke {
                let r = c.revoke_status_links(id).await?;
                ctx.data(&r)
                    .unwrap_or_else(|| format!("every earlier status link of {id} is revoked\n"))
            } else {
                let l = c.status_link(id, ttl.clone()).await?;
                ctx.data(&l)
                    .unwrap_or_else(|| format!("{}\n(valid until {})\n", l.url, l.expires_at))
            }
        }
        Command::Digest { send } => {
            let d = c.digest(*send).await?;
            ctx.data(&d).unwrap_or_else(|| {
                let mut out = format!("{}\n\n{}", d.subject, d.text);
                if d.sent {
                    out.push_str("\n(queued for the operator's email)\n");
                }
                out
            })
        }
        Command::Channel(cmd) => return channels::run(&c, &ctx, cmd).await,
        Command::Check { strict } => return view::check(&c, &ctx, *strict).await,
        Command::Login | Command::Logout | Command::Completions { .. } | Command::Man => {
            String::new()
        }
    };
    Ok(clean(out))
}
