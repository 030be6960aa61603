//! The hub's live stream from the client's side: Server-Sent Events parsed
//! by `eventsource-stream` (CRLF, multi-line data, comments) into typed
//! [`Message`]s, a silence limit that keep-alive comments reset, and a
//! [`Follower`] that reconnects with backoff and `Last-Event-ID` for as
//! long as it is asked to — also when its very first connection fails.

use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use eventsource_stream::{EventStreamError, Eventsource};
use futures_util::{Stream, StreamExt};
use hub_proto::admin::StreamMessage;

use crate::client::{Client, ClientError};

/// How long a stream may be silent (the hub sends a keep-alive comment
/// every 15 s) before it counts as lost.
pub const STREAM_IDLE: Duration = Duration::from_secs(45);

/// One message of the live stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Its place in the stream (none for a `reset`).
    pub id: Option<u64>,
    pub message: StreamMessage,
}

/// Why the bytes of a stream stopped.
#[derive(Debug)]
enum Stop {
    Broken(String),
    Silent(Duration),
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stop::Broken(e) => write!(f, "the stream broke ({e})"),
            Stop::Silent(d) => write!(f, "no message or keep-alive for {} s", d.as_secs()),
        }
    }
}

type Events =
    Pin<Box<dyn Stream<Item = Result<eventsource_stream::Event, EventStreamError<Stop>>> + Send>>;

/// An open Server-Sent Events stream of the admin API.
pub struct Sse {
    events: Events,
}

impl Sse {
    pub(crate) fn new(resp: reqwest::Response, idle: Duration) -> Sse {
        Sse::from_bytes(
            resp.bytes_stream().map(|r| r.map_err(|e| e.to_string())),
            idle,
        )
    }

    /// A stream of the given bytes (what a response body yields); silent
    /// for `idle` — not even a comment — counts as lost.
    pub fn from_bytes(
        bytes: impl Stream<Item = Result<Bytes, String>> + Send + 'static,
        idle: Duration,
    ) -> Sse {
        let guarded = futures_util::stream::unfold(
            (Box::pin(bytes), false),
            move |(mut bytes, stopped)| async move {
                if stopped {
                    return None;
                }
                match tokio::time::timeout(idle, bytes.next()).await {
                    Ok(Some(Ok(chunk))) => Some((Ok(chunk), (bytes, false))),
                    Ok(Some(Err(e))) => Some((Err(Stop::Broken(e)), (bytes, true))),
                    Ok(None) => None,
                    Err(_) => Some((Err(Stop::Silent(idle)), (bytes, true))),
                }
            },
        );
        Sse {
            events: Box::pin(guarded.eventsource()),
        }
    }

    /// The next message; `Ok(None)` when the hub ended the stream, an error
    /// when the connection broke or stayed silent too long. Messages of
    /// kinds this hubctl does not know are skipped.
    pub async fn next(&mut self) -> Result<Option<Message>, String> {
        loop {
            let event = match self.events.next().await {
                None => return Ok(None),
                Some(Err(EventStreamError::Transport(stop))) => return Err(stop.to_string()),
                Some(Err(e)) => return Err(format!("the stream is unreadable ({e})")),
                Some(Ok(event)) => event,
            };
            let Ok(message) = serde_json::from_str::<StreamMessage>(&event.data) else {
                continue;
            };
            let id = match message {
                StreamMessage::Reset { .. } => None,
                _ => event.id.trim().parse().ok(),
            };
            return Ok(Some(Message { id, message }));
        }
    }
}

/// A stream that survives the hub going away: it connects when first
/// asked, reconnects with backoff (doubling up to a limit) and
/// `Last-Event-ID` so nothing is missed, and says through
/// `on_connection` when it is lost and when it is back.
pub struct Follower {
    client: Client,
    sse: Option<Sse>,
    last_id: Option<u64>,
    backoff: (Duration, Duration),
    /// Lost (`true`) is said once per outage, and only after a connection
    /// was up or a first try failed.
    lost: bool,
    on_connection: Box<dyn FnMut(bool) + Send>,
}

impl Follower {
    /// A follower resuming after `last_id` — e.g. the `stream_id` of a
    /// fleet list or an events page. It connects on the first
    /// [`Follower::next`].
    pub fn new(
        client: &Client,
        last_id: Option<u64>,
        on_connection: impl FnMut(bool) + Send + 'static,
    ) -> Follower {
        Follower {
            client: client.clone(),
            sse: None,
            last_id,
            backoff: (Duration::from_millis(500), Duration::from_secs(15)),
            lost: false,
            on_connection: Box::new(on_connection),
        }
    }

    /// Tries again after `first`, doubling up to `max` (tests shorten it).
    pub fn with_backoff(mut self, first: Duration, max: Duration) -> Follower {
        self.backoff = (first, max);
        self
    }

    /// Connects now, failing like any call when the hub is unreachable
    /// (for commands that should exit rather than wait).
    pub async fn connect(&mut self) -> Result<(), ClientError> {
        self.sse = Some(self.client.stream(self.last_id).await?);
        Ok(())
    }

    /// The next message, reconnecting as long as it takes.
    pub async fn next(&mut self) -> Message {
        let mut backoff = self.backoff.0;
        loop {
            if let Some(sse) = self.sse.as_mut() {
                match sse.next().await {
                    Ok(Some(m)) => {
                        if m.id.is_some() {
                            self.last_id = m.id;
                        }
                        return m;
                    }
                    Ok(None) | Err(_) => {
                        self.sse = None;
                        self.say(true);
                    }
                }
            }
            match self.client.stream(self.last_id).await {
                Ok(sse) => {
                    self.sse = Some(sse);
                    backoff = self.backoff.0;
                    self.say(false);
                }
                Err(_) => {
                    self.say(true);
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(self.backoff.1);
                }
            }
        }
    }

    fn say(&mut self, lost: bool) {
        if lost != self.lost {
            self.lost = lost;
            (self.on_connection)(lost);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sse(chunks: &[&'static str]) -> Sse {
        let items: Vec<Result<Bytes, String>> = chunks
            .iter()
            .map(|c| Ok(Bytes::from_static(c.as_bytes())))
            .collect();
        Sse::from_bytes(futures_util::stream::iter(items), Duration::from_secs(5))
    }

    async fn all(mut s: Sse) -> Vec<Message> {
        let mut out = Vec::new();
        while let Ok(Some(m)) = s.next().await {
            out.push(m);
        }
        out
    }

    #[tokio::test]
    async fn crlf_split_chunks_comments_and_unknown_kinds() {
        let got = all(sse(&[
            ": keep-alive\r\n\r\n",
            "id: 41\r\nevent: removed\r\ndata: {\"type\":\"removed\",",
            "\"customer_id\":\"a\"}\r\n\r\n",
            "event: future\ndata: {\"type\":\"future\"}\n\n",
            "id: 42\nevent: removed\ndata: {\"type\":\"removed\",\ndata: \"customer_id\":\"b\"}\n\n",
            "event: reset\ndata: {\"type\":\"reset\",\"reason\":\"r\"}\n\n",
        ]))
        .await;
        let ids: Vec<Option<u64>> = got.iter().map(|m| m.id).collect();
        assert_eq!(ids, [Some(41), Some(42), None]);
        assert_eq!(
            got[0].message,
            StreamMessage::Removed {
                customer_id: "a".into()
            }
        );
        // Two `data:` lines are one value joined by a newline (valid JSON).
        assert_eq!(
            got[1].message,
            StreamMessage::Removed {
                customer_id: "b".into()
            }
        );
    }

    #[tokio::test]
    async fn a_silent_stream_is_lost_but_keep_alives_keep_it() {
        tokio::time::pause();
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<Result<Bytes, String>>();
        let mut s = Sse::from_bytes(tokio_stream_like(rx), Duration::from_secs(45));
        let _ = tx.send(Ok(Bytes::from_static(b": keep-alive\n\n")));
        let next = s.next();
        tokio::pin!(next);
        // A keep-alive, then 45 s of nothing: lost.
        let r = next.await;
        assert_eq!(r, Err("no message or keep-alive for 45 s".to_owned()));
        drop(tx);
    }

    /// An mpsc receiver as a stream.
    fn tokio_stream_like(
        mut rx: tokio::sync::mpsc::UnboundedReceiver<Result<Bytes, String>>,
    ) -> impl Stream<Item = Result<Bytes, String>> + Send + 'static {
        futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
    }
}
