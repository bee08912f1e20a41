//! Inputs the fuzzers found, kept as regression tests.

use std::path::Path;

mod common;

use assert_cmd::Command;

/// Run gorun-lint in `dir`.
fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("gorun-lint")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

/// Found by `check_fix_bytes` in CI: a Makefile that is not valid UTF-8 and
/// runs a helper its rule does not depend on. The guard fix (GR009) was
/// planned for it although such files are never edited, so `fix` failed and
/// the fix was not idempotent. Now nothing is planned for the file.
#[test]
fn guard_fixes_leave_non_utf8_files_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    common::go_module(dir, &[]);
    let original: &[u8] =
        b"# caf\xe9\nabs:\n\t_gen/bin/tool -check\n\n_gen/bin/tool: go.mod\n\tgo build -o $@ .\n";
    std::fs::write(dir.join("Makefile"), original).unwrap();
    let run = |args: &[&str]| run(dir, args);
    let out = run(&["fix", "--diff"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "",
        "a diff was planned for a non-UTF-8 file"
    );
    let out = run(&["fix"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read(dir.join("Makefile")).unwrap(), original);
    // The finding is still reported.
    let out = run(&["check", "--format", "json", "--exit-zero"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["rule"] == "GR009"),
        "{json}"
    );
}

/// Found by a longer local run of `check_fix_bytes`: a rule line swallowed by
/// the continued line above it. The planner proposed edits that added parse
/// errors (the CLI refused them); `fix` on this input now writes a Makefile
/// that re-parses as well as the original and that a second `fix` leaves
/// alone.
#[test]
fn swallowed_rule_line_fix_is_idempotent() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // The packages its callsites run (a fix needs them on disk).
    common::go_module(
        dir,
        &[
            "cmd/enumgen",
            "cmd/mkmanifest",
            "cmd/mkversion",
            "tools/gen",
        ],
    );
    let input = include_bytes!("fuzz_inputs/check_fix_bytes-not-idempotent.txt");
    std::fs::write(dir.join("Makefile"), input).unwrap();
    let run = |args: &[&str]| run(dir, args);
    let out = run(&["fix"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_ne!(
        std::fs::read(dir.join("Makefile")).unwrap(),
        input,
        "the input has fixable callsites"
    );
    let out = run(&["fix", "--diff"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "",
        "fix is not idempotent"
    );
    assert_eq!(out.status.code(), Some(0));
}

/// Found by `check_fix_bytes` (shared/fuzz-findings): the Makefile ends
/// inside a `define` that has no `endef`. `fix` appended `clean` there,
/// inside the variable's body, so the next `check` did not see it and the
/// next `fix` appended it again. Make stops at such a file ("missing
/// `endef`"): `fix` now leaves it alone. Its twin, with the `endef`, is
/// fixed, once.
#[test]
fn a_makefile_ending_inside_a_define_is_not_edited() {
    let input = include_bytes!("fuzz_inputs/check_fix_bytes-unterminated-define.txt");
    for (text, edited) in [
        (input.to_vec(), false),
        ([&input[..], b"\nendef\n"].concat(), true),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        common::go_module(dir, &[]);
        std::fs::write(dir.join("Makefile"), &text).unwrap();
        let out = run(dir, &["fix"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let after = std::fs::read(dir.join("Makefile")).unwrap();
        assert_eq!(after != text, edited, "{}", String::from_utf8_lossy(&after));
        let out = run(dir, &["fix", "--diff"]);
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "",
            "fix is not idempotent (endef: {edited})"
        );
    }
}
