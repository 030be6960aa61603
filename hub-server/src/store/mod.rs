//! The SQLite store: owns the database file and every thread that touches
//! it, and is the only place SQL is written.
//!
//! Its contract: a read runs on a reader thread and sees what was committed
//! before it started; a write runs in the writer's current group
//! transaction (its own savepoint) and resolves only after that group
//! committed, so `Ok` means durable. A write closure gets the connection
//! and a [`Changes`] to report what it changed in the fleet; the writer
//! hands the changes of a committed group to the attached [`CommitSink`]
//! (the live model, owned by the application state) and drops those of a
//! write that rolled back. Nothing else happens as a side effect.
//!
//! Inside: [`worker`] (the writer with its group commit, the readers),
//! [`wal`] (the WAL bound and the checkpoint thread), one module per table
//! group, and `secrets` (the store's side of secrets at rest).

mod admin;
pub mod backup;
mod changes;
pub mod channels;
mod codec;
mod customers;
pub mod db;
mod digest;
mod drift;
mod events;
mod incidents;
mod infra;
mod jobs;
mod lockout;
mod maintenance;
mod migrate;
mod notify;
mod pg;
mod replicas;
mod reports;
pub mod secrets;
mod sessions;
mod status_links;
mod wal;
mod worker;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crossbeam_channel::Sender;
use db::Connection;
use thiserror::Error;
use tokio::sync::oneshot;

use crate::secrets::SecretsConfig;
use crate::secrets::cipher::{SealError, Sealer};
use worker::{ReadMsg, WriteMsg, open_conn, queue_error, read_msg, spawn, write_msg};

pub use admin::{AdminIdentity, Counts, EventFilter};
pub use changes::{Change, Changes, CommitSink, FleetRecord};
pub use codec::Codec;
pub use customers::{CredentialMatch, CustomerRow, NewCustomerConfig, StoredConfig, key_digest};
pub use digest::{DigestFacts, DigestIncident};
pub use drift::{DriftCandidate, DriftRow, DriftWrite};
pub use events::{EventInsert, NewEvent};
pub use incidents::{IncidentFilter, IncidentOp, IncidentRow};
pub use jobs::{NodeState, NodeTransition, Pruned, Watched};
pub use lockout::{Attempt, MAX_ADDRESS_FAILURES, MAX_FAILURES, WINDOW};
pub use maintenance::ACTION_SETTLE;
pub use notify::{Channel, Decisions, Delivery, LogEntry, NewDelivery, OutboxItem, StoredEvent};
pub use replicas::JobLease;
pub use reports::{NewReport, ReportInsert};
pub use sessions::{ACCOUNT_FREE_FAILURES, MAX_LOGIN_FAILURES, SESSION_ABSOLUTE, Session};

/// Failures of the storage layer. The HTTP layer maps them to a 500 (or a
/// 503 for health checks) without showing the cause to the client.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error(transparent)]
    Db(#[from] db::DbError),
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
    /// A stored value cannot be read back (damaged, or from a broken
    /// older hub).
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    /// A sealed secret did not open, or sealing failed.
    #[error(transparent)]
    Seal(#[from] SealError),
    /// The group a write was part of did not commit; nothing of it is
    /// stored.
    #[error("the commit failed: {0}")]
    CommitFailed(String),
    /// The operating system would not start one of the store's threads.
    #[error("cannot start the store thread {name}: {source}")]
    Thread {
        name: String,
        source: std::io::Error,
    },
    #[error("the store is shut down")]
    Closed,
    /// A query was not answered in time (a reader stuck behind a long
    /// read, a disk that hangs).
    #[error("the database did not answer within {0:?}")]
    NoAnswer(std::time::Duration),
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

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Db(db::DbError::Sqlite(e))
    }
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
    /// The key secrets are sealed with (none: `<data_dir>/secrets.key`).
    pub secrets: SecretsConfig,
    /// Whether the hub checkpoints its WAL. Off when Litestream replicates
    /// the database: Litestream must own checkpoints (one that truncates
    /// the WAL under it forces a new snapshot), and keeps the WAL short.
    pub checkpoints: bool,
    /// PostgreSQL instead of SQLite in the data dir (`database.url`); the
    /// WAL, checkpoint and synchronous options are SQLite's only.
    pub postgres: Option<crate::config::Secret>,
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
            secrets: SecretsConfig::default(),
            checkpoints: true,
            postgres: None,
        }
    }
}

impl StoreOptions {
    /// What `hub.yaml` asks of the store: `server.synchronous`,
    /// `server.litestream` and the `secrets` keys.
    pub fn from_config(config: &crate::config::Config) -> StoreOptions {
        StoreOptions {
            synchronous_full: config.server.synchronous == "full",
            checkpoints: !config.server.litestream,
            secrets: config.secrets.clone(),
            // SQLite keeps its two readers (each caches 8 MiB on a small
            // pod); pool_size is PostgreSQL's connections per replica.
            readers: if config.database.is_postgres() {
                config.database.pool_size.saturating_sub(1).max(1)
            } else {
                StoreOptions::default().readers
            },
            postgres: config
                .database
                .is_postgres()
                .then(|| config.database.url.clone()),
            ..Default::default()
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
    sealer: Arc<Sealer>,
    key_source: secrets::KeySource,
    threads: Mutex<Vec<JoinHandle<()>>>,
    readers: usize,
    checkpoints: Arc<wal::CheckpointShared>,
    /// The status links' signing key once read: it never changes (a
    /// rotation reseals it, the same key), and every page view checks one.
    link_key: std::sync::OnceLock<zeroize::Zeroizing<[u8; 32]>>,
}

impl Store {
    /// Opens (creating if needed) `data_dir/hub.db`, applies migrations,
    /// seals what an older hub kept in plain text and starts the threads.
    /// Until a sink is [attached](Store::attach), committed changes go
    /// nowhere (the command-line tools need none).
    pub fn open(data_dir: &Path, opts: StoreOptions) -> Result<Store> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        crate::secrets::restrict_or_warn(data_dir, true);
        match &opts.postgres {
            Some(url) => Store::open_pg(data_dir, url.expose(), &opts),
            None => Store::open_lite(data_dir, &opts),
        }
    }

    fn open_lite(data_dir: &Path, opts: &StoreOptions) -> Result<Store> {
        let path = data_dir.join("hub.db");
        let sync = opts.synchronous_full;
        let mut lite = open_conn(&path, false, sync)?;
        migrate::run(&mut lite, &path)?;
        // SQLite made them with the process's umask.
        for name in ["hub.db", "hub.db-wal", "hub.db-shm"] {
            let file = data_dir.join(name);
            if file.exists() {
                crate::secrets::restrict_or_warn(&file, false);
            }
        }
        lite.pragma_update(None, "wal_autocheckpoint", 0)?;
        if opts.checkpoints {
            // The writer restarts the WAL at its bound rather than
            // truncating it; past the bound (a long reader held the
            // restart off) SQLite cuts the file back to it on restart.
            lite.pragma_update(
                None,
                "journal_size_limit",
                i64::try_from(opts.wal_limit_bytes).unwrap_or(i64::MAX),
            )?;
            lite.wal_hook(Some(wal::note_wal_frames));
        }
        let page_size: i64 = lite.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        let mut readers = Vec::new();
        for _ in 0..opts.readers.max(1) {
            readers.push(Connection::Lite(open_conn(&path, true, sync)?));
        }
        let checkpoint = if opts.checkpoints {
            Some(open_conn(&path, false, sync)?)
        } else {
            None
        };
        Store::start(
            data_dir,
            opts,
            Connection::Lite(lite),
            readers,
            checkpoint,
            page_size,
        )
    }

    /// The store on PostgreSQL: the schema migrated under an advisory lock
    /// (replicas may start together), then `readers` connections and the
    /// writer's, each on its own thread as with SQLite. The synchronous
    /// client runs its own small runtime, which must not be entered from
    /// the caller's: all of it happens on a thread of its own.
    fn open_pg(data_dir: &Path, url: &str, opts: &StoreOptions) -> Result<Store> {
        std::thread::scope(|s| {
            s.spawn(|| Store::open_pg_here(data_dir, url, opts))
                .join()
                .unwrap_or_else(|_| Err(StoreError::Closed))
        })
    }

    fn open_pg_here(data_dir: &Path, url: &str, opts: &StoreOptions) -> Result<Store> {
        let mut writer = pg::connect(url)?;
        migrate::run_pg(writer.client(), &pg::describe(url))?;
        let mut readers = Vec::new();
        for _ in 0..opts.readers.max(1) {
            readers.push(Connection::Pg(pg::connect(url)?.into()));
        }
        Store::start(
            data_dir,
            opts,
            Connection::Pg(writer.into()),
            readers,
            None,
            4096,
        )
    }

    /// Starts the threads of an open, migrated database.
    fn start(
        data_dir: &Path,
        opts: &StoreOptions,
        conn: Connection,
        reader_conns: Vec<Connection>,
        checkpoint: Option<rusqlite::Connection>,
        page_size: i64,
    ) -> Result<Store> {
        let (sealer, key_source) = secrets::prepare(&conn, data_dir, &opts.secrets)?;
        let codec = Arc::new(Codec::load(&conn)?);

        let (write_tx, write_rx) = crossbeam_channel::bounded(opts.write_queue.max(1));
        let (read_tx, read_rx) = crossbeam_channel::bounded::<ReadMsg>(opts.read_queue.max(1));
        let mut threads = Vec::new();
        let readers = reader_conns.len();
        for (i, rconn) in reader_conns.into_iter().enumerate() {
            let rx = read_rx.clone();
            threads.push(spawn(format!("store-read-{i}"), move || {
                worker::reader_loop(rconn, rx)
            })?);
        }
        let (ckpt_tx, ckpt_rx) = crossbeam_channel::bounded::<()>(1);
        let shared = Arc::new(wal::CheckpointShared::default());
        let checkpoints = checkpoint.is_some();
        if let Some(cconn) = checkpoint {
            let shared = shared.clone();
            let eager_frames = i64::try_from(opts.wal_limit_bytes / 2)
                .unwrap_or(i64::MAX)
                .checked_div(page_size)
                .unwrap_or(0);
            threads.push(spawn("store-checkpoint".into(), move || {
                wal::checkpoint_loop(cconn, ckpt_rx, &shared, eager_frames)
            })?);
        }

        let store = Store {
            inner: Arc::new(Inner {
                write_tx,
                read_tx,
                codec,
                sealer: Arc::new(sealer),
                key_source,
                threads: Mutex::new(Vec::new()),
                readers,
                checkpoints: shared.clone(),
                link_key: std::sync::OnceLock::new(),
            }),
        };
        let writer = worker::Writer {
            conn,
            rx: write_rx,
            ckpt: checkpoints.then_some(ckpt_tx),
            trainer: codec::Trainer::new(store.clone(), opts.dict_train_after),
            wal: wal::WalBound::new(opts.wal_limit_bytes, page_size, checkpoints, shared),
        };
        threads.push(spawn("store-write".into(), move || writer.run())?);
        *crate::sync::lock(&store.inner.threads, "store threads") = threads;
        Ok(store)
    }

    /// Attaches the live fleet model: between two groups, the writer loads
    /// it from the database and from then on hands it every committed
    /// change set, so no commit falls between the load and the stream of
    /// changes. Replaces an earlier sink.
    pub async fn attach(&self, sink: Arc<dyn CommitSink>) -> Result<()> {
        let (reply, rx) = oneshot::channel();
        self.inner
            .write_tx
            .try_send(WriteMsg::Attach((sink, reply)))
            .map_err(queue_error)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// Rewrites the whole database with `secure_delete` on (a `VACUUM`) and
    /// truncates the WAL, so no deleted value — a secret from before it
    /// was sealed, a value sealed with a rotated-out key — is left in free
    /// pages or the WAL. Holds the writer for as long as it takes.
    pub async fn scrub(&self) -> Result<()> {
        let (reply, rx) = oneshot::channel();
        let work: worker::ExclusiveWork = Box::new(secrets::scrub);
        self.inner
            .write_tx
            .send(WriteMsg::Exclusive((work, reply)))
            .map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// The fleet as the database has it, read afresh: what the live model
    /// is loaded from, and what tests compare it with.
    pub async fn fleet_from_database(&self) -> Result<Vec<FleetRecord>> {
        self.read(reports::load_fleet).await
    }

    pub fn codec(&self) -> &Arc<Codec> {
        &self.inner.codec
    }

    /// Seals and opens the secrets this store keeps.
    pub fn sealer(&self) -> &Arc<Sealer> {
        &self.inner.sealer
    }

    /// Where the secrets key came from (for the start-up log).
    pub fn key_source(&self) -> &secrets::KeySource {
        &self.inner.key_source
    }

    /// Re-seals up to `batch` rows not under the current key in one
    /// transaction; 0 when nothing is left (the key check moved too).
    pub async fn reseal(&self, batch: i64) -> Result<usize> {
        let sealer = self.sealer().clone();
        self.write(move |c, _| secrets::reseal_batch(c, &sealer, batch))
            .await
    }

    /// Runs `f` in the writer's current group transaction; resolves after
    /// the group committed, so `Ok` means the change is durable. `f`
    /// reports what it changed in the fleet through its [`Changes`].
    pub async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection, &mut Changes) -> Result<T> + Send + 'static,
    {
        let (msg, rx) = write_msg(f);
        self.inner.write_tx.try_send(msg).map_err(queue_error)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// Runs a query on one of the reader threads.
    pub async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let (msg, rx) = read_msg(f);
        self.inner.read_tx.try_send(msg).map_err(queue_error)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// [`Store::write`] for plain threads (never call it on the runtime);
    /// waits for room in the queue instead of failing with `Busy`.
    pub(crate) fn write_blocking<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection, &mut Changes) -> Result<T> + Send + 'static,
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

    /// Writes waiting for the writer now.
    pub fn queued_writes(&self) -> usize {
        self.inner.write_tx.len()
    }

    /// The largest the WAL has been after a commit since the store opened,
    /// in bytes (0 when the hub leaves checkpoints to Litestream).
    pub fn wal_peak_bytes(&self) -> u64 {
        self.inner
            .checkpoints
            .peak_bytes
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Answers whether the database responds within `limit`, for
    /// `/healthz`.
    pub async fn ping(&self, limit: std::time::Duration) -> Result<()> {
        let query = self.read(|c| {
            c.query_row("SELECT 1", [], |_| Ok(()))?;
            Ok(())
        });
        tokio::time::timeout(limit, query)
            .await
            .map_err(|_| StoreError::NoAnswer(limit))?
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
        let threads = std::mem::take(&mut *crate::sync::lock(
            &self.inner.threads,
            "store threads",
        ));
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

/// Unix milliseconds of a timestamp, the unit every time column uses.
pub fn ms(t: jiff::Timestamp) -> i64 {
    t.as_millisecond()
}

/// Inverse of [`ms`]; out-of-range values (never written by the hub) clamp.
pub fn from_ms(v: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_millisecond(v).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}
