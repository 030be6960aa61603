//! `Show Diff`: the hub's generated config against the controller's live
//! one (asks the controller, changes nothing).

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

use hub_proto::actions::OperatorAction;
use hub_proto::admin::{Diff, DiffEntry};

use super::actions::not_now;
use super::customer::ActionLink;
use super::render::{Chrome, html};
use super::{Dash, service_error};
use crate::service::ServiceError;
use crate::service::customers as svc;
use crate::state::AppState;

/// One differing path: what a push would do to it, in words and as a
/// colour, and both values.
#[derive(Debug, PartialEq)]
pub struct DiffRow {
    pub path: String,
    pub kind: &'static str,
    pub class: &'static str,
    pub hub: String,
    pub controller: String,
}

/// The diff as the page shows it.
#[derive(Debug, Default, PartialEq)]
pub struct DiffData {
    pub rows: Vec<DiffRow>,
    pub ignored: String,
    /// The unified diff's lines with their colour: `+` is the hub's (a
    /// push adds it), `-` the controller's.
    pub unified: Vec<(&'static str, String)>,
}

/// The page's data from the service's diff.
pub fn diff_data(diff: &Diff) -> DiffData {
    DiffData {
        rows: diff
            .differences
            .iter()
            .map(|e| {
                let kind = e.change();
                let class = match kind {
                    "hub only" => "diff-hub",
                    "controller only" => "diff-ctl",
                    _ => "diff-changed",
                };
                DiffRow {
                    path: e.path.clone(),
                    kind,
                    class,
                    hub: DiffEntry::show(&e.hub),
                    controller: DiffEntry::show(&e.controller),
                }
            })
            .collect(),
        ignored: diff.ignored_paths.join(", "),
        unified: diff
            .unified
            .lines()
            .map(|l| {
                let class = match l.as_bytes().first() {
                    Some(b'-') => "diff-hub",
                    Some(b'+') => "diff-ctl",
                    _ => "",
                };
                (class, l.to_owned())
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "ui/diff.html")]
struct DiffPage {
    chrome: Chrome,
    id: String,
    /// Why the controller could not be compared.
    error: Option<String>,
    d: DiffData,
    /// Push and Pull, to act on what the page shows.
    actions: Vec<ActionLink>,
}

/// `Show Diff`: asks the controller for its live config (no change).
pub async fn page(State(st): State<Arc<AppState>>, d: Dash, Path(id): Path<String>) -> Response {
    // Push and Pull act on what the page shows; an unknown customer is
    // the diff's own 404 below.
    let mut actions = Vec::new();
    if let Some(row) = st.live().row(&id) {
        let s = row.summary(&st.status_view());
        if let Some(why) = OperatorAction::Diff.refusal(&s) {
            return not_now(OperatorAction::Diff, &id, why);
        }
        actions = [OperatorAction::Push, OperatorAction::Pull]
            .into_iter()
            .map(|a| ActionLink::of(a, &s))
            .collect();
    }
    let (data, error) = match svc::diff(&st, &id).await {
        Ok(diff) => (diff_data(&diff), None),
        Err(ServiceError::Controller(e)) => (DiffData::default(), Some(e.to_string())),
        Err(e) => return service_error(e),
    };
    html(DiffPage {
        chrome: Chrome::new(&d, format!("Diff of {id}")),
        id,
        error,
        d: data,
        actions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_difference_says_what_a_push_would_do() {
        let entry = |path: &str, hub, controller| DiffEntry {
            path: path.into(),
            hub,
            controller,
        };
        let d = diff_data(&Diff {
            customer_id: "kovacs".into(),
            differences: vec![
                entry("a", Some(json!(1)), None),
                entry("b", None, Some(json!("x"))),
                entry("c", Some(json!(true)), Some(json!(false))),
            ],
            ignored_paths: vec!["x.y".into(), "z".into()],
            unified: "--- hub\n+++ controller\n-a: 1\n+b: x\n keep".into(),
        });
        let kinds: Vec<(&str, &str)> = d
            .rows
            .iter()
            .map(|r| (r.kind, r.controller.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("hub only", "(absent)"),
                ("controller only", "\"x\""),
                ("differs", "false")
            ]
        );
        assert_eq!(d.ignored, "x.y, z");
        assert_eq!(d.unified[2], ("diff-hub", "-a: 1".to_owned()));
        assert_eq!(d.unified[3], ("diff-ctl", "+b: x".to_owned()));
        assert_eq!(d.unified[4].0, "");
    }
}
