//! The SQLite store: owns the database file and every thread that touches it.
//!
//! One writer thread commits whatever is queued in one transaction (group
//! commit) and answers each request only after that commit, each request in
//! its own savepoint so a failing one rolls back alone. A small pool of
//! reader threads serves queries; a checkpoint thread moves WAL pages into
//! the database so commits never pay for it. Async code reaches all of them
//! through channels and never blocks the runtime.

mod admin;
pub mod backup;
mod codec;
mod customers;
mod events;
mod infra;
mod jobs;
mod lockout;
mod migrate;
mod notify;
mod reports;
pub mod seal;
mod sessions;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};

use crate::live::{Delta, Live};
use rusqlite::Connection;
use thiserror::Error;
use tokio::sync::oneshot;

pub use admin::{AdminIdentity, Counts, EventFilter};
pub use codec::Codec;
pub use customers::{CredentialMatch, CustomerRow, NewCustomerConfig, StoredConfig, key_digest};
pub use events::{EventInsert, NewEvent};
pub use jobs::{NodeState, Pruned, Watched};
pub use lockout::{Attempt, MAX_ADDRESS_FAILURES, MAX_FAILURES, WINDOW};
pub use notify::{Channel, Delivery, LogEntry, NewDelivery, OutboxItem, StoredEvent};
pub use reports::{NewReport, ReportInsert};
pub use sessions::{MAX_LOGIN_FAILURES, SESSION_ABSOLUTE, SESSION_IDLE, Session};

/// Failures of the storage layer. The HTTP layer maps them to a 500 (or a
/// 503 for health checks) without showing the cause to the client.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot create data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the database at {path} has schema version {found}, newer than this hub knows ({known}); \
         run a newer hub-server or restore a backup — it was not modified"
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    #[error("the store is shut down")]
    Closed,
    /// The writer's or the readers' queue is full: the hub is overloaded
    /// and answers 503 with `Retry-After` rather than queueing without end.
    #[error("the store's queue is full")]
    Busy,
    /// The secrets key is missing, wrong or unusable; the message never
    /// holds a key.
    #[error("secrets: {0}")]
    Secrets(String),
    #[error("backup: {0}")]
    Backup(String),
    /// The data dir is in use by a running hub.
    #[error("{0}")]
    Locked(String),
}

type Result<T> = std::result::Result<T, StoreError>;

/// Tunables of the store; defaults suit a small pod.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    pub readers: usize,
    /// Reports stored without a dictionary before one is trained from them.
    pub dict_train_after: usize,
    /// Writes waiting for the writer at most; beyond, requests get 503.
    pub write_queue: usize,
    /// Queries waiting for a reader at most; beyond, requests get 503.
    pub read_queue: usize,
    /// When the WAL grows past this, the writer checkpoints it into the
    /// database and restarts it from its start before taking more writes:
    /// under sustained load ingest waits rather than the volume filling up.
    pub wal_limit_bytes: u64,
    /// `synchronous=FULL` (fsync every group commit: a 2xx survives a power
    /// cut) instead of NORMAL (survives a crash of the hub).
    pub synchronous_full: bool,
    /// Messages a live-stream subscriber may fall behind before it is told
    /// to reset.
    pub stream_buffer: usize,
    /// The key secrets are sealed with (none: `<data_dir>/secrets.key`).
    pub secrets: seal::SecretsConfig,
    /// Whether the hub checkpoints its WAL. Off when Litestream replicates
    /// the database: Litestream must own checkpoints (one that truncates
    /// the WAL under it forces a new snapshot), and keeps the WAL short.
    pub checkpoints: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            readers: 2,
            dict_train_after: 2000,
            write_queue: 4096,
            read_queue: 1024,
            wal_limit_bytes: 64 * 1024 * 1024,
            synchronous_full: true,
            stream_buffer: crate::live::SUBSCRIBER_BUFFER,
            secrets: seal::SecretsConfig::default(),
            checkpoints: true,
        }
    }
}

/// Handle to the store; cheap to clone, shared by handlers and jobs.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    write_tx: Sender<WriteMsg>,
    read_tx: Sender<ReadMsg>,
    codec: Arc<Codec>,
    sealer: Arc<seal::Sealer>,
    key_source: seal::KeySource,
    live: Arc<Live>,
    threads: Mutex<Vec<JoinHandle<()>>>,
    readers: usize,
}

thread_local! {
    /// Fleet changes recorded by the write ops of the current group, on the
    /// writer thread; applied to the live model once the group committed.
    static PENDING: std::cell::RefCell<Vec<Delta>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Records a fleet change made by the running write op; it reaches the
/// live model only if the op and its group commit.
pub(crate) fn record(delta: Delta) {
    PENDING.with(|p| p.borrow_mut().push(delta));
}

fn pending_len() -> usize {
    PENDING.with(|p| p.borrow().len())
}

fn take_pending() -> Vec<Delta> {
    PENDING.with(|p| std::mem::take(&mut *p.borrow_mut()))
}

/// A unit of work for the writer, applied inside a savepoint of the current
/// group transaction; its answer is held back until the group committed.
trait WriteOp: Send {
    fn apply(&mut self, conn: &Connection);
    fn finish(self: Box<Self>, commit: std::result::Result<(), String>);
}

struct Op<T, F> {
    f: Option<F>,
    result: Option<Result<T>>,
    reply: oneshot::Sender<Result<T>>,
}

impl<T, F> WriteOp for Op<T, F>
where
    T: Send,
    F: FnOnce(&Connection) -> Result<T> + Send,
{
    fn apply(&mut self, conn: &Connection) {
        let Some(f) = self.f.take() else { return };
        let before = pending_len();
        let result = (|| {
            // Cached: every write op pays for these two statements.
            conn.prepare_cached("SAVEPOINT op")?.execute([])?;
            match f(conn) {
                Ok(v) => {
                    conn.prepare_cached("RELEASE op")?.execute([])?;
                    Ok(v)
                }
                Err(e) => {
                    conn.execute_batch("ROLLBACK TO op; RELEASE op")?;
                    Err(e)
                }
            }
        })();
        if result.is_err() {
            // Rolled back: so are the fleet changes it recorded.
            PENDING.with(|p| p.borrow_mut().truncate(before));
        }
        self.result = Some(result);
    }

    fn finish(self: Box<Self>, commit: std::result::Result<(), String>) {
        let answer = match (commit, self.result) {
            (Ok(()), Some(r)) => r,
            (Ok(()), None) => Err(StoreError::Closed),
            (Err(e), _) => Err(StoreError::Corrupt(format!("commit failed: {e}"))),
        };
        let _ = self.reply.send(answer);
    }
}

enum WriteMsg {
    Op(Box<dyn WriteOp>),
    Close(oneshot::Sender<()>),
}

type ReadJob = Box<dyn FnOnce(&Connection) + Send>;

enum ReadMsg {
    Job(ReadJob),
    Close,
}

/// Most operations committed in one transaction.
const MAX_GROUP: usize = 512;

impl Store {
    /// Opens (creating if needed) `data_dir/hub.db`, applies migrations and
    /// starts the worker threads.
    pub fn open(data_dir: &Path, opts: StoreOptions) -> Result<Store> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let path = data_dir.join("hub.db");
        let sync = opts.synchronous_full;
        let mut conn = open_conn(&path, false, sync)?;
        migrate::run(&mut conn, &path)?;
        let (sealer, key_source) = seal::prepare(&mut conn, data_dir, &opts.secrets)?;
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        if opts.checkpoints {
            // The writer restarts the WAL at its bound rather than
            // truncating it; past the bound (a long reader held the
            // restart off) SQLite cuts the file back to it on restart.
            conn.pragma_update(
                None,
                "journal_size_limit",
                i64::try_from(opts.wal_limit_bytes).unwrap_or(i64::MAX),
            )?;
            conn.wal_hook(Some(note_wal_frames));
        }
        let codec = Arc::new(Codec::load(&conn)?);
        let first_id = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_micros() as u64)
            .unwrap_or(1);
        let live = Arc::new(Live::new(
            reports::load_rows(&conn)?,
            first_id,
            opts.stream_buffer,
        ));

        let (write_tx, write_rx) = crossbeam_channel::bounded(opts.write_queue.max(1));
        let (read_tx, read_rx) = crossbeam_channel::bounded::<ReadMsg>(opts.read_queue.max(1));
        let mut threads = Vec::new();
        let readers = opts.readers.max(1);
        for i in 0..readers {
            let rconn = open_conn(&path, true, sync)?;
            let rx = read_rx.clone();
            threads.push(spawn(format!("store-read-{i}"), move || {
                reader_loop(rconn, rx)
            })?);
        }
        let (ckpt_tx, ckpt_rx) = crossbeam_channel::bounded::<()>(1);
        let shared = Arc::new(CheckpointShared::default());
        let page_size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        if opts.checkpoints {
            let cconn = open_conn(&path, false, sync)?;
            let shared = shared.clone();
            let eager_frames = i64::try_from(opts.wal_limit_bytes / 2)
                .unwrap_or(i64::MAX)
                .checked_div(page_size)
                .unwrap_or(0);
            threads.push(spawn("store-checkpoint".into(), move || {
                checkpoint_loop(cconn, ckpt_rx, &shared, eager_frames)
            })?);
        }

        let store = Store {
            inner: Arc::new(Inner {
                write_tx,
                read_tx,
                codec: codec.clone(),
                sealer: Arc::new(sealer),
                key_source,
                live: live.clone(),
                threads: Mutex::new(Vec::new()),
                readers,
            }),
        };
        let trainer = codec::Trainer::new(store.clone(), opts.dict_train_after);
        let wal = WalBound {
            limit: opts.wal_limit_bytes,
            frame_bytes: u64::try_from(page_size).unwrap_or(4096) + 24,
            enabled: opts.checkpoints,
            next_try: std::cell::Cell::new(std::time::Instant::now()),
            held: std::cell::Cell::new(false),
            shared,
        };
        threads.push(spawn("store-write".into(), move || {
            writer_loop(conn, write_rx, ckpt_tx, trainer, wal, live)
        })?);
        if let Ok(mut t) = store.inner.threads.lock() {
            *t = threads;
        }
        Ok(store)
    }

    /// The live fleet model this store keeps current.
    pub fn live(&self) -> &Arc<Live> {
        &self.inner.live
    }

    /// The fleet rows as the database has them, computed afresh — what
    /// the live model is loaded from at start, and what tests compare it
    /// with.
    pub async fn rows_from_database(&self) -> Result<Vec<crate::live::Row>> {
        self.read(reports::load_rows).await
    }

    pub fn codec(&self) -> &Arc<Codec> {
        &self.inner.codec
    }

    /// Seals and opens the secrets this store keeps.
    pub fn sealer(&self) -> &Arc<seal::Sealer> {
        &self.inner.sealer
    }

    /// Where the secrets key came from (for the start-up log).
    pub fn key_source(&self) -> &seal::KeySource {
        &self.inner.key_source
    }

    /// Re-seals up to `batch` rows not under the current key in one
    /// transaction; 0 when nothing is left (the key check moved too).
    pub async fn reseal(&self, batch: i64) -> Result<usize> {
        let sealer = self.sealer().clone();
        self.write(move |c| seal::reseal_batch(c, &sealer, batch))
            .await
    }

    /// Runs `f` in the writer's current group transaction; resolves after
    /// the group committed, so `Ok` means the change is durable.
    pub async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        self.submit_write(f)?
            .await
            .map_err(|_| StoreError::Closed)?
    }

    /// Runs a query on one of the reader threads.
    pub async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        self.submit_read(f)?.await.map_err(|_| StoreError::Closed)?
    }

    /// [`Store::write`] for plain threads (never call it on the runtime);
    /// waits for room in the queue instead of failing with `Busy`.
    pub(crate) fn write_blocking<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let (msg, rx) = write_msg(f);
        self.inner
            .write_tx
            .send(msg)
            .map_err(|_| StoreError::Closed)?;
        rx.blocking_recv().map_err(|_| StoreError::Closed)?
    }

    /// [`Store::read`] for plain threads (never call it on the runtime);
    /// waits for room in the queue instead of failing with `Busy`.
    pub(crate) fn read_blocking<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let (msg, rx) = read_msg(f);
        self.inner
            .read_tx
            .send(msg)
            .map_err(|_| StoreError::Closed)?;
        rx.blocking_recv().map_err(|_| StoreError::Closed)?
    }

    fn submit_write<T, F>(&self, f: F) -> Result<oneshot::Receiver<Result<T>>>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let (msg, rx) = write_msg(f);
        self.inner.write_tx.try_send(msg).map_err(queue_error)?;
        Ok(rx)
    }

    fn submit_read<T, F>(&self, f: F) -> Result<oneshot::Receiver<Result<T>>>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let (msg, rx) = read_msg(f);
        self.inner.read_tx.try_send(msg).map_err(queue_error)?;
        Ok(rx)
    }

    /// Answers whether the database responds, for `/healthz`.
    pub async fn ping(&self) -> Result<()> {
        self.read(|c| {
            c.query_row("SELECT 1", [], |_| Ok(()))?;
            Ok(())
        })
        .await
    }

    /// Drains queued writes, checkpoints the WAL into the database and stops
    /// every thread. Later calls on any clone answer [`StoreError::Closed`].
    pub async fn close(&self) {
        let this = self.clone();
        // Queues may be full and joining blocks: off the runtime's threads.
        let _ = tokio::task::spawn_blocking(move || this.close_blocking()).await;
    }

    /// [`Store::close`] for plain threads (never call it on the runtime).
    pub fn close_blocking(&self) {
        let (tx, rx) = oneshot::channel();
        let threads = match self.inner.threads.lock() {
            Ok(mut t) => std::mem::take(&mut *t),
            Err(_) => Vec::new(),
        };
        if self.inner.write_tx.send(WriteMsg::Close(tx)).is_ok() {
            let _ = rx.blocking_recv();
        }
        for _ in 0..self.inner.readers {
            let _ = self.inner.read_tx.send(ReadMsg::Close);
        }
        for t in threads {
            let _ = t.join();
        }
    }
}

fn write_msg<T, F>(f: F) -> (WriteMsg, oneshot::Receiver<Result<T>>)
where
    T: Send + 'static,
    F: FnOnce(&Connection) -> Result<T> + Send + 'static,
{
    let (reply, rx) = oneshot::channel();
    let op = Op {
        f: Some(f),
        result: None,
        reply,
    };
    (WriteMsg::Op(Box::new(op)), rx)
}

fn read_msg<T, F>(f: F) -> (ReadMsg, oneshot::Receiver<Result<T>>)
where
    T: Send + 'static,
    F: FnOnce(&Connection) -> Result<T> + Send + 'static,
{
    let (reply, rx) = oneshot::channel();
    let job: ReadJob = Box::new(move |conn| {
        let _ = reply.send(f(conn));
    });
    (ReadMsg::Job(job), rx)
}

fn queue_error<M>(e: crossbeam_channel::TrySendError<M>) -> StoreError {
    match e {
        crossbeam_channel::TrySendError::Full(_) => StoreError::Busy,
        crossbeam_channel::TrySendError::Disconnected(_) => StoreError::Closed,
    }
}

fn spawn(name: String, f: impl FnOnce() + Send + 'static) -> Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name(name)
        .spawn(f)
        .map_err(|e| StoreError::Corrupt(format!("cannot start store thread: {e}")))
}

fn open_conn(path: &Path, read_only: bool, synchronous_full: bool) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    if !read_only {
        // Must precede the first table for incremental vacuum to be possible.
        conn.pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
    }
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL: each group commit is fsynced before its requests are answered,
    // so a 2xx survives a power cut; with group commit it costs little
    // (README "Storage"). NORMAL survives a crash of the hub process only.
    conn.pragma_update(
        None,
        "synchronous",
        if synchronous_full { "FULL" } else { "NORMAL" },
    )?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
    conn.set_prepared_statement_cache_capacity(64);
    if read_only {
        conn.pragma_update(None, "query_only", "ON")?;
        // 8 MiB of pages per reader (grown lazily): the fleet view's tables
        // for 10,000 customers stay in memory.
        conn.pragma_update(None, "cache_size", -8192)?;
    }
    Ok(conn)
}

/// How large the WAL may grow before the writer restarts it from its start.
/// Restarting, not truncating: the file keeps its blocks and later commits
/// overwrite them. Truncating 64 MiB took the writer 30-47 ms (the
/// `ftruncate` alone 43 ms on ext4), a stall every few seconds of full
/// ingest; a restart with nothing left to copy, 1-3 ms.
struct WalBound {
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
struct CheckpointShared {
    /// Set by the checkpoint thread when its last checkpoint copied every
    /// frame: restarting right then costs the writer almost nothing.
    caught_up: AtomicBool,
    /// Held while either runs a checkpoint. SQLite lets one checkpoint run
    /// at a time and answers a second "busy" at once, without calling the
    /// busy handler: the writer's restart failed whenever the thread
    /// was mid-copy, was taken for a long reader and backed off, and under
    /// sustained ingest the WAL grew to four times its bound.
    running: Mutex<()>,
}

impl CheckpointShared {
    fn lock(&self) -> std::sync::MutexGuard<'_, ()> {
        self.running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

thread_local! {
    /// Frames in the WAL after the writer's last commit (SQLite's WAL hook;
    /// only the writer thread commits). The WAL file does not shrink when
    /// SQLite restarts it from its start, so its size is no measure.
    static WAL_FRAMES: std::cell::Cell<i64> = const { std::cell::Cell::new(0) };
}

fn note_wal_frames(_: &rusqlite::hooks::Wal, frames: std::ffi::c_int) -> rusqlite::Result<()> {
    WAL_FRAMES.set(frames.into());
    Ok(())
}

/// How long the writer waits for readers when restarting the WAL, and how
/// long it then lets the WAL grow before trying again; past four times the
/// limit it waits as long as it takes, so the volume never fills.
const RESTART_WAIT: Duration = Duration::from_millis(25);
const RESTART_BACKOFF: Duration = Duration::from_secs(2);

impl WalBound {
    /// Checkpoints and restarts the WAL when it is over the limit. Runs on
    /// the writer, so no write is taken meanwhile.
    fn enforce(&self, conn: &Connection) {
        if !self.enabled {
            return;
        }
        let frames = u64::try_from(WAL_FRAMES.get()).unwrap_or(0);
        let size = frames.saturating_mul(self.frame_bytes);
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
                Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner(),
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
}

fn writer_loop(
    conn: Connection,
    rx: Receiver<WriteMsg>,
    ckpt: Sender<()>,
    mut trainer: codec::Trainer,
    wal: WalBound,
    live: Arc<Live>,
) {
    let mut batch: Vec<Box<dyn WriteOp>> = Vec::with_capacity(MAX_GROUP);
    loop {
        let mut close = None;
        match rx.recv() {
            Ok(WriteMsg::Op(op)) => batch.push(op),
            Ok(WriteMsg::Close(tx)) => close = Some(tx),
            Err(_) => break,
        }
        while close.is_none() && batch.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(WriteMsg::Op(op)) => batch.push(op),
                Ok(WriteMsg::Close(tx)) => close = Some(tx),
                Err(_) => break,
            }
        }
        if !batch.is_empty() {
            let commit = match conn.execute_batch("BEGIN IMMEDIATE") {
                Ok(()) => {
                    for op in batch.iter_mut() {
                        op.apply(&conn);
                    }
                    conn.execute_batch("COMMIT").map_err(|e| {
                        let _ = conn.execute_batch("ROLLBACK");
                        e.to_string()
                    })
                }
                Err(e) => Err(e.to_string()),
            };
            let deltas = take_pending();
            match &commit {
                // Durable now: the model and the stream follow.
                Ok(()) => live.apply(deltas),
                Err(e) => {
                    tracing::error!(error = %e, ops = batch.len(), "store: group commit failed")
                }
            }
            for op in batch.drain(..) {
                op.finish(commit.clone());
            }
            let _ = ckpt.try_send(());
            wal.enforce(&conn);
            trainer.after_commit();
        }
        if let Some(tx) = close {
            drop(ckpt);
            let _running = wal.shared.lock();
            if wal.enabled
                && let Err(e) = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            {
                tracing::warn!(error = %e, "store: final checkpoint failed");
            }
            let _ = tx.send(());
            return;
        }
    }
}

fn reader_loop(conn: Connection, rx: Receiver<ReadMsg>) {
    while let Ok(ReadMsg::Job(job)) = rx.recv() {
        job(&conn);
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
fn checkpoint_loop(
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

/// Unix milliseconds of a timestamp, the unit every time column uses.
pub fn ms(t: jiff::Timestamp) -> i64 {
    t.as_millisecond()
}

/// Inverse of [`ms`]; out-of-range values (never written by the hub) clamp.
pub fn from_ms(v: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_millisecond(v).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}
