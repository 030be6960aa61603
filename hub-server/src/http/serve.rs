//! The HTTP/1 server loop, instead of `axum::serve`, because the hub must
//! hold against slow and idle clients on a small pod:
//!
//! - the request head must arrive within [`Limits::header_timeout`] of the
//!   connection becoming ready for it — which covers a half-sent head and
//!   an idle keep-alive connection alike;
//! - a request body that stalls longer than [`Limits::body_timeout`]
//!   between chunks ends the request (408);
//! - at most [`Limits::max_connections`] connections are served at once;
//!   at the limit the hub stops accepting (the kernel queues new clients)
//!   and says so in the log;
//! - on shutdown, connections get [`Limits::shutdown_deadline`] to finish,
//!   then are closed, so a half-sent request cannot hold the pod's
//!   termination.
//!
//! Each request carries its peer address as `ConnectInfo<SocketAddr>`.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tower::ServiceExt;

/// Connection handling limits; the defaults are the production values.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub max_connections: usize,
    pub shutdown_deadline: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            max_connections: 512,
            shutdown_deadline: Duration::from_secs(20),
        }
    }
}

/// The address a request's connection was accepted on (a request
/// extension, beside the peer's `ConnectInfo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalAddr(pub SocketAddr);

/// Serves `app` on `listener` until `shutdown` resolves, then drains.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = app.layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
        limits.body_timeout,
    ));
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        while connections.try_join_next().is_some() {}
        if permits.available_permits() == 0 {
            tracing::warn!(
                limit = limits.max_connections,
                "server: connection limit reached; new connections wait until one closes"
            );
        }
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            _ = &mut shutdown => break,
        };
        let (tcp, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(c) => c,
                Err(e) => {
                    // EMFILE and friends: say so, back off, go on.
                    tracing::warn!(error = %e, "server: accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = tcp.set_nodelay(true);
        let local = tcp.local_addr().ok().map(LocalAddr);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            if let Some(local) = local {
                req.extensions_mut().insert(local);
            }
            app.clone().oneshot(req.map(axum::body::Body::new))
        });
        let conn = builder.serve_connection(TokioIo::new(tcp), service);
        let conn = graceful.watch(conn);
        connections.spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "server: connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    let open = graceful.count();
    if tokio::time::timeout(limits.shutdown_deadline, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            open,
            deadline_s = limits.shutdown_deadline.as_secs(),
            "server: connections still open at the shutdown deadline are closed"
        );
    }
    connections.shutdown().await;
    Ok(())
}
