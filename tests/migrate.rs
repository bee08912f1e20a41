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
    // What stays is recorded at its callsite, never as a tool-wide key.
    let config = std::fs::read_to_string(dir.join(".gorun-lint.toml")).unwrap();
    assert!(!config.contains("\"version\""), "{config}");
    assert!(config.contains("migrate-ci = "), "{config}");
    let makefile = std::fs::read_to_string(dir.join("Makefile")).unwrap();
    assert!(
        makefile.contains(
            "# gorun-lint: allow version -- kept on go run by gorun-lint migrate: read-time: runs while make reads the Makefile; review\nVERSION := $(shell go run ./scripts/version)\n"
        ),
        "{makefile}"
    );
    let directive = std::fs::read_to_string(dir.join("rbac/rbac.go")).unwrap();
    assert!(
        directive.contains("// gorun-lint: allow rbacgen -- kept on go run by gorun-lint migrate: //go:generate: no automatic fix; review\n//go:generate go run ../scripts/rbacgen"),
        "{directive}"
    );
    let out = bin(&dir).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "No `go run` findings (9 files checked; 4 allowed).\n"
    );
    // A second migration has nothing left to do.
    let out = bin(&dir).arg("migrate").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("No helper to migrate"));
}

/// Go code's `go run` and `go tool` calls (GR016, no fix) stay, each
/// allowed by a `//` comment above its call: `check` then passes, and the
/// Go code still compiles.
#[test]
fn migrate_allowlists_go_code() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("gocode");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sources/gocode/pos"),
        &dir,
    );
    bin(&dir).arg("check").assert().code(1);
    let out = bin(&dir).arg("migrate").output().unwrap();
    let plan = String::from_utf8(out.stdout).unwrap();
    assert!(
        plan.contains("gen.go:21") && plan.contains("Go code (exec.Command): no automatic fix"),
        "{plan}"
    );
    let out = bin(&dir).args(["migrate", "--apply"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let code = std::fs::read_to_string(dir.join("gen.go")).unwrap();
    assert!(
        code.contains("\t// gorun-lint: allow stringer -- kept on go run by gorun-lint migrate: Go code (exec.Command): no automatic fix; review\n\treturn exec.Command(\"go\", \"tool\", \"stringer\", \"-type=Kind\").Run()"),
        "{code}"
    );
    let out = bin(&dir).arg("check").output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// After the migration, a new `go run` of a tool it kept is reported
/// wherever it is added: in a recipe, at read time, in another file. The
/// callsites it kept stay allowed, with their reasons.
#[test]
fn migrate_keeps_the_guard_tight_for_the_tools_it_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo"),
        &dir,
    );
    bin(&dir).args(["migrate", "--apply"]).assert().success();
    bin(&dir).arg("check").assert().code(0);
    let mut makefile = std::fs::read_to_string(dir.join("Makefile")).unwrap();
    makefile.push_str(
        "\nVERSION2 := $(shell go run ./scripts/version -short)\n\nrelease:\n\tgo run ./scripts/version -o release.txt\n",
    );
    std::fs::write(dir.join("Makefile"), makefile).unwrap();
    std::fs::write(
        dir.join("sdk/gen.go"),
        "package sdk\n\n//go:generate go run ../scripts/rbacgen -o more_gen.go\n",
    )
    .unwrap();
    let out = bin(&dir)
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, String, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let makefile = std::fs::read_to_string(dir.join("Makefile")).unwrap();
    let line_of =
        |needle: &str| makefile.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1;
    for expected in [
        ("GR002", "Makefile".to_string(), line_of("VERSION2 :=")),
        ("GR001", "Makefile".to_string(), line_of("-o release.txt")),
        ("GR001", "sdk/gen.go".to_string(), 3),
    ] {
        assert!(
            found
                .iter()
                .any(|(c, f, l)| c == expected.0 && *f == expected.1 && *l == expected.2),
            "{expected:?} not in {found:?}"
        );
    }
    // The kept ones: allowed, each with its own reason.
    assert_eq!(report["summary"]["allowed"], 4, "{report}");
}

/// A plain allow entry (a reason alone) is tool-wide but never silences a
/// read-time callsite; a scoped entry silences only the files and rules it
/// names.
#[test]
fn allow_entries_are_scoped_and_a_plain_one_never_hides_read_time() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    go_module(dir, &["scripts/version", "scripts/gen"]);
    std::fs::write(
        dir.join("Makefile"),
        "V := $(shell go run ./scripts/version)\n\nall:\n\tgo run ./scripts/version\n\tgo run ./scripts/gen\n",
    )
    .unwrap();
    std::fs::write(dir.join("other.mk"), "x:\n\tgo run ./scripts/gen\n").unwrap();
    let codes = |config: &str| {
        std::fs::write(dir.join(".gorun-lint.toml"), config).unwrap();
        let out = bin(dir)
            .args(["check", "--format", "json"])
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
        let mut found: Vec<String> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "{} {}:{}",
                    d["rule"].as_str().unwrap(),
                    d["file"].as_str().unwrap(),
                    d["line"]
                )
            })
            .collect();
        found.sort();
        found
    };
    // Tool-wide: the recipe callsite is allowed, the read-time one is not.
    assert_eq!(
        codes("[allow]\nversion = \"prints the version\"\ngen = \"g\"\n"),
        ["GR002 Makefile:1"]
    );
    // Named: GR002 too.
    assert_eq!(
        codes("[allow]\nversion = { reason = \"v\", rules = [\"GR002\"] }\ngen = \"g\"\n"),
        ["GR001 Makefile:4"]
    );
    // Scoped to a file: the same tool elsewhere is reported.
    assert_eq!(
        codes(
            "[allow]\nversion = { reason = \"v\", rules = [\"read-time-go-run\", \"GR001\"] }\n\"./scripts/gen\" = { reason = \"g\", files = [\"Makefile\"] }\n"
        ),
        ["GR001 other.mk:2"]
    );
    // Mistakes name the key and its line.
    std::fs::write(
        dir.join(".gorun-lint.toml"),
        "out-dir = \"bin\"\n[allow]\nversion = { reason = \"v\", rules = [\"GR999\"] }\n",
    )
    .unwrap();
    let out = bin(dir).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(".gorun-lint.toml:3:36: ") && err.contains("unknown rule `GR999`"),
        "{err}"
    );
    std::fs::write(
        dir.join(".gorun-lint.toml"),
        "[allow]\nversion = { reason = \"v\", file = [\"x\"] }\n",
    )
    .unwrap();
    let out = bin(dir).arg("check").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown field `file`") && err.contains(":2"),
        "{err}"
    );
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
    let makefile = std::fs::read_to_string(dir.join("Makefile")).unwrap();
    assert!(
        makefile.contains("# gorun-lint: allow stringer -- kept on go run by gorun-lint migrate"),
        "{makefile}"
    );
    bin(dir).arg("check").assert().code(0);
}

/// A Procfile's callsites have no fix: the plan says so by process, and
/// `--apply` keeps each with a `#` comment line above its process line,
/// which process managers skip; `fix` changes nothing there.
#[test]
fn migrate_keeps_procfile_callsites_with_a_comment() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    go_module(dir, &["cmd/api", "worker"]);
    let procfile = "api: go run ./cmd/api --dev\nworker: cd worker && go run .\n";
    std::fs::write(dir.join("Procfile"), procfile).unwrap();
    bin(dir).args(["fix"]).assert().success();
    assert_eq!(
        std::fs::read_to_string(dir.join("Procfile")).unwrap(),
        procfile
    );
    let plan = bin(dir).arg("migrate").output().unwrap();
    let plan = String::from_utf8(plan.stdout).unwrap();
    assert!(
        plan.contains("Procfile:2  .          Procfile process `worker`: no automatic fix"),
        "{plan}"
    );
    bin(dir).args(["migrate", "--apply"]).assert().success();
    let after = std::fs::read_to_string(dir.join("Procfile")).unwrap();
    assert_eq!(
        after
            .lines()
            .filter(|l| l.starts_with("# gorun-lint: allow "))
            .count(),
        2,
        "{after}"
    );
    assert!(after.contains("# gorun-lint: allow worker -- kept on go run by gorun-lint migrate: Procfile process `worker`: no automatic fix; review\nworker: cd worker && go run .\n"), "{after}");
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
