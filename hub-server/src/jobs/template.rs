//! Template refresh: fetch `controller.yaml.example` from
//! `registry.template_url`, accept it only if it parses as a YAML mapping,
//! keep the last good one (persisted, loaded at start). The bundled copy
//! serves until the first good fetch, and offline.

use std::sync::Arc;

use super::JobError;
use crate::outbound::{MAX_ANSWER_BYTES, kind, read_text};
use crate::state::AppState;

pub const STATE_KEY: &str = "template";

/// Fetches and installs the template; returns its size.
pub async fn refresh(st: &Arc<AppState>) -> Result<usize, JobError> {
    let url = &st.config.registry.template_url;
    let resp = st
        .http
        .get(url)
        .send()
        .await
        .map_err(|e| JobError::Remote(format!("template fetch from {url}: {}", kind(&e))))?;
    if !resp.status().is_success() {
        return Err(JobError::Remote(format!(
            "template fetch from {url}: HTTP {}",
            resp.status().as_u16()
        )));
    }
    let text = read_text(resp, MAX_ANSWER_BYTES)
        .await
        .map_err(|e| JobError::Remote(format!("template body: {e}")))?;
    st.template.replace(&text).map_err(|e| {
        JobError::Remote(format!(
            "template from {url} rejected, keeping the last good one: {e}"
        ))
    })?;
    let len = text.len();
    st.store.set_state(STATE_KEY, text, st.clock.now()).await?;
    Ok(len)
}

/// Installs the persisted template at start, if one was stored.
pub async fn load_persisted(st: &AppState) -> Result<bool, JobError> {
    match st.store.get_state(STATE_KEY).await? {
        Some(text) => Ok(st.template.replace(&text).is_ok()),
        None => Ok(false),
    }
}
