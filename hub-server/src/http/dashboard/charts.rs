//! History charts as inline SVG, drawn on the server: CPU, memory and the
//! fullest disk in percent over the chosen period. No script, no library.

use std::fmt::Write;

use hub_proto::Report;
use jiff::Timestamp;

use super::esc;

/// One stored report's points.
pub struct Point {
    pub at: Timestamp,
    pub cpu: Option<f64>,
    pub memory: Option<f64>,
    pub disk: Option<f64>,
}

impl Point {
    pub fn from_report(at: Timestamp, r: &Report) -> Point {
        let sys = r.system.clone().unwrap_or_default();
        let memory = match (sys.memory_used_bytes, sys.memory_total_bytes) {
            (Some(u), Some(t)) if t > 0 => Some(u as f64 * 100.0 / t as f64),
            _ => None,
        };
        let disk = r
            .storage
            .iter()
            .filter(|d| d.total_bytes > 0)
            .map(|d| d.used_bytes as f64 * 100.0 / d.total_bytes as f64)
            .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
        Point {
            at,
            cpu: sys.cpu_percent,
            memory,
            disk,
        }
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
        if !coords.is_empty() {
            let _ = write!(
                out,
                "<polyline class=\"{class}\" points=\"{}\"/>",
                coords.join(" ")
            );
        }
    }
    let _ = write!(
        out,
        "<text x=\"{a}\" y=\"12\" class=\"c-cpu\">cpu</text><text x=\"{b}\" y=\"12\">memory</text><text x=\"{c}\" y=\"12\">disk</text></svg>",
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
