//! `hubctl config …`: managed customer configs.

use std::collections::BTreeMap;

use hub_proto::actions::OperatorAction;
use hub_proto::admin::{CredentialKind, Credentials, CustomerConfig};

use super::{CliError, Result, confirm, customer_id};
use crate::cli::{ConfigCommand, CreateArgs};
use crate::client::{Client, ClientError};
use crate::output::{Ctx, render, row};

pub async fn run(client: &Client, ctx: &Ctx, cmd: &ConfigCommand) -> Result<String> {
    match cmd {
        ConfigCommand::List => {
            let list = client.configs().await?;
            Ok(ctx.data(&list).unwrap_or_else(|| {
                let mut t = ctx.table(&["CUSTOMER", "NAME", "DOMAIN", "EMAIL", "TOKENS"]);
                for c in &list {
                    t.add_row(row([
                        c.customer_id.clone(),
                        c.display_name.clone(),
                        c.domain.clone(),
                        c.contact_email.clone(),
                        c.tokens.keys().cloned().collect::<Vec<_>>().join(","),
                    ]));
                }
                render(&t)
            }))
        }
        ConfigCommand::Show { customer } => {
            let c = client.config(customer_id(customer)?).await?;
            Ok(ctx
                .data(&c)
                .unwrap_or_else(|| serde_saphyr::to_string(&c).unwrap_or_default()))
        }
        ConfigCommand::Create(args) => create(client, ctx, args).await,
        ConfigCommand::Edit { customer } => edit(client, ctx, customer_id(customer)?).await,
        ConfigCommand::Delete { customer } => {
            super::actions::run(client, ctx, OperatorAction::Delete, customer, None).await
        }
        ConfigCommand::Yaml { customer } => Ok(client.config_yaml(customer_id(customer)?).await?),
        ConfigCommand::Credentials { customer } => {
            let c = client.credentials(customer_id(customer)?).await?;
            Ok(credentials(ctx, &c))
        }
        ConfigCommand::Rotate {
            customer,
            credential,
        } => {
            let id = customer_id(customer)?;
            confirm(
                ctx,
                &format!("Rotate the {credential} of {id}? The old one stops working."),
            )?;
            let credential = match credential.as_str() {
                "api_key" => CredentialKind::ApiKey,
                "retrieval_password" => CredentialKind::RetrievalPassword,
                _ => CredentialKind::SessionSecret,
            };
            let c = client.rotate(id, credential).await?;
            Ok(credentials(ctx, &c))
        }
    }
}

fn credentials(ctx: &Ctx, c: &Credentials) -> String {
    ctx.data(c).unwrap_or_else(|| {
        let mut out = format!(
            "customer:           {}\napi key:            {}\nretrieval password: {}\nsession secret:     {}\n",
            c.customer_id,
            c.api_key,
            c.retrieval_password
                .as_deref()
                .unwrap_or("(kept only as a digest: rotate it to get a new one)"),
            c.session_secret
        );
        for (k, v) in &c.tokens {
            out.push_str(&format!("token {k}: {v}\n"));
        }
        out
    })
}

fn ask(
    ctx: &Ctx,
    value: &Option<String>,
    prompt: &str,
    default: &str,
    required: bool,
) -> Result<String> {
    if let Some(v) = value {
        return Ok(v.clone());
    }
    if !ctx.interactive {
        return if required {
            Err(CliError::Usage(format!(
                "missing {prompt}: pass it as a flag (no terminal to ask)"
            )))
        } else {
            Ok(default.to_owned())
        };
    }
    dialoguer::Input::<String>::new()
        .with_prompt(prompt)
        .default(default.to_owned())
        .allow_empty(!required)
        .interact_text()
        .map_err(|e| CliError::Usage(format!("cannot prompt: {e}")))
}

async fn create(client: &Client, ctx: &Ctx, args: &CreateArgs) -> Result<String> {
    let id = ask(ctx, &args.customer, "customer id", "", true)?;
    customer_id(&id)?;
    let name = ask(ctx, &args.name, "display name", "", false)?;
    let domain = ask(
        ctx,
        &args.domain,
        "domain",
        &format!("{id}.felhom.eu"),
        false,
    )?;
    let email = ask(ctx, &args.email, "contact email", "", false)?;
    let mut tokens = BTreeMap::new();
    for t in &args.tokens {
        let (k, v) = t
            .split_once('=')
            .ok_or_else(|| CliError::Usage(format!("--token-value `{t}`: use NAME=VALUE")))?;
        tokens.insert(k.to_owned(), v.to_owned());
    }
    let cfg = CustomerConfig {
        customer_id: id,
        display_name: name,
        domain,
        contact_email: email,
        tokens,
        ..Default::default()
    };
    let creds = client.create_config(&cfg).await?;
    Ok(credentials(ctx, &creds))
}

/// The comment on top of the text the editor is given: what to do, and
/// on a second round why the last one was refused.
fn edit_header(error: Option<&str>) -> String {
    let mut h = String::new();
    if let Some(e) = error {
        h.push_str("# The edit was not applied:\n");
        for line in e.lines() {
            h.push_str(&format!("#   {line}\n"));
        }
        h.push_str("# Fix it and save to try again; save it unchanged to give up.\n#\n");
    }
    h.push_str("# Edit and save to apply; tokens shown as <redacted> keep their value.\n");
    h
}

/// The edited text without the header comment hubctl put on top.
fn without_header(text: &str) -> &str {
    let mut rest = text;
    while rest.starts_with('#') {
        rest = rest.split_once('\n').map_or("", |(_, r)| r);
    }
    rest
}

/// At most this many rounds in the editor (a script's editor that keeps
/// changing the text must not loop for ever).
const EDIT_ROUNDS: usize = 10;

/// Opens $EDITOR on the YAML view; applies it after the hub validated it.
/// A refused edit (bad YAML, a changed id, the hub's validation) reopens
/// the editor on what was written, with the reason on top, as `kubectl
/// edit` does; saving it unchanged gives up with that reason.
async fn edit(client: &Client, ctx: &Ctx, id: &str) -> Result<String> {
    let current = client.config(id).await?;
    // The editor is the user's explicit choice ($VISUAL/$EDITOR), so no
    // terminal is required: `EDITOR="sed -i …" hubctl config edit` works in scripts.
    let yaml = serde_saphyr::to_string(&current).map_err(|e| CliError::Usage(e.to_string()))?;
    let mut body = yaml;
    let mut refused: Option<CliError> = None;
    for _ in 0..EDIT_ROUNDS {
        let shown = format!(
            "{}{body}",
            edit_header(refused.as_ref().map(ToString::to_string).as_deref())
        );
        let edited = dialoguer::Editor::new()
            .extension(".yaml")
            .require_save(false)
            .edit(&shown)
            .map_err(|e| CliError::Usage(format!("cannot run the editor: {e}")))?
            .unwrap_or_else(|| shown.clone());
        if without_header(&edited) == body {
            return match refused {
                // Saved as it was after a refusal: give up with the reason.
                Some(e) => Err(e),
                None => Ok("no changes\n".into()),
            };
        }
        body = without_header(&edited).to_owned();
        let cfg: CustomerConfig = match serde_saphyr::from_str(&body) {
            Ok(c) => c,
            Err(e) => {
                refused = Some(CliError::Usage(format!(
                    "not applied, the YAML is invalid: {e}"
                )));
                continue;
            }
        };
        if cfg == current {
            return Ok("no changes\n".into());
        }
        if cfg.customer_id != id {
            refused = Some(CliError::Usage(format!(
                "not applied: the customer_id was changed from {id}"
            )));
            continue;
        }
        match client.put_config(&cfg).await {
            Ok(saved) => {
                return Ok(ctx
                    .data(&saved)
                    .unwrap_or_else(|| format!("{id}: config saved\n")));
            }
            // The hub refused the values: another round.
            Err(
                e @ ClientError::Hub {
                    status: 400 | 422, ..
                },
            ) => refused = Some(e.into()),
            Err(e) => return Err(e.into()),
        }
    }
    Err(refused.unwrap_or_else(|| CliError::Usage("not applied".into())))
}
