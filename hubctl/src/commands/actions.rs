//! Actions on a customer: block, unblock, delete, adopt, push, pull, diff,
//! update. Those the shared action table says need a `--yes` ask first
//! on a terminal (and refuse without one), with the table's question.

use hub_proto::actions::OperatorAction;
use hub_proto::admin::DiffEntry;

use super::{Outcome, Result, confirm, customer_id};
use crate::client::{Answer, Client};
use crate::output::{Ctx, cell, render};

/// Runs `action` on `id` (asking first where it needs it) and prints the
/// hub's answer (`-o json`) or the action's sentence.
pub async fn run(
    client: &Client,
    ctx: &Ctx,
    action: OperatorAction,
    id: &str,
    version: Option<&str>,
) -> Result<String> {
    let id = customer_id(id)?;
    if action.needs_yes() {
        confirm(ctx, &action.question(id, version))?;
    }
    let answer = client.act(action, id, version).await?;
    let line = match (action, &answer) {
        (OperatorAction::Adopt, _) => format!(
            "{} See `hubctl config credentials {id}`.\n",
            action.done(id, version)
        ),
        _ => format!("{}\n", action.done(id, version)),
    };
    Ok(ctx.data(&answer).unwrap_or(line))
}

/// Exit 1 when there are differences, like `git diff --exit-code`.
pub async fn diff(client: &Client, ctx: &Ctx, id: &str) -> Result<(String, Outcome)> {
    let Answer::Diff(d) = client
        .act(OperatorAction::Diff, customer_id(id)?, None)
        .await?
    else {
        return Ok((String::new(), Outcome::Clean));
    };
    let outcome = if d.differences.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Found
    };
    if let Some(out) = ctx.data(&d) {
        return Ok((out, outcome));
    }
    if d.differences.is_empty() {
        return Ok((format!("{}: no differences\n", d.customer_id), outcome));
    }
    let mut t = ctx.table(&["PATH", "CHANGE", "HUB", "CONTROLLER"]);
    for e in &d.differences {
        let mut hub = cell(DiffEntry::show(&e.hub));
        let mut live = cell(DiffEntry::show(&e.controller));
        if ctx.color {
            hub = hub.fg(comfy_table::Color::Green);
            live = live.fg(comfy_table::Color::Red);
        }
        t.add_row(vec![cell(&e.path), cell(e.change()), hub, live]);
    }
    let mut out = render(&t);
    out.push('\n');
    out.push_str(&d.unified);
    Ok((out, outcome))
}
