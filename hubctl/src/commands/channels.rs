//! `hubctl channel add|list|test|remove`: the operator's webhook, ntfy and
//! Telegram channels.

use hub_proto::admin::{ChannelInfo, ChannelRequest};

use super::{Outcome, Result};
use crate::cli::ChannelCommand;
use crate::client::Client;
use crate::output::{Ctx, cell, clean, render};

fn when(t: Option<jiff::Timestamp>) -> String {
    t.map(|t| t.strftime("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "-".into())
}

fn table(ctx: &Ctx, list: &[ChannelInfo]) -> String {
    if list.is_empty() {
        return "no channels: the operator is told by email only \
                (hubctl channel add NAME --kind webhook|ntfy|telegram …)\n"
            .into();
    }
    let mut t = ctx.table(&[
        "NAME",
        "KIND",
        "URL",
        "STATE",
        "EVENTS",
        "QUEUED",
        "LAST OK",
        "LAST ERROR",
    ]);
    for c in list {
        let state = match &c.disabled_reason {
            Some(why) => format!("disabled: {}", clean(why)),
            None => c.state.clone(),
        };
        let url = if c.kind == "telegram" {
            format!("chat {}", clean(&c.chat_id))
        } else {
            clean(&c.url).into_owned()
        };
        let error = if c.last_error.is_empty() {
            "-".to_owned()
        } else {
            format!("{} ({})", clean(&c.last_error), when(c.last_error_at))
        };
        t.add_row(vec![
            cell(&c.name),
            cell(&c.kind),
            cell(url),
            ctx.status_cell(&state),
            cell(if c.events.is_empty() {
                "as operator email".to_owned()
            } else {
                c.events.join(",")
            }),
            cell(c.queued.to_string()),
            cell(when(c.last_ok_at)),
            cell(error),
        ]);
    }
    render(&t)
}

pub async fn run(client: &Client, ctx: &Ctx, cmd: &ChannelCommand) -> Result<(String, Outcome)> {
    let clean_ = |s: String| Ok((s, Outcome::Clean));
    match cmd {
        ChannelCommand::Add(a) => {
            let req = ChannelRequest {
                name: a.name.clone(),
                kind: a.kind.clone(),
                url: a.url.clone(),
                secret: a.secret.clone(),
                token: a.token.clone(),
                chat_id: a.chat_id.clone(),
                events: a
                    .events
                    .iter()
                    .flat_map(|e| e.split(','))
                    .map(|e| e.trim().to_owned())
                    .filter(|e| !e.is_empty())
                    .collect(),
            };
            let made = client.add_channel(&req).await?;
            clean_(ctx.data(&made).unwrap_or_else(|| {
                format!(
                    "added {} channel {}; `hubctl channel test {}` sends a test message\n",
                    made.kind, made.name, made.name
                )
            }))
        }
        ChannelCommand::List => {
            let list = client.channels().await?;
            clean_(
                ctx.data(&list)
                    .unwrap_or_else(|| table(ctx, &list.channels)),
            )
        }
        ChannelCommand::Test { name } => {
            let t = client.test_channel(name).await?;
            let outcome = if t.ok { Outcome::Clean } else { Outcome::Found };
            let text = ctx.data(&t).unwrap_or_else(|| match &t.error {
                None => format!("{}: test message sent\n", t.name),
                Some(e) => format!("{}: the test failed: {}\n", t.name, clean(e)),
            });
            Ok((text, outcome))
        }
        ChannelCommand::Remove { name } => {
            let r = client.remove_channel(name).await?;
            clean_(
                ctx.data(&r)
                    .unwrap_or_else(|| format!("removed channel {name}\n")),
            )
        }
    }
}
