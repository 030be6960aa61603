//! History charts as inline SVG, drawn on the server: CPU, memory and the
//! fullest disk in percent over the chosen period. No script, no library.

use std::fmt::Write;

use jiff::Timestamp;
use serde::Deserialize;

use super::esc;

/// One stored report's points.
pub struct Point {
    pub at: Timestamp,
    pub cpu: Option<f64>,
    pub memory: Option<f64>,
    pub disk: Option<f64>,
}

/// The few fields of a report a chart needs: parsing only these is several
/// times faster than the whole report, for hundreds of reports a page.
#[derive(Deserialize)]
struct ChartFields {
    #[serde(default)]
    system: Option<SystemFields>,
    #[serde(default, deserialize_with = "hub_proto::go::null_default")]
    storage: Vec<DiskFields>,
}

#[derive(Deserialize)]
struct SystemFields {
    #[serde(default)]
    cpu_percent: Option<f64>,
    #[serde(default)]
    memory_used_bytes: Option<f64>,
    #[serde(default)]
    memory_total_bytes: Option<f64>,
}

#[derive(Deserialize)]
struct DiskFields {
    #[serde(default)]
    used_bytes: Option<f64>,
    #[serde(default)]
    total_bytes: Option<f64>,
}

/// Most points a chart draws; longer periods are sampled evenly.
pub const MAX_POINTS: usize = 600;

impl Point {
    /// The point of one stored report (`None` if it is not a report).
    pub fn from_json(at: Timestamp, report: &str) -> Option<Point> {
        let r: ChartFields = serde_json::from_str(report).ok()?;
        let pct = |used: Option<f64>, total: Option<f64>| match (used, total) {
            (Some(u), Some(t)) if t > 0.0 => Some(u * 100.0 / t),
            _ => None,
        };
        let (cpu, memory) = match &r.system {
            Some(s) => (
                s.cpu_percent,
                pct(s.memory_used_bytes, s.memory_total_bytes),
            ),
            None => (None, None),
        };
        let disk = r
            .storage
            .iter()
            .filter_map(|d| pct(d.used_bytes, d.total_bytes))
            .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
        Some(Point {
            at,
            cpu,
            memory,
            disk,
        })
    }
}

const W: f64 = 600.0;
const H: f64 = 160.0;
const LEFT: f64 = 34.0;
const BOTTOM: f64 = 18.0;

/// The chart of `points` between `from` and `to`.
pub fn svg(points: &[Point], from: Timestamp, to: Timestamp, label: &str) -> String {
    let span = to.duration_since(from).as_secs_f64().max(1.0);
    let x = |t: Timestamp| LEFT + (t.duration_since(from).as_secs_f64() / span) * (W - LEFT - 4.0);
    let y = |v: f64| (H - BOTTOM) - (v.clamp(0.0, 100.0) / 100.0) * (H - BOTTOM - 6.0);
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"CPU, memory and disk use over {}\">",
        esc(label)
    );
    for pct in [0.0, 50.0, 100.0] {
        let _ = write!(
            out,
            "<line class=\"axis\" x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{W}\" y2=\"{y:.1}\"/><text x=\"2\" y=\"{ty:.1}\">{pct:.0}%</text>",
            y = y(pct),
            ty = y(pct) + 3.0
        );
    }
    let _ = write!(
        out,
        "<text x=\"{LEFT}\" y=\"{H}\">{}</text><text x=\"{}\" y=\"{H}\" text-anchor=\"end\">now</text>",
        esc(label),
        W - 4.0
    );
    for (class, pick) in [
        ("c-cpu", (|p: &Point| p.cpu) as fn(&Point) -> Option<f64>),
        ("c-mem", |p: &Point| p.memory),
        ("c-disk", |p: &Point| p.disk),
    ] {
        let coords: Vec<String> = points
            .iter()
            .filter_map(|p| pick(p).map(|v| format!("{:.1},{:.1}", x(p.at), y(v))))
            .collect();
        if coords.len() > 1 {
            let _ = write!(
                out,
                "<polyline class=\"{class}\" points=\"{}\"/>",
                coords.join(" ")
            );
        }
        // The newest point as a dot: a lone report is visible too.
        if let Some((cx, cy)) = coords.last().and_then(|c| c.split_once(',')) {
            let _ = write!(
                out,
                "<circle class=\"{class}\" cx=\"{cx}\" cy=\"{cy}\" r=\"2.5\"/>"
            );
        }
    }
    let _ = write!(
        out,
        "<text x=\"{a}\" y=\"12\" class=\"t-cpu\">cpu</text><text x=\"{b}\" y=\"12\" class=\"t-mem\">memory</text><text x=\"{c}\" y=\"12\" class=\"t-disk\">disk</text></svg>",
        a = W - 150.0,
        b = W - 110.0,
        c = W - 50.0
    );
    if points.is_empty() {
        out.push_str("<p class=\"hint\">No reports in this period.</p>");
    } else {
        out.push_str("<p class=\"hint\">blue: CPU · purple: memory · pink: fullest disk</p>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap_or(Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn lines_for_many_points_a_dot_for_one_and_a_note_for_none() {
        let (from, to) = (at("2026-11-27T00:00:00Z"), at("2026-11-28T00:00:00Z"));
        let p = |t: &str, cpu: f64| Point {
            at: at(t),
            cpu: Some(cpu),
            memory: None,
            disk: Some(50.0),
        };
        let many = svg(
            &[
                p("2026-11-27T06:00:00Z", 10.0),
                p("2026-11-27T18:00:00Z", 90.0),
            ],
            from,
            to,
            "24h",
        );
        assert!(many.contains("<polyline class=\"c-cpu\""));
        assert!(
            !many.contains("c-mem\" points"),
            "no memory values, no line"
        );
        let one = svg(&[p("2026-11-27T12:00:00Z", 50.0)], from, to, "24h");
        assert!(!one.contains("<polyline"));
        assert!(one.contains("<circle class=\"c-cpu\" cx=\"315.0\""));
        let none = svg(&[], from, to, "<24h>");
        assert!(none.contains("No reports in this period."));
        assert!(none.contains("&lt;24h&gt;"), "labels are escaped");
    }
}
