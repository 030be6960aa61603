//! Keeping the WAL bounded on a 1 GB volume: the writer restarts the WAL
//! from its start when it grows past its bound ([`WalBound`]), and a
//! checkpoint thread copies committed pages into the database behind the
//! commits ([`checkpoint_loop`]) so that restart finds little left to copy.
//! Off when Litestream owns checkpoints.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError};
use rusqlite::Connection;

/// How large the WAL may grow before the writer restarts it from its start.
/// Restarting, not truncating: the file keeps its blocks and later commits
/// overwrite them. Truncating 64 MiB took the writer 30-47 ms (the
/// `ftruncate` alone 43 ms on ext4), a stall every few seconds of full
/// ingest; a restart with nothing left to copy, 1-3 ms.
pub(super) struct WalBound {
    limit: u64,
    /// Bytes a frame takes in the WAL file: a page and its 24-byte header.
    frame_bytes: u64,
    /// Off when an outside tool (Litestream) owns checkpoints.
    enabled: bool,
    /// After a restart readers kept from completing (a backup's long
    /// read), the next try waits: the writer must not stall every commit.
    next_try: std::cell::Cell<std::time::Instant>,
    /// A long reader held the last try off: the next tries only look (no
    /// busy wait) until one succeeds, or every try would stall ingest for
    /// [`RESTART_WAIT`] while a backup runs.
    held: std::cell::Cell<bool>,
    shared: Arc<CheckpointShared>,
}

/// What the writer and the checkpoint thread share.
#[derive(Default)]
pub(super) struct CheckpointShared {
    /// Set by the checkpoint thread when its last checkpoint copied every
    /// frame: restarting right then costs the writer almost nothing.
    caught_up: AtomicBool,
    /// Held while either runs a checkpoint. SQLite lets one checkpoint run
    /// at a time and answers a second "busy" at once, without calling the
    /// busy handler: the writer's restart failed whenever the thread
    /// was mid-copy, was taken for a long reader and backed off, and under
    /// sustained ingest the WAL grew to four times its bound.
    running: Mutex<()>,
    /// The largest the WAL was after any commit, in bytes (what the bound
    /// is measured by: the writer's own count, not the file, which keeps
    /// its blocks when the WAL restarts).
    pub(super) peak_bytes: std::sync::atomic::AtomicU64,
}

impl CheckpointShared {
    fn lock(&self) -> std::sync::MutexGuard<'_, ()> {
        crate::sync::lock(&self.running, "checkpoint turn")
    }
}

thread_local! {
    /// Frames in the WAL after the writer's last commit (SQLite's WAL hook;
    /// only the writer thread commits). The WAL file does not shrink when
    /// SQLite restarts it from its start, so its size is no measure.
    static WAL_FRAMES: std::cell::Cell<i64> = const { std::cell::Cell::new(0) };
}

pub(super) fn note_wal_frames(
    _: &rusqlite::hooks::Wal,
    frames: std::ffi::c_int,
) -> rusqlite::Result<()> {
    WAL_FRAMES.set(frames.into());
    Ok(())
}

/// How long the writer waits for readers when restarting the WAL, and how
/// long it then lets the WAL grow before trying again; past four times the
/// limit it waits as long as it takes, so the volume never fills.
const RESTART_WAIT: Duration = Duration::from_millis(25);
const RESTART_BACKOFF: Duration = Duration::from_secs(2);

impl WalBound {
    /// The bound of `limit` bytes for a database of `page_size` pages;
    /// `enabled` is false when Litestream owns checkpoints.
    pub(super) fn new(
        limit: u64,
        page_size: i64,
        enabled: bool,
        shared: Arc<CheckpointShared>,
    ) -> WalBound {
        WalBound {
            limit,
            frame_bytes: u64::try_from(page_size).unwrap_or(4096) + 24,
            enabled,
            next_try: std::cell::Cell::new(std::time::Instant::now()),
            held: std::cell::Cell::new(false),
            shared,
        }
    }

    /// Checkpoints and restarts the WAL when it is over the limit. Runs on
    /// the writer, so no write is taken meanwhile.
    pub(super) fn enforce(&self, conn: &Connection) {
        if !self.enabled {
            return;
        }
        let frames = u64::try_from(WAL_FRAMES.get()).unwrap_or(0);
        let size = frames.saturating_mul(self.frame_bytes);
        self.shared.peak_bytes.fetch_max(size, Ordering::Relaxed);
        let now = std::time::Instant::now();
        let urgent = size > self.limit.saturating_mul(4);
        if size <= self.limit || (now < self.next_try.get() && !urgent) {
            return;
        }
        // Past the limit, wait (up to twice the limit) for a moment when
        // the checkpoint thread has just caught up, so the restart has
        // next to nothing left to copy and commits do not stall behind it.
        if !self.shared.caught_up.swap(false, Ordering::Relaxed)
            && size <= self.limit.saturating_mul(2)
        {
            return;
        }
        let wait = if urgent {
            Duration::from_secs(5)
        } else if self.held.get() {
            Duration::ZERO
        } else {
            RESTART_WAIT
        };
        // A copy the checkpoint thread has under way: only an urgent
        // restart waits it out; otherwise the next commit tries again
        // (waiting here stalled commits and raised ingest's p99).
        let running = if urgent {
            self.shared.lock()
        } else {
            match self.shared.running.try_lock() {
                Ok(guard) => guard,
                Err(std::sync::TryLockError::Poisoned(e)) => {
                    crate::sync::recover("checkpoint turn", e)
                }
                Err(std::sync::TryLockError::WouldBlock) => return,
            }
        };
        let _ = conn.busy_timeout(wait);
        let done = conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |r| r.get::<_, i64>(0));
        let _ = conn.busy_timeout(Duration::from_secs(5));
        drop(running);
        match done {
            Ok(0) => {
                // A restart that came through ends any back-off: the
                // next time the WAL crosses the bound is tried as usual.
                self.held.set(false);
                self.next_try.set(now);
                tracing::debug!(wal_bytes = size, "store: WAL over its limit, restarted")
            }
            Ok(_) => {
                self.held.set(true);
                self.next_try.set(now + RESTART_BACKOFF);
                tracing::info!(
                    wal_bytes = size,
                    "store: WAL over its limit and a reader (a backup?) holds old pages; trying again shortly"
                )
            }
            Err(e) => {
                self.next_try.set(now + RESTART_BACKOFF);
                tracing::warn!(error = %e, "store: WAL checkpoint failed")
            }
        }
    }

    /// At shutdown: truncates the WAL into the database, so a stopped hub
    /// leaves one file.
    pub(super) fn close(&self, conn: &Connection) {
        let _running = self.shared.lock();
        if self.enabled
            && let Err(e) = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        {
            tracing::warn!(error = %e, "store: final checkpoint failed");
        }
    }
}

/// Copies committed WAL pages into the database file. While the WAL is
/// under half its bound, at most every [`CHECKPOINT_LAZY`]: a page written
/// by many commits is copied and fsynced once. From half the bound on,
/// right behind the commits ([`CHECKPOINT_PAUSE`] gathers a few), so the
/// WAL catches up, SQLite restarts it from its start, and the writer's
/// restart at the bound finds little left to copy. Measured under full
/// ingest (wrk, 64 connections): always eager, this thread took 12% of a
/// core; lazy below half the bound, 3%, with 8% more reports/s and no
/// worse p99. Always lazy (a 50 ms pause), the catch-up's burst of page
/// writes and its fsync queued the commits' own fsyncs: p99 26 ms.
const CHECKPOINT_LAZY: Duration = Duration::from_millis(100);
const CHECKPOINT_PAUSE: Duration = Duration::from_millis(1);

/// `eager_frames`: WAL frames from which the thread follows the commits.
pub(super) fn checkpoint_loop(
    conn: Connection,
    rx: Receiver<()>,
    shared: &CheckpointShared,
    eager_frames: i64,
) {
    let mut pause = CHECKPOINT_LAZY;
    loop {
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(()) => {
                std::thread::sleep(pause);
                while rx.try_recv().is_ok() {}
                // (busy, frames in the WAL, frames copied into the database)
                let running = shared.lock();
                let done = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                    Ok((r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
                });
                drop(running);
                match done {
                    Ok((frames, copied)) => {
                        shared.caught_up.store(frames == copied, Ordering::Relaxed);
                        pause = if frames >= eager_frames {
                            CHECKPOINT_PAUSE
                        } else {
                            CHECKPOINT_LAZY
                        };
                    }
                    Err(e) => tracing::debug!(error = %e, "store: checkpoint skipped"),
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}
