//! Snapshots of `check` on every fixture group's `pos` directory: the human
//! report (no colour) and the JSON report.
//!
//! Each group's `pos` tree is copied to `<tempdir>/fixtures/check/<group>/pos`
//! and checked from `<tempdir>`, so paths read `fixtures/check/<group>/pos/...`
//! as they do from the repository root, while the helper targets do not depend
//! on where this checkout lives: `out-dir` is anchored at the nearest
//! directory holding `.git`, which is this repository in a git clone and the
//! fixture's own module root in a tarball. In the copy it is always the
//! fixture's module root, as for a real repository.
//!
//! Update with `INSTA_UPDATE=always cargo test --test snapshots` (or
//! `cargo insta review`) and read the diff.

use std::path::Path;

use assert_cmd::Command;

/// Copy a directory tree (files and directories; the fixtures hold no
/// symlinks).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// A tempdir holding a copy of `fixtures/<group>/pos` at that path; a
/// group without a `/` is under `check/`.
fn copy_group(group: &str) -> tempfile::TempDir {
    let rel = format!("fixtures/{}/pos", qualified(group));
    let dir = tempfile::tempdir().unwrap();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join(&rel),
        &dir.path().join(&rel),
    );
    assert!(
        !dir.path().ancestors().any(|d| d.join(".git").exists()),
        "the temporary directory must not be inside a git repository"
    );
    dir
}

fn check(root: &Path, group: &str, format: &str) -> (Option<i32>, String) {
    let out = Command::cargo_bin("gorun-lint")
        .expect("binary is built")
        .current_dir(root)
        .env_remove("NO_COLOR")
        .args(["check", "--color", "never", "--format", format])
        .arg(format!("fixtures/{}/pos", qualified(group)))
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    (out.status.code(), stdout)
}

fn qualified(group: &str) -> String {
    if group.contains('/') {
        group.to_string()
    } else {
        format!("check/{group}")
    }
}

/// Both snapshots of one group; `code` is the expected exit code.
fn snapshot_group(group: &str, code: i32) {
    let copy = copy_group(group);
    let (human_code, human) = check(copy.path(), group, "human");
    assert_eq!(human_code, Some(code), "{group} (human):\n{human}");
    let (json_code, json) = check(copy.path(), group, "json");
    assert_eq!(json_code, Some(code), "{group} (json):\n{json}");
    serde_json::from_str::<serde_json::Value>(&json).expect("JSON output parses");
    assert!(!human.contains("\x1b["), "--color never has no escapes");

    let name = group.replace(['-', '/'], "_");
    insta::assert_snapshot!(format!("{name}_human"), human);
    insta::assert_snapshot!(format!("{name}_json"), json);
}

#[test]
fn allowlist() {
    snapshot_group("allowlist", 1);
}

#[test]
fn arguments() {
    snapshot_group("arguments", 1);
}

/// Exit 2: `binary/Makefile` is refused (the error is on stderr, which
/// names an absolute path and is checked in tests/cli.rs instead).
#[test]
fn bad_input() {
    snapshot_group("bad-input", 2);
}

#[test]
fn basic() {
    snapshot_group("basic", 1);
}

#[test]
fn classes() {
    snapshot_group("classes", 1);
}

#[test]
fn env_vars() {
    snapshot_group("env-vars", 1);
}

#[test]
fn handed() {
    snapshot_group("handed", 1);
}

#[test]
fn grammar_errors() {
    snapshot_group("grammar-errors", 1);
}

/// `include` lines with globs: the variables of the files they match
/// name the go command.
#[test]
fn include_globs() {
    snapshot_group("include-globs", 1);
}

#[test]
fn read_time() {
    snapshot_group("read-time", 1);
}

#[test]
fn shell_syntax() {
    snapshot_group("shell-syntax", 1);
}

#[test]
fn structure() {
    snapshot_group("structure", 1);
}

#[test]
fn which_go() {
    snapshot_group("which-go", 1);
}

#[test]
fn sources_generate() {
    snapshot_group("sources/generate", 1);
}

#[test]
fn sources_gocode() {
    snapshot_group("sources/gocode", 1);
}

#[test]
fn sources_scripts() {
    snapshot_group("sources/scripts", 1);
}

#[test]
fn sources_workflows() {
    snapshot_group("sources/workflows", 1);
}

#[test]
fn sources_procfiles() {
    snapshot_group("sources/procfiles", 1);
}

#[test]
fn sources_exec_wrappers() {
    snapshot_group("sources/exec-wrappers", 1);
}

/// Every group under fixtures/check has a snapshot test above.
#[test]
fn every_group_is_snapshotted() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/check");
    let mut groups: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().join("pos").is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    groups.sort();
    assert_eq!(
        groups,
        [
            "allowlist",
            "arguments",
            "bad-input",
            "basic",
            "classes",
            "env-vars",
            "grammar-errors",
            "handed",
            "include-globs",
            "read-time",
            "shell-syntax",
            "structure",
            "which-go",
        ]
    );
}
