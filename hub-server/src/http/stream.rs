//! What the front ends serve from the live model, shared by the admin API,
//! the controller API and the dashboard: the live stream as Server-Sent
//! Events (resuming after `Last-Event-ID`) and the cached fleet lists,
//! compressed in the best encoding a client accepts.

use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::fleet_cache::{Encoding, ListKind};
use crate::http::error::AppError;
use crate::service::views;
use crate::state::AppState;

/// A cached list, compressed in the best encoding the client accepts.
pub async fn cached_list(
    st: &Arc<AppState>,
    kind: ListKind,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    let snap = views::fleet_snapshot(st, kind).await?;
    let enc = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .and_then(Encoding::negotiate);
    let mut resp = match enc {
        Some(enc) => {
            let body = tokio::task::spawn_blocking(move || snap.encoded(enc))
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?
                .map_err(|e| AppError::Internal(e.to_string()))?;
            let mut r = body.into_response();
            r.headers_mut().insert(
                header::CONTENT_ENCODING,
                HeaderValue::from_static(enc.header()),
            );
            r
        }
        None => snap.json.clone().into_response(),
    };
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    Ok(resp)
}

/// The `Last-Event-ID` a reconnecting client sends.
pub fn last_event_id(headers: &HeaderMap) -> Option<u64> {
    headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
}

/// Whether an idle stream says so in an event a page's script sees
/// (`ping`), or only in a comment (which `EventSource` hides, so a
/// script could not tell a quiet stream from a dead one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idle {
    Comment,
    Ping,
}

/// The live stream as Server-Sent Events, resuming after `Last-Event-ID`;
/// shared by the admin API and the dashboard (which authenticates by
/// session instead of token, and asks for pings).
pub fn sse(st: &Arc<AppState>, last_seen: Option<u64>, idle: Idle) -> Response {
    use axum::response::sse::{Event, KeepAlive, Sse};
    use futures_util::StreamExt;
    use tokio_stream::wrappers::BroadcastStream;
    use tokio_stream::wrappers::errors::BroadcastStreamRecvError;

    let sub = st.live().subscribe(last_seen);
    let reset = |reason: &str| {
        let msg = hub_proto::admin::StreamMessage::Reset {
            reason: reason.to_owned(),
        };
        Event::default()
            .event(msg.kind())
            .json_data(&msg)
            .unwrap_or_else(|_| Event::default().event("reset"))
    };
    let to_event = {
        let st = st.clone();
        move |id: u64, msg: &crate::live::Msg| {
            let wire = msg.to_wire(&st.status_view());
            Event::default()
                .id(id.to_string())
                .event(wire.kind())
                .json_data(&wire)
                .unwrap_or_else(|_| Event::default().event("error"))
        }
    };
    let mut first: Vec<Event> = Vec::new();
    if sub.reset {
        first.push(reset("the messages since Last-Event-ID are no longer kept"));
    }
    // Live messages up to here were replayed. After a reset nothing was:
    // a foreign id (another replica's epoch) may be above all of ours.
    let mut replayed = if sub.reset { 0 } else { last_seen.unwrap_or(0) };
    for (id, msg) in &sub.replay {
        first.push(to_event(*id, msg));
        replayed = replayed.max(*id);
    }
    let live = BroadcastStream::new(sub.live).filter_map(move |m| {
        let out = match m {
            Ok((id, _)) if id <= replayed => None,
            Ok((id, msg)) => Some(to_event(id, &msg)),
            Err(BroadcastStreamRecvError::Lagged(_)) => {
                Some(reset("this client fell behind the live stream"))
            }
        };
        std::future::ready(out)
    });
    let live = match idle {
        Idle::Comment => live.boxed(),
        Idle::Ping => {
            let every = st.stream_keepalive;
            let start = tokio::time::Instant::now() + every;
            let pings =
                tokio_stream::wrappers::IntervalStream::new(tokio::time::interval_at(start, every))
                    .map(|_| Event::default().event("ping").data(""));
            futures_util::stream::select(live, pings).boxed()
        }
    };
    let events = futures_util::stream::iter(first)
        .chain(live)
        .map(Ok::<_, std::convert::Infallible>);
    Sse::new(events.take_until(st.closing()))
        .keep_alive(
            KeepAlive::new()
                .interval(st.stream_keepalive)
                .text("keep-alive"),
        )
        .into_response()
}
