//! The server's modules depend on each other one way: no module uses a
//! module that uses it back (directly or through others). Read from the
//! sources: every `crate::<module>` path (and `super::` from a top-level
//! module's children back up) counts as a dependency of the top-level
//! module it is written in.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

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

/// Top-level module of a file under `src/` (`src/store/reports.rs` →
/// `store`); `None` for lib.rs and main.rs, the roots that may use all.
fn top_module(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    match first {
        "lib.rs" | "main.rs" => None,
        f => Some(f.trim_end_matches(".rs").to_owned()),
    }
}

/// The module graph: top-level module → the top-level modules it uses.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: BTreeSet<String> = files.iter().filter_map(|f| top_module(&src, f)).collect();
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let Some(from) = top_module(&src, file) else {
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        let deps = g.entry(from.clone()).or_default();
        // Skip test modules: tests may reach anywhere.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        let ident = |s: &str| -> String {
            s.trim_start()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        };
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            // `crate::{a::X, b}` names several modules at once.
            let names: Vec<String> = match rest.strip_prefix('{') {
                Some(group) => group
                    .split('}')
                    .next()
                    .unwrap_or("")
                    .split(',')
                    .map(ident)
                    .collect(),
                None => vec![ident(rest)],
            };
            for name in names {
                if modules.contains(&name) && name != from {
                    deps.insert(name);
                }
            }
        }
    }
    g
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
    let g = graph();
    assert!(g.len() > 5, "modules found: {g:?}");
    for start in g.keys() {
        let mut path = vec![start.clone()];
        if let Some(c) = cycle_from(&g, start, start, &mut path, &mut BTreeSet::new()) {
            panic!("module cycle: {}\nall dependencies: {g:#?}", c.join(" → "));
        }
    }
}
