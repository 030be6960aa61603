//! The OpenAPI 3 document of the controller and admin APIs, generated from
//! the route table the router is built from ([`super::routes`]).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use hub_proto::admin;
use schemars::SchemaGenerator;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use crate::state::AppState;

/// Which credential a route takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    None,
    /// Global report key or that customer's own API key.
    Bearer,
    /// The global report key only.
    ReportKey,
    /// `X-Retrieval-Password`.
    Retrieval,
    /// Any admin token.
    Admin,
    /// A full (not read-only) admin token.
    AdminWrite,
}

/// What the document says about one route.
#[derive(Debug, Clone, Copy)]
pub struct RouteDoc {
    pub method: &'static str,
    pub path: &'static str,
    pub auth: Auth,
    pub ok_status: u16,
    pub summary: &'static str,
    /// The `hub-proto` type of the request body, by name.
    pub request: Option<&'static str>,
    /// The answer's body: a `hub-proto` type by name (`Name[]` for a
    /// list), or a media type (`application/yaml`, `text/event-stream`).
    pub response: Option<&'static str>,
}

impl RouteDoc {
    pub const fn new(
        method: &'static str,
        path: &'static str,
        auth: Auth,
        ok_status: u16,
        summary: &'static str,
    ) -> Self {
        Self {
            method,
            path,
            auth,
            ok_status,
            summary,
            request: None,
            response: None,
        }
    }

    /// The request body's type.
    pub const fn takes(mut self, name: &'static str) -> Self {
        self.request = Some(name);
        self
    }

    /// The answer's type (or media type).
    pub const fn returns(mut self, name: &'static str) -> Self {
        self.response = Some(name);
        self
    }
}

/// The body types the routes name, and how to make each one's schema:
/// generated from the `hub-proto` type itself, so the document cannot
/// drift from what is sent and accepted.
type SchemaFn = fn(&mut SchemaGenerator) -> schemars::Schema;

const TYPES: &[(&str, SchemaFn)] = &[
    ("AuditPage", |g| {
        g.subschema_for::<admin::Page<admin::AuditEntry>>()
    }),
    ("CustomerConfig", |g| {
        g.subschema_for::<admin::CustomerConfig>()
    }),
    ("CustomerDetail", |g| {
        g.subschema_for::<hub_proto::CustomerDetail>()
    }),
    ("CustomerList", |g| {
        g.subschema_for::<hub_proto::CustomerList>()
    }),
    ("ChannelInfo", |g| g.subschema_for::<admin::ChannelInfo>()),
    ("ChannelList", |g| g.subschema_for::<admin::ChannelList>()),
    ("ChannelRequest", |g| {
        g.subschema_for::<admin::ChannelRequest>()
    }),
    ("ChannelTest", |g| g.subschema_for::<admin::ChannelTest>()),
    ("CustomerView", |g| g.subschema_for::<admin::CustomerView>()),
    ("Credentials", |g| g.subschema_for::<admin::Credentials>()),
    ("Diff", |g| g.subschema_for::<admin::Diff>()),
    ("Digest", |g| g.subschema_for::<admin::Digest>()),
    ("EventAccepted", |g| {
        g.subschema_for::<hub_proto::EventAccepted>()
    }),
    ("EventIn", |g| g.subschema_for::<hub_proto::EventIn>()),
    ("EventPage", |g| {
        g.subschema_for::<admin::Page<admin::EventRecord>>()
    }),
    ("Fleet", |g| g.subschema_for::<admin::Fleet>()),
    ("HealthBody", |g| g.subschema_for::<hub_proto::HealthBody>()),
    ("HistoryResponse", |g| {
        g.subschema_for::<hub_proto::HistoryResponse>()
    }),
    ("HubStatus", |g| g.subschema_for::<admin::HubStatus>()),
    ("IncidentList", |g| {
        g.subschema_for::<hub_proto::alerts::IncidentList>()
    }),
    ("InfraBackup", |g| {
        g.subschema_for::<hub_proto::InfraBackup>()
    }),
    ("LegacyNotify", |g| {
        g.subschema_for::<hub_proto::LegacyNotify>()
    }),
    ("MaintenanceList", |g| {
        g.subschema_for::<hub_proto::alerts::MaintenanceList>()
    }),
    ("MaintenanceWindow", |g| {
        g.subschema_for::<hub_proto::alerts::MaintenanceWindow>()
    }),
    ("NewMaintenance", |g| {
        g.subschema_for::<hub_proto::alerts::NewMaintenance>()
    }),
    ("NotificationRecord", |g| {
        g.subschema_for::<admin::NotificationRecord>()
    }),
    ("Preferences", |g| {
        g.subschema_for::<hub_proto::Preferences>()
    }),
    ("RecoveryResponse", |g| {
        g.subschema_for::<hub_proto::RecoveryResponse>()
    }),
    ("Report", |g| g.subschema_for::<hub_proto::Report>()),
    ("StatusLink", |g| g.subschema_for::<admin::StatusLink>()),
    ("StatusLinkRequest", |g| {
        g.subschema_for::<admin::StatusLinkRequest>()
    }),
    ("ReportAccepted", |g| {
        g.subschema_for::<hub_proto::ReportAccepted>()
    }),
    ("RotateRequest", |g| {
        g.subschema_for::<admin::RotateRequest>()
    }),
    ("StatusOk", |g| g.subschema_for::<hub_proto::StatusOk>()),
    ("StreamMessage", |g| {
        g.subschema_for::<admin::StreamMessage>()
    }),
    ("UpdateRequest", |g| {
        g.subschema_for::<admin::UpdateRequest>()
    }),
    ("Versions", |g| g.subschema_for::<admin::Versions>()),
    ("Whoami", |g| g.subschema_for::<admin::Whoami>()),
];

/// The content of a body named `name`, and the schema names it uses.
fn content(name: &str, used: &mut Vec<&'static str>) -> Value {
    if name.contains('/') {
        let schema = match name {
            "text/event-stream" => {
                used.push("StreamMessage");
                json!({"$ref": "#/components/schemas/StreamMessage"})
            }
            "application/json" => json!({"type": "object"}),
            _ => json!({"type": "string"}),
        };
        return json!({ name: {"schema": schema} });
    }
    let (base, list) = match name.strip_suffix("[]") {
        Some(b) => (b, true),
        None => (name, false),
    };
    if let Some((n, _)) = TYPES.iter().find(|(n, _)| *n == base) {
        used.push(n);
    }
    let reference = json!({"$ref": format!("#/components/schemas/{base}")});
    let schema = if list {
        json!({"type": "array", "items": reference})
    } else {
        reference
    };
    json!({"application/json": {"schema": schema}})
}

/// The document for the given routes.
pub fn document(routes: &[RouteDoc]) -> Value {
    let mut paths: Map<String, Value> = Map::new();
    let mut used: Vec<&'static str> = Vec::new();
    for r in routes {
        let (tag, security) = match r.auth {
            Auth::None => ("service", json!([])),
            Auth::Bearer => (
                "controller",
                json!([{"reportKey": []}, {"customerKey": []}]),
            ),
            Auth::ReportKey => ("controller", json!([{"reportKey": []}])),
            Auth::Retrieval => ("recovery", json!([{"retrievalPassword": []}])),
            Auth::Admin => ("admin", json!([{"adminToken": []}])),
            Auth::AdminWrite => ("admin", json!([{"adminToken": []}])),
        };
        let params: Vec<Value> = r
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| {
                json!({"name": name, "in": "path", "required": true,
                       "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,62}$"}})
            })
            .collect();
        let mut description = r.summary.to_owned();
        if r.auth == Auth::AdminWrite {
            description.push_str(" (needs a full admin token; read-only tokens get 403)");
        }
        let mut ok = json!({"description": "success"});
        if let Some(name) = r.response {
            ok["content"] = content(name, &mut used);
        }
        let mut op = json!({
            "summary": r.summary,
            "description": description,
            "tags": [tag],
            "security": security,
            "responses": {
                r.ok_status.to_string(): ok,
                "default": {"description": "error", "content": {"application/json":
                    {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
            }
        });
        if !params.is_empty() {
            op["parameters"] = Value::Array(params);
        }
        if let Some(name) = r.request {
            op["requestBody"] = json!({"required": true, "content": content(name, &mut used)});
        }
        let entry = paths.entry(r.path.to_owned()).or_insert_with(|| json!({}));
        entry[r.method.to_ascii_lowercase()] = op;
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "felhom hub", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Controller API (PROTOCOL.md) and admin API of felhom hub. See docs/api.md."},
        "paths": paths,
        "components": {
            "securitySchemes": {
                "reportKey": {"type": "http", "scheme": "bearer", "description": "api.report_api_key"},
                "customerKey": {"type": "http", "scheme": "bearer", "description": "a customer's own API key"},
                "retrievalPassword": {"type": "apiKey", "in": "header", "name": "X-Retrieval-Password"},
                "adminToken": {"type": "http", "scheme": "bearer", "description": "hub-server token create"}
            },
            "schemas": schemas(&used)
        }
    })
}

/// A schema per body type the routes name, generated from its `hub-proto`
/// type (OpenAPI 3.0 flavour), with every type they use in turn.
fn schemas(used: &[&'static str]) -> Value {
    let mut generator = SchemaSettings::openapi3().into_generator();
    let mut named = Map::new();
    let error = generator.subschema_for::<hub_proto::ErrorBody>();
    named.insert("ErrorBody".into(), error.to_value());
    for name in used {
        let Some((n, make)) = TYPES.iter().find(|(n, _)| n == name) else {
            continue;
        };
        let schema = make(&mut generator).to_value();
        // A type whose generated name is the route's name is already a
        // definition; an alias (`EventPage` for `Page<EventRecord>`)
        // points at it.
        if schema.get("$ref").and_then(Value::as_str) != Some(&format!("#/components/schemas/{n}"))
        {
            named.insert((*n).to_owned(), schema);
        }
    }
    let mut all = generator.take_definitions(true);
    for (k, v) in named {
        if !all.contains_key(&k) {
            all.insert(k, v);
        }
    }
    Value::Object(all.into_iter().collect())
}

/// The document of this hub's routes, built once.
pub fn current() -> &'static Value {
    static DOC: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    DOC.get_or_init(|| {
        let docs: Vec<RouteDoc> = super::routes().into_iter().map(|(d, _)| d).collect();
        document(&docs)
    })
}

/// `GET /api/openapi.json`.
pub async fn serve(State(_): State<Arc<AppState>>) -> Json<&'static Value> {
    Json(current())
}
