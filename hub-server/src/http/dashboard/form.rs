//! The config form (`/configs/new`, `/configs/{id}/edit`): fields as
//! typed are kept when validation fails; stored token values are never
//! shown and an empty value keeps them. Reading the posted form is a pure
//! function ([`read_form`]).

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use hub_proto::admin::{CustomerConfig, REDACTED};

use super::actions::show_once;
use super::render::{Chrome, flash_and_go, html, refuse_form};
use super::{Dash, service_error, urlencode};
use crate::service::customers as svc;
use crate::service::{ServiceError, views};
use crate::state::AppState;

/// One token row of the form.
pub struct TokenRow {
    name: String,
    value: String,
    stored: bool,
}

/// The form's fields, as typed (kept when validation fails).
pub struct ConfigFields {
    customer_id: String,
    display_name: String,
    domain: String,
    contact_email: String,
    tokens: Vec<TokenRow>,
    monitoring: String,
    legacy: String,
}

#[derive(Template)]
#[template(path = "ui/form.html")]
struct FormPage {
    chrome: Chrome,
    new: bool,
    f: ConfigFields,
    errors: HashMap<&'static str, String>,
}

/// Empty rows for new tokens under the stored ones.
const SPARE_TOKEN_ROWS: usize = 3;

fn fields_of(cfg: &CustomerConfig) -> ConfigFields {
    let mut tokens: Vec<TokenRow> = cfg
        .tokens
        .keys()
        .map(|name| TokenRow {
            name: name.clone(),
            value: String::new(),
            stored: true,
        })
        .collect();
    tokens.extend((0..SPARE_TOKEN_ROWS).map(|_| TokenRow {
        name: String::new(),
        value: String::new(),
        stored: false,
    }));
    ConfigFields {
        customer_id: cfg.customer_id.clone(),
        display_name: cfg.display_name.clone(),
        domain: cfg.domain.clone(),
        contact_email: cfg.contact_email.clone(),
        tokens,
        monitoring: if cfg.monitoring.is_empty() {
            String::new()
        } else {
            serde_saphyr::to_string(&cfg.monitoring).unwrap_or_default()
        },
        legacy: cfg.legacy_monitoring_uuids.join("\n"),
    }
}

pub async fn new_form(d: Dash) -> Response {
    html(FormPage {
        chrome: Chrome::new(&d, "New Config"),
        new: true,
        f: fields_of(&CustomerConfig::default()),
        errors: HashMap::new(),
    })
}

pub async fn edit_form(
    State(st): State<Arc<AppState>>,
    d: Dash,
    Path(id): Path<String>,
) -> Response {
    match views::config(&st, &id).await {
        Ok(cfg) => html(FormPage {
            chrome: Chrome::new(&d, format!("Edit {id}")),
            new: false,
            f: fields_of(&cfg),
            errors: HashMap::new(),
        }),
        Err(e) => service_error(e),
    }
}

/// The posted form as pairs (token rows repeat their names).
type Pairs = Vec<(String, String)>;

fn field<'a>(pairs: &'a Pairs, name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// Reads the form into fields (to redisplay) and a config (to save).
/// `stored` names the tokens the hub keeps: an empty value keeps them.
fn read_form(
    pairs: &Pairs,
    stored: &[String],
) -> (
    ConfigFields,
    Result<CustomerConfig, HashMap<&'static str, String>>,
) {
    let names: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "token_name")
        .map(|(_, v)| v.trim())
        .collect();
    let values: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "token_value")
        .map(|(_, v)| v.as_str())
        .collect();
    let mut errors = HashMap::new();
    let mut tokens = std::collections::BTreeMap::new();
    let mut rows = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let value = values.get(i).copied().unwrap_or("");
        let stored_here = stored.iter().any(|s| s == name);
        rows.push(TokenRow {
            name: (*name).to_owned(),
            value: value.to_owned(),
            stored: stored_here,
        });
        if name.is_empty() {
            if !value.is_empty() {
                errors.insert("tokens", "a token value needs a name".to_owned());
            }
            continue;
        }
        let v = if value.is_empty() {
            if stored_here {
                REDACTED.to_owned()
            } else {
                errors.insert("tokens", format!("token `{name}` needs a value"));
                continue;
            }
        } else {
            value.to_owned()
        };
        tokens.insert((*name).to_owned(), v);
    }
    rows.extend((0..SPARE_TOKEN_ROWS).map(|_| TokenRow {
        name: String::new(),
        value: String::new(),
        stored: false,
    }));
    let monitoring_text = field(pairs, "monitoring").to_owned();
    let monitoring = if monitoring_text.trim().is_empty() {
        serde_json::Map::new()
    } else {
        match crate::controller_yaml::parse_yaml(&monitoring_text) {
            Ok(serde_json::Value::Object(m)) => m,
            _ => {
                errors.insert(
                    "monitoring",
                    "must be YAML `key: value` lines (a mapping)".to_owned(),
                );
                serde_json::Map::new()
            }
        }
    };
    let legacy_text = field(pairs, "legacy_monitoring_uuids").to_owned();
    let fields = ConfigFields {
        customer_id: field(pairs, "customer_id").trim().to_owned(),
        display_name: field(pairs, "display_name").trim().to_owned(),
        domain: field(pairs, "domain").trim().to_owned(),
        contact_email: field(pairs, "contact_email").trim().to_owned(),
        tokens: rows,
        monitoring: monitoring_text,
        legacy: legacy_text.clone(),
    };
    let cfg = CustomerConfig {
        customer_id: fields.customer_id.clone(),
        display_name: fields.display_name.clone(),
        domain: fields.domain.clone(),
        contact_email: fields.contact_email.clone(),
        tokens,
        monitoring,
        legacy_monitoring_uuids: legacy_text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        settings: serde_json::Map::new(),
    };
    if let Err(e) = cfg.validate() {
        errors.insert(field_name(e.field), e.message);
    }
    if errors.is_empty() {
        (fields, Ok(cfg))
    } else {
        (fields, Err(errors))
    }
}

/// The form field a validation error belongs to.
fn field_name(f: &str) -> &'static str {
    match f {
        "customer_id" => "customer_id",
        "display_name" => "display_name",
        "domain" => "domain",
        "contact_email" | "email" => "contact_email",
        "tokens" => "tokens",
        "monitoring" => "monitoring",
        _ => "form",
    }
}

/// A refusal the form shows next to its field; other failures are pages.
fn form_errors(e: ServiceError) -> Result<HashMap<&'static str, String>, ServiceError> {
    match e {
        ServiceError::Invalid { field, message, .. } => {
            Ok(HashMap::from([(field_name(&field), message)]))
        }
        ServiceError::Conflict(m) => Ok(HashMap::from([("customer_id", m)])),
        e => Err(e),
    }
}

/// `Save` on the new-config form: shows the credentials once, then the
/// customer page.
pub async fn create(
    State(st): State<Arc<AppState>>,
    d: Dash,
    Form(pairs): Form<Pairs>,
) -> Response {
    if let Some(r) = refuse_form(&d, field(&pairs, "csrf")) {
        return r;
    }
    let (fields, parsed) = read_form(&pairs, &[]);
    let errors = match parsed {
        Ok(cfg) => match svc::create(&st, &d.actor(), cfg).await {
            Ok(creds) => {
                let next = format!("/customers/{}", urlencode(&creds.customer_id));
                return show_once(&st, &d, creds, next);
            }
            Err(e) => match form_errors(e) {
                Ok(errs) => errs,
                Err(e) => return service_error(e),
            },
        },
        Err(errs) => errs,
    };
    let mut r = html(FormPage {
        chrome: Chrome::new(&d, "New Config"),
        new: true,
        f: fields,
        errors,
    });
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    r
}

/// `Save` on the edit form; stored token values are kept unless replaced.
pub async fn edit(
    State(st): State<Arc<AppState>>,
    d: Dash,
    Path(id): Path<String>,
    Form(mut pairs): Form<Pairs>,
) -> Response {
    if let Some(r) = refuse_form(&d, field(&pairs, "csrf")) {
        return r;
    }
    let stored: Vec<String> = match views::config(&st, &id).await {
        Ok(cfg) => cfg.tokens.keys().cloned().collect(),
        Err(e) => return service_error(e),
    };
    // The id comes from the path, not the (read-only) field.
    pairs.retain(|(k, _)| k != "customer_id");
    pairs.push(("customer_id".into(), id.clone()));
    let (fields, parsed) = read_form(&pairs, &stored);
    let errors = match parsed {
        Ok(cfg) => match svc::update(&st, &d.actor(), cfg).await {
            Ok(_) => {
                let to = format!("/customers/{}", urlencode(&id));
                return flash_and_go(&st, &d, format!("ok:{id}'s config was saved."), &to).await;
            }
            Err(e) => match form_errors(e) {
                Ok(errs) => errs,
                Err(e) => return service_error(e),
            },
        },
        Err(errs) => errs,
    };
    let mut r = html(FormPage {
        chrome: Chrome::new(&d, format!("Edit {id}")),
        new: false,
        f: fields,
        errors,
    });
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Pairs {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_form_reads_into_a_config_or_errors_by_field() {
        let ok = pairs(&[
            ("customer_id", " kovacs "),
            ("display_name", "Kovács"),
            ("token_name", "tunnel"),
            ("token_value", ""),
            ("token_name", "dns"),
            ("token_value", "d-1"),
            ("token_name", ""),
            ("token_value", ""),
            ("monitoring", "disk_space_warning_percent: 80"),
            ("legacy_monitoring_uuids", "a\n\n b \n"),
        ]);
        let (fields, cfg) = read_form(&ok, &["tunnel".to_owned()]);
        let Ok(cfg) = cfg else {
            panic!("refused: {fields:?}", fields = fields.customer_id)
        };
        assert_eq!(cfg.customer_id, "kovacs");
        assert_eq!(cfg.tokens["tunnel"], REDACTED, "a stored token is kept");
        assert_eq!(cfg.tokens["dns"], "d-1");
        assert_eq!(cfg.monitoring["disk_space_warning_percent"], 80);
        assert_eq!(cfg.legacy_monitoring_uuids, ["a", "b"]);
        // Three spare rows after the ones typed.
        assert_eq!(fields.tokens.len(), 3 + SPARE_TOKEN_ROWS);

        let bad = pairs(&[
            ("customer_id", "Not Valid"),
            ("token_name", "new"),
            ("token_value", ""),
            ("monitoring", "- a list"),
        ]);
        let (fields, cfg) = read_form(&bad, &[]);
        let errors = cfg.err().unwrap_or_default();
        assert!(errors.contains_key("tokens") && errors.contains_key("monitoring"));
        assert_eq!(fields.customer_id, "Not Valid", "kept as typed");
    }
}
