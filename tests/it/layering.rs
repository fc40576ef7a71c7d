//! The layering of `src/`, read from its own `use crate::…`, `super::…` and inline `crate::…`
//! paths: every file imports only files of its own layer or of layers below it, and no files
//! import each other in a circle. ARCHITECTURE.md shows the same table as `LAYERS`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers from the bottom up, and the module paths (relative to `src/`, without `.rs`)
/// that belong to each; a file belongs to the layer of the longest path it starts with.
const LAYERS: &[(&str, &[&str])] = &[
    ("leaf", &["clock", "words", "secret", "telemetry", "ids"]),
    ("content", &["roadmap"]),
    (
        "domain",
        &[
            "progress/state",
            "progress/plan",
            "progress/summary",
            "progress/tally",
            "progress/mod",
            "challenges/mod",
            "challenges/challenge",
            "challenges/finish",
            "achievements",
            "challenges/rules",
            "challenges/standing",
            "challenges/window",
            "checkins/mod",
            "checkins/entry",
            "checkins/streak",
            "prompts",
            "points",
            "weekly",
            "partners",
        ],
    ),
    ("storage", &["db"]),
    ("views", &["render"]),
    (
        "services",
        &[
            "app",
            "attachments",
            "boards",
            "cards",
            "profiles",
            "content",
            "roles",
            "channels",
            "celebrations",
            "changes",
            "slice_cache",
            "standings",
            "member_cache",
            "progress/cache",
            "challenges/cache",
            "posting",
        ],
    ),
    ("use cases", &["commands", "schedule"]),
    ("transports", &["discord", "console", "web"]),
    ("wiring", &["config", "modes", "lib"]),
];

/// A source file: its module path (`a::b`) and what it names.
struct File {
    path: String,
    module: Vec<String>,
    text: String,
}

fn files() -> Vec<File> {
    let root = crate::support::repo_path("src");
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .to_string();
                if rel == "main.rs" {
                    continue; // the binary reaches the library as `waypoint::`
                }
                out.push(File {
                    module: module_of(&rel),
                    text: code_of(&std::fs::read_to_string(&path).unwrap()),
                    path: rel,
                });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// The content model and the domain are types and rules only: they reach no database, no
/// Discord library and no runtime, so their tests need none of them.
#[test]
fn the_domain_uses_no_database_discord_or_runtime() {
    let below_storage = LAYERS
        .iter()
        .position(|(name, _)| *name == "storage")
        .expect("a storage layer");
    let found: Vec<String> = files()
        .iter()
        .filter(|f| layer_of(&f.path).is_some_and(|l| l > 0 && l < below_storage))
        .flat_map(|f| {
            let code = code_of(&f.text);
            ["sqlx", "serenity", "tokio", "reqwest"]
                .into_iter()
                .filter(move |c| code.contains(&format!("{c}::")))
                .map(move |c| format!("{} uses {c}", f.path))
        })
        .collect();
    assert!(found.is_empty(), "{found:#?}");
}

/// The scheduled jobs and role changes are handed only what they use (`schedule::Jobs`,
/// `roles::Roles`), not the `App` that serves everything; `schedule/mod.rs` builds the view.
#[test]
fn jobs_and_role_changes_see_only_what_they_use() {
    let found: Vec<String> = files()
        .iter()
        .filter(|f| {
            (f.path.starts_with("schedule/") && f.path != "schedule/mod.rs")
                || ["roles.rs", "celebrations.rs"].contains(&f.path.as_str())
                || f.path.starts_with("posting/")
        })
        .filter(|f| {
            code_of(&f.text)
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .any(|word| word == "App")
        })
        .map(|f| format!("{} names App", f.path))
        .collect();
    assert!(found.is_empty(), "{found:#?}");
}

/// ARCHITECTURE.md's layer table names every path of `LAYERS` in its layer's row (a folder's
/// files may be listed in braces, `progress/{state,plan}`), so the two cannot drift apart.
#[test]
fn architecture_shows_the_same_layers() {
    let doc = std::fs::read_to_string(crate::support::repo_path("ARCHITECTURE.md"))
        .expect("ARCHITECTURE.md");
    let mut missing = Vec::new();
    for (layer, paths) in LAYERS {
        let Some(row) = doc.lines().find(|l| l.starts_with(&format!("| {layer} |"))) else {
            missing.push(format!("no row for the {layer} layer"));
            continue;
        };
        for path in *paths {
            let shown = match path.rsplit_once('/') {
                None => row.contains(&format!("`{path}`")) || row.contains(&format!("`{path}/`")),
                Some((dir, "mod")) => row.contains(&format!("`{dir}/")),
                Some((dir, name)) => row.contains(&format!("`{dir}/")) && row.contains(name),
            };
            if !shown {
                missing.push(format!("{path} is not in the {layer} row"));
            }
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

/// `a/b.rs` → `[a, b]`, `a/mod.rs` → `[a]`, `lib.rs` → `[]`.
fn module_of(rel: &str) -> Vec<String> {
    let stem = rel.trim_end_matches(".rs");
    let mut parts: Vec<String> = stem.split('/').map(str::to_string).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// The code without comments (prose that mentions `crate::x` is no import) and without its
/// unit tests, which may use whatever they test with (they sit at the end of a file).
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or(text);
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The layer of a file (by its path relative to `src/`).
fn layer_of(rel: &str) -> Option<usize> {
    let stem = rel.trim_end_matches(".rs");
    LAYERS
        .iter()
        .enumerate()
        .flat_map(|(i, (_, prefixes))| prefixes.iter().map(move |p| (i, *p)))
        .filter(|(_, p)| stem == *p || stem.starts_with(&format!("{p}/")))
        .max_by_key(|(_, p)| p.len())
        .map(|(i, _)| i)
}

/// Every path a file names through `crate::`, `super::` or `self::`, made absolute.
fn named_paths(file: &File) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    // `use` trees, braces and all: statements that start a line.
    let mut statement: Option<String> = None;
    for line in file.text.lines() {
        let trimmed = line.trim_start();
        if statement.is_none() {
            let visibility = ["pub(crate) ", "pub(super) ", "pub "]
                .iter()
                .find_map(|v| trimmed.strip_prefix(v))
                .unwrap_or(trimmed);
            if let Some(tree) = visibility.strip_prefix("use ") {
                statement = Some(String::new());
                statement.as_mut().unwrap().push_str(tree);
            }
        } else if let Some(s) = statement.as_mut() {
            s.push(' ');
            s.push_str(trimmed);
        }
        if let Some(s) = statement.take() {
            match s.find(';') {
                Some(end) => expand(&s[..end], &[], &mut paths),
                None => statement = Some(s),
            }
        }
    }
    // Paths written inline: `crate::db::progress::load(…)`, `super::prompt_rules::validate(…)`.
    let inline = file
        .text
        .match_indices("crate::")
        .chain(file.text.match_indices("super::"))
        .map(|(at, _)| at)
        .filter(|at| {
            let before = file.text[..*at].chars().last();
            // `pub(in crate::x)` names a visibility, not a dependency.
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
                && !file.text[..*at].ends_with("(in ")
        })
        .collect::<Vec<_>>();
    for at in inline {
        let tail: String = file.text[at..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        // `super::{…}` and `super::*` belong to use trees, read above.
        if tail.ends_with("::") {
            continue;
        }
        paths.push(
            tail.split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        );
    }
    paths
        .into_iter()
        .filter_map(|p| absolute(&file.module, &file.path, p))
        .collect()
}

/// A `use child::X` names a submodule of the file's own module without `self::`.
fn children_first(file: &File, modules: &BTreeMap<Vec<String>, String>) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for line in file.text.lines() {
        let trimmed = line.trim_start();
        let tree = ["pub(crate) use ", "pub(super) use ", "pub use ", "use "]
            .iter()
            .find_map(|v| trimmed.strip_prefix(v));
        let Some(tree) = tree else { continue };
        let mut paths = Vec::new();
        expand(tree.trim_end_matches(';'), &[], &mut paths);
        for path in paths {
            let mut absolute = file.module.clone();
            absolute.extend(path.iter().cloned());
            let child = file.module.len() + 1;
            if absolute.len() >= child && modules.contains_key(&absolute[..child].to_vec()) {
                found.push(absolute);
            }
        }
    }
    found
}

/// Expands a use tree (`crate::{a, b::{c, d}}`) into its paths.
fn expand(tree: &str, prefix: &[String], out: &mut Vec<Vec<String>>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let mut path = prefix.to_vec();
        path.extend(segments(&tree[..open]));
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&inner[start..i], &path, out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand(&inner[start..], &path, out);
    } else if !tree.is_empty() {
        let mut path = prefix.to_vec();
        path.extend(segments(tree.split(" as ").next().unwrap_or(tree)));
        out.push(path);
    }
}

fn segments(text: &str) -> Vec<String> {
    text.split("::")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// `super::x` and `self::x` resolved from `module`; paths into other crates are dropped.
fn absolute(module: &[String], rel: &str, path: Vec<String>) -> Option<Vec<String>> {
    let first = path.first()?.as_str();
    let is_mod_file = rel.ends_with("mod.rs") || rel == "lib.rs";
    match first {
        "crate" => Some(path[1..].to_vec()),
        "self" | "super" => {
            // A `mod.rs` is its own module; another file's `self` is its own module too.
            let mut base = module.to_vec();
            let mut rest = &path[..];
            if rest.first().is_some_and(|s| s == "self") {
                rest = &rest[1..];
            }
            while rest.first().is_some_and(|s| s == "super") {
                base.pop()?;
                rest = &rest[1..];
            }
            let _ = is_mod_file;
            base.extend(rest.iter().cloned());
            Some(base)
        }
        _ => None,
    }
}

/// Names a module file re-exports (`pub use child::Thing;`), with the absolute path of each.
type ReExports = BTreeMap<String, BTreeMap<String, Vec<String>>>;

fn re_exports(files: &[File], modules: &BTreeMap<Vec<String>, String>) -> ReExports {
    let mut out = ReExports::new();
    for file in files {
        for line in file.text.lines() {
            let Some(tree) = ["pub(crate) use ", "pub(super) use ", "pub use "]
                .iter()
                .find_map(|v| line.trim_start().strip_prefix(v))
            else {
                continue;
            };
            let mut paths = Vec::new();
            expand(tree.trim_end_matches(';'), &[], &mut paths);
            for path in paths {
                let absolute = absolute(&file.module, &file.path, path.clone()).or_else(|| {
                    let mut own = file.module.clone();
                    own.extend(path.iter().cloned());
                    let child = file.module.len() + 1;
                    (own.len() >= child && modules.contains_key(&own[..child].to_vec()))
                        .then_some(own)
                });
                if let (Some(name), Some(absolute)) = (path.last(), absolute) {
                    out.entry(file.path.clone())
                        .or_default()
                        .insert(name.clone(), absolute);
                }
            }
        }
    }
    out
}

/// The file a path lands in: the longest prefix that is a module of ours, following a
/// re-export to the file that defines the name.
fn target(
    modules: &BTreeMap<Vec<String>, String>,
    reexports: &ReExports,
    path: &[String],
) -> Option<String> {
    let mut path = path.to_vec();
    for _ in 0..8 {
        let (n, file) = (1..=path.len())
            .rev()
            .find_map(|n| modules.get(&path[..n].to_vec()).map(|f| (n, f.clone())))?;
        let next = path.get(n).and_then(|name| reexports.get(&file)?.get(name));
        match next {
            Some(followed) if followed != &path => {
                let mut rest = followed.clone();
                rest.extend(path[n + 1..].iter().cloned());
                path = rest;
            }
            _ => return Some(file),
        }
    }
    None
}

/// File → the files it imports (not itself, not its own submodules' declarations).
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let files = files();
    let modules: BTreeMap<Vec<String>, String> = files
        .iter()
        .map(|f| (f.module.clone(), f.path.clone()))
        .collect();
    let reexports = re_exports(&files, &modules);
    let mut graph = BTreeMap::new();
    for file in &files {
        let mut targets = BTreeSet::new();
        let mut paths = named_paths(file);
        paths.extend(children_first(file, &modules));
        for path in paths {
            if let Some(to) = target(&modules, &reexports, &path) {
                // `lib.rs` and a `mod.rs` re-export their children: going through them
                // is not a dependency on the parent.
                if to != file.path && to != "lib.rs" {
                    targets.insert(to);
                }
            }
        }
        graph.insert(file.path.clone(), targets);
    }
    graph
}

/// Imports that point up, as "from → to (from's layer → to's layer)".
fn upward(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut found = Vec::new();
    for (from, targets) in graph {
        let Some(low) = layer_of(from) else {
            found.push(format!("{from} is in no layer: add it to LAYERS"));
            continue;
        };
        for to in targets {
            match layer_of(to) {
                Some(high) if high > low => found.push(format!(
                    "{from} ({}) imports {to} ({})",
                    LAYERS[low].0, LAYERS[high].0
                )),
                _ => {}
            }
        }
    }
    found
}

/// Circles between files, each as the files around it.
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Tarjan's strongly connected components.
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        next: usize,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
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
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !state.index.contains_key(v.as_str()) {
            visit(&mut state, v);
        }
    }
    state.found
}

#[test]
fn no_import_points_up_and_no_files_import_each_other_in_a_circle() {
    let graph = imports();
    assert!(graph.len() > 50, "read the sources: {}", graph.len());
    let up = upward(&graph);
    let circles = circles(&graph);
    assert!(
        up.is_empty() && circles.is_empty(),
        "imports that point up:\n  {}\ncircles:\n  {}",
        up.join("\n  "),
        circles
            .iter()
            .map(|c| c.join(" ↔ "))
            .collect::<Vec<_>>()
            .join("\n  ")
    );
}

/// The checks see what they must: an import that points up, and a circle, are found.
#[test]
fn the_layering_checks_find_what_they_look_for() {
    let mut graph = imports();
    graph
        .get_mut("db/progress/mod.rs")
        .expect("db/progress/mod.rs")
        .insert("commands/progress.rs".to_string());
    let up = upward(&graph);
    assert!(
        up.iter()
            .any(|u| u == "db/progress/mod.rs (storage) imports commands/progress.rs (use cases)"),
        "{up:?}"
    );
    let circles = circles(&graph);
    assert!(
        circles
            .iter()
            .any(|c| c.contains(&"db/progress/mod.rs".to_string())
                && c.contains(&"commands/progress.rs".to_string())),
        "{circles:?}"
    );
    // The parser reads grouped, nested and relative imports.
    let file = File {
        path: "render/x.rs".into(),
        module: module_of("render/x.rs"),
        text: "use crate::{db::{progress, servers::x}, words};\nuse super::limits;\nfn f() { crate::clock::now() }".into(),
    };
    let paths = named_paths(&file);
    for expected in [
        vec!["db", "progress"],
        vec!["db", "servers", "x"],
        vec!["words"],
        vec!["render", "limits"],
        vec!["clock", "now"],
    ] {
        assert!(
            paths.iter().any(|p| p == &expected),
            "{expected:?} in {paths:?}"
        );
    }
    assert!(Path::new(&crate::support::repo_path("ARCHITECTURE.md")).exists());
}

/// Caches are brought in line where their data is written (`changes.rs`), never by a handler
/// or a scheduled job.
#[test]
fn no_handler_touches_a_cache() {
    let touches = [
        "standings.forget",
        "progress.written",
        "progress.forget",
        "activity.forget",
    ];
    let found: Vec<String> = files()
        .iter()
        .filter(|f| f.path.starts_with("commands/") || f.path.starts_with("schedule/"))
        .flat_map(|f| {
            touches
                .iter()
                .filter(|t| f.text.contains(*t))
                .map(move |t| format!("{} uses {t}", f.path))
        })
        .collect();
    assert!(found.is_empty(), "{found:#?}");
}
