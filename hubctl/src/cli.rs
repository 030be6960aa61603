//! Global options and the command tree.

use clap::{Args, Parser, Subcommand};

use crate::output::Format;

pub const AFTER_HELP: &str = "\
Exit codes:
  0  success
  1  found something: `diff` has differences, `check` found unhealthy customers
  2  usage error (including an action refused without --yes and no terminal)
  3  the hub said no: authentication, not found, validation (its message is printed)
  4  the hub could not be reached

Server and token come from --server/--token, HUBCTL_SERVER/HUBCTL_TOKEN, or
`hubctl login`. Colour is off when stdout is not a terminal or NO_COLOR is set.";

#[derive(Debug, Parser)]
#[command(name = "hubctl", version = concat!(env!("CARGO_PKG_VERSION"), " (", env!("HUB_GIT_COMMIT"), ")"), about = "Run the felhom fleet from a terminal or a script",
          after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    /// The hub's base URL, e.g. https://hub.felhom.eu.
    #[arg(long, env = "HUBCTL_SERVER", global = true)]
    pub server: Option<String>,
    /// An admin token (`hub-server token create`).
    #[arg(long, env = "HUBCTL_TOKEN", global = true, hide_env_values = true)]
    pub token: Option<String>,
    /// Output format; json and yaml print the API's objects unchanged.
    #[arg(short, long, value_enum, default_value = "table", global = true)]
    pub output: Format,
    /// No colours (also: NO_COLOR, or stdout not a terminal).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Do not ask before destructive or outward actions.
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a server and token and save them for later commands.
    Login,
    /// Forget the saved server and token.
    Logout,
    /// The live console: fleet, customers, events, diffs and actions, in
    /// the terminal (keys: `?`).
    Tui,
    /// The fleet: status, health, last report, version, 24 h error/warning counts.
    Fleet(FleetArgs),
    /// One customer: config summary, system, storage, containers, backups, events.
    Show { customer: String },
    /// Events, newest first; --follow streams new ones.
    Events(EventsArgs),
    /// A customer's stored reports over a period.
    History {
        customer: String,
        /// 1h, 24h, 7d, 30d or 90d.
        #[arg(long, default_value = "24h", value_parser = ["1h", "24h", "7d", "30d", "90d"])]
        period: String,
    },
    /// Managed customer configs.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Block a customer: reports still stored, notifications suppressed.
    Block { customer: String },
    /// Unblock a customer.
    Unblock { customer: String },
    /// Delete a customer's config (it shows as manual if it keeps reporting).
    Delete { customer: String },
    /// Create a config for a manual customer from its newest report.
    Adopt { customer: String },
    /// Apply the hub's generated config on the customer's controller.
    Push { customer: String },
    /// Take identity and overrides from the controller's live config.
    Pull { customer: String },
    /// Hub-generated vs. controller live config; exit 1 when they differ.
    Diff { customer: String },
    /// Start a controller self-update.
    #[command(disable_version_flag = true)]
    Update {
        customer: String,
        /// A version like 1.9.0; the newest when left out.
        #[arg(long, default_value = "latest")]
        version: String,
    },
    /// The notification log: what was sent, skipped or failed.
    Notifications(LogArgs),
    /// The audit log of operator actions.
    Audit(LogArgs),
    /// The newest controller version and the fleet's versions.
    Versions,
    /// Incidents, newest first: what is open, what was said, what was held.
    Incidents(IncidentArgs),
    /// Maintenance windows: no opening notifications while one is active.
    #[command(subcommand)]
    Maintenance(MaintenanceCommand),
    /// A signed link to the customer's Hungarian status page (-o json:
    /// {"url", "expires_at"}); --revoke ends every earlier link.
    StatusLink {
        customer: String,
        /// How long it lives: 30d, 12h (default: the hub's status_page.ttl).
        #[arg(long, conflicts_with = "revoke")]
        ttl: Option<String>,
        #[arg(long)]
        revoke: bool,
    },
    /// The operator's daily digest as it would be sent now (read-only
    /// token enough); --send sends it now.
    Digest {
        #[arg(long)]
        send: bool,
    },
    /// The operator's webhook, ntfy and Telegram channels beside email.
    #[command(subcommand)]
    Channel(ChannelCommand),
    /// For cron and CI: exit 1 when a non-blocked customer is down.
    Check {
        /// Also fail on `warn`.
        #[arg(long)]
        strict: bool,
    },
    /// Print a shell completion script.
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff), e.g. `hubctl man > hubctl.1`.
    Man,
}

#[derive(Debug, Args)]
pub struct FleetArgs {
    /// Only these statuses (comma separated): ok, warn, down, disabled, pending, blocked.
    #[arg(long)]
    pub status: Option<String>,
    /// Include blocked customers.
    #[arg(long)]
    pub all: bool,
    /// Only managed customers whose live config drifted from the hub's.
    #[arg(long)]
    pub drifted: bool,
    /// Redraw on every change from the hub's live stream.
    #[arg(long)]
    pub watch: bool,
    /// The order: status (problems first: down, warn, pending, disabled,
    /// ok, blocked; then id), id, last-report (oldest first) or version.
    #[arg(long, default_value = "status", value_parser = ["status", "id", "last-report", "version"])]
    pub sort: String,
}

/// `--type`: one of the protocol's event types, checked before any request.
fn event_type(s: &str) -> Result<String, String> {
    hub_proto::EventType::parse(s)
        .map(|_| s.to_owned())
        .ok_or_else(|| format!("unknown event type `{s}`"))
}

#[derive(Debug, Args)]
pub struct EventsArgs {
    #[arg(long)]
    pub customer: Option<String>,
    /// info, warning or error.
    #[arg(long, value_parser = ["info", "warning", "error"])]
    pub severity: Option<String>,
    /// An event type, e.g. backup_failed.
    #[arg(long = "type", value_parser = event_type)]
    pub event_type: Option<String>,
    /// A duration back from now (2h, 7d) or a date (2026-11-01) or timestamp.
    #[arg(long)]
    pub since: Option<String>,
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// Keep printing new events as they arrive.
    #[arg(long)]
    pub follow: bool,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    #[arg(long)]
    pub customer: Option<String>,
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct IncidentArgs {
    /// Only incidents not yet resolved.
    #[arg(long)]
    pub open: bool,
    #[arg(long)]
    pub customer: Option<String>,
    /// node, backup, dbdump, disk, flapping or fleet.
    #[arg(long)]
    pub family: Option<String>,
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
}

#[derive(Debug, Subcommand)]
pub enum MaintenanceCommand {
    /// Add a window for one customer or (--all) the whole fleet.
    Add(MaintenanceAddArgs),
    /// Windows active now or still to come.
    List {
        #[arg(long)]
        customer: Option<String>,
    },
    /// End a window now.
    End { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum ChannelCommand {
    /// Add a channel; it gets what the operator email gets, or --events.
    Add(ChannelAddArgs),
    /// Every channel: state, last success, last error.
    List,
    /// Send a test message now (exit 1 if it fails); a success turns a
    /// disabled channel back on.
    Test { name: String },
    /// Remove a channel and what it still had queued.
    Remove { name: String },
}

#[derive(Debug, Args)]
pub struct ChannelAddArgs {
    pub name: String,
    #[arg(long, value_parser = ["webhook", "ntfy", "telegram"])]
    pub kind: String,
    /// The webhook's URL, or the ntfy topic's (https://ntfy.sh/felhom-alerts).
    #[arg(long, default_value = "")]
    pub url: String,
    /// The webhook's signing secret (X-Felhom-Signature).
    #[arg(long, env = "HUBCTL_CHANNEL_SECRET", hide_env_values = true)]
    pub secret: Option<String>,
    /// The ntfy access token, or the Telegram bot token.
    #[arg(long, env = "HUBCTL_CHANNEL_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// The Telegram chat to send to.
    #[arg(long)]
    pub chat_id: Option<String>,
    /// Only these (comma separated): event types and reminder,
    /// mass_outage, node_flapping, node_stable, <family>_resolved.
    #[arg(long)]
    pub events: Option<String>,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["customer", "all"])))]
#[command(group(clap::ArgGroup::new("when").required(true).args(["for_", "from", "daily"])))]
pub struct MaintenanceAddArgs {
    pub customer: Option<String>,
    /// The whole fleet.
    #[arg(long)]
    pub all: bool,
    /// One-off, from now: 30m, 2h, 1d.
    #[arg(long = "for", value_name = "DURATION")]
    pub for_: Option<String>,
    /// One-off start: RFC 3339, or "2026-12-07 02:00" in --timezone.
    #[arg(long, requires = "until")]
    pub from: Option<String>,
    #[arg(long, requires = "from")]
    pub until: Option<String>,
    /// Every day at HH:MM (local to --timezone), for --duration.
    #[arg(long, value_name = "HH:MM", requires = "duration")]
    pub daily: Option<String>,
    #[arg(long, requires = "daily")]
    pub duration: Option<String>,
    /// Only on these days (makes it weekly): sun,wed.
    #[arg(long, requires = "daily")]
    pub weekdays: Option<String>,
    /// Default: the hub's alerting.timezone.
    #[arg(long)]
    pub timezone: Option<String>,
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// All managed configs.
    List,
    /// One config (tokens redacted).
    Show { customer: String },
    /// Create a config; prompts on a terminal for what flags leave out.
    Create(CreateArgs),
    /// Edit a config in $VISUAL/$EDITOR as YAML; applied after validation.
    Edit { customer: String },
    /// Delete a config.
    Delete { customer: String },
    /// The generated controller.yaml (contains secrets).
    Yaml { customer: String },
    /// API key, retrieval password, session secret and tokens.
    Credentials { customer: String },
    /// Replace one generated credential.
    Rotate {
        customer: String,
        #[arg(long, value_parser = ["api_key", "retrieval_password", "session_secret"])]
        credential: String,
    },
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    pub customer: Option<String>,
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub domain: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    /// An infrastructure token, NAME=VALUE (repeatable), e.g. tunnel=abc.
    #[arg(long = "token-value", value_name = "NAME=VALUE")]
    pub tokens: Vec<String>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_tree_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
