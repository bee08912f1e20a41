//! `fix` on every fixture pattern: the diff is snapshotted, applying it and
//! running `fix --diff` again shows nothing (idempotent), and `check` on the
//! result offers no fix any more.

mod common;
use common::{copy_dir, go_module};

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn bin(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("gorun-lint").unwrap();
    c.current_dir(dir).env_remove("NO_COLOR");
    c
}

fn fixture(rel: &str) -> (tempfile::TempDir, PathBuf) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("repo");
    copy_dir(&src, &dir);
    (tmp, dir)
}

fn fix_round_trip(rel: &str, snapshot: &str) {
    fix_round_trip_with(rel, snapshot, |_| {});
}

/// [`fix_round_trip`] after `setup` changed the copy.
fn fix_round_trip_with(rel: &str, snapshot: &str, setup: impl Fn(&Path)) {
    let (_tmp, dir) = fixture(rel);
    setup(&dir);
    let out = bin(&dir)
        .args(["fix", "--diff", "--color", "never"])
        .output()
        .unwrap();
    let diff = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(if diff.is_empty() { 0 } else { 1 }),
        "{rel}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    insta::assert_snapshot!(snapshot, diff);
    let out = bin(&dir).args(["fix"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{rel}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Idempotent: a second fix changes nothing.
    let out = bin(&dir)
        .args(["fix", "--diff", "--color", "never"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "",
        "{rel}: second fix --diff not empty"
    );
    assert_eq!(out.status.code(), Some(0));
    // No fixable callsite is left.
    let out = bin(&dir)
        .args(["check", "--format", "json", "--exit-zero"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fixable: Vec<&serde_json::Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| !d["fix"].is_null())
        .collect();
    assert!(
        fixable.is_empty(),
        "{rel}: still fixable after fix: {fixable:#?}"
    );
    // The guard rules (issue 5) hold on what fix wrote.
    let guard: Vec<&serde_json::Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            [
                "GR008", "GR009", "GR010", "GR011", "GR012", "GR013", "GR014",
            ]
            .contains(&d["rule"].as_str().unwrap())
        })
        .collect();
    assert!(
        guard.is_empty(),
        "{rel}: guard rules fire after fix: {guard:#?}"
    );
}

macro_rules! fix_cases {
    ($($name:ident => $dir:literal),* $(,)?) => {
        $(#[test] fn $name() { fix_round_trip($dir, stringify!($name)); })*
    };
}

fix_cases! {
    fix_basic => "check/basic/pos",
    fix_shell_syntax => "check/shell-syntax/pos",
    fix_which_go => "check/which-go/pos",
    fix_arguments => "check/arguments/pos",
    fix_classes => "check/classes/pos",
    fix_read_time => "check/read-time/pos",
    fix_grammar_errors => "check/grammar-errors/pos",
    fix_structure => "check/structure/pos",
    fix_allowlist => "check/allowlist/pos",
    fix_latin1_refused => "check/bad-input/pos/latin1",
    fix_crlf => "check/bad-input/pos/crlf",
    fix_basic_neg => "check/basic/neg",
    fix_demo => "demo",
    fix_e2e_multi => "e2e/multi",
}

/// `prerequisites = "static"`: each helper lists the sources gorun-lint
/// reads (no `go list` in recipes), and GR008 accepts the list.
#[test]
fn fix_demo_static_prerequisites() {
    fix_round_trip_with("demo", "fix_demo_static", |dir| {
        let config = dir.join(".gorun-lint.toml");
        let text = std::fs::read_to_string(&config).unwrap();
        std::fs::write(&config, format!("prerequisites = \"static\"\n{text}")).unwrap();
    });
}

#[test]
fn fix_keeps_missing_final_newline_and_crlf() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    go_module(dir, &["scripts/x"]);
    std::fs::write(
        dir.join("Makefile"),
        "gen:\r\n\tgo run ./scripts/x > out.txt\r\n\r\nclean:\r\n\trm -f out.txt",
    )
    .unwrap();
    bin(dir).arg("fix").assert().success();
    let text = std::fs::read_to_string(dir.join("Makefile")).unwrap();
    assert!(!text.ends_with('\n'), "final newline added: {text:?}");
    assert!(
        !text.replace("\r\n", "").contains('\n'),
        "bare LF in a CRLF file: {text:?}"
    );
    assert!(
        text.contains("gen: | _gen/bin/x\r\n\t_gen/bin/x > out.txt\r\n"),
        "{text:?}"
    );
    assert!(
        text.contains(
            "clean:\r\n\trm -rf _gen/bin\r\n\trmdir _gen 2>/dev/null || true\r\n\trm -f out.txt"
        ),
        "{text:?}"
    );
}

/// A repo where `_gen/bin/tool` already builds `./a/tool`, and a recipe runs
/// `go run <pkg>`.
fn repo_with_existing_helper(pkg: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    go_module(dir, &["a/tool", "b/tool"]);
    std::fs::write(dir.join(".gitignore"), "/_gen/\n").unwrap();
    std::fs::write(
        dir.join("Makefile"),
        format!(
            "gen: | _gen/bin/tool\n\t_gen/bin/tool > a.txt\n\tgo run {pkg} > b.txt\n\n\
             _gen/bin/tool: go.mod a/tool/main.go\n\tgo build -o $@ ./a/tool\n\n\
             clean:\n\trm -rf _gen/bin\n"
        ),
    )
    .unwrap();
    tmp
}

#[test]
fn fix_never_reuses_a_helper_that_builds_another_package() {
    let tmp = repo_with_existing_helper("./b/tool");
    bin(tmp.path()).arg("fix").assert().success();
    let text = std::fs::read_to_string(tmp.path().join("Makefile")).unwrap();
    assert!(text.contains("\tgo build -o $@ ./a/tool\n"), "{text}");
    assert!(text.contains("\t_gen/bin/b-tool > b.txt\n"), "{text}");
    assert!(
        text.contains("\tgo build -buildvcs=false -ldflags=\"-s -w\" -o $@ ./b/tool\n"),
        "{text}"
    );
    assert!(!text.contains("_gen/bin/tool > b.txt"), "{text}");
}

#[test]
fn fix_reuses_the_helper_that_already_builds_the_package() {
    let tmp = repo_with_existing_helper("./a/tool");
    bin(tmp.path()).arg("fix").assert().success();
    let text = std::fs::read_to_string(tmp.path().join("Makefile")).unwrap();
    assert!(text.contains("\t_gen/bin/tool > b.txt\n"), "{text}");
    assert_eq!(text.matches("go build").count(), 1, "{text}");
}

/// A Makefile recipe runs a script that runs a helper with `go run`: `fix`
/// rewrites the script to build the helper itself (safe); with
/// `--unsafe-fixes` the Makefile builds it as a file target the calling
/// rule depends on, and the script runs the binary.
#[test]
fn fix_script_run_by_a_recipe_safe_and_unsafe() {
    let setup = || {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        go_module(dir, &["tools/gen"]);
        std::fs::create_dir_all(dir.join("scripts")).unwrap();
        std::fs::write(
            dir.join("scripts/gen.sh"),
            "#!/bin/sh\nset -e\nCGO_ENABLED=0 go run ./tools/gen -out x.txt\n",
        )
        .unwrap();
        std::fs::write(dir.join("Makefile"), "gen:\n\tsh scripts/gen.sh\n").unwrap();
        tmp
    };
    let safe = setup();
    bin(safe.path()).arg("fix").assert().success();
    let script = std::fs::read_to_string(safe.path().join("scripts/gen.sh")).unwrap();
    assert!(
        script.contains("CGO_ENABLED=0 go build -buildvcs=false -ldflags=\"-s -w\" -o \"$GORUN_LINT_BIN/gen\" ./tools/gen && CGO_ENABLED=0 \"$GORUN_LINT_BIN/gen\" -out x.txt"),
        "{script}"
    );
    assert!(
        script.starts_with("#!/bin/sh\n# gorun-lint: ")
            && script
                .contains("GORUN_LINT_BIN=\"$(cd \"$(dirname \"$0\")/..\" && pwd)/_gen/bin\"\n"),
        "{script}"
    );
    assert_eq!(
        std::fs::read_to_string(safe.path().join("Makefile")).unwrap(),
        "gen:\n\tsh scripts/gen.sh\n"
    );

    let fast = setup();
    bin(fast.path())
        .args(["fix", "--unsafe-fixes"])
        .assert()
        .success();
    let script = std::fs::read_to_string(fast.path().join("scripts/gen.sh")).unwrap();
    assert!(
        script.contains("CGO_ENABLED=0 \"$GORUN_LINT_BIN/gen\" -out x.txt"),
        "{script}"
    );
    assert!(!script.contains("go build"), "{script}");
    let make = std::fs::read_to_string(fast.path().join("Makefile")).unwrap();
    assert!(
        make.starts_with("gen: | _gen/bin/gen\n\tsh scripts/gen.sh\n"),
        "{make}"
    );
    assert!(
        make.contains(
            "\tCGO_ENABLED=0 go build -buildvcs=false -ldflags=\"-s -w\" -o $@ ./tools/gen\n"
        ),
        "{make}"
    );
    // Under `--only scripts` the Makefile is read, not edited: the safe form.
    let only = setup();
    bin(only.path())
        .args(["fix", "--unsafe-fixes", "--only", "scripts"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(only.path().join("Makefile")).unwrap(),
        "gen:\n\tsh scripts/gen.sh\n"
    );
    let script = std::fs::read_to_string(only.path().join("scripts/gen.sh")).unwrap();
    assert!(
        script.contains("go build -buildvcs=false -ldflags=\"-s -w\" -o"),
        "{script}"
    );
    // Both are idempotent.
    for dir in [safe.path(), fast.path()] {
        let out = bin(dir)
            .args(["fix", "--diff", "--unsafe-fixes"])
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    }
}

/// The top Makefile holds only `go tool` (read with the line reader, not
/// tree-sitter): `fix` still adds the out dir after the whole `clean`
/// recipe.
#[test]
fn fix_extends_clean_of_a_top_makefile_read_lightly() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    go_module(dir, &["tools/gen"]);
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(
        dir.join("Makefile"),
        "lint:\n\tgo tool stringer -h\n\nclean:\n\trm -rf out\n\t@echo cleaned\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("sub/Makefile"),
        "gen:\n\tgo run ../tools/gen > x\n",
    )
    .unwrap();
    bin(dir).arg("fix").assert().success();
    assert_eq!(
        std::fs::read_to_string(dir.join("Makefile")).unwrap(),
        "lint:\n\tgo tool stringer -h\n\nclean:\n\trm -rf _gen/bin\n\trmdir _gen 2>/dev/null || true\n\trm -rf out\n\t@echo cleaned\n"
    );
}

/// A script a recipe reads with `source`: its `$0` is the shell, so the
/// script fix (which finds the out dir from `$0`) is not offered; the
/// finding stays. Its negative twin, run with `sh`, is fixed.
#[test]
fn fix_leaves_a_sourced_script_alone() {
    for (how, fixed) in [(". scripts/env.sh", false), ("sh scripts/env.sh", true)] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        go_module(dir, &["tools/gen"]);
        std::fs::create_dir_all(dir.join("scripts")).unwrap();
        let script = "#!/bin/sh\ngo run ./tools/gen > x.txt\n";
        std::fs::write(dir.join("scripts/env.sh"), script).unwrap();
        std::fs::write(dir.join("Makefile"), format!("gen:\n\t{how}\n")).unwrap();
        bin(dir).arg("fix").assert().success();
        let after = std::fs::read_to_string(dir.join("scripts/env.sh")).unwrap();
        assert_eq!(after != script, fixed, "{how}: {after}");
    }
}

/// Script callsites whose rewrite would change their meaning are reported
/// but not fixed: after `!`, `|` or `||`, behind `exec`/`time`/`env -u`,
/// with `-C`; their twins (plain, after `&&`, with env assignments) are.
#[test]
fn fix_rewrites_script_callsites_only_where_meaning_holds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    go_module(dir, &["tools/gen"]);
    let kept = [
        "if ! go run ./tools/gen; then exit 1; fi",
        "true || go run ./tools/gen",
        "echo x | go run ./tools/gen",
        "exec go run ./tools/gen",
        "time go run ./tools/gen",
        "env -u GOFLAGS go run ./tools/gen",
        "go run -C tools ./gen",
        "go -C tools run ./gen",
    ];
    let fixed = [
        "go run ./tools/gen -v",
        "true && go run ./tools/gen",
        "if go run ./tools/gen; then :; fi",
        "CI=1 go run ./tools/gen",
        "x=$(go run ./tools/gen)",
    ];
    let script: String = std::iter::once("#!/bin/sh")
        .chain(kept.iter().copied())
        .chain(fixed.iter().copied())
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.join("run.sh"), &script).unwrap();
    bin(dir).arg("fix").assert().success();
    let after = std::fs::read_to_string(dir.join("run.sh")).unwrap();
    for l in kept {
        assert!(
            after.contains(&format!("\n{l}\n")),
            "{l:?} was rewritten:\n{after}"
        );
    }
    for l in fixed {
        assert!(
            !after.contains(&format!("\n{l}\n")),
            "{l:?} was not rewritten:\n{after}"
        );
    }
    assert_eq!(
        after
            .matches("go build -buildvcs=false -ldflags=\"-s -w\" -o")
            .count(),
        fixed.len(),
        "{after}"
    );
}

/// A callsite added after a fix reuses the helper the fix wrote: the flags
/// that link a helper as `go run` does (`-buildvcs=false`, `-s -w`) make no
/// other build. The twin: a callsite with a real build flag gets its own.
#[test]
fn a_later_callsite_reuses_the_helper_fix_wrote() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    go_module(dir, &["scripts/x"]);
    std::fs::write(dir.join("Makefile"), "a:\n\tgo run ./scripts/x\n").unwrap();
    bin(dir).arg("fix").assert().success();
    let mut text = std::fs::read_to_string(dir.join("Makefile")).unwrap();
    text.push_str("\nb:\n\tgo run ./scripts/x\n\nc:\n\tgo run -tags dev ./scripts/x\n");
    std::fs::write(dir.join("Makefile"), &text).unwrap();
    bin(dir).arg("fix").assert().success();
    let text = std::fs::read_to_string(dir.join("Makefile")).unwrap();
    assert!(text.contains("b: | _gen/bin/x\n\t_gen/bin/x\n"), "{text}");
    assert!(text.contains("c: | _gen/bin/x-tags-dev\n"), "{text}");
    assert_eq!(text.matches("\n_gen/bin/").count(), 2, "{text}");
}

/// A team's own file target that builds the same package (`.bin/clidoc:
/// ...; go build -o .bin/clidoc ./cmd/clidoc/.`, as in a large project) is
/// the helper: the callsite runs it, and no second helper, `clean` line or
/// ignore entry is added. The twin: a target building the package without
/// the callsite's `-tags` is another build and is not reused.
#[test]
fn an_existing_file_target_of_the_same_build_is_reused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    go_module(dir, &["cmd/clidoc", "cmd/other"]);
    let makefile = ".bin/clidoc: go.mod\n\tgo build -o .bin/clidoc ./cmd/clidoc/.\n\n.bin/other: go.mod\n\tgo build -o $@ ./cmd/other\n\ndocs:\n\tgo run ./cmd/clidoc . > docs.txt\n\tgo run -tags x ./cmd/other > other.txt\n";
    std::fs::write(dir.join("Makefile"), makefile).unwrap();
    let out = bin(dir)
        .args(["check", "--format", "json", "--exit-zero"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let targets: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["target"].as_str().unwrap())
        .collect();
    assert_eq!(targets, [".bin/clidoc", "_gen/bin/other"], "{json}");
    bin(dir).arg("fix").assert().success();
    let text = std::fs::read_to_string(dir.join("Makefile")).unwrap();
    assert!(
        text.contains("docs: | .bin/clidoc _gen/bin/other\n\t.bin/clidoc . > docs.txt\n"),
        "{text}"
    );
    assert!(!text.contains("_gen/bin/clidoc"), "{text}");
    assert!(text.contains("\n_gen/bin/other:"), "{text}");
}
