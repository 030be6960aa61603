//! `/configs`: every customer, managed and manual, blocked ones muted.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::Dash;
use super::render::{Chrome, html};
use crate::live::{Row, StatusView};
use crate::state::AppState;

/// One row of the list.
#[derive(Debug, PartialEq)]
pub struct CustomerRow {
    pub id: String,
    pub name: String,
    pub status: &'static str,
    pub version: String,
    pub managed: bool,
    pub blocked: bool,
}

/// The list's rows, in id order.
pub fn customer_rows<'a>(
    rows: impl Iterator<Item = &'a Row>,
    view: &StatusView,
) -> Vec<CustomerRow> {
    rows.map(|r| CustomerRow {
        id: r.customer_id.clone(),
        name: r.display_name.clone().unwrap_or_default(),
        status: r.status(view).as_str(),
        version: r.controller_version.clone().unwrap_or_else(|| "-".into()),
        managed: r.managed(),
        blocked: r.blocked,
    })
    .collect()
}

#[derive(Template)]
#[template(path = "ui/configs.html")]
struct CustomersPage {
    chrome: Chrome,
    counts: Vec<(&'static str, usize)>,
    rows: Vec<CustomerRow>,
}

/// `/configs`.
pub async fn page(State(st): State<Arc<AppState>>, d: Dash) -> Response {
    let view = st.status_view();
    let rows = st.live().read(|rows, _| customer_rows(rows, &view));
    let counts = super::fleet::badge_counts(
        rows.iter()
            .filter_map(|r| hub_proto::CustomerStatus::parse(r.status)),
    );
    html(CustomersPage {
        chrome: Chrome::new(&d, "Customers"),
        counts,
        rows,
    })
}
