//! Slow, idle and oversized clients, on raw TCP. Time is tokio's paused
//! clock: it jumps to the next timer whenever everything waits, so the
//! real lengths (10 s, 30 s, 20 s) are tested without sleeping.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

use crate::*;

async fn connect(hub: &Hub) -> TcpStream {
    TcpStream::connect(hub.url.trim_start_matches("http://"))
        .await
        .unwrap()
}

/// Reads until the server closes; returns what it sent and when it closed.
async fn until_closed(s: &mut TcpStream) -> (String, Duration) {
    let start = Instant::now();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
    }
    (String::from_utf8_lossy(&out).into_owned(), start.elapsed())
}

fn head(len: usize) -> String {
    format!(
        "POST /api/v1/report HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer {KEY}\r\n\
         Content-Type: application/json\r\nContent-Length: {len}\r\n\r\n"
    )
}

#[tokio::test(start_paused = true)]
async fn idle_half_header_and_kept_alive_connections_are_closed_after_10_s() {
    let hub = Hub::start().await;
    // Connected, nothing sent.
    let mut idle = connect(&hub).await;
    let (_, after) = until_closed(&mut idle).await;
    assert!(
        after >= Duration::from_secs(10) && after < Duration::from_secs(11),
        "{after:?}"
    );

    // Half a request head.
    let mut half = connect(&hub).await;
    half.write_all(b"POST /api/v1/report HTTP/1.1\r\nHost: hub\r\n")
        .await
        .unwrap();
    let (_, after) = until_closed(&mut half).await;
    assert!(after < Duration::from_secs(11), "{after:?}");

    // A served request, then an idle keep-alive connection.
    let body = report("kept", T0).to_string();
    let mut kept = connect(&hub).await;
    kept.write_all(format!("{}{body}", head(body.len())).as_bytes())
        .await
        .unwrap();
    let (answer, after) = until_closed(&mut kept).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(after < Duration::from_secs(11), "{after:?}");
    hub.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_stalled_body_ends_in_408_after_30_s_and_stores_nothing() {
    let hub = Hub::start().await;
    let body = report("stalled", T0).to_string();
    let mut s = connect(&hub).await;
    s.write_all(format!("{}{}", head(body.len()), &body[..20]).as_bytes())
        .await
        .unwrap();
    let (answer, after) = until_closed(&mut s).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("body_timeout"), "{answer}");
    assert!(
        after >= Duration::from_secs(30) && after < Duration::from_secs(31),
        "{after:?}"
    );
    assert_eq!(fleet_len(&hub).await, 0);
    hub.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_declared_oversize_body_is_refused_at_once() {
    let hub = Hub::start().await;
    let mut s = connect(&hub).await;
    s.write_all(head(50 * 1024 * 1024).as_bytes())
        .await
        .unwrap();
    let start = Instant::now();
    let mut buf = [0u8; 1024];
    let n = s.read(&mut buf).await.unwrap();
    let answer = String::from_utf8_lossy(&buf[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(start.elapsed() < Duration::from_secs(1));
    hub.stop().await;
}

#[tokio::test(start_paused = true)]
async fn shutdown_is_not_held_by_a_half_sent_request() {
    let hub = Hub::start().await;
    let body = report("slow", T0).to_string();
    let mut s = connect(&hub).await;
    s.write_all(format!("{}{}", head(body.len()), &body[..20]).as_bytes())
        .await
        .unwrap();
    // Let the server take the request in.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let start = Instant::now();
    hub.stop().await;
    assert!(
        start.elapsed() <= Duration::from_secs(21),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn at_the_connection_limit_new_clients_wait_for_a_free_slot() {
    let hub = Hub::start_with(
        Arc::new(tempfile::tempdir().unwrap()),
        Default::default(),
        |c| c.server.max_connections = 8,
    )
    .await;
    let mut idle = Vec::new();
    for _ in 0..8 {
        idle.push(connect(&hub).await);
    }
    // The ninth is queued by the kernel, not served, until the idle ones
    // are closed by the header timeout.
    let body = report("ninth", T0).to_string();
    let mut ninth = connect(&hub).await;
    ninth
        .write_all(format!("{}{body}", head(body.len())).as_bytes())
        .await
        .unwrap();
    let start = Instant::now();
    let mut buf = [0u8; 1024];
    let n = ninth.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_secs(9) && waited < Duration::from_secs(11),
        "{waited:?}"
    );
    drop(idle);
    hub.stop().await;
}
