//! `hubctl config …`: managed customer configs.

use std::collections::BTreeMap;

use hub_proto::actions::OperatorAction;
use hub_proto::admin::{CredentialKind, Credentials, CustomerConfig};

use super::{CliError, Result, confirm, customer_id};
use crate::cli::{ConfigCommand, CreateArgs};
use crate::client::Client;
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

/// Opens $EDITOR on the YAML view; applies it after the hub validated it.
async fn edit(client: &Client, ctx: &Ctx, id: &str) -> Result<String> {
    let current = client.config(id).await?;
    // The editor is the user's explicit choice ($VISUAL/$EDITOR), so no
    // terminal is required: `EDITOR="sed -i …" hubctl config edit` works in scripts.
    let yaml = serde_saphyr::to_string(&current).map_err(|e| CliError::Usage(e.to_string()))?;
    let header = "# Edit and save to apply; tokens shown as <redacted> keep their value.\n";
    let Some(edited) = dialoguer::Editor::new()
        .extension(".yaml")
        .edit(&format!("{header}{yaml}"))
        .map_err(|e| CliError::Usage(format!("cannot run the editor: {e}")))?
    else {
        return Ok("no changes\n".into());
    };
    let cfg: CustomerConfig = serde_saphyr::from_str(&edited)
        .map_err(|e| CliError::Usage(format!("not applied, the YAML is invalid: {e}")))?;
    if cfg == current {
        return Ok("no changes\n".into());
    }
    if cfg.customer_id != id {
        return Err(CliError::Usage(format!(
            "not applied: the customer_id was changed from {id}"
        )));
    }
    let saved = client.put_config(&cfg).await?;
    Ok(ctx
        .data(&saved)
        .unwrap_or_else(|| format!("{id}: config saved\n")))
}
