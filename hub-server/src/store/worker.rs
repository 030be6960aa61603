//! The store's threads: one writer that commits whatever is queued in one
//! transaction (group commit), each request in its own savepoint so a
//! failing one rolls back alone and is answered only after the group
//! committed; and a small pool of readers. Async code reaches them through
//! bounded channels and never blocks the runtime.

use std::path::Path;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use super::db::Connection;
use crossbeam_channel::{Receiver, Sender};
use tokio::sync::oneshot;

use super::changes::{Changes, CommitSink};
use super::codec::Trainer;
use super::wal::WalBound;
use super::{Result, StoreError};

/// Most operations committed in one transaction.
const MAX_GROUP: usize = 512;

/// A unit of work for the writer, applied inside a savepoint of the current
/// group transaction; its answer is held back until the group committed.
pub(super) trait WriteOp: Send {
    /// Runs the op; returns what it changed (nothing if it rolled back).
    fn apply(&mut self, conn: &Connection) -> Changes;
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
    F: FnOnce(&Connection, &mut Changes) -> Result<T> + Send,
{
    fn apply(&mut self, conn: &Connection) -> Changes {
        let Some(f) = self.f.take() else {
            return Changes::default();
        };
        let mut changes = Changes::default();
        let result = (|| {
            // Cached: every write op pays for these two statements.
            conn.prepare_cached("SAVEPOINT op")?.execute([])?;
            match f(conn, &mut changes) {
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
        let kept = if result.is_ok() {
            changes
        } else {
            // Rolled back: so is what it changed.
            Changes::default()
        };
        self.result = Some(result);
        kept
    }

    fn finish(self: Box<Self>, commit: std::result::Result<(), String>) {
        let answer = match (commit, self.result) {
            (Ok(()), Some(r)) => r,
            (Ok(()), None) => Err(StoreError::Closed),
            (Err(e), _) => Err(StoreError::CommitFailed(e)),
        };
        let _ = self.reply.send(answer);
    }
}

/// Attaching the fleet model: answered once the model is loaded.
pub(super) type Attach = (Arc<dyn CommitSink>, oneshot::Sender<Result<()>>);

/// Work that must run outside any transaction (a `VACUUM`), between two
/// groups, and its answer.
pub(super) type Exclusive = (ExclusiveWork, oneshot::Sender<Result<()>>);

/// See [`Exclusive`].
pub(super) type ExclusiveWork = Box<dyn FnOnce(&Connection) -> Result<()> + Send>;

pub(super) enum WriteMsg {
    Op(Box<dyn WriteOp>),
    Attach(Attach),
    Exclusive(Exclusive),
    Close(oneshot::Sender<()>),
}

type ReadJob = Box<dyn FnOnce(&Connection) + Send>;

pub(super) enum ReadMsg {
    Job(ReadJob),
    Close,
}

pub(super) fn write_msg<T, F>(f: F) -> (WriteMsg, oneshot::Receiver<Result<T>>)
where
    T: Send + 'static,
    F: FnOnce(&Connection, &mut Changes) -> Result<T> + Send + 'static,
{
    let (reply, rx) = oneshot::channel();
    let op = Op {
        f: Some(f),
        result: None,
        reply,
    };
    (WriteMsg::Op(Box::new(op)), rx)
}

pub(super) fn read_msg<T, F>(f: F) -> (ReadMsg, oneshot::Receiver<Result<T>>)
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

pub(super) fn queue_error<M>(e: crossbeam_channel::TrySendError<M>) -> StoreError {
    match e {
        crossbeam_channel::TrySendError::Full(_) => StoreError::Busy,
        crossbeam_channel::TrySendError::Disconnected(_) => StoreError::Closed,
    }
}

pub(super) fn spawn(name: String, f: impl FnOnce() + Send + 'static) -> Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name(name.clone())
        .spawn(f)
        .map_err(|source| StoreError::Thread { name, source })
}

pub(super) fn open_conn(
    path: &Path,
    read_only: bool,
    synchronous_full: bool,
) -> Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open(path)?;
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

/// What the writer thread owns besides its connection.
pub(super) struct Writer {
    pub conn: Connection,
    pub rx: Receiver<WriteMsg>,
    /// Nudges the checkpoint thread after each commit; dropped at close,
    /// which ends that thread.
    pub ckpt: Option<Sender<()>>,
    pub trainer: Trainer,
    pub wal: WalBound,
}

impl Writer {
    pub(super) fn run(mut self) {
        let mut sink: Option<Arc<dyn CommitSink>> = None;
        let mut batch: Vec<Box<dyn WriteOp>> = Vec::with_capacity(MAX_GROUP);
        loop {
            let mut close = None;
            match self.rx.recv() {
                Ok(WriteMsg::Op(op)) => batch.push(op),
                Ok(WriteMsg::Attach(a)) => self.attach(a, &mut sink),
                Ok(WriteMsg::Exclusive((f, reply))) => {
                    let _ = reply.send(f(&self.conn));
                }
                Ok(WriteMsg::Close(tx)) => close = Some(tx),
                Err(_) => break,
            }
            while close.is_none() && batch.len() < MAX_GROUP {
                match self.rx.try_recv() {
                    Ok(WriteMsg::Op(op)) => batch.push(op),
                    Ok(WriteMsg::Attach(a)) => {
                        // Everything queued before it commits first, so
                        // the model it loads already holds those changes.
                        self.commit(&mut batch, sink.as_deref());
                        self.attach(a, &mut sink);
                    }
                    Ok(WriteMsg::Exclusive((f, reply))) => {
                        self.commit(&mut batch, sink.as_deref());
                        let _ = reply.send(f(&self.conn));
                    }
                    Ok(WriteMsg::Close(tx)) => close = Some(tx),
                    Err(_) => break,
                }
            }
            self.commit(&mut batch, sink.as_deref());
            if let Some(tx) = close {
                self.ckpt = None;
                if let Some(lite) = self.conn.lite() {
                    self.wal.close(lite);
                }
                let _ = tx.send(());
                return;
            }
        }
    }

    fn attach(&self, (new, reply): Attach, sink: &mut Option<Arc<dyn CommitSink>>) {
        let loaded = super::reports::load_fleet(&self.conn).and_then(|records| {
            new.load(records, super::maintenance::live_windows(&self.conn)?);
            Ok(())
        });
        if loaded.is_ok() {
            *sink = Some(new);
        }
        let _ = reply.send(loaded);
    }

    /// Commits `batch` as one group; the sink hears of its changes only
    /// once the group is durable.
    fn commit(&mut self, batch: &mut Vec<Box<dyn WriteOp>>, sink: Option<&dyn CommitSink>) {
        if batch.is_empty() {
            return;
        }
        let span = tracing::debug_span!("store.commit", ops = batch.len());
        let _entered = span.enter();
        let mut changes = Changes::default();
        // SQLite: take the write lock now, not at the first write, so a
        // second process waits here instead of failing mid-group.
        let begin = if self.conn.is_postgres() {
            "BEGIN"
        } else {
            "BEGIN IMMEDIATE"
        };
        let commit = match self.conn.execute_batch(begin) {
            Ok(()) => {
                for op in batch.iter_mut() {
                    changes.append(op.apply(&self.conn));
                }
                self.conn.execute_batch("COMMIT").map_err(|e| {
                    let _ = self.conn.execute_batch("ROLLBACK");
                    e.to_string()
                })
            }
            Err(e) => Err(e.to_string()),
        };
        match &commit {
            Ok(()) => {
                if let Some(sink) = sink
                    && !changes.is_empty()
                {
                    sink.committed(changes.into_vec());
                }
            }
            Err(e) => {
                tracing::error!(error = %e, ops = batch.len(), "store: group commit failed")
            }
        }
        for op in batch.drain(..) {
            op.finish(commit.clone());
        }
        if let Some(ckpt) = &self.ckpt {
            let _ = ckpt.try_send(());
        }
        if let Some(lite) = self.conn.lite() {
            self.wal.enforce(lite);
        }
        self.trainer.after_commit();
    }
}

pub(super) fn reader_loop(conn: Connection, rx: Receiver<ReadMsg>) {
    while let Ok(ReadMsg::Job(job)) = rx.recv() {
        job(&conn);
    }
}
