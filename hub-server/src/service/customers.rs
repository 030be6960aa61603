//! The customer-config service: every operator action on a customer, shared
//! by the admin API and the dashboard. Each mutating action is written to
//! the audit log with who, what, on which customer, when and the outcome —
//! failures included. Actions on a live controller leave the hub's state as
//! it was when the controller call fails.

use hub_proto::admin::{
    CredentialKind, Credentials, CustomerConfig, Diff, REDACTED, UpdateRequest,
};
use hub_proto::validate_customer_id;
use serde_json::{Value, json};

use super::{Actor, ServiceError};
use crate::controller::Controller;
use crate::controller_yaml::{self, VOLATILE_PATHS};
use crate::secrets::random_token;
use crate::state::AppState;
use crate::store::{NewCustomerConfig, StoredConfig};

/// Runs `action` and records it in the audit log, success or failure; a
/// successful change is announced on the live stream.
pub(super) async fn audited<T>(
    st: &AppState,
    actor: &Actor,
    action: &'static str,
    customer_id: &str,
    details: Value,
    result: Result<T, ServiceError>,
) -> Result<T, ServiceError> {
    if result.is_ok() {
        st.live().publish(crate::live::Msg::Action {
            customer_id: customer_id.to_owned(),
            action: action.to_owned(),
            actor: actor.name.clone(),
        });
    }
    audit_only(st, actor, action, customer_id, details, result).await
}

/// Records a read of secrets in the audit log (nothing changed, so nothing
/// is announced).
async fn audit_only<T>(
    st: &AppState,
    actor: &Actor,
    action: &'static str,
    customer_id: &str,
    details: Value,
    result: Result<T, ServiceError>,
) -> Result<T, ServiceError> {
    let outcome = match &result {
        Ok(_) => "ok".to_owned(),
        Err(e) => format!("error: {e}"),
    };
    st.store
        .audit(
            actor.name.clone(),
            action,
            Some(customer_id.to_owned()),
            actor.describe(details),
            outcome,
            st.clock.now(),
        )
        .await?;
    result
}

/// The secrets of a config's `settings` and `monitoring`, by pointer.
fn secret_values(cfg: &CustomerConfig) -> Vec<(String, Value)> {
    let doc = serde_json::to_value(cfg).unwrap_or_default();
    cfg.secret_pointers()
        .into_iter()
        .filter_map(|p| Some((p.clone(), doc.pointer(&p)?.clone())))
        .collect()
}

/// A secret sent back as `<redacted>` keeps its stored value (as tokens
/// do); one that is new needs a real value.
fn keep_redacted_secrets(
    cfg: &mut CustomerConfig,
    old: &CustomerConfig,
) -> Result<(), ServiceError> {
    // Every `<redacted>` in settings and monitoring: a URL with its
    // credentials hidden no longer looks like one, so the place counts.
    fn redacted_at(v: &Value, at: &str, out: &mut Vec<String>) {
        match v {
            Value::String(s) if s == REDACTED => out.push(at.to_owned()),
            Value::Object(m) => {
                for (k, v) in m {
                    let key = k.replace('~', "~0").replace('/', "~1");
                    redacted_at(v, &format!("{at}/{key}"), out);
                }
            }
            Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    redacted_at(v, &format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    let mut kept = Vec::new();
    redacted_at(&Value::Object(cfg.settings.clone()), "/settings", &mut kept);
    redacted_at(
        &Value::Object(cfg.monitoring.clone()),
        "/monitoring",
        &mut kept,
    );
    if kept.is_empty() {
        return Ok(());
    }
    let old_doc = serde_json::to_value(old).unwrap_or_default();
    let mut doc = serde_json::to_value(&*cfg).unwrap_or_default();
    for p in kept {
        let value = old_doc.pointer(&p).cloned().ok_or_else(|| {
            ServiceError::invalid("settings", format!("{p}: is new and needs a real value"))
        })?;
        if let Some(slot) = doc.pointer_mut(&p) {
            *slot = value;
        }
    }
    *cfg = serde_json::from_value(doc).map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok(())
}

fn token() -> Result<String, ServiceError> {
    random_token().map_err(|e| ServiceError::Internal(e.to_string()))
}

async fn stored(st: &AppState, id: &str) -> Result<StoredConfig, ServiceError> {
    validate_customer_id(id)?;
    st.store
        .customer_config(id.to_owned())
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("no config for `{id}`")))
}

/// Creates a managed customer with fresh credentials (≥ 128 bits each).
pub async fn create(
    st: &AppState,
    actor: &Actor,
    cfg: CustomerConfig,
) -> Result<Credentials, ServiceError> {
    let id = cfg.customer_id.clone();
    let result = async {
        cfg.validate()?;
        if cfg.tokens.values().any(|v| v == REDACTED) {
            return Err(ServiceError::invalid(
                "tokens",
                "tokens: a new config needs real token values",
            ));
        }
        if let Some(p) = secret_values(&cfg).into_iter().find(|(_, v)| v == REDACTED) {
            return Err(ServiceError::invalid(
                "settings",
                format!("{}: a new config needs the real value", p.0),
            ));
        }
        if st.store.customer_config(id.clone()).await?.is_some() {
            return Err(ServiceError::Conflict(format!(
                "`{id}` already has a config"
            )));
        }
        let new = NewCustomerConfig {
            api_key: token()?,
            retrieval_password: token()?,
            session_secret: token()?,
            config: cfg.clone(),
        };
        let creds = Credentials {
            customer_id: id.clone(),
            api_key: new.api_key.clone(),
            retrieval_password: Some(new.retrieval_password.clone()),
            session_secret: new.session_secret.clone(),
            tokens: cfg.tokens.clone(),
            secrets: secret_values(&cfg).into_iter().collect(),
        };
        if !st.store.insert_customer_config(new, st.clock.now()).await? {
            return Err(ServiceError::Conflict(format!(
                "`{id}` already has a config"
            )));
        }
        Ok(creds)
    }
    .await;
    audited(st, actor, "config.create", &id, json!({}), result).await
}

/// Replaces a config; tokens sent as `<redacted>` keep their stored value.
pub async fn update(
    st: &AppState,
    actor: &Actor,
    mut cfg: CustomerConfig,
) -> Result<CustomerConfig, ServiceError> {
    let id = cfg.customer_id.clone();
    let result = async {
        cfg.validate()?;
        let old = stored(st, &id).await?;
        for (name, value) in cfg.tokens.iter_mut() {
            if value == REDACTED {
                *value = old.config.tokens.get(name).cloned().ok_or_else(|| {
                    ServiceError::invalid(
                        "tokens",
                        format!("tokens: `{name}` is new and needs a real value"),
                    )
                })?;
            }
        }
        keep_redacted_secrets(&mut cfg, &old.config)?;
        st.store
            .update_config_document(cfg.clone(), st.clock.now())
            .await?;
        Ok(cfg.redacted())
    }
    .await;
    audited(st, actor, "config.update", &id, json!({}), result).await
}

pub async fn delete(st: &AppState, actor: &Actor, id: &str) -> Result<(), ServiceError> {
    let result = async {
        validate_customer_id(id)?;
        if st.store.delete_config(id.to_owned()).await? {
            Ok(())
        } else {
            Err(ServiceError::NotFound(format!("no config for `{id}`")))
        }
    }
    .await;
    audited(st, actor, "config.delete", id, json!({}), result).await
}

pub async fn set_blocked(
    st: &AppState,
    actor: &Actor,
    id: &str,
    blocked: bool,
) -> Result<(), ServiceError> {
    let action = if blocked {
        "customer.block"
    } else {
        "customer.unblock"
    };
    let result = async {
        validate_customer_id(id)?;
        if st.store.set_blocked(id.to_owned(), blocked).await? {
            Ok(())
        } else {
            Err(ServiceError::NotFound(format!("unknown customer `{id}`")))
        }
    }
    .await;
    audited(st, actor, action, id, json!({}), result).await
}

pub async fn rotate(
    st: &AppState,
    actor: &Actor,
    id: &str,
    kind: CredentialKind,
) -> Result<Credentials, ServiceError> {
    let result = async {
        stored(st, id).await?;
        let now = st.clock.now();
        let grace = jiff::SignedDuration::try_from(st.config.controllers.key_rotation_grace.0)
            .unwrap_or(jiff::SignedDuration::MAX);
        let value = token()?;
        st.store
            .rotate_credential(
                id.to_owned(),
                kind,
                value.clone(),
                now,
                now.checked_add(grace).unwrap_or(jiff::Timestamp::MAX),
            )
            .await?;
        let mut creds = st
            .store
            .credentials(id.to_owned())
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no config for `{id}`")))?;
        if kind == CredentialKind::RetrievalPassword {
            // Shown this once: only its digest is kept.
            creds.retrieval_password = Some(value);
        }
        Ok(creds)
    }
    .await;
    audited(
        st,
        actor,
        "credentials.rotate",
        id,
        json!({ "credential": kind }),
        result,
    )
    .await
}

/// Creates a config for a manual customer from its newest report.
pub async fn adopt(st: &AppState, actor: &Actor, id: &str) -> Result<Credentials, ServiceError> {
    let result = async {
        validate_customer_id(id)?;
        if st.store.customer_config(id.to_owned()).await?.is_some() {
            return Err(ServiceError::Conflict(format!("`{id}` is already managed")));
        }
        let summary = st
            .live()
            .row(id)
            .filter(|r| r.last_report_at.is_some())
            .ok_or_else(|| ServiceError::NotFound(format!("`{id}` has never reported")))?;
        let domain = summary
            .controller_url
            .as_deref()
            .and_then(|u| u.split("://").nth(1))
            .and_then(|rest| rest.split([':', '/']).next())
            .unwrap_or("")
            .to_owned();
        let cfg = CustomerConfig {
            customer_id: id.to_owned(),
            display_name: summary.hostname.clone().unwrap_or_default(),
            domain,
            ..Default::default()
        };
        Box::pin(create(st, actor, cfg)).await
    }
    .await;
    audited(st, actor, "customer.adopt", id, json!({}), result).await
}

/// The generated controller.yaml of a managed customer, which holds its
/// secrets: every read is audited.
pub async fn generated_yaml(
    st: &AppState,
    actor: &Actor,
    id: &str,
) -> Result<String, ServiceError> {
    let result = async { render(st, &stored(st, id).await?) }.await;
    audit_only(st, actor, "config.yaml_read", id, json!({}), result).await
}

/// A managed customer's credentials and tokens; every reveal is audited.
pub async fn credentials(
    st: &AppState,
    actor: &Actor,
    id: &str,
) -> Result<Credentials, ServiceError> {
    let result = async {
        validate_customer_id(id)?;
        st.store
            .credentials(id.to_owned())
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no config for `{id}`")))
    }
    .await;
    audit_only(st, actor, "credentials.reveal", id, json!({}), result).await
}

/// `controller.yaml` for a stored config with the current template.
pub fn render(st: &AppState, cfg: &StoredConfig) -> Result<String, ServiceError> {
    st.template
        .generate(&cfg.config, &cfg.api_key, &st.config.server.public_url)
        .map_err(|e| ServiceError::Internal(e.to_string()))
}

/// The controller of a managed customer, at the URL its own key reported,
/// called with the key it holds.
fn controller<'a>(st: &'a AppState, cfg: &'a StoredConfig) -> Result<Controller<'a>, ServiceError> {
    Ok(Controller::new(
        &st.controller_http,
        &st.controller_policy,
        cfg.controller_url.as_deref(),
        &cfg.config.domain,
        cfg.controller_key(st.clock.now()),
        st.config.controllers.timeout.0,
    )?)
}

pub async fn push(st: &AppState, actor: &Actor, id: &str) -> Result<(), ServiceError> {
    let result = async {
        let cfg = stored(st, id).await?;
        let yaml = render(st, &cfg)?;
        let ctl = controller(st, &cfg)?;
        let window = super::alerts::open_action_window(st, actor, id, "push").await?;
        if let Err(e) = ctl.apply(yaml).await {
            super::alerts::close_action_window(st, window).await?;
            return Err(e.into());
        }
        Ok(())
    }
    .await;
    audited(st, actor, "controller.push", id, json!({}), result).await
}

/// Reads the controller's live YAML, parsed, or a clear error.
async fn live(st: &AppState, cfg: &StoredConfig) -> Result<(String, Value), ServiceError> {
    let text = controller(st, cfg)?.live_config().await?;
    let value = controller_yaml::parse_yaml(&text)
        .map_err(|e| crate::controller::ControllerError::BadYaml(e.to_string()))?;
    if !value.is_object() {
        return Err(crate::controller::ControllerError::BadYaml("not a mapping".into()).into());
    }
    Ok((text, value))
}

/// Takes identity, monitoring overrides and known tokens from the live
/// config into the stored one — only after the read succeeded and parsed.
pub async fn pull(st: &AppState, actor: &Actor, id: &str) -> Result<CustomerConfig, ServiceError> {
    let result = async {
        let old = stored(st, id).await?;
        let (_, live) = live(st, &old).await?;
        let mut cfg = old.config.clone();
        let text = |v: &Value| v.as_str().map(str::to_owned);
        if let Some(v) = text(&live["customer"]["name"]) {
            cfg.display_name = v;
        }
        if let Some(v) = text(&live["customer"]["domain"]) {
            cfg.domain = v;
        }
        if let Some(v) = text(&live["customer"]["email"]) {
            cfg.contact_email = v;
        }
        if let (Some(live_mon), Some(tmpl_mon)) = (
            live["monitoring"].as_object(),
            st.template.current()["monitoring"].as_object(),
        ) {
            cfg.monitoring = live_mon
                .iter()
                .filter(|(k, v)| tmpl_mon.get(*k) != Some(*v))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
        }
        for (name, value) in cfg.tokens.iter_mut() {
            if let Some(v) = text(&live[name.as_str()]["token"]) {
                *value = v;
            }
        }
        cfg.validate()?;
        st.store
            .update_config_document(cfg.clone(), st.clock.now())
            .await?;
        Ok(cfg.redacted())
    }
    .await;
    audited(st, actor, "controller.pull", id, json!({}), result).await
}

/// Hub-generated vs. controller live, per dotted path.
pub async fn diff(st: &AppState, id: &str) -> Result<Diff, ServiceError> {
    let cfg = stored(st, id).await?;
    let (_, mut live) = live(st, &cfg).await?;
    let mut hub = controller_yaml::generate_value(
        &st.template.current(),
        &cfg.config,
        &cfg.api_key,
        &st.config.server.public_url,
    );
    // A diff is readable with a read-only token and shown on pages: it
    // says that a secret differs, never what it is.
    controller_yaml::redact_secrets(&mut hub, &mut live);
    let text = |v: &serde_json::Value| {
        serde_saphyr::to_string(v).map_err(|e| ServiceError::Internal(e.to_string()))
    };
    Ok(Diff {
        customer_id: id.to_owned(),
        differences: controller_yaml::diff(&hub, &live, VOLATILE_PATHS),
        ignored_paths: VOLATILE_PATHS.iter().map(|s| (*s).to_owned()).collect(),
        unified: controller_yaml::unified(&text(&hub)?, &text(&live)?),
    })
}

pub async fn trigger_update(
    st: &AppState,
    actor: &Actor,
    id: &str,
    req: UpdateRequest,
) -> Result<(), ServiceError> {
    let result = async {
        let v = req.version.trim();
        if v != "latest" && hub_proto::parse_version(v).is_none() {
            return Err(ServiceError::invalid(
                "version",
                format!("version `{v}` is neither x.y.z nor latest"),
            ));
        }
        let cfg = stored(st, id).await?;
        let ctl = controller(st, &cfg)?;
        let window = super::alerts::open_action_window(st, actor, id, "update").await?;
        if let Err(e) = ctl.update(v).await {
            super::alerts::close_action_window(st, window).await?;
            return Err(e.into());
        }
        Ok(())
    }
    .await;
    audited(
        st,
        actor,
        "controller.update",
        id,
        json!({ "version": req.version }),
        result,
    )
    .await
}

/// Lifts a retrieval-password lockout early; audited with whether there
/// was one.
pub async fn clear_lockout(st: &AppState, actor: &Actor, id: &str) -> Result<bool, ServiceError> {
    validate_customer_id(id)?;
    let cleared = st.store.clear_lockout(id.to_owned()).await?;
    audit_only(
        st,
        actor,
        "lockout.clear",
        id,
        json!({"was_locked": cleared}),
        Ok(cleared),
    )
    .await
}

/// The generated controller.yaml with every secret replaced by
/// `<redacted>`: what a page may show without a reveal.
pub async fn redacted_yaml(st: &AppState, id: &str) -> Result<String, ServiceError> {
    let cfg = stored(st, id).await?;
    st.template
        .generate(
            &cfg.config.redacted(),
            REDACTED,
            &st.config.server.public_url,
        )
        .map_err(|e| ServiceError::Internal(e.to_string()))
}
