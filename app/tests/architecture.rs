//! The shape of the code, checked from its source: no module imports a module that
//! imports it back (in `domain/` and `api/`, file by file and folder by folder), and an
//! api module never calls another api module, only `api::context`.
//!
//! It reads `app/src` as text: every `crate::…` and `super::…` path outside comments is
//! an edge from the file's module to the longest module that path names.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module's path below the crate root, e.g. `domain::posts::read`.
type Module = String;

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/domain/posts/read.rs` → `domain::posts::read`; `mod.rs` names its folder.
fn module_of(src: &Path, file: &Path) -> Module {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts.join("::")
}

/// The code of a file without its comments, the contents of its string and char literals,
/// and its `#[cfg(test)]` modules (test code importing what it tests is not a module
/// cycle, and a test module's `super::` is its own file).
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            '/' if next == Some('/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if next == Some('*') => {
                i += 2;
                while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            }
            'r' if matches!(next, Some('"' | '#'))
                && !chars[..i]
                    .last()
                    .is_some_and(|p| p.is_alphanumeric() || *p == '_') =>
            {
                // A raw string: r"…", r#"…"#, …
                let mut hashes = 0;
                let mut j = i + 1;
                while chars.get(j) == Some(&'#') {
                    hashes += 1;
                    j += 1;
                }
                if chars.get(j) != Some(&'"') {
                    out.push(c);
                    i += 1;
                    continue;
                }
                j += 1;
                loop {
                    if j >= chars.len() {
                        break;
                    }
                    if chars[j] == '"' && (0..hashes).all(|h| chars.get(j + 1 + h) == Some(&'#')) {
                        j += 1 + hashes;
                        break;
                    }
                    j += 1;
                }
                out.push_str("\"\"");
                i = j;
            }
            '"' => {
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        i += 1;
                    }
                    i += 1;
                }
                out.push_str("\"\"");
                i += 1;
            }
            '\'' => {
                // A char literal ('x', '\n', '"'), or a lifetime ('a) left as it is.
                if next == Some('\\') {
                    i += 2;
                    while i < chars.len() && chars[i] != '\'' {
                        i += 1;
                    }
                    i += 1;
                } else if chars.get(i + 2) == Some(&'\'') {
                    i += 3;
                } else {
                    out.push(c);
                    i += 1;
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    without_test_modules(&out)
}

/// Drops each `#[cfg(test)] mod … { … }` block.
fn without_test_modules(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(i) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..i]);
        let after = &rest[i + "#[cfg(test)]".len()..];
        let trimmed = after.trim_start();
        if !trimmed.starts_with("mod ") {
            out.push_str("#[cfg(test)]");
            rest = after;
            continue;
        }
        match (trimmed.find('{'), trimmed.find(';')) {
            (Some(open), semi) if semi.is_none_or(|s| s > open) => {
                let mut depth = 0;
                let mut end = trimmed.len();
                for (k, ch) in trimmed.char_indices().skip(open) {
                    match ch {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = k + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                rest = &trimmed[end..];
            }
            _ => rest = trimmed,
        }
    }
    out.push_str(rest);
    out
}

/// The paths of a file's `use` declarations relative to itself (`use child::x`,
/// `pub use child::{a, b}`, `pub(crate) use …`), for finding its edges to its own
/// children.
fn use_paths(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    for statement in code.split(';') {
        let mut s = statement.trim_start();
        // Attributes and visibility before `use`.
        while s.starts_with("#[") {
            match s.find(']') {
                Some(end) => s = s[end + 1..].trim_start(),
                None => break,
            }
        }
        for vis in ["pub(crate) ", "pub(super) ", "pub "] {
            if let Some(r) = s.strip_prefix(vis) {
                s = r.trim_start();
            }
        }
        if let Some(path) = s.strip_prefix("use ") {
            found.extend(expand(path.trim()));
        }
    }
    found
}

/// The paths a piece of code names after `prefix` (`crate::` or `super::`), with brace
/// groups expanded: `super::{a, b::c}` names `a` and `b::c`.
fn paths_after(code: &str, prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().last();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        found.extend(expand(rest));
    }
    found
}

fn expand(text: &str) -> Vec<String> {
    if let Some(inner) = text.strip_prefix('{') {
        let mut depth = 0;
        let mut items = Vec::new();
        let mut start = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    items.push(&inner[start..i]);
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(&inner[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        return items
            .into_iter()
            .flat_map(|item| {
                let item = item.trim();
                match item.find("::{") {
                    Some(j) => expand(&item[j + 2..])
                        .into_iter()
                        .map(|tail| format!("{}::{tail}", &item[..j]))
                        .collect::<Vec<_>>(),
                    None => vec![item.to_string()],
                }
            })
            .collect();
    }
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(text.len());
    let path = text[..end].trim_end_matches(':');
    match text[end..].starts_with('{') && text[..end].ends_with("::") {
        true => expand(&text[end..])
            .into_iter()
            .map(|tail| format!("{path}::{tail}"))
            .collect(),
        false => vec![path.to_string()],
    }
}

/// The longest known module a path names (`domain::posts::read::LightRow` →
/// `domain::posts::read`).
fn target(modules: &BTreeSet<Module>, path: &str) -> Option<Module> {
    let parts: Vec<&str> = path.split("::").map(str::trim).collect();
    (1..=parts.len())
        .rev()
        .map(|n| parts[..n].join("::"))
        .find(|m| modules.contains(m))
}

fn parent(module: &str) -> String {
    module
        .rsplit_once("::")
        .map_or(String::new(), |(p, _)| p.to_string())
}

/// Every module's imports of other modules in the crate.
fn import_graph() -> BTreeMap<Module, BTreeSet<Module>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &mut files);
    let sources: Vec<(Module, String)> = files
        .iter()
        .map(|f| (module_of(&src, f), std::fs::read_to_string(f).unwrap()))
        .collect();
    graph_of(&sources)
}

/// The imports among `sources` (each a module's path and its file's text).
fn graph_of(sources: &[(Module, String)]) -> BTreeMap<Module, BTreeSet<Module>> {
    let modules: BTreeSet<Module> = sources.iter().map(|(m, _)| m.clone()).collect();
    let mut graph = BTreeMap::new();
    for (me, text) in sources {
        let me = me.clone();
        let code = code_only(text);
        let mut edges = BTreeSet::new();
        for path in paths_after(&code, "crate::") {
            edges.extend(target(&modules, &path));
        }
        for path in paths_after(&code, "super::") {
            let base = parent(&me);
            let full = if base.is_empty() {
                path
            } else {
                format!("{base}::{path}")
            };
            edges.extend(target(&modules, &full));
        }
        // A module's own children, named by a `use` without `crate::`/`super::`.
        for path in use_paths(&code) {
            let full = if me.is_empty() {
                path
            } else {
                format!("{me}::{path}")
            };
            edges.extend(target(&modules, &full).filter(|t| parent(t) == me));
        }
        edges.remove(&me);
        graph.insert(me, edges);
    }
    graph
}

/// The import cycles among `graph`'s nodes (strongly connected components of two or more).
fn cycles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    // Tarjan's algorithm, iteratively small enough to write plainly: the graph has ~100 nodes.
    struct State<'g> {
        graph: &'g BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        next: usize,
        found: Vec<Vec<Module>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        let graph = s.graph;
        for w in graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !graph.contains_key(w) {
                continue;
            }
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.found
}

/// The graph restricted to modules under `area`, each collapsed to its first `depth`
/// parts (so `domain::posts::read` counts as `domain::posts` at depth 2).
fn within(
    graph: &BTreeMap<Module, BTreeSet<Module>>,
    area: &str,
    depth: usize,
) -> BTreeMap<Module, BTreeSet<Module>> {
    let unit = |m: &str| m.split("::").take(depth).collect::<Vec<_>>().join("::");
    let inside = |m: &str| m == area || m.starts_with(&format!("{area}::"));
    let mut out: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (from, tos) in graph.iter().filter(|(m, _)| inside(m)) {
        let entry = out.entry(unit(from)).or_default();
        for to in tos.iter().filter(|t| inside(t)) {
            if unit(to) != unit(from) {
                entry.insert(unit(to));
            }
        }
    }
    out
}

#[test]
fn no_module_in_domain_or_api_imports_one_that_imports_it_back() {
    let graph = import_graph();
    assert!(
        graph.contains_key("domain::posts::read")
            && graph["domain::feed"].contains("domain::posts::read"),
        "the checker must see the modules and their imports: {:?}",
        graph.get("domain::feed")
    );
    for area in ["domain", "api"] {
        let by_file = within(&graph, area, usize::MAX);
        assert_eq!(
            cycles(&by_file),
            Vec::<Vec<Module>>::new(),
            "file cycles in {area}"
        );
        let by_folder = within(&graph, area, 2);
        assert_eq!(
            cycles(&by_folder),
            Vec::<Vec<Module>>::new(),
            "folder cycles in {area}"
        );
    }
}

#[test]
fn an_api_module_calls_the_domain_and_the_context_never_another_api_module() {
    let graph = import_graph();
    for (from, tos) in graph.iter().filter(|(m, _)| m.starts_with("api::")) {
        for to in tos.iter().filter(|t| t.starts_with("api::")) {
            assert_eq!(to, "api::context", "{from} imports {to}");
        }
    }
}

#[test]
fn the_checker_finds_a_cycle_when_there_is_one() {
    let mut graph: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    graph.insert("a".into(), BTreeSet::from(["b".into()]));
    graph.insert("b".into(), BTreeSet::from(["c".into()]));
    graph.insert("c".into(), BTreeSet::from(["a".into()]));
    graph.insert("d".into(), BTreeSet::from(["a".into()]));
    assert_eq!(cycles(&graph), vec![vec!["a", "b", "c"]]);
    assert_eq!(
        expand("{a, b::{c, d}, e::f}"),
        ["a", "b::c", "b::d", "e::f"]
    );
}

#[test]
fn the_checker_sees_re_exports_uses_of_children_and_only_real_code() {
    let sources: Vec<(Module, String)> = vec![
        // A parent that re-exports its child, and a child that imports the re-export.
        ("a".into(), "mod b;\npub use b::Thing;\n".into()),
        (
            "a::b".into(),
            "use super::Other;\npub struct Thing;\n".into(),
        ),
        // A child used by a plain `use` at the start of a line.
        ("c".into(), "mod d;\nuse d::x;\n".into()),
        (
            "c::d".into(),
            concat!(
                "// use crate::a::b; in a comment\n",
                "const S: &str = \"crate::a in a string\";\n",
                "const Q: char = '\"';\n",
                "#[cfg(test)]\nmod tests {\n    use super::*;\n    use crate::a::b::Thing;\n}\n"
            )
            .into(),
        ),
    ];
    let graph = graph_of(&sources);
    assert_eq!(graph["a"], BTreeSet::from(["a::b".to_string()]));
    assert_eq!(graph["a::b"], BTreeSet::from(["a".to_string()]));
    assert_eq!(cycles(&graph), vec![vec!["a", "a::b"]]);
    assert_eq!(graph["c"], BTreeSet::from(["c::d".to_string()]));
    assert!(graph["c::d"].is_empty(), "{:?}", graph["c::d"]);
}
