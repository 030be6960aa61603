//! Report bodies are stored zstd-compressed, with a dictionary trained on
//! the hub's own stored reports once enough of them exist: reports share
//! almost all of their keys, so a dictionary shrinks them several times more
//! than plain zstd. Rows written before the dictionary are recompressed with
//! it in the background. Every row names its dictionary (0 = none), so a
//! body stays readable forever.

use std::cell::RefCell;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use super::db::{Connection, params};
use zstd::bulk::{Compressor, Decompressor};

use super::{Result, Store, StoreError};

/// Level 1: with the trained dictionary a report compresses to the same
/// ~121 bytes as at level 3 (10-second ingest runs, 2026-11-28), at 4.0
/// instead of 9.7 µs of CPU per report.
const LEVEL: i32 = 1;
const DICT_BYTES: usize = 32 * 1024;
const RECOMPRESS_BATCH: usize = 500;

static NEXT_CODEC: AtomicU64 = AtomicU64::new(1);

type DictBytes = Arc<Vec<u8>>;

/// Compression state shared by handlers (compress) and readers (decompress).
pub struct Codec {
    id: u64,
    current: RwLock<Option<(i64, DictBytes)>>,
    dicts: RwLock<HashMap<i64, DictBytes>>,
    undicted: AtomicUsize,
    training: AtomicBool,
}

thread_local! {
    // Contexts are expensive to create; keep one per thread and dictionary.
    static ENC: RefCell<HashMap<(u64, i64), Compressor<'static>>> = RefCell::new(HashMap::new());
    static DEC: RefCell<HashMap<(u64, i64), Decompressor<'static>>> = RefCell::new(HashMap::new());
}

fn zerr(e: std::io::Error) -> StoreError {
    StoreError::Corrupt(format!("zstd: {e}"))
}

impl Codec {
    pub(super) fn load(conn: &Connection) -> Result<Codec> {
        let mut dicts = HashMap::new();
        let mut stmt = conn.prepare("SELECT id, dict FROM compression_dicts ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))?;
        let mut current = None;
        for row in rows {
            let (id, bytes) = row?;
            let bytes = Arc::new(bytes);
            current = Some((id, bytes.clone()));
            dicts.insert(id, bytes);
        }
        let undicted: i64 = conn.query_row(
            "SELECT count(*) FROM (SELECT 1 FROM reports WHERE dict = 0 LIMIT 100000) AS plain",
            [],
            |r| r.get(0),
        )?;
        Ok(Codec {
            id: NEXT_CODEC.fetch_add(1, Ordering::Relaxed),
            current: RwLock::new(current),
            dicts: RwLock::new(dicts),
            undicted: AtomicUsize::new(undicted as usize),
            training: AtomicBool::new(false),
        })
    }

    fn current(&self) -> Option<(i64, DictBytes)> {
        crate::sync::read(&self.current, "codec dictionary").clone()
    }

    fn dict(&self, id: i64) -> Result<DictBytes> {
        crate::sync::read(&self.dicts, "codec dictionaries")
            .get(&id)
            .cloned()
            .ok_or_else(|| StoreError::Corrupt(format!("unknown compression dictionary {id}")))
    }

    /// Compresses a report body with the newest dictionary; returns the
    /// dictionary id to store beside it.
    pub fn compress_report(&self, raw: &[u8]) -> Result<(i64, Vec<u8>)> {
        match self.current() {
            Some((id, bytes)) => Ok((id, self.compress_with(id, &bytes, raw)?)),
            None => {
                self.undicted.fetch_add(1, Ordering::Relaxed);
                Ok((0, self.compress_plain(raw)?))
            }
        }
    }

    /// A report body compressed before the dictionary existed, compressed
    /// again with it; `None` when `dict` already names one or there is
    /// none yet. Used by the recompression after training, and by the
    /// writer for a report compressed just before the dictionary was
    /// installed but stored after the recompression passed.
    pub(super) fn with_current_dict(
        &self,
        dict: i64,
        body: &[u8],
    ) -> Result<Option<(i64, Vec<u8>)>> {
        if dict != 0 || self.current().is_none() {
            return Ok(None);
        }
        let raw = self.decompress(0, body)?;
        self.compress_report(&raw).map(Some)
    }

    /// Plain zstd, for bodies that are not reports (infra backups).
    pub fn compress_plain(&self, raw: &[u8]) -> Result<Vec<u8>> {
        self.compress_with(0, &[], raw)
    }

    fn compress_with(&self, id: i64, dict: &[u8], raw: &[u8]) -> Result<Vec<u8>> {
        ENC.with(|cell| {
            let mut map = cell.borrow_mut();
            let c = match map.entry((self.id, id)) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(e) => {
                    e.insert(Compressor::with_dictionary(LEVEL, dict).map_err(zerr)?)
                }
            };
            c.compress(raw).map_err(zerr)
        })
    }

    /// Inverse of [`Codec::compress_report`] and [`Codec::compress_plain`].
    pub fn decompress(&self, dict_id: i64, data: &[u8]) -> Result<Vec<u8>> {
        let size = zstd::zstd_safe::get_frame_content_size(data)
            .ok()
            .flatten()
            .ok_or_else(|| StoreError::Corrupt("zstd frame without content size".into()))?;
        let dict = if dict_id == 0 {
            None
        } else {
            Some(self.dict(dict_id)?)
        };
        DEC.with(|cell| {
            let mut map = cell.borrow_mut();
            let d = match map.entry((self.id, dict_id)) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(e) => e.insert(
                    match &dict {
                        Some(bytes) => Decompressor::with_dictionary(bytes),
                        None => Decompressor::new(),
                    }
                    .map_err(zerr)?,
                ),
            };
            d.decompress(data, size as usize).map_err(zerr)
        })
    }

    fn install(&self, id: i64, bytes: Vec<u8>) {
        let bytes = Arc::new(bytes);
        crate::sync::write(&self.dicts, "codec dictionaries").insert(id, bytes.clone());
        *crate::sync::write(&self.current, "codec dictionary") = Some((id, bytes));
    }
}

/// Watches, from the writer thread, for enough undictionaried reports and
/// then trains on its own thread (training takes a moment of CPU).
pub(super) struct Trainer {
    store: Store,
    threshold: usize,
}

impl Trainer {
    pub(super) fn new(store: Store, threshold: usize) -> Self {
        Self { store, threshold }
    }

    pub(super) fn after_commit(&mut self) {
        let codec = self.store.codec();
        if codec.current().is_some()
            || codec.undicted.load(Ordering::Relaxed) < self.threshold
            || codec.training.swap(true, Ordering::AcqRel)
        {
            return;
        }
        let store = self.store.clone();
        let samples = self.threshold;
        let spawned = std::thread::Builder::new()
            .name("store-dict-train".into())
            .spawn(move || {
                match train(&store, samples) {
                    Ok(n) => tracing::info!(recompressed = n, "store: report dictionary trained"),
                    Err(e) => tracing::warn!(error = %e, "store: dictionary training failed"),
                }
                let codec = store.codec();
                codec.undicted.store(0, Ordering::Relaxed);
                codec.training.store(false, Ordering::Release);
            });
        if spawned.is_err() {
            codec.training.store(false, Ordering::Release);
        }
    }
}

/// Trains a dictionary from the newest undictionaried reports, stores it and
/// recompresses the old rows with it. Returns how many rows were rewritten.
fn train(store: &Store, samples: usize) -> Result<usize> {
    let codec = store.codec().clone();
    let c2 = codec.clone();
    let bodies: Vec<Vec<u8>> = store.read_blocking(move |conn| {
        let mut stmt = conn.prepare(
            "SELECT body FROM reports WHERE dict = 0 ORDER BY received_at DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([samples as i64], |r| r.get::<_, Vec<u8>>(0))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(c2.decompress(0, &row?)?);
        }
        Ok(out)
    })?;
    if bodies.len() < 100 {
        return Ok(0);
    }
    let dict = zstd::dict::from_samples(&bodies, DICT_BYTES).map_err(zerr)?;
    let stored = dict.clone();
    let n = bodies.len() as i64;
    let id = store.write_blocking(move |conn, _| {
        Ok(conn.query_row(
            "INSERT INTO compression_dicts (created_at, samples, dict) VALUES (?1, ?2, ?3) \
             RETURNING id",
            params![jiff::Timestamp::now().as_millisecond(), n, stored],
            |r| r.get(0),
        )?)
    })?;
    codec.install(id, dict);

    let mut total = 0;
    loop {
        let c = codec.clone();
        let done = store.write_blocking(move |conn, _| {
            let mut stmt = conn
                .prepare_cached("SELECT customer, ts, body FROM reports WHERE dict = 0 LIMIT ?1")?;
            let rows: Vec<(i64, i64, Vec<u8>)> = stmt
                .query_map([RECOMPRESS_BATCH as i64], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?
                .collect::<std::result::Result<_, _>>()?;
            let mut up = conn.prepare_cached(
                "UPDATE reports SET dict = ?1, body = ?2 WHERE customer = ?3 AND ts = ?4",
            )?;
            for (customer, ts, body) in &rows {
                if let Some((d, packed)) = c.with_current_dict(0, body)? {
                    up.execute(params![d, packed, customer, ts])?;
                }
            }
            Ok(rows.len())
        })?;
        total += done;
        if done < RECOMPRESS_BATCH {
            return Ok(total);
        }
    }
}
