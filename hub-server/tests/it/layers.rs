//! The server's modules keep a declared layer order: a module uses only
//! modules of its own layer or below ([`LAYERS`]), never one above, and
//! none uses a module that uses it back. The HTTP front ends (controller
//! API, admin API, dashboard) do not call each other: what they share lives
//! in `http::{error, extract, stream, …}`.
//!
//! Read from the whole of every source file (test modules included): every
//! `crate::…` path, and `super::…` paths that climb to the crate root, is a
//! use of the top-level module it names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Bottom first. The layer of a module is its index here.
const LAYERS: &[&[&str]] = &[
    // Foundations: locks, the log, counters, secrets and their cipher.
    &["sync", "logwriter", "metrics", "secrets"],
    &["status_link"],
    // Time and configuration.
    &["clock", "config"],
    // The database: SQL lives only here.
    &["store"],
    // What is built on the data: the live model and its cached lists, the
    // job board, credentials waiting to be shown once, controller.yaml,
    // outbound clients and controller calls.
    &[
        "live",
        "fleet_cache",
        "job_board",
        "shown_once",
        "controller_yaml",
        "outbound",
        "controller",
    ],
    // The state every part shares.
    &["state"],
    // The work: the service layer, the notification dispatcher, the jobs.
    &["service", "notify", "jobs"],
    // The front ends.
    &["http"],
];

/// The HTTP front ends, which must not use each other.
const FRONT_ENDS: &[&str] = &["api", "admin", "dashboard"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file under `src/` (`src/http/dashboard/fleet.rs` →
/// `[http, dashboard, fleet]`, `src/store/mod.rs` → `[store]`); empty for
/// the roots (lib.rs, main.rs), which may use everything.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap_or_default();
    match last.as_str() {
        "mod.rs" | "lib.rs" | "main.rs" => {}
        f => parts.push(f.trim_end_matches(".rs").to_owned()),
    }
    parts
}

fn ident(s: &str) -> String {
    s.trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// The first names of a path's continuation: `a::X` → `[a]`,
/// `{a::X, b::{c, d}}` → `[a, b]`.
fn first_names(rest: &str) -> Vec<String> {
    let Some(group) = rest.strip_prefix('{') else {
        return vec![ident(rest)];
    };
    let (mut depth, mut names, mut start) = (0usize, Vec::new(), 0usize);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                names.push(ident(&group[start..i]));
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                names.push(ident(&group[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    names
}

/// The crate-root names a file's code reaches: through `crate::`, or
/// through as many `super::` as climb out of its module path.
fn root_uses(code: &str, path: &[String]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        out.extend(first_names(&code[i + "crate::".len()..]));
    }
    let mut at = 0;
    while let Some(found) = code[at..].find("super::") {
        let start = at + found;
        let mut rest = &code[start..];
        let mut climbs = 0;
        while let Some(r) = rest.strip_prefix("super::") {
            climbs += 1;
            rest = r;
        }
        if climbs >= path.len() {
            out.extend(first_names(rest));
        }
        at = start + "super::".len() * climbs;
    }
    out.retain(|n| !n.is_empty());
    out
}

struct Source {
    path: Vec<String>,
    file: PathBuf,
    code: String,
}

fn sources() -> Vec<Source> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files
        .into_iter()
        .map(|file| Source {
            path: module_path(&src, &file),
            code: std::fs::read_to_string(&file).unwrap(),
            file,
        })
        .collect()
}

/// Top-level module → the top-level modules it uses.
fn graph(sources: &[Source]) -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeSet<&str> = LAYERS.iter().flat_map(|l| l.iter().copied()).collect();
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for s in sources {
        let Some(from) = s.path.first() else {
            continue;
        };
        let deps = g.entry(from.clone()).or_default();
        for name in root_uses(&s.code, &s.path) {
            if modules.contains(name.as_str()) && &name != from {
                deps.insert(name);
            }
        }
    }
    g
}

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

#[test]
fn every_module_is_in_a_layer_and_uses_none_above_it() {
    let sources = sources();
    let mut problems = Vec::new();
    for s in &sources {
        if let Some(top) = s.path.first()
            && layer(top).is_none()
        {
            problems.push(format!("{top} ({}) is in no layer", s.file.display()));
        }
    }
    let g = graph(&sources);
    assert!(g.len() > 10, "modules found: {g:?}");
    for (from, deps) in &g {
        let Some(own) = layer(from) else { continue };
        for to in deps {
            if layer(to).is_some_and(|l| l > own) {
                problems.push(format!("{from} (layer {own}) uses {to}, a layer above"));
            }
        }
    }
    problems.sort();
    problems.dedup();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A cycle through `start`, if there is one.
fn cycle_from(
    g: &BTreeMap<String, BTreeSet<String>>,
    start: &str,
    at: &str,
    path: &mut Vec<String>,
    seen: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    for next in g.get(at).into_iter().flatten() {
        if next == start {
            let mut c = path.clone();
            c.push(start.to_owned());
            return Some(c);
        }
        if seen.insert(next.clone()) {
            path.push(next.clone());
            if let Some(c) = cycle_from(g, start, next, path, seen) {
                return Some(c);
            }
            path.pop();
        }
    }
    None
}

#[test]
fn modules_depend_on_each_other_one_way() {
    let g = graph(&sources());
    for start in g.keys() {
        let mut path = vec![start.clone()];
        if let Some(c) = cycle_from(&g, start, start, &mut path, &mut BTreeSet::new()) {
            panic!("module cycle: {}", c.join(" → "));
        }
    }
}

#[test]
fn the_http_front_ends_do_not_call_each_other() {
    let mut problems = Vec::new();
    for s in sources() {
        let [http, front, ..] = s.path.as_slice() else {
            continue;
        };
        if http != "http" || !FRONT_ENDS.contains(&front.as_str()) {
            continue;
        }
        for other in FRONT_ENDS.iter().filter(|o| *o != front) {
            // `crate::http::admin`, or `super::admin` from a file directly
            // in http/ (`super::super::admin` from one level deeper).
            let climbs = s.path.len() - 1;
            let sibling = format!("{}{other}", "super::".repeat(climbs));
            if s.code.contains(&format!("http::{other}")) || s.code.contains(&sibling) {
                problems.push(format!("{} uses http::{other}", s.file.display()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_reader_finds_what_it_must() {
    let path = [
        "http".to_owned(),
        "dashboard".to_owned(),
        "fleet".to_owned(),
    ];
    let uses = root_uses(
        "use crate::{store::{A, B}, live};\nuse super::super::super::sync;\nuse super::render;",
        &path,
    );
    assert_eq!(
        uses.into_iter().collect::<Vec<_>>(),
        ["live", "store", "sync"]
    );
    assert_eq!(
        module_path(Path::new("/s"), Path::new("/s/store/mod.rs")),
        ["store"]
    );
}
