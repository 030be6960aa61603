//! The server's log, written from a thread of its own. A line written from
//! an async handler would block the runtime whenever stdout's reader (the
//! container runtime, a pipe) stalls; here a handler only queues the line.
//! What the queue cannot hold is dropped and counted (`hub_log_lines_dropped`
//! in `/metrics`), and nothing at exit waits on a stalled reader for long.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender, TryRecvError, TrySendError};

/// Lines the log holds while stdout is not taken up (~1 MiB of lines).
const BUFFER_LINES: usize = 8192;

/// How long the end of the process waits for the queued lines to be
/// written: a reader that has stalled for good must not keep the hub from
/// exiting inside its grace period.
const FLUSH_WAIT: Duration = Duration::from_secs(1);

/// How long lines gather after a write while more keep coming: under load
/// one write call carries many lines, and the handlers queueing them do not
/// wake the writer for each (that wake and the write per line cost 12.8 µs
/// of CPU per request at 4,000 reports/s; gathered, 1.6). Lines reach
/// stdout at most this late.
const GATHER: Duration = Duration::from_millis(10);

static DROPPED: AtomicU64 = AtomicU64::new(0);

/// Log lines dropped so far because the queue was full.
pub fn dropped_lines() -> u64 {
    DROPPED.load(Ordering::Relaxed)
}

enum Msg {
    Line(Vec<u8>),
    Flush(Sender<()>),
}

/// Hands each formatted event to the writer thread; never waits.
#[derive(Clone)]
pub struct LogWriter {
    tx: Sender<Msg>,
}

/// Flushes the queued lines (for at most [`FLUSH_WAIT`]) when dropped.
pub struct LogGuard {
    tx: Sender<Msg>,
}

/// Starts the writer thread over `out`.
pub fn start(out: impl Write + Send + 'static) -> std::io::Result<(LogWriter, LogGuard)> {
    let (tx, rx) = crossbeam_channel::bounded(BUFFER_LINES);
    std::thread::Builder::new()
        .name("log-writer".into())
        .spawn(move || write_loop(out, rx))?;
    Ok((LogWriter { tx: tx.clone() }, LogGuard { tx }))
}

fn write_loop(mut out: impl Write, rx: Receiver<Msg>) {
    let mut batch = Vec::with_capacity(64 * 1024);
    // Blocks only while nothing is queued: the first line after a quiet
    // spell is written at once.
    while let Ok(first) = rx.recv() {
        let mut next = Some(first);
        while let Some(msg) = next {
            match msg {
                Msg::Line(line) => batch.extend_from_slice(&line),
                Msg::Flush(done) => {
                    write_batch(&mut out, &mut batch);
                    let _ = out.flush();
                    let _ = done.send(());
                }
            }
            next = match rx.try_recv() {
                Ok(msg) => Some(msg),
                Err(TryRecvError::Disconnected) => {
                    write_batch(&mut out, &mut batch);
                    return;
                }
                Err(TryRecvError::Empty) if batch.is_empty() => None,
                Err(TryRecvError::Empty) => {
                    write_batch(&mut out, &mut batch);
                    // Lines are coming: let the next ones gather rather
                    // than being woken for each of them.
                    std::thread::sleep(GATHER);
                    rx.try_recv().ok()
                }
            };
        }
    }
}

/// One write for everything gathered. A closed stdout: nothing to tell,
/// the lines have nowhere to go.
fn write_batch(out: &mut impl Write, batch: &mut Vec<u8>) {
    if !batch.is_empty() {
        let _ = out.write_all(batch);
        batch.clear();
    }
}

impl Write for LogWriter {
    /// The fmt layer writes each event with one call: one line, queued whole.
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.tx.try_send(Msg::Line(buf.to_vec())) {
            Ok(()) | Err(TrySendError::Disconnected(_)) => {}
            Err(TrySendError::Full(_)) => {
                DROPPED.fetch_add(1, Ordering::Relaxed);
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogWriter {
    type Writer = LogWriter;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl Drop for LogGuard {
    fn drop(&mut self) {
        let deadline = std::time::Instant::now() + FLUSH_WAIT;
        let (done_tx, done_rx) = crossbeam_channel::bounded(1);
        if self.tx.send_deadline(Msg::Flush(done_tx), deadline).is_ok() {
            let _ = done_rx.recv_deadline(deadline);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Collects what the writer thread writes, and counts its write calls.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>, Arc<AtomicU64>);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            self.1.fetch_add(1, Ordering::Relaxed);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_burst_of_lines_arrives_in_order_in_few_writes_and_the_guard_flushes_it() {
        let sink = Sink::default();
        let (mut w, guard) = start(sink.clone()).unwrap();
        for i in 0..1000 {
            w.write_all(format!("line {i}\n").as_bytes()).unwrap();
        }
        drop(guard);
        let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        let expected: String = (0..1000).map(|i| format!("line {i}\n")).collect();
        assert_eq!(text, expected);
        // One call per line before the lines were gathered; a burst queued
        // within a few milliseconds now takes a handful.
        let calls = sink.1.load(Ordering::Relaxed);
        assert!(calls <= 100, "{calls} write calls for 1,000 lines");
    }
}
