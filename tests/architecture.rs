//! The layers of `src/` and the direction they may use each other, held by
//! a test rather than hoped for (ARCHITECTURE.md says why each is where it
//! is). A module's layer is its top directory:
//!
//! | layer | may use |
//! | --- | --- |
//! | `error.rs` | nothing of the crate |
//! | `syntax/` | `error` |
//! | `lint/` | `syntax`, `error` |
//! | `command/`, `main.rs` | everything below |
//!
//! The test reads every module's code (its `#[cfg(test)]` module, last in
//! each file, is left out: a unit test may build its input with a higher
//! layer), finds every path into the crate (`crate::x`, `super::`,
//! `gorun_lint::x`, also inside `use crate::{...}` groups), and fails on any
//! that leads to a higher layer. It also holds the syntax layer to its
//! promise of not touching the file system.

use std::path::{Path, PathBuf};

/// A layer's rank: a module may use only ranks at or below its own.
fn rank(top: &str) -> Option<u8> {
    match top {
        "error" => Some(0),
        "syntax" => Some(1),
        "lint" => Some(2),
        "command" | "main" => Some(3),
        _ => None,
    }
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

/// The first segment of every crate path in `code`, resolved from `module`:
/// `crate::a::b` and `gorun_lint::a` give `a`, `use crate::{a, b::c}`
/// gives `a` and `b`, `super::super::x` from `lint::fix::plan` gives
/// `lint` (its top, where the path stays inside it).
fn tops(code: &str, module: &[String]) -> Vec<String> {
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
            let rest = &code[from..];
            if prefix == "super::" {
                let mut up = 1;
                let mut rest = rest;
                while let Some(r) = rest.strip_prefix("super::") {
                    up += 1;
                    rest = r;
                }
                // From a file module `a::b::c`, `super` is `a::b`.
                let left = module.len().saturating_sub(up);
                if left > 0 {
                    out.push(module[0].clone());
                } else {
                    out.push(rest.chars().take_while(|c| is_ident(*c)).collect());
                }
                continue;
            }
            if let Some(group) = rest.strip_prefix('{') {
                let mut depth = 0;
                let mut item = String::new();
                let mut first = true;
                for c in group.chars() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            first = true;
                            continue;
                        }
                        _ => {}
                    }
                    if depth == 0 && first && is_ident(c) {
                        item.push(c);
                    } else if !item.is_empty() {
                        out.push(std::mem::take(&mut item));
                        first = false;
                    } else if !c.is_whitespace() {
                        first = false;
                    }
                }
                if !item.is_empty() {
                    out.push(item);
                }
                continue;
            }
            out.push(rest.chars().take_while(|c| is_ident(*c)).collect());
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
        let own = rank(&module[0]).unwrap_or_else(|| {
            panic!(
                "{}: not in a layer; put it under src/syntax, src/lint or src/command (ARCHITECTURE.md)",
                rel.display()
            )
        });
        checked += 1;
        let code = code(&std::fs::read_to_string(path).unwrap());
        for top in tops(&code, &module) {
            match rank(&top) {
                Some(r) if r > own => wrong.push(format!("{} uses `{top}`", rel.display())),
                Some(_) => {}
                None => wrong.push(format!(
                    "{} uses `{top}`, which is in no layer",
                    rel.display()
                )),
            }
        }
    }
    assert!(checked > 50, "only {checked} modules read");
    assert!(
        wrong.is_empty(),
        "imports from a higher layer:\n{}",
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
    assert_eq!(tops("use crate::lint::check;", &m("syntax::x")), ["lint"]);
    assert_eq!(
        tops("use crate::{error::Error, lint::{a, b}};", &m("syntax::x")),
        ["error", "lint"]
    );
    assert_eq!(
        tops("gorun_lint::command::cli::run()", &m("main")),
        ["command"]
    );
    assert_eq!(tops("use super::plan;", &m("lint::fix::apply")), ["lint"]);
    assert_eq!(tops("super::super::lint::x", &m("syntax::parse")), ["lint"]);
    // Not paths: an identifier that ends in `crate`, and a comment.
    assert!(tops("mycrate::lint::x", &m("syntax::x")).is_empty());
    assert!(tops(&code("// crate::lint::x\nfn f() {}"), &m("syntax::x")).is_empty());
}
