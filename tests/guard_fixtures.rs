//! Guard rules (GR008-GR014) on `fixtures/guard`: every `# expect: GR0NN`
//! annotation matches a finding on the next line, no other guard finding
//! appears, and the fully migrated repository trips none.

mod common;
use common::copy_dir;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

const GUARD: [&str; 7] = [
    "GR008", "GR009", "GR010", "GR011", "GR012", "GR013", "GR014",
];

/// (file relative to the fixture, line) -> expected codes.
fn expectations(root: &Path) -> BTreeMap<(String, usize), Vec<String>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if !gorun_lint::syntax::sources::is_makefile_name(&name) {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            let rel = p.strip_prefix(root).unwrap().display().to_string();
            let mut pending: Vec<String> = Vec::new();
            for (i, line) in text.lines().enumerate() {
                let l = line.trim_start();
                if let Some(rest) = l.strip_prefix("# expect:") {
                    let code = rest.trim();
                    if code != "none" {
                        pending.push(code.to_string());
                    }
                } else if !pending.is_empty() && !l.is_empty() {
                    out.insert((rel.clone(), i + 1), std::mem::take(&mut pending));
                }
            }
        }
    }
    out
}

fn found(dir: &Path) -> BTreeMap<(String, usize), Vec<String>> {
    let out = Command::cargo_bin("gorun-lint")
        .unwrap()
        .current_dir(dir)
        .args(["check", "--format", "json", "--exit-zero"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut map: BTreeMap<(String, usize), Vec<String>> = BTreeMap::new();
    for d in json["diagnostics"].as_array().unwrap() {
        let rule = d["rule"].as_str().unwrap().to_string();
        if GUARD.contains(&rule.as_str()) {
            let key = (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap() as usize,
            );
            map.entry(key).or_default().push(rule);
        }
    }
    for v in map.values_mut() {
        v.sort();
    }
    map
}

fn fixture_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/guard");
    let mut out = Vec::new();
    for e in std::fs::read_dir(&root).unwrap() {
        let p = e.unwrap().path();
        if !p.is_dir() {
            continue;
        }
        for side in ["pos", "neg"] {
            if p.join(side).is_dir() {
                out.push(p.join(side));
            }
        }
        if p.join("Makefile").is_file() {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn guard_fixtures_match_their_annotations() {
    let dirs = fixture_dirs();
    assert!(dirs.len() >= 15, "only {} guard fixtures", dirs.len());
    let mut problems = Vec::new();
    let mut tripped: Vec<String> = Vec::new();
    for src in &dirs {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("repo");
        copy_dir(src, &dir);
        let mut want = expectations(&dir);
        for v in want.values_mut() {
            v.sort();
        }
        let got = found(&dir);
        if src.ends_with("pos") {
            assert!(!want.is_empty(), "{}: no expectations", src.display());
        }
        tripped.extend(got.values().flatten().cloned());
        for (k, w) in &want {
            if got.get(k) != Some(w) {
                problems.push(format!(
                    "{} {}:{}: expected {w:?}, found {:?}",
                    src.display(),
                    k.0,
                    k.1,
                    got.get(k)
                ));
            }
        }
        for (k, g) in &got {
            if !want.contains_key(k) {
                problems.push(format!(
                    "{} {}:{}: unexpected {g:?}",
                    src.display(),
                    k.0,
                    k.1
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for code in GUARD {
        assert!(tripped.iter().any(|c| c == code), "no fixture trips {code}");
    }
}

/// GR009, GR012 and GR013 have safe fixes: after `fix`, their pos
/// fixtures trip nothing, and a second fix changes nothing.
#[test]
fn guard_fixes_clear_their_findings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/guard");
    let mut fixed = 0;
    for e in std::fs::read_dir(&root).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if !["gr009", "gr012", "gr013"]
            .iter()
            .any(|c| name.starts_with(c))
        {
            continue;
        }
        let mut projects = vec![p.join("pos")];
        if !p.join("pos/Makefile").is_file() {
            projects = std::fs::read_dir(p.join("pos"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.is_dir())
                .collect();
        }
        for src in projects {
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path().join("repo");
            copy_dir(&src, &dir);
            assert!(!found(&dir).is_empty(), "{}: nothing to fix", src.display());
            let bin = |args: &[&str]| {
                Command::cargo_bin("gorun-lint")
                    .unwrap()
                    .current_dir(&dir)
                    .args(args)
                    .output()
                    .unwrap()
            };
            let out = bin(&["fix"]);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let left = found(&dir);
            assert!(left.is_empty(), "{}: after fix: {left:?}", src.display());
            let out = bin(&["fix", "--diff"]);
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                "",
                "{}: second fix not empty",
                src.display()
            );
            fixed += 1;
        }
    }
    assert!(fixed >= 5, "{fixed}");
}
