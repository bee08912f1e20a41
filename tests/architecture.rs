//! The layers of `src/`, and the stages inside the lint layer, with the
//! direction they may use each other, held by a test rather than hoped for
//! (ARCHITECTURE.md says why each is where it is). A module's layer is its
//! top directory:
//!
//! | layer | may use |
//! | --- | --- |
//! | `error.rs` | nothing of the crate |
//! | `syntax/` | `error` |
//! | `lint/` | `syntax`, `error`, and the lint stages at or below its own |
//! | `command/`, `main.rs` | everything below |
//!
//! The lint layer's stages, lowest first, are [`LINT_STAGES`].
//!
//! The test reads every module's code (its `#[cfg(test)]` module, last in
//! each file, is left out: a unit test may build its input with a higher
//! layer), finds every path into the crate (`crate::x`, `super::`,
//! `gorun_lint::x`, also inside `use crate::{...}` groups), and fails on any
//! that leads to a higher layer or a later stage. It also holds the syntax
//! layer to its promise of not touching the file system.

use std::path::{Path, PathBuf};

/// The lint layer's modules by stage, lowest first: a module may use its
/// own stage and those before it. The pipeline: settings, the project on
/// disk, facts, the units' analysis, guard facts, rules, fixes, the report,
/// the driver that wires them.
const LINT_STAGES: &[&[&str]] = &[
    // Data every stage shares: findings, edits; reading files; threads;
    // the stages' clocks.
    &["diagnostic", "edit", "read", "par", "timings"],
    // Settings.
    &["config"],
    &["paths", "gomod"],
    // The project: which files, which can matter, a helper's sources.
    &["discover", "prefilter", "helper_sources"],
    // Facts of one callsite: what it runs, whether it is allowed, its build.
    &["classify", "allow", "naming"],
    // Units: files read, includes followed, scripts placed, sites found.
    &["analysis"],
    // Facts of an include tree (helper targets, their runs, clean), and
    // the repository's helpers and tools (what `cache` counts).
    &["guard", "helpers"],
    &["rules"],
    &["fix"],
    // The report.
    &["check"],
    &["driver"],
];

/// Where a module (or a path) sits: (layer, stage); stages only in `lint`.
/// `None`: in no layer.
fn rank(path: &[String]) -> Option<(u8, usize)> {
    let first = path.first()?.as_str();
    match first {
        "error" => Some((0, 0)),
        "syntax" => Some((1, 0)),
        "command" | "main" => Some((3, 0)),
        "lint" => match path.get(1) {
            // `lint/mod.rs` only declares the stages.
            None => Some((2, LINT_STAGES.len())),
            Some(m) => LINT_STAGES
                .iter()
                .position(|stage| stage.contains(&m.as_str()))
                .map(|i| (2, i)),
        },
        _ => None,
    }
}

/// Whether a module at `own` may use `target`.
fn may_use(own: (u8, usize), target: (u8, usize)) -> bool {
    target.0 < own.0 || (target.0 == own.0 && (target.0 != 2 || target.1 <= own.1))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The module path of a file below `src/` (`src/lint/fix/plan.rs` ->
/// `["lint", "fix", "plan"]`; `mod.rs` is its directory).
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The code of a file without its test module and its comments.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod ") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Read a path's segments from `text` (`a::b::{c, d::e}`) into `out`, each
/// path with `prefix` before it; only the first two segments matter.
fn read_path(text: &str, prefix: &[String], out: &mut Vec<Vec<String>>) {
    let mut path = prefix.to_vec();
    let mut rest = text;
    loop {
        if let Some(group) = rest.strip_prefix('{') {
            // Each item of the group, at depth 0.
            let mut depth = 0;
            let mut start = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        read_path(group[start..i].trim_start(), &path, out);
                        return;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        read_path(group[start..i].trim_start(), &path, out);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            return;
        }
        let seg: String = rest.chars().take_while(|c| is_ident(*c)).collect();
        if seg.is_empty() || seg == "self" {
            break;
        }
        rest = &rest[seg.len()..];
        path.push(seg);
        match rest.strip_prefix("::") {
            Some(r) if path.len() < 2 => rest = r,
            _ => break,
        }
    }
    if !path.is_empty() {
        out.push(path);
    }
}

/// Every crate path in `code`, resolved from `module` to its first two
/// segments: `crate::lint::check::x` and `gorun_lint::lint::check` give
/// `lint::check`; `use crate::{a, b::c}` gives `a` and `b::c`;
/// `super::plan` from `lint::fix::apply` gives `lint::fix`.
fn tops(code: &str, module: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for prefix in ["crate::", "gorun_lint::", "super::"] {
        let mut from = 0;
        while let Some(i) = code[from..].find(prefix) {
            let at = from + i;
            from = at + prefix.len();
            if code[..at].chars().next_back().is_some_and(is_ident) {
                continue;
            }
            // `super::super::` is read once, from its first `super`.
            if prefix == "super::" && code[..at].ends_with("super::") {
                continue;
            }
            let mut rest = &code[from..];
            let mut base: Vec<String> = Vec::new();
            if prefix == "super::" {
                let mut up = 1;
                while let Some(r) = rest.strip_prefix("super::") {
                    up += 1;
                    rest = r;
                }
                // From a file module `a::b::c`, `super` is `a::b`.
                base = module[..module.len().saturating_sub(up)].to_vec();
            }
            let before = out.len();
            read_path(rest, &base, &mut out);
            for p in &mut out[before..] {
                p.truncate(2);
            }
        }
    }
    out
}

#[test]
fn no_module_uses_a_layer_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for path in &files {
        let rel = path.strip_prefix(&src).unwrap();
        let module = module_path(rel);
        // The crate root and the unit tests' helpers see everything.
        if matches!(module[0].as_str(), "lib" | "test_repo") {
            continue;
        }
        let own = rank(&module).unwrap_or_else(|| {
            panic!(
                "{}: not in a layer or stage; put it under src/syntax, src/lint (and in LINT_STAGES) or src/command (ARCHITECTURE.md)",
                rel.display()
            )
        });
        checked += 1;
        let code = code(&std::fs::read_to_string(path).unwrap());
        for target in tops(&code, &module) {
            let shown = target.join("::");
            match rank(&target) {
                Some(r) if !may_use(own, r) => {
                    wrong.push(format!("{} uses `{shown}`", rel.display()))
                }
                Some(_) => {}
                None => wrong.push(format!(
                    "{} uses `{shown}`, which is in no layer or stage",
                    rel.display()
                )),
            }
        }
    }
    assert!(checked > 50, "only {checked} modules read");
    assert!(
        wrong.is_empty(),
        "imports from a higher layer or a later stage:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_syntax_layer_does_not_touch_the_file_system() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/syntax");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    assert!(files.len() > 8, "{files:?}");
    let calls = [
        "std::fs",
        "fs::",
        "File::open",
        "File::create",
        "OpenOptions",
        ".is_file()",
        ".is_dir()",
        ".exists()",
        ".is_symlink()",
        "read_dir",
        "canonicalize",
        "metadata(",
    ];
    let mut wrong = Vec::new();
    for path in &files {
        let code = code(&std::fs::read_to_string(path).unwrap());
        for call in calls {
            if code.contains(call) {
                wrong.push(format!("{}: {call}", path.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "file system use:\n{}", wrong.join("\n"));
}

#[test]
fn the_import_reader_sees_every_form() {
    // The reader itself: each form of path, and its twin that is no path.
    let m = |s: &str| s.split("::").map(str::to_string).collect::<Vec<_>>();
    let tops = |code: &str, module: &str| -> Vec<String> {
        tops(code, &m(module))
            .iter()
            .map(|p| p.join("::"))
            .collect()
    };
    assert_eq!(
        tops("use crate::lint::check;", "syntax::x"),
        ["lint::check"]
    );
    assert_eq!(
        tops("use crate::{error::Error, lint::{a, b::c}};", "syntax::x"),
        ["error::Error", "lint::a", "lint::b"]
    );
    assert_eq!(
        tops("gorun_lint::command::cli::run()", "main"),
        ["command::cli"]
    );
    assert_eq!(tops("use super::plan;", "lint::fix::apply"), ["lint::fix"]);
    assert_eq!(tops("super::super::lint::x", "syntax::parse"), ["lint::x"]);
    // Not paths: an identifier that ends in `crate`, and a comment.
    assert!(tops("mycrate::lint::x", "syntax::x").is_empty());
    assert!(tops(&code("// crate::lint::x\nfn f() {}"), "syntax::x").is_empty());
    // The ranks: a later stage, a higher layer; their twins allowed.
    let r = |p: &str| rank(&m(p)).unwrap();
    assert!(!may_use(r("lint::analysis"), r("lint::check")));
    assert!(may_use(r("lint::check"), r("lint::analysis")));
    assert!(!may_use(r("syntax::shell"), r("lint::read")));
    assert!(may_use(r("lint::read"), r("syntax::shell")));
    assert!(may_use(r("command::cli"), r("lint::driver")));
    assert!(rank(&m("lint::nowhere")).is_none());
}
