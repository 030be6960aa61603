//! Actions on a customer: block, unblock, delete, adopt, push, pull, diff,
//! update. Destructive or outward ones ask first (or need --yes).

use hub_proto::StatusOk;
use hub_proto::admin::{Credentials, CustomerConfig, Diff, UpdateRequest};
use reqwest::Method;
use serde_json::Value;

use super::{Outcome, Result, confirm, customer_id};
use crate::client::Client;
use crate::output::{Ctx, cell, render};

async fn post_ok<B: serde::Serialize>(
    client: &Client,
    path: &str,
    body: Option<&B>,
) -> Result<StatusOk> {
    Ok(client.call(Method::POST, path, body).await?)
}

fn done(ctx: &Ctx, answer: &impl serde::Serialize, line: String) -> String {
    ctx.data(answer).unwrap_or(line)
}

pub async fn block(client: &Client, ctx: &Ctx, id: &str, block: bool) -> Result<String> {
    let id = customer_id(id)?;
    if block {
        confirm(
            ctx,
            &format!("block {id} (no notifications, hidden from the fleet)"),
        )?;
    }
    let verb = if block { "block" } else { "unblock" };
    let a = post_ok::<()>(client, &format!("/customers/{id}/{verb}"), None).await?;
    Ok(done(ctx, &a, format!("{id}: {verb}ed\n")))
}

pub async fn delete(client: &Client, ctx: &Ctx, id: &str) -> Result<String> {
    let id = customer_id(id)?;
    confirm(ctx, &format!("delete the config of {id}"))?;
    let a: StatusOk = client
        .call::<(), _>(Method::DELETE, &format!("/configs/{id}"), None)
        .await?;
    Ok(done(ctx, &a, format!("{id}: config deleted\n")))
}

pub async fn adopt(client: &Client, ctx: &Ctx, id: &str) -> Result<String> {
    let id = customer_id(id)?;
    let c: Credentials = client
        .call::<(), _>(Method::POST, &format!("/customers/{id}/adopt"), None)
        .await?;
    Ok(done(
        ctx,
        &c,
        format!("{id}: adopted; see `hubctl config credentials {id}`\n"),
    ))
}

pub async fn push(client: &Client, ctx: &Ctx, id: &str) -> Result<String> {
    let id = customer_id(id)?;
    confirm(ctx, &format!("apply the hub's config on {id}'s controller"))?;
    let a = post_ok::<()>(client, &format!("/customers/{id}/push"), None).await?;
    Ok(done(
        ctx,
        &a,
        format!("{id}: config applied on the controller\n"),
    ))
}

pub async fn pull(client: &Client, ctx: &Ctx, id: &str) -> Result<String> {
    let id = customer_id(id)?;
    let c: CustomerConfig = client
        .call::<(), _>(Method::POST, &format!("/customers/{id}/pull"), None)
        .await?;
    Ok(done(
        ctx,
        &c,
        format!("{id}: config taken from the controller\n"),
    ))
}

pub async fn update(client: &Client, ctx: &Ctx, id: &str, version: &str) -> Result<String> {
    let id = customer_id(id)?;
    confirm(ctx, &format!("update {id}'s controller to {version}"))?;
    let a = post_ok(
        client,
        &format!("/customers/{id}/update"),
        Some(&UpdateRequest {
            version: version.to_owned(),
        }),
    )
    .await?;
    Ok(done(
        ctx,
        &a,
        format!("{id}: update to {version} started\n"),
    ))
}

/// Exit 1 when there are differences, like `git diff --exit-code`.
pub async fn diff(client: &Client, ctx: &Ctx, id: &str) -> Result<(String, Outcome)> {
    let d: Diff = client
        .get(&format!("/customers/{}/diff", customer_id(id)?))
        .await?;
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
    let show = |v: &Option<Value>| {
        v.as_ref()
            .map(|v| v.to_string())
            .unwrap_or_else(|| "(absent)".into())
    };
    let mut t = ctx.table(&["PATH", "HUB", "CONTROLLER"]);
    for e in &d.differences {
        let mut hub = cell(show(&e.hub));
        let mut live = cell(show(&e.controller));
        if ctx.color {
            hub = hub.fg(comfy_table::Color::Green);
            live = live.fg(comfy_table::Color::Red);
        }
        t.add_row(vec![cell(&e.path), hub, live]);
    }
    Ok((render(&t), outcome))
}
