//! One module per group of subcommands. Each command returns its output as
//! a string and an [`Outcome`]; `main` prints and maps errors to exit codes.

pub mod actions;
pub mod alerts;
pub mod channels;
pub mod config;
pub mod session;
pub mod view;

use thiserror::Error;

use crate::client::ClientError;
use crate::output::Ctx;

/// What a successful command found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Clean,
    /// Exit 1: differences, unhealthy customers.
    Found,
}

#[derive(Debug, Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Client(#[from] ClientError),
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) | CliError::Client(ClientError::BadServer(_)) => 2,
            CliError::Client(ClientError::Unreachable { .. }) => 4,
            CliError::Client(_) => 3,
        }
    }
}

pub type Result<T> = std::result::Result<T, CliError>;

/// Asks `question` before a destructive or outward action; refuses
/// without a terminal unless `--yes`.
pub fn confirm(ctx: &Ctx, question: &str) -> Result<()> {
    if ctx.yes {
        return Ok(());
    }
    if !ctx.interactive {
        return Err(CliError::Usage(format!(
            "refusing without confirmation: pass --yes (no terminal to ask \"{question}\")"
        )));
    }
    let ok = dialoguer::Confirm::new()
        .with_prompt(question)
        .default(false)
        .interact()
        .map_err(|e| CliError::Usage(format!("cannot ask for confirmation: {e}")))?;
    if ok {
        Ok(())
    } else {
        Err(CliError::Usage("cancelled".into()))
    }
}

/// Validates a customer id before it goes into a URL.
pub fn customer_id(id: &str) -> Result<&str> {
    hub_proto::validate_customer_id(id)
        .map(|_| id)
        .map_err(|_| {
            CliError::Usage(format!(
                "`{id}` is not a customer id (lowercase letters, digits, -)"
            ))
        })
}
