//! The OpenAPI 3 document of the controller and admin APIs, generated from
//! the route table the router is built from ([`super::routes`]).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
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
        }
    }
}

/// The document for the given routes.
pub fn document(routes: &[RouteDoc]) -> Value {
    let mut paths: Map<String, Value> = Map::new();
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
        let mut op = json!({
            "summary": r.summary,
            "description": description,
            "tags": [tag],
            "security": security,
            "responses": {
                r.ok_status.to_string(): {"description": "success"},
                "default": {"description": "error", "content": {"application/json":
                    {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
            }
        });
        if !params.is_empty() {
            op["parameters"] = Value::Array(params);
        }
        if matches!(r.method, "POST" | "PUT") {
            op["requestBody"] =
                json!({"content": {"application/json": {"schema": {"type": "object"}}}});
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
            "schemas": {
                "ErrorBody": {"type": "object", "required": ["error"], "properties": {"error": {
                    "type": "object", "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}}
            }
        }
    })
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
