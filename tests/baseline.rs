//! `check --write-baseline` / `--baseline`: fingerprints survive edits that
//! move every line, new findings are reported, stale entries are listed.

mod common;
use common::copy_dir;

use std::path::Path;

use assert_cmd::Command;

fn check(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("gorun-lint")
        .unwrap()
        .current_dir(dir)
        .arg("check")
        .args(args)
        .output()
        .unwrap()
}

fn rules(out: &std::process::Output) -> Vec<(String, u64)> {
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn baseline_survives_moved_lines_and_reports_only_new_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("repo");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/check/basic/pos"),
        &dir,
    );
    let before = check(&dir, &["--format", "json"]);
    assert_eq!(before.status.code(), Some(1));
    let n = rules(&before).len();
    assert!(n >= 8, "{n}");

    let out = check(&dir, &["--write-baseline", "baseline.json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("baseline.json").is_file());

    let out = check(&dir, &["--baseline", "baseline.json", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(rules(&out).is_empty());

    // Shift every line of the Makefile by ten.
    let mk = dir.join("Makefile");
    let text = std::fs::read_to_string(&mk).unwrap();
    std::fs::write(&mk, format!("{}{text}", "# moved\n".repeat(10))).unwrap();
    let moved = check(&dir, &["--format", "json"]);
    assert_eq!(rules(&moved).len(), n);
    let top = |out: &std::process::Output| -> Vec<u64> {
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["file"] == "Makefile")
            .map(|d| d["line"].as_u64().unwrap())
            .collect()
    };
    assert!(!top(&before).is_empty());
    assert_eq!(
        top(&moved),
        top(&before).iter().map(|l| l + 10).collect::<Vec<_>>()
    );
    let out = check(&dir, &["--baseline", "baseline.json", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "moved lines broke the baseline: {}",
        String::from_utf8_lossy(&out.stdout)
    );

    // A new callsite is reported, and only it.
    std::fs::create_dir_all(dir.join("scripts/newgen")).unwrap();
    std::fs::write(
        dir.join("scripts/newgen/main.go"),
        "package main\n\nfunc main() {}\n",
    )
    .unwrap();
    let text = std::fs::read_to_string(&mk).unwrap();
    std::fs::write(&mk, format!("{text}\nnewgen:\n\tgo run ./scripts/newgen\n")).unwrap();
    let out = check(&dir, &["--baseline", "baseline.json", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let new = rules(&out);
    assert_eq!(new.len(), 1, "{new:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["diagnostics"][0]["tool"], "newgen");

    // Removing a baselined callsite leaves a stale entry, listed on stderr.
    let text = std::fs::read_to_string(&mk).unwrap();
    let without: String = text
        .lines()
        .filter(|l| !l.contains("hack/verify/verify.go"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(without, text);
    std::fs::write(&mk, without).unwrap();
    let out = check(&dir, &["--baseline", "baseline.json", "--format", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("baseline entry no longer matches") && stderr.contains("verify"),
        "{stderr}"
    );
}

#[test]
fn a_broken_baseline_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("b.json"), "{not json").unwrap();
    std::fs::write(tmp.path().join("Makefile"), "all:\n\techo hi\n").unwrap();
    let out = check(tmp.path(), &["--baseline", "b.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("b.json"));
}
