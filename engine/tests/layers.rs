//! The engine's folders are layers, and its modules import each other without cycles. Read from
//! the source text: every `crate::…` path outside comments and test modules is an import.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Lowest first: a folder may use the folders before it, never one after it.
const LAYERS: [&str; 9] = [
    "conditions",
    "domain",
    "requests",
    "templates",
    "output",
    "lifecycle",
    "store",
    "infra",
    "services",
];

/// Every source file of the engine's library with its module path (`domain::teams`), tests and
/// the test-support module left out.
fn modules() -> BTreeMap<String, String> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if path.file_name().is_some_and(|name| name != "tests") {
                    walk(&path, root, out);
                }
                continue;
            }
            if path.extension().is_none_or(|ext| ext != "rs") {
                continue;
            }
            let relative: PathBuf = path.strip_prefix(root).unwrap().with_extension("");
            let mut parts: Vec<String> = relative
                .iter()
                .map(|part| part.to_string_lossy().into_owned())
                .collect();
            if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
                parts.pop();
            }
            if parts.is_empty() || parts.last().is_some_and(|last| last == "tests") {
                continue;
            }
            if parts == ["testing"] {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text
                .split("#[cfg(test)]\nmod tests")
                .next()
                .unwrap_or_default()
                .lines()
                .filter(|line| !line.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            out.insert(parts.join("::"), code);
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    walk(&root, &root, &mut out);
    out
}

/// The modules `code` names through `crate::`, each the longest known module of the path.
fn imports(code: &str, known: &BTreeSet<&str>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let path: String = code[at + "crate::".len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        let parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
        for len in (1..=parts.len()).rev() {
            let candidate = parts[..len].join("::");
            if known.contains(candidate.as_str()) {
                found.insert(candidate);
                break;
            }
        }
    }
    found
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    let known: BTreeSet<&str> = modules.keys().map(String::as_str).collect();
    modules
        .iter()
        .map(|(name, code)| {
            let edges = imports(code, &known)
                .into_iter()
                // A module and its own parent or children are one unit.
                .filter(|other| {
                    other != name
                        && !name.starts_with(&format!("{other}::"))
                        && !other.starts_with(&format!("{name}::"))
                })
                .collect();
            (name.clone(), edges)
        })
        .collect()
}

#[test]
fn folders_use_only_the_layers_below_them() {
    let rank = |module: &str| {
        let folder = module.split("::").next().unwrap();
        LAYERS.iter().position(|layer| *layer == folder)
    };
    let mut wrong = Vec::new();
    for (module, uses) in graph() {
        let Some(own) = rank(&module) else { continue };
        for used in uses {
            if rank(&used).is_some_and(|theirs| theirs > own) {
                wrong.push(format!("{module} uses {used}"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the layers: {wrong:#?}");
}

#[test]
fn no_two_modules_import_each_other_even_indirectly() {
    let graph = graph();
    assert!(graph.len() > 50, "the source was not found: {graph:?}");
    // Depth-first search; a module met again while still on the path closes a cycle.
    fn visit<'a>(
        module: &'a str,
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|m| *m == module) {
            let mut cycle: Vec<String> = path[at..].iter().map(|m| (*m).to_owned()).collect();
            cycle.push(module.to_owned());
            return Some(cycle);
        }
        if !done.insert(module) {
            return None;
        }
        path.push(module);
        for next in graph.get(module).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        let mut path = Vec::new();
        if let Some(cycle) = visit(module, &graph, &mut path, &mut done) {
            panic!("import cycle: {}", cycle.join(" -> "));
        }
    }
}
