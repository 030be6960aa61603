//! The serialized (and compressed) fleet lists, cached: the list every
//! front end opens first is a few MB at 10,000 customers, so it is built
//! once per change of the model and per second of ages (a response always
//! reflects every write acknowledged before it), and each encoding is
//! compressed once per build, on a blocking thread.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use bytes::Bytes;

use hub_proto::rules::FleetFilter;

use crate::live::{Live, StatusView, write_fleet};

/// The encodings the hub compresses cached lists in, in order of
/// preference when a client accepts several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Zstd,
    Brotli,
    Gzip,
}

impl Encoding {
    pub fn header(self) -> &'static str {
        match self {
            Encoding::Zstd => "zstd",
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
        }
    }

    /// The best encoding an `Accept-Encoding` value allows (q=0 refuses).
    pub fn negotiate(accept: &str) -> Option<Encoding> {
        let offered: Vec<(String, f32)> = accept
            .split(',')
            .filter_map(|part| {
                let mut it = part.split(';');
                let name = it.next()?.trim().to_ascii_lowercase();
                let q = it
                    .find_map(|p| p.trim().strip_prefix("q=").map(str::to_owned))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                Some((name, q))
            })
            .collect();
        let allowed = |name: &str| {
            offered
                .iter()
                .find(|(n, _)| n == name)
                .or_else(|| offered.iter().find(|(n, _)| n == "*"))
                .is_some_and(|(_, q)| *q > 0.0)
        };
        [Encoding::Zstd, Encoding::Brotli, Encoding::Gzip]
            .into_iter()
            .find(|e| allowed(e.header()))
    }

    fn compress(self, data: &[u8]) -> std::io::Result<Vec<u8>> {
        match self {
            Encoding::Zstd => zstd::bulk::compress(data, 3),
            Encoding::Brotli => {
                let mut out = Vec::with_capacity(data.len() / 8);
                {
                    let mut w = brotli::CompressorWriter::new(&mut out, 64 * 1024, 4, 22);
                    w.write_all(data)?;
                }
                Ok(out)
            }
            Encoding::Gzip => {
                let mut w = flate2::write::GzEncoder::new(
                    Vec::with_capacity(data.len() / 8),
                    flate2::Compression::fast(),
                );
                w.write_all(data)?;
                w.finish()
            }
        }
    }
}

/// Which list a snapshot holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// `GET /api/admin/v1/fleet` without filters: fleet entries, blocked
    /// customers hidden.
    AdminFleet,
    /// `GET /api/v1/customers`: every listed customer, summary shape.
    Customers,
}

/// One built list and its compressed forms.
pub struct Snapshot {
    /// What it was built against: the newest stream message, the second of
    /// the clock, the newest controller version.
    key: (u64, i64, Option<String>),
    pub json: Bytes,
    encoded: [OnceLock<Bytes>; 3],
}

impl Snapshot {
    /// The body in `enc`, compressing it the first time it is asked for.
    pub fn encoded(&self, enc: Encoding) -> std::io::Result<Bytes> {
        let slot = &self.encoded[enc as usize];
        if let Some(b) = slot.get() {
            return Ok(b.clone());
        }
        let bytes = Bytes::from(enc.compress(&self.json)?);
        Ok(slot.get_or_init(|| bytes).clone())
    }
}

/// The cache of both lists.
#[derive(Default)]
pub struct FleetCache {
    admin: Mutex<Option<Arc<Snapshot>>>,
    customers: Mutex<Option<Arc<Snapshot>>>,
}

impl FleetCache {
    /// The current snapshot of `kind`, built now if the model or the second
    /// changed since the last one. Builds on the caller's thread; call it
    /// off the async runtime.
    pub fn get(
        &self,
        kind: ListKind,
        live: &Live,
        view: &StatusView,
        latest: Option<String>,
    ) -> Arc<Snapshot> {
        let slot = match kind {
            ListKind::AdminFleet => &self.admin,
            ListKind::Customers => &self.customers,
        };
        let key = (live.last_id(), view.now.as_second(), latest.clone());
        let mut cached = crate::sync::lock(slot, "fleet cache");
        if let Some(s) = cached.as_ref()
            && s.key == key
        {
            return s.clone();
        }
        let mut out =
            Vec::with_capacity(cached.as_ref().map_or(64 * 1024, |s| s.json.len() + 4096));
        let stream_id = match kind {
            ListKind::AdminFleet => write_fleet(
                live,
                view,
                true,
                |row, status| FleetFilter::default().keeps(status, row.managed(), row.drift()),
                &mut out,
            ),
            ListKind::Customers => write_fleet(live, view, false, |_, _| true, &mut out),
        };
        if kind == ListKind::AdminFleet {
            let latest_json = serde_json::to_string(&latest).unwrap_or_else(|_| "null".into());
            let _ = write!(
                out,
                ",\"latest_controller_version\":{latest_json},\"stream_id\":{stream_id}"
            );
        }
        out.push(b'}');
        let snap = Arc::new(Snapshot {
            key: (stream_id, key.1, key.2),
            json: Bytes::from(out),
            encoded: Default::default(),
        });
        *cached = Some(snap.clone());
        snap
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_prefers_zstd_and_honours_q_zero() {
        use Encoding::*;
        assert_eq!(Encoding::negotiate("gzip, deflate, br, zstd"), Some(Zstd));
        assert_eq!(Encoding::negotiate("gzip, br"), Some(Brotli));
        assert_eq!(Encoding::negotiate("gzip"), Some(Gzip));
        assert_eq!(Encoding::negotiate("zstd;q=0, gzip;q=0.5"), Some(Gzip));
        assert_eq!(Encoding::negotiate("*"), Some(Zstd));
        assert_eq!(Encoding::negotiate("identity"), None);
        assert_eq!(Encoding::negotiate(""), None);
    }
}
