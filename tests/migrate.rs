//! `migrate` prints a plan and changes nothing; `migrate --apply` on the
//! demo repository leaves `check` exiting 0. Also the generated completions
//! and man page.

mod common;
use common::{copy_dir, go_module};

use std::path::Path;

use assert_cmd::Command;

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(dir).unwrap().display().to_string(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

fn bin(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("gorun-lint").unwrap();
    c.current_dir(dir);
    c
}

#[test]
fn migrate_plans_then_applies_and_check_passes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo"),
        &dir,
    );
    let before = snapshot(&dir);

    let out = bin(&dir).arg("migrate").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let plan = String::from_utf8(out.stdout).unwrap();
    assert!(
        plan.contains("_gen/bin/apitypings") && plan.contains("_gen/bin/rbacgen"),
        "{plan}"
    );
    assert!(
        plan.contains("Stays on `go run`")
            && plan.contains("read-time")
            && plan.contains("allowlisted"),
        "{plan}"
    );
    assert_eq!(
        snapshot(&dir),
        before,
        "migrate without --apply wrote something"
    );

    bin(&dir).arg("check").assert().code(1);
    let out = bin(&dir).args(["migrate", "--apply"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("--format github"), "{text}");
    let config = std::fs::read_to_string(dir.join(".gorun-lint.toml")).unwrap();
    assert!(
        config.contains("\"version\" = \"kept on go run by gorun-lint migrate"),
        "{config}"
    );
    assert!(config.contains("migrate-ci = "), "{config}");
    bin(&dir).arg("check").assert().code(0);
    // A second migration has nothing left to do.
    let out = bin(&dir).arg("migrate").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("No helper to migrate"));
}

#[test]
fn migrate_writes_a_config_when_there_is_none() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    go_module(dir, &["scripts/x"]);
    std::fs::write(
        dir.join("Makefile"),
        "gen:\n\tgo run ./scripts/x\n\tgo run golang.org/x/tools/cmd/stringer@latest\n",
    )
    .unwrap();
    bin(dir).args(["migrate", "--apply"]).assert().success();
    let config = std::fs::read_to_string(dir.join(".gorun-lint.toml")).unwrap();
    assert!(config.starts_with("# gorun-lint configuration"), "{config}");
    assert!(config.contains("\"stringer\" = "), "{config}");
    bin(dir).arg("check").assert().code(0);
}

#[test]
fn completions_and_man_page() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    for shell in ["bash", "zsh", "fish"] {
        let out = bin(dir).args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("gorun-lint") && text.contains("migrate"),
            "{shell}"
        );
    }
    let out = bin(dir).arg("man").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(".ie") || text.contains(".TH"),
        "{}",
        &text[..200.min(text.len())]
    );
    assert!(text.contains("gorun\\-lint"));
}
