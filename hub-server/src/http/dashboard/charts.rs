//! History charts as inline SVG, drawn on the server: CPU, memory and the
//! fullest disk in percent over the chosen period. No script, no library:
//! this module computes the coordinates, `templates/ui/chart.html` draws
//! them (escaped like every other value).

use hub_proto::rules::{highest, percent};
use jiff::Timestamp;
use serde::Deserialize;

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
        let pct = |used: Option<f64>, total: Option<f64>| percent(used?, total?);
        let (cpu, memory) = match &r.system {
            Some(s) => (
                s.cpu_percent,
                pct(s.memory_used_bytes, s.memory_total_bytes),
            ),
            None => (None, None),
        };
        let disk = highest(r.storage.iter().map(|d| pct(d.used_bytes, d.total_bytes)));
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

/// A chart as the template draws it: numbers only, no markup.
#[derive(Debug, PartialEq)]
pub struct Chart {
    /// The period, as the x axis names its start.
    pub label: String,
    pub width: f64,
    pub height: f64,
    pub left: f64,
    /// The grid lines: (y, y of their label, percent).
    pub grid: Vec<(String, String, u32)>,
    pub lines: Vec<Line>,
    /// No report in the period.
    pub empty: bool,
}

/// One series: its CSS class, its points (`x,y x,y …`; empty for a single
/// point) and the newest point as a dot.
#[derive(Debug, PartialEq)]
pub struct Line {
    pub class: &'static str,
    pub points: String,
    pub dot: Option<(String, String)>,
}

impl Chart {
    /// The chart of `points` between `from` and `to`.
    pub fn new(points: &[Point], from: Timestamp, to: Timestamp, label: &str) -> Chart {
        let span = to.duration_since(from).as_secs_f64().max(1.0);
        let x =
            |t: Timestamp| LEFT + (t.duration_since(from).as_secs_f64() / span) * (W - LEFT - 4.0);
        let y = |v: f64| (H - BOTTOM) - (v.clamp(0.0, 100.0) / 100.0) * (H - BOTTOM - 6.0);
        let grid = [0u32, 50, 100]
            .into_iter()
            .map(|pct| {
                let at = y(f64::from(pct));
                (format!("{at:.1}"), format!("{:.1}", at + 3.0), pct)
            })
            .collect();
        let mut lines = Vec::new();
        for (class, pick) in [
            ("c-cpu", (|p: &Point| p.cpu) as fn(&Point) -> Option<f64>),
            ("c-mem", |p: &Point| p.memory),
            ("c-disk", |p: &Point| p.disk),
        ] {
            let coords: Vec<(String, String)> = points
                .iter()
                .filter_map(|p| {
                    pick(p).map(|v| (format!("{:.1}", x(p.at)), format!("{:.1}", y(v))))
                })
                .collect();
            let joined = if coords.len() > 1 {
                coords
                    .iter()
                    .map(|(a, b)| format!("{a},{b}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            } else {
                String::new()
            };
            // The newest point as a dot: a lone report is visible too.
            lines.push(Line {
                class,
                points: joined,
                dot: coords.last().cloned(),
            });
        }
        Chart {
            label: label.to_owned(),
            width: W,
            height: H,
            left: LEFT,
            grid,
            lines,
            empty: points.is_empty(),
        }
    }
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
        let many = Chart::new(
            &[
                p("2026-11-27T06:00:00Z", 10.0),
                p("2026-11-27T18:00:00Z", 90.0),
            ],
            from,
            to,
            "24h",
        );
        assert!(!many.lines[0].points.is_empty(), "a cpu line");
        assert!(
            many.lines[1].points.is_empty() && many.lines[1].dot.is_none(),
            "no memory values, no line"
        );
        let one = Chart::new(&[p("2026-11-27T12:00:00Z", 50.0)], from, to, "24h");
        assert!(one.lines[0].points.is_empty());
        assert_eq!(one.lines[0].dot, Some(("315.0".into(), "74.0".into())));
        let none = Chart::new(&[], from, to, "24h");
        assert!(none.empty);
    }

    #[test]
    fn a_report_gives_its_percentages() {
        let p = Point::from_json(
            at("2026-11-27T00:00:00Z"),
            r#"{"system":{"cpu_percent":12.5,"memory_used_bytes":1,"memory_total_bytes":4},
                "storage":[{"used_bytes":1,"total_bytes":10},{"used_bytes":9,"total_bytes":10},{"used_bytes":5,"total_bytes":0}]}"#,
        )
        .unwrap_or_else(|| panic!("a point"));
        assert_eq!(
            (p.cpu, p.memory, p.disk),
            (Some(12.5), Some(25.0), Some(90.0))
        );
    }
}
