//! One answer per file: every file of every fixture project, checked
//! alone (as pre-commit passes changed files and an editor the open one),
//! gets the findings, messages and fixes the check of its whole project
//! gives it.
//!
//! Each project is copied out of this repository first: checked in place,
//! a named file's project would be this repository (its `.git`), and the
//! whole-project check is made from the project's own root.

mod common;
use common::copy_dir;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn bin(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("gorun-lint").unwrap();
    c.current_dir(dir).env_remove("GORUN_LINT_TIMINGS");
    c
}

/// The fixture projects: directories with a go.mod (or a config) and no
/// such directory above them below `fixtures/`.
fn projects(fixtures: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![fixtures.to_path_buf()];
    while let Some(d) = stack.pop() {
        if d != fixtures && (d.join("go.mod").is_file() || d.join(".gorun-lint.toml").is_file()) {
            out.push(d);
            continue;
        }
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

/// `check --format json` of `paths` from `dir`: the diagnostics by file
/// (each without its file), and the errors' files.
fn check(dir: &Path, paths: &[&str]) -> (BTreeMap<String, Vec<Value>>, Vec<String>) {
    let out = bin(dir)
        .args(["check", "--format", "json", "--color", "never"])
        .args(paths)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: check {paths:?}: {e}: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut by_file: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for d in report["diagnostics"].as_array().unwrap() {
        let mut d = d.clone();
        let file = d["file"].as_str().unwrap().to_string();
        d.as_object_mut().unwrap().remove("file");
        by_file.entry(file).or_default().push(d);
    }
    let errors = report["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["file"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default();
    (by_file, errors)
}

#[test]
fn each_file_alone_gets_the_answer_of_its_project() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let projects = projects(&fixtures);
    assert!(projects.len() > 20, "{projects:?}");
    let tmp = tempfile::tempdir().unwrap();
    let mut compared = 0;
    let mut with_findings = 0;
    for (i, p) in projects.iter().enumerate() {
        let dir = tmp.path().join(format!("p{i}"));
        copy_dir(p, &dir);
        let (whole, whole_errors) = check(&dir, &["."]);
        let out = bin(&dir).args(["check", "--show-files"]).output().unwrap();
        let files: Vec<String> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        assert!(!files.is_empty(), "{}", p.display());
        for f in &files {
            let (alone, alone_errors) = check(&dir, &[f.as_str()]);
            let empty = Vec::new();
            let expected = whole.get(f).unwrap_or(&empty);
            let got = alone.get(f).unwrap_or(&empty);
            assert_eq!(
                got,
                expected,
                "{} ({}): {f} alone is not {f} in its project",
                p.display(),
                dir.display()
            );
            // Nothing about other files, and the same errors about this one.
            assert!(
                alone.keys().all(|k| k == f),
                "{}: {f} alone reports {:?}",
                p.display(),
                alone.keys().collect::<Vec<_>>()
            );
            assert_eq!(
                alone_errors.iter().any(|e| e == f),
                whole_errors.iter().any(|e| e == f),
                "{}: {f}: errors {alone_errors:?} alone, {whole_errors:?} in the project",
                p.display()
            );
            compared += 1;
            with_findings += usize::from(!expected.is_empty());
        }
    }
    // The comparison must have had something to compare.
    assert!(
        compared > 100 && with_findings > 40,
        "{compared} files, {with_findings} with findings"
    );
}

/// The case that showed it: a script a recipe runs from another directory
/// (`cd web && ../hack/gen.sh`) takes its relative paths from there, named
/// alone too, from any working directory; and `fix` of it alone writes
/// what `fix` of the project writes to it.
#[test]
fn a_script_named_alone_knows_the_recipe_that_runs_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    common::go_module(dir, &["scripts/gen"]);
    std::fs::create_dir_all(dir.join("web")).unwrap();
    std::fs::create_dir_all(dir.join("hack")).unwrap();
    std::fs::write(dir.join("Makefile"), "gen:\n\tcd web && ../hack/gen.sh\n").unwrap();
    std::fs::write(
        dir.join("hack/gen.sh"),
        "#!/bin/sh\ngo run ../scripts/gen\n",
    )
    .unwrap();
    for (cwd, path) in [
        (dir.to_path_buf(), "hack/gen.sh"),
        (dir.join("hack"), "gen.sh"),
    ] {
        let out = bin(&cwd).args(["check", path]).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("where the recipe at") && !text.contains("repository root"),
            "{text}"
        );
        assert!(text.contains("(1 file checked)"), "{text}");
    }
    // An editor's buffer of it, on standard input: the same.
    let out = bin(dir)
        .args(["check", "--stdin-filename", "hack/gen.sh"])
        .write_stdin("#!/bin/sh\ngo run ../scripts/gen\n")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("where the recipe at") && text.contains("(1 file checked)"),
        "{text}"
    );
    let diff = |paths: &[&str]| {
        let out = bin(dir)
            .args(["fix", "--diff", "--color", "never"])
            .args(paths)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let whole = diff(&["."]);
    let alone = diff(&["hack/gen.sh"]);
    assert!(
        alone.contains("+++ b/hack/gen.sh") || alone.contains("hack/gen.sh"),
        "{alone}"
    );
    assert!(
        whole.contains(alone.trim_end()),
        "fix of the script alone:\n{alone}\nis not part of the project's:\n{whole}"
    );
}
