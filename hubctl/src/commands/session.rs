//! `login`, `logout`, `completions`.

use std::time::Duration;

use clap::CommandFactory;
use hub_proto::admin::Fleet;
use hub_proto::rules::FleetFilter;

use super::{CliError, Result};
use crate::cli::Cli;
use crate::client::Client;
use crate::output::Ctx;
use crate::settings::{self, Login};

pub async fn login(
    ctx: &Ctx,
    server: Option<String>,
    token: Option<String>,
    timeout: Duration,
) -> Result<String> {
    let prompt = |what: &str, secret: bool| -> Result<String> {
        if !ctx.interactive {
            return Err(CliError::Usage(format!(
                "missing {what}: pass --{what} (no terminal to ask)"
            )));
        }
        let r = if secret {
            dialoguer::Password::new().with_prompt(what).interact()
        } else {
            dialoguer::Input::<String>::new()
                .with_prompt(what)
                .interact_text()
        };
        r.map_err(|e| CliError::Usage(format!("cannot prompt: {e}")))
    };
    let server = match server {
        Some(s) => s,
        None => prompt("server", false)?,
    };
    let token = match token {
        Some(t) => t,
        None => prompt("token", true)?,
    };
    let client = Client::new(&server, &token, timeout)?;
    let fleet: Fleet = client.fleet(&FleetFilter::default()).await?;
    let path = settings::save(&Login {
        server: server.clone(),
        token,
    })
    .map_err(|e| CliError::Usage(format!("cannot save the login: {e}")))?;
    Ok(format!(
        "logged in to {server} ({} customers); saved to {}\n",
        fleet.customers.len(),
        path.display()
    ))
}

pub fn logout() -> Result<String> {
    match settings::remove() {
        Ok(true) => Ok("logged out\n".into()),
        Ok(false) => Ok("not logged in\n".into()),
        Err(e) => Err(CliError::Usage(format!("cannot remove the login: {e}"))),
    }
}

/// The man page of the whole command, in roff. It names the release only, not
/// the commit, so the checked-in page stays current from one commit to the next.
pub fn man() -> Result<String> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command().version(env!("CARGO_PKG_VERSION")))
        .render(&mut buf)
        .map_err(|e| CliError::Usage(format!("cannot render the man page: {e}")))?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

pub fn completions(shell: clap_complete::Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "hubctl", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}
