//! Backups of the hub's own database and their restore.
//!
//! A backup is `VACUUM INTO` a temporary file from a read-only connection:
//! one read transaction, so the copy is the database as of one instant
//! while the hub keeps writing (WAL readers never block the writer). The
//! copy is integrity-checked, counted, fsynced and only then renamed to its
//! name, so a file with that name is always a whole, checked backup. It
//! holds the secrets sealed, never the key.
//!
//! A restore refuses while a hub holds the data dir's lock, checks the
//! file, keeps the replaced database aside and opens the result with the
//! configured key before it calls the restore done.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::{Result, Store, StoreError, StoreOptions};

/// The scheduled backup's name among the daily jobs.
pub const BACKUP_JOB: &str = "backup";

/// The `hub_state` key of the last failed scheduled backup (empty once one
/// succeeded).
pub const FAILED_AT: &str = "backup_failed_at";

impl Store {
    /// When the last scheduled backup failed, if none has succeeded since:
    /// what `/healthz` reports as `"backup": "failing"`.
    pub async fn backup_failing_since(&self) -> Result<Option<jiff::Timestamp>> {
        Ok(self
            .get_state(FAILED_AT)
            .await?
            .and_then(|t| t.parse().ok()))
    }
}

/// Tables whose row counts a backup reports.
const COUNTED: [&str; 5] = [
    "customers",
    "customer_configs",
    "reports",
    "events",
    "infra_backups",
];

/// What a backup or restore produced.
#[derive(Debug, Clone)]
pub struct BackupSummary {
    pub path: PathBuf,
    pub bytes: u64,
    pub counts: Vec<(&'static str, i64)>,
}

impl std::fmt::Display for BackupSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({} bytes", self.path.display(), self.bytes)?;
        for (table, n) in &self.counts {
            write!(f, ", {n} {table}")?;
        }
        write!(f, ")")
    }
}

fn io(what: &str, path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Backup(format!("{what} {}: {e}", path.display()))
}

/// Checks a database file and counts its rows.
fn check(path: &Path) -> Result<Vec<(&'static str, i64)>> {
    let c = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let verdict: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if verdict != "ok" {
        return Err(StoreError::Backup(format!(
            "{} fails its integrity check: {verdict}",
            path.display()
        )));
    }
    COUNTED
        .iter()
        .map(|t| {
            let n: i64 = c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))?;
            Ok((*t, n))
        })
        .collect()
}

fn sync_dir(dir: &Path) {
    // Makes the rename durable; not every platform can open a directory.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// How often (in SQLite VM steps) the copy checks its pace.
const PACE_EVERY_OPS: i32 = 20_000;
/// Written pages of the copy are handed to the disk every this many bytes.
const FLUSH_EVERY: u64 = 8 << 20;
/// The copy's write rate at most.
const MAX_BYTES_PER_SEC: f64 = 256.0 * 1024.0 * 1024.0;

/// Keeps a backup from starving the hub it copies. `VACUUM INTO` writes
/// the copy as fast as the page cache takes it, and one fsync of a
/// gigabyte of dirty pages made the hub's WAL fsyncs on the same ext4
/// filesystem wait behind it for 10 s; fsyncing every few MiB instead
/// puts a flush of the copy's blocks before every WAL commit's own (ingest
/// p99 ×6). So, from SQLite's progress handler (it runs inside the
/// statement), the pages written so far are handed to the disk without
/// waiting and without a flush, and dropped from the
/// page cache once written (on Linux, `posix_fadvise(DONTNEED)`: the copy
/// does not crowd the pod's memory either); the final fsync then has
/// little left to do. The rate is capped as well.
struct Pacer {
    path: PathBuf,
    file: Option<File>,
    started: std::time::Instant,
    flushed: u64,
}

impl Pacer {
    fn new(path: PathBuf) -> Pacer {
        Pacer {
            path,
            file: None,
            started: std::time::Instant::now(),
            flushed: 0,
        }
    }

    /// Never interrupts the copy: a failed hint is harmless, the final
    /// `sync_all` is the one that counts.
    fn into_handler(mut self) -> impl FnMut() -> bool + Send + 'static {
        move || {
            self.pace();
            false
        }
    }

    fn pace(&mut self) {
        if self.file.is_none() {
            self.file = File::open(&self.path).ok();
        }
        let Some(file) = &self.file else { return };
        let Ok(len) = file.metadata().map(|m| m.len()) else {
            return;
        };
        if len >= self.flushed + FLUSH_EVERY {
            // Again over the last few MiB too: pages still being written
            // at the previous call are dropped now.
            let from = self.flushed.saturating_sub(4 * FLUSH_EVERY);
            write_behind(file, from, len - from);
            self.flushed = len;
        }
        let due = Duration::from_secs_f64(len as f64 / MAX_BYTES_PER_SEC);
        if let Some(wait) = due.checked_sub(self.started.elapsed()) {
            std::thread::sleep(wait);
        }
    }
}

/// Starts writing back a range of `file` and forgets its written pages.
#[cfg(target_os = "linux")]
fn write_behind(file: &File, offset: u64, len: u64) {
    let _ = rustix::fs::fadvise(
        file,
        offset,
        std::num::NonZeroU64::new(len),
        rustix::fs::Advice::DontNeed,
    );
}

/// Elsewhere: flush as we go (slower for the hub's commits, but bounded).
#[cfg(not(target_os = "linux"))]
fn write_behind(file: &File, _offset: u64, _len: u64) {
    let _ = file.sync_data();
}

/// Copies the database of `data_dir` to `dest` while a hub may be writing
/// to it. Blocking: call it off the async runtime. The copy runs on a
/// thread of its own at a low CPU priority (the hub's requests come
/// first; a thread, because a niced thread cannot be given back to a pool).
pub fn backup_to(data_dir: &Path, dest: &Path) -> Result<BackupSummary> {
    let (data_dir, dest) = (data_dir.to_owned(), dest.to_owned());
    std::thread::Builder::new()
        .name("hub-backup".into())
        .spawn(move || {
            lower_priority();
            copy_to(&data_dir, &dest)
        })
        .map_err(|e| StoreError::Backup(format!("cannot start the backup thread: {e}")))?
        .join()
        .map_err(|_| StoreError::Backup("the backup thread panicked".into()))?
}

/// `nice 10` for the calling thread only (Linux's priorities are per
/// thread); a failure leaves it as it was.
#[cfg(target_os = "linux")]
fn lower_priority() {
    let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), 10);
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

fn copy_to(data_dir: &Path, dest: &Path) -> Result<BackupSummary> {
    let db = data_dir.join("hub.db");
    if !db.exists() {
        return Err(StoreError::Backup(format!(
            "no database at {}",
            db.display()
        )));
    }
    let dir = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    if !dir.exists() {
        std::fs::create_dir_all(&dir).map_err(|e| io("cannot create", &dir, e))?;
        crate::secrets::restrict_or_warn(&dir, true);
    }
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "hub-backup.db".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let result = (|| {
        let c = Connection::open_with_flags(
            &db,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        c.busy_timeout(Duration::from_secs(10))?;
        c.progress_handler(PACE_EVERY_OPS, Some(Pacer::new(tmp.clone()).into_handler()))?;
        c.execute("VACUUM INTO ?1", [tmp.to_string_lossy()])?;
        c.progress_handler(PACE_EVERY_OPS, None::<fn() -> bool>)?;
        drop(c);
        let counts = check(&tmp)?;
        crate::secrets::restrict(&tmp, false).map_err(|e| io("cannot make private", &tmp, e))?;
        File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| io("cannot sync", &tmp, e))?;
        std::fs::rename(&tmp, dest).map_err(|e| io("cannot rename to", dest, e))?;
        sync_dir(&dir);
        let bytes = std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0);
        Ok(BackupSummary {
            path: dest.to_owned(),
            bytes,
            counts,
        })
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Keeps the newest `keep` scheduled backups (`hub-*.db`) in `dir`;
/// returns how many were removed.
pub fn rotate(dir: &Path, keep: usize) -> Result<usize> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| io("cannot list", dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("hub-") && n.ends_with(".db"))
        })
        .collect();
    // The names carry a UTC timestamp: by name is by age.
    names.sort();
    let excess = names.len().saturating_sub(keep);
    for old in &names[..excess] {
        std::fs::remove_file(old).map_err(|e| io("cannot remove", old, e))?;
    }
    Ok(excess)
}

/// An exclusive lock on a data dir, held by a running hub for its whole
/// life: a restore (or a second hub) on the same data dir is refused.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
}

impl DataDirLock {
    pub fn acquire(data_dir: &Path) -> Result<DataDirLock> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let path = data_dir.join("hub.lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| io("cannot open", &path, e))?;
        crate::secrets::restrict_or_warn(&path, false);
        match file.try_lock() {
            Ok(()) => Ok(DataDirLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Locked(format!(
                "a hub is running on {} (it holds {}); stop it first",
                data_dir.display(),
                path.display()
            ))),
            Err(std::fs::TryLockError::Error(e)) => Err(io("cannot lock", &path, e)),
        }
    }
}

/// Replaces the database of `data_dir` with the backup `from`. Refuses
/// while a hub runs there; the replaced files are kept as
/// `hub.db.replaced-<time>` (and its `-wal`); the restored database is
/// opened with `opts` (migrations, the secrets key) before it counts as
/// restored, else the old one is put back.
pub fn restore_from(
    data_dir: &Path,
    from: &Path,
    opts: StoreOptions,
    stamp: &str,
) -> Result<(BackupSummary, Option<PathBuf>)> {
    let _lock = DataDirLock::acquire(data_dir)?;
    let counts = check(from)?;
    let db = data_dir.join("hub.db");
    let aside = data_dir.join(format!("hub.db.replaced-{stamp}"));
    let wal = data_dir.join("hub.db-wal");
    let had_db = db.exists();
    if had_db {
        std::fs::rename(&db, &aside).map_err(|e| io("cannot move aside", &db, e))?;
        if wal.exists() {
            let wal_aside = data_dir.join(format!("hub.db.replaced-{stamp}-wal"));
            std::fs::rename(&wal, &wal_aside).map_err(|e| io("cannot move aside", &wal, e))?;
        }
        let _ = std::fs::remove_file(data_dir.join("hub.db-shm"));
    }
    let put_back = || {
        let _ = std::fs::remove_file(&db);
        let _ = std::fs::remove_file(&wal);
        let _ = std::fs::remove_file(data_dir.join("hub.db-shm"));
        if had_db {
            let _ = std::fs::rename(&aside, &db);
            let _ = std::fs::rename(data_dir.join(format!("hub.db.replaced-{stamp}-wal")), &wal);
        }
    };
    let tmp = data_dir.join("hub.db.restoring");
    let copied = std::fs::copy(from, &tmp)
        .and_then(|_| File::open(&tmp).and_then(|f| f.sync_all()))
        .and_then(|_| std::fs::rename(&tmp, &db));
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&tmp);
        put_back();
        return Err(io("cannot copy", from, e));
    }
    sync_dir(data_dir);
    // The hub must be able to open it: migrations, and the key that opens
    // its secrets.
    match Store::open(data_dir, opts) {
        Ok(store) => store.close_blocking(),
        Err(e) => {
            put_back();
            return Err(StoreError::Backup(format!(
                "the restored database does not open ({e}); the previous one was put back"
            )));
        }
    }
    let bytes = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    Ok((
        BackupSummary {
            path: db,
            bytes,
            counts,
        },
        had_db.then_some(aside),
    ))
}
