//! The command line as users and CI see it: exit codes, output formats,
//! colour, rule documentation, bad input and the allowlist.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

/// The repository root (where `fixtures/` lives).
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture directory, `fixtures/check/<rel>`.
fn fixture(rel: &str) -> PathBuf {
    root().join("fixtures/check").join(rel)
}

/// `gorun-lint` with no colour surprises from the environment; runs in the
/// repository root unless the test sets another directory.
fn bin() -> Command {
    let mut cmd = Command::cargo_bin("gorun-lint").expect("binary is built");
    cmd.current_dir(root()).env_remove("NO_COLOR");
    cmd
}

fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8")
}

/// Run `check --format json` in `dir` with `args`, expect `code`, return the
/// parsed document.
fn json_in(dir: &Path, args: &[&str], code: i32) -> Value {
    let out = bin()
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout_of(&out),
        stderr_of(&out)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

fn diagnostics(doc: &Value) -> &Vec<Value> {
    doc["diagnostics"]
        .as_array()
        .expect("`diagnostics` is an array")
}

/// (file, line, rule) of every diagnostic.
fn locations(doc: &Value) -> Vec<(String, u64, String)> {
    diagnostics(doc)
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn has_ansi(s: &str) -> bool {
    s.contains("\x1b[")
}

const GO_MAIN: &str = "package main\n\nfunc main() {}\n";

/// A small module in a tempdir: go.mod, `scripts/gen`, and this Makefile.
fn module_with(makefile: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("go.mod"),
        "module example.com/tmp\n\ngo 1.24\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("scripts/gen")).unwrap();
    std::fs::write(dir.path().join("scripts/gen/main.go"), GO_MAIN).unwrap();
    std::fs::write(dir.path().join("Makefile"), makefile).unwrap();
    dir
}

const ONE_CALLSITE: &str = "gen:\n\tgo run ./scripts/gen\n";

/// What `fix --diff` prints in `dir`.
fn fix_diff_in(dir: &Path) -> String {
    let out = bin()
        .current_dir(dir)
        .args(["fix", "--diff"])
        .output()
        .unwrap();
    stdout_of(&out)
}

// ---------------------------------------------------------------------------
// Exit codes
// ---------------------------------------------------------------------------

#[test]
fn clean_tree_exits_0() {
    bin()
        .args(["check", "fixtures/check/basic/neg"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("No `go run` findings"));
}

#[test]
fn findings_exit_1() {
    bin()
        .args(["check", "fixtures/check/basic/pos"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("GR001"));
}

#[test]
fn default_path_is_the_working_directory() {
    bin()
        .current_dir(fixture("basic/pos"))
        .args(["check", "--quiet"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("Makefile:10:2: GR001"));
}

#[test]
fn missing_path_exits_2_and_names_it() {
    bin()
        .args(["check", "does/not/exist-gorun"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does/not/exist-gorun"));
}

#[test]
fn missing_path_still_reports_the_other_paths() {
    let out = bin()
        .args([
            "check",
            "--quiet",
            "does/not/exist-gorun",
            "fixtures/check/basic/pos",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("does/not/exist-gorun"));
    assert!(stdout_of(&out).contains("fixtures/check/basic/pos/Makefile:10:2: GR001"));
}

#[test]
fn config_with_unknown_key_exits_2_naming_the_file() {
    let dir = module_with(ONE_CALLSITE);
    std::fs::write(dir.path().join(".gorun-lint.toml"), "bogus-key = 1\n").unwrap();
    let out = bin()
        .current_dir(dir.path())
        .args(["check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains(".gorun-lint.toml"), "{err}");
    assert!(err.contains("bogus-key"), "{err}");
}

#[test]
fn config_with_empty_allow_reason_exits_2_naming_the_file_and_line() {
    let dir = module_with(ONE_CALLSITE);
    std::fs::write(
        dir.path().join(".gorun-lint.toml"),
        "out-dir = \"bin\"\n\n[allow]\ngen = \"\"\n",
    )
    .unwrap();
    let out = bin()
        .current_dir(dir.path())
        .args(["check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains(".gorun-lint.toml:4:"), "{err}");
    assert!(err.contains("`gen` needs a reason"), "{err}");
}

#[test]
fn invalid_explicit_config_exits_2_naming_the_file() {
    let dir = module_with(ONE_CALLSITE);
    std::fs::write(dir.path().join("custom.toml"), "[allow]\ngen = \"  \"\n").unwrap();
    bin()
        .current_dir(dir.path())
        .args(["check", "--config", "custom.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("custom.toml"));
}

#[test]
fn missing_explicit_config_exits_2_naming_the_file() {
    let dir = module_with(ONE_CALLSITE);
    bin()
        .current_dir(dir.path())
        .args(["check", "--config", "nope.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nope.toml"));
}

#[test]
fn exit_zero_with_findings() {
    bin()
        .args(["check", "--exit-zero", "fixtures/check/basic/pos"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("GR001"));
}

#[test]
fn exit_zero_does_not_hide_errors() {
    bin()
        .args(["check", "--exit-zero", "does/not/exist-gorun"])
        .assert()
        .code(2);
}

#[test]
fn unknown_select_rule_exits_2() {
    bin()
        .args(["check", "--select", "GR999", "fixtures/check/basic/pos"])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("GR999"));
}

#[test]
fn unknown_ignore_rule_exits_2() {
    bin()
        .args([
            "check",
            "--ignore",
            "no-such-rule",
            "fixtures/check/basic/pos",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-rule"));
}

#[test]
fn unknown_flag_exits_2() {
    bin()
        .args(["check", "--no-such-flag"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--no-such-flag"));
}

#[test]
fn select_and_ignore_filter_rules() {
    // classes/pos has GR001, GR003, GR004 and GR005 findings.
    let dir = fixture("classes/pos");
    let all = json_in(&dir, &[], 1);
    let rules = |doc: &Value| -> Vec<String> {
        let mut r: Vec<String> = locations(doc).into_iter().map(|l| l.2).collect();
        r.sort();
        r.dedup();
        r
    };
    assert_eq!(rules(&all), ["GR001", "GR003", "GR004", "GR005"]);

    let only = json_in(&dir, &["--select", "GR003,dependency-go-run"], 1);
    assert_eq!(rules(&only), ["GR003", "GR004"]);

    let ignored = json_in(&dir, &["--ignore", "local-go-run", "--ignore", "GR005"], 1);
    assert_eq!(rules(&ignored), ["GR003", "GR004"]);

    // Selecting a rule with no findings is a clean run.
    let none = json_in(&dir, &["--select", "GR002"], 0);
    assert!(diagnostics(&none).is_empty());
}

#[test]
fn info_notes_alone_do_not_fail_the_run() {
    // GR007 (parse-error) is info: shown, but the exit code stays 0. The
    // fixture's `.RECIPEPREFIX` file and its top-level `$(foreach)` with
    // quoted parentheses are beyond the grammar (the shell `case` patterns
    // are masked from it, so they no longer count).
    let doc = json_in(&fixture("grammar-errors/pos"), &["--select", "GR007"], 0);
    let diags = diagnostics(&doc);
    assert_eq!(diags.len(), 4);
    assert!(diags.iter().all(|d| d["severity"] == "info"), "{doc}");
}

#[test]
fn explicit_config_overrides_the_closest_one() {
    // allowlist/pos has its own .gorun-lint.toml; --config replaces it.
    let cfg = tempfile::tempdir().unwrap();
    let cfg_path = cfg.path().join("other.toml");
    std::fs::write(
        &cfg_path,
        "[allow]\napitypings = \"types are regenerated rarely\"\n",
    )
    .unwrap();
    let dir = fixture("allowlist/pos");

    let own = json_in(&dir, &[], 1);
    let own_tools: Vec<&str> = diagnostics(&own)
        .iter()
        .filter(|d| d["rule"] == "GR001")
        .map(|d| d["tool"].as_str().unwrap())
        .collect();
    assert_eq!(own_tools, ["migrate-test-data", "apitypings"]);

    let other = json_in(&dir, &["--config", cfg_path.to_str().unwrap()], 1);
    let tools: Vec<&str> = diagnostics(&other)
        .iter()
        .map(|d| d["tool"].as_str().unwrap())
        .collect();
    assert_eq!(tools, ["migrate-ci", "migrate-test", "migrate-test-data"]);
    // Inline allow comments still apply (gen), and apitypings is allowed by
    // the explicit file.
    assert_eq!(other["summary"]["allowed"], 3);
}

// ---------------------------------------------------------------------------
// Output formats
// ---------------------------------------------------------------------------

const JSON_KEYS: [&str; 14] = [
    "rule",
    "name",
    "severity",
    "file",
    "line",
    "column",
    "end_line",
    "end_column",
    "message",
    "help",
    "tool",
    "package",
    "target",
    "fix",
];

#[test]
fn json_diagnostics_have_exactly_the_documented_keys() {
    let doc = json_in(&fixture("basic/pos"), &[], 1);
    assert_eq!(doc["version"], 1);
    let diags = diagnostics(&doc);
    assert_eq!(diags.len(), 11);
    let mut expected: Vec<&str> = JSON_KEYS.to_vec();
    expected.sort();
    for d in diags {
        let obj = d.as_object().expect("a diagnostic is an object");
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, expected, "{d}");
        for k in ["line", "column", "end_line", "end_column"] {
            assert!(d[k].as_u64().unwrap() >= 1, "{k} is 1-based: {d}");
        }
        assert!(
            (d["line"].as_u64(), d["column"].as_u64())
                < (d["end_line"].as_u64(), d["end_column"].as_u64()),
            "the range is not empty: {d}"
        );
        for k in ["rule", "name", "severity", "file", "message"] {
            assert!(d[k].is_string(), "{k}: {d}");
        }
        for k in ["help", "tool", "package", "target"] {
            assert!(d[k].is_string() || d[k].is_null(), "{k}: {d}");
        }
        match &d["fix"] {
            Value::Null => {}
            Value::Object(fix) => {
                let mut keys: Vec<&str> = fix.keys().map(String::as_str).collect();
                keys.sort();
                assert_eq!(keys, ["applicability", "description"], "{d}");
                let a = fix["applicability"].as_str().unwrap();
                assert!(a == "safe" || a == "unsafe", "{d}");
                assert!(fix["description"].is_string(), "{d}");
            }
            other => panic!("fix is neither null nor an object: {other}"),
        }
    }
    let summary = doc["summary"].as_object().unwrap();
    assert_eq!(summary["diagnostics"], 11);
    // Two Makefiles, and the .go files read for `//go:generate` lines.
    assert_eq!(summary["files"], 8);
}

#[test]
fn json_file_is_relative_to_the_working_directory() {
    let doc = json_in(&fixture("basic/pos"), &[], 1);
    let files: Vec<String> = locations(&doc).into_iter().map(|l| l.0).collect();
    assert!(
        files
            .iter()
            .all(|f| f == "Makefile" || f == "tools/Makefile"),
        "{files:?}"
    );
    assert_eq!(files.iter().filter(|f| *f == "tools/Makefile").count(), 2);

    // From the parent directory, the same file gets its prefix.
    let doc = json_in(&fixture("basic"), &["pos"], 1);
    let first = &diagnostics(&doc)[0];
    assert_eq!(first["file"], "pos/Makefile");
    assert_eq!(first["line"], 10);
    assert_eq!(first["column"], 2);
    assert_eq!(first["end_column"], 28);
    assert_eq!(first["rule"], "GR001");
    assert_eq!(first["name"], "local-go-run");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["tool"], "apidocgen");
    assert_eq!(first["package"], "./scripts/apidocgen");
    // Relative to the Makefile's directory; where `_gen/bin` sits depends on
    // the project root (a `.git` above this checkout, or the fixture module).
    let target = first["target"].as_str().unwrap();
    assert!(target.ends_with("_gen/bin/apidocgen"), "{target}");
    assert_eq!(first["fix"]["applicability"], "safe");
}

#[test]
fn json_for_a_clean_tree() {
    let doc = json_in(&fixture("basic/neg"), &[], 0);
    assert!(diagnostics(&doc).is_empty());
    assert_eq!(doc["summary"]["diagnostics"], 0);
}

#[test]
fn json_fix_is_null_where_there_is_no_fix() {
    let doc = json_in(&fixture("classes/pos"), &[], 1);
    let remote: Vec<&Value> = diagnostics(&doc)
        .iter()
        .filter(|d| d["rule"] == "GR003")
        .collect();
    assert!(!remote.is_empty());
    // A release written in the recipe gets a version-keyed target; a
    // moving version (`@latest`) or one from a variable (`$(STRINGER)`),
    // no fix.
    let fixed: Vec<&&Value> = remote.iter().filter(|d| !d["fix"].is_null()).collect();
    assert_eq!(fixed.len(), 1, "{doc}");
    assert_eq!(fixed[0]["line"], 14, "{doc}");
    let target = fixed[0]["target"].as_str().unwrap();
    assert!(target.ends_with("_gen/bin/stringer@v0.1.0"), "{doc}");
    for d in remote.iter().filter(|d| d["fix"].is_null()) {
        assert!(d["target"].is_null(), "{d}");
    }
}

#[test]
fn github_format() {
    let out = bin()
        .current_dir(fixture("basic/pos"))
        .args(["check", "--format", "github"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout_of(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 11, "{text}");
    let re = regex::Regex::new(
        r"^::error file=[^,:]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=GR\d{3} [a-z-]+::[^G].+%0Ahelp: .+$",
    )
    .unwrap();
    for l in &lines {
        assert!(re.is_match(l), "{l}");
    }
    assert!(lines[0].starts_with(
        "::error file=Makefile,line=10,col=2,endLine=10,endColumn=28,title=GR001 local-go-run::`go run ./scripts/apidocgen`"
    ), "{}", lines[0]);
    assert!(
        lines[9].starts_with("::error file=tools/Makefile,line=8,col=2,"),
        "{}",
        lines[9]
    );
}

#[test]
fn github_format_uses_warning_for_warnings() {
    let out = bin()
        .current_dir(fixture("classes/pos"))
        .args(["check", "--format", "github", "--select", "GR003"])
        .output()
        .unwrap();
    let text = stdout_of(&out);
    assert!(!text.is_empty());
    for l in text.lines() {
        assert!(l.starts_with("::warning file=Makefile,line="), "{l}");
    }
}

fn rule_codes() -> Vec<String> {
    let out = bin().arg("rules").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    stdout_of(&out)
        .lines()
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect()
}

#[test]
fn sarif_format() {
    let out = bin()
        .args(["check", "--format", "sarif", "fixtures/check/classes/pos"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "gorun-lint");
    let ids: Vec<String> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, rule_codes());
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 11);
    for r in results {
        let id = r["ruleId"].as_str().unwrap();
        assert!(ids.iter().any(|i| i == id), "{r}");
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(ids[idx], id);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(
            loc["artifactLocation"]["uri"],
            "fixtures/check/classes/pos/Makefile"
        );
        let region = &loc["region"];
        for k in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(region[k].as_u64().unwrap() >= 1, "{k}: {r}");
        }
    }
    assert_eq!(results[0]["ruleId"], "GR001");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        10
    );
}

#[test]
fn statistics_counts_per_rule() {
    let out = bin()
        .args([
            "check",
            "--statistics",
            "--color",
            "never",
            "fixtures/check/classes/pos",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout_of(&out);
    for line in [
        "    3  GR003  remote-go-run",
        "    3  GR001  local-go-run",
        "    3  GR005  unresolved-go-run",
        "    2  GR004  dependency-go-run",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing {line:?} in:\n{text}"
        );
    }
    // Issue 20: the counts and the summary alone, not the findings.
    assert_eq!(text.lines().count(), 5, "{text}");
    assert!(!text.contains("caches a new executable"), "{text}");
    // JSON: a `statistics` array beside the findings; SARIF and GitHub
    // have no place for it, and say so.
    let doc = json_in(
        Path::new("fixtures/check/classes/pos"),
        &["--statistics"],
        1,
    );
    assert_eq!(doc["statistics"][0]["count"], 3, "{doc}");
    assert!(!diagnostics(&doc).is_empty());
    for format in ["sarif", "github"] {
        let out = bin()
            .args([
                "check",
                "--statistics",
                "--format",
                format,
                "fixtures/check/classes/pos",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}");
    }
}

#[test]
fn quiet_prints_one_line_per_finding() {
    let out = bin()
        .current_dir(fixture("basic/pos"))
        .args(["check", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout_of(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 12, "{text}");
    assert_eq!(
        lines[0],
        "Makefile:10:2: GR001 `go run ./scripts/apidocgen` caches a new executable of `apidocgen` in GOCACHE on every change"
    );
    assert_eq!(
        lines[10],
        "tools/Makefile:12:2: GR001 `go run ../scripts/fmtcheck` caches a new executable of `fmtcheck` in GOCACHE on every change"
    );
    assert!(
        lines[11].starts_with("Found 11 findings (8 files checked)"),
        "{}",
        lines[11]
    );
    assert!(!text.contains('│'), "no snippets: {text}");
}

#[test]
fn human_output_has_snippets_and_summary() {
    let out = bin()
        .args(["check", "--color", "never", "fixtures/check/basic/pos"])
        .output()
        .unwrap();
    let text = stdout_of(&out);
    assert!(text.contains("GR001(local-go-run)"), "{text}");
    assert!(
        text.contains("[fixtures/check/basic/pos/Makefile:10:2]"),
        "{text}"
    );
    assert!(text.contains("go run here"), "{text}");
    assert!(
        text.contains("_gen/bin/apidocgen` and run the binary"),
        "{text}"
    );
    assert!(
        text.ends_with("Found 11 findings (8 files checked); 11 fixable with `gorun-lint fix`.\n"),
        "{text}"
    );
}

#[test]
fn color_always_never_auto() {
    let run = |color: &str, no_color: Option<&str>| {
        let mut cmd = bin();
        cmd.args(["check", "--color", color, "fixtures/check/basic/pos"]);
        if let Some(v) = no_color {
            cmd.env("NO_COLOR", v);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        stdout_of(&out)
    };
    assert!(has_ansi(&run("always", None)));
    assert!(!has_ansi(&run("never", None)));
    // stdout is a pipe here, so auto is off; NO_COLOR keeps it off.
    assert!(!has_ansi(&run("auto", Some("1"))));
    assert!(!has_ansi(&run("auto", None)));
    // --color always wins over NO_COLOR.
    assert!(has_ansi(&run("always", Some("1"))));
}

#[test]
fn json_and_github_never_have_colour() {
    for format in ["json", "github", "sarif"] {
        let out = bin()
            .args(["check", "--color", "always", "--format", format])
            .arg("fixtures/check/basic/pos")
            .output()
            .unwrap();
        assert!(!has_ansi(&stdout_of(&out)), "{format}");
    }
}

// ---------------------------------------------------------------------------
// Rule documentation
// ---------------------------------------------------------------------------

#[test]
fn rules_lists_every_rule() {
    assert_eq!(
        rule_codes(),
        [
            "GR001", "GR002", "GR003", "GR004", "GR005", "GR006", "GR007", "GR008", "GR009",
            "GR010", "GR011", "GR012", "GR013", "GR014", "GR015", "GR016"
        ]
    );
    bin()
        .arg("rules")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("local-go-run"))
        .stdout(predicate::str::contains("parse-error"))
        .stdout(predicate::str::contains("go-run-in-go-code"));
    // Its documentation is its module's `//!` comment.
    bin()
        .args(["rule", "GR016"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("TestMain"))
        .stdout(predicate::str::contains("exec.CommandContext"));
}

#[test]
fn rule_doc_by_code_and_by_name() {
    let by_code = bin().args(["rule", "GR001"]).output().unwrap();
    let by_name = bin().args(["rule", "local-go-run"]).output().unwrap();
    let lower = bin().args(["rule", "gr001"]).output().unwrap();
    assert_eq!(by_code.status.code(), Some(0));
    assert_eq!(by_code.stdout, by_name.stdout);
    assert_eq!(by_code.stdout, lower.stdout);
    let doc = stdout_of(&by_code);
    assert!(doc.starts_with("# GR001 local-go-run"), "{doc}");
}

#[test]
fn every_rule_has_the_documented_sections() {
    for code in rule_codes() {
        let out = bin().args(["rule", &code]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{code}");
        let doc = stdout_of(&out);
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Fix safety",
        ] {
            assert!(doc.contains(section), "{code} lacks {section:?}:\n{doc}");
        }
    }
}

#[test]
fn unknown_rule_exits_2() {
    bin()
        .args(["rule", "GR999"])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("GR999"));
}

// ---------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------

#[test]
fn binary_file_is_an_error_but_other_files_are_reported() {
    let out = bin()
        .args([
            "check",
            "--quiet",
            "fixtures/check/bad-input/pos/binary/Makefile",
            "fixtures/check/basic/pos",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {err}");
    assert!(lines[0].starts_with("gorun-lint: error: "), "{err}");
    assert!(lines[0].contains("bad-input/pos/binary/Makefile"), "{err}");
    assert!(lines[0].contains("binary"), "{err}");
    let text = stdout_of(&out);
    assert!(
        text.contains("fixtures/check/basic/pos/Makefile:10:2: GR001"),
        "{text}"
    );
    assert!(
        text.contains("fixtures/check/basic/pos/tools/Makefile:12:2: GR001"),
        "{text}"
    );
    assert!(!text.contains("binary"), "{text}");
}

#[test]
fn non_utf8_file_is_checked_with_a_warning() {
    let dir = fixture("bad-input/pos/latin1");
    let out = bin()
        .current_dir(&dir)
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        locations(&doc),
        [
            ("Makefile".to_string(), 10, "GR001".to_string()),
            ("Makefile".to_string(), 12, "GR001".to_string()),
        ]
    );
    let err = stderr_of(&out);
    assert!(err.contains("warning"), "{err}");
    assert!(err.contains("Makefile"), "{err}");
    assert!(err.contains("UTF-8"), "{err}");
}

/// Run with a deadline, so a symlink loop that hangs fails the test instead
/// of the suite.
fn run_bounded(cmd: &mut Command) -> std::process::Output {
    let start = Instant::now();
    let out = cmd.timeout(Duration::from_secs(20)).output().unwrap();
    assert!(start.elapsed() < Duration::from_secs(20), "timed out");
    out
}

#[cfg(unix)]
#[test]
fn self_referential_symlink_named_makefile() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("Makefile", dir.path().join("Makefile")).unwrap();
    let out = run_bounded(bin().current_dir(dir.path()).args(["check", "Makefile"]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains("Makefile"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[cfg(unix)]
#[test]
fn symlink_loop_in_a_walked_directory_does_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A file loop (`loop -> loop`), a looping `sub/Makefile -> Makefile`, a
    // directory cycle (`sub/up -> ..`) and a real Makefile that must be
    // reported exactly once.
    std::os::unix::fs::symlink("loop", d.join("loop")).unwrap();
    std::fs::create_dir_all(d.join("sub")).unwrap();
    std::os::unix::fs::symlink("..", d.join("sub/up")).unwrap();
    std::os::unix::fs::symlink("Makefile", d.join("sub/Makefile")).unwrap();
    std::fs::write(d.join("go.mod"), "module example.com/tmp\n\ngo 1.24\n").unwrap();
    std::fs::create_dir_all(d.join("scripts/gen")).unwrap();
    std::fs::write(d.join("scripts/gen/main.go"), GO_MAIN).unwrap();
    std::fs::write(d.join("Makefile"), ONE_CALLSITE).unwrap();
    let out = run_bounded(bin().current_dir(d).args(["check", "--format", "json"]));
    let err = stderr_of(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert!(matches!(out.status.code(), Some(1) | Some(2)), "{err}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        locations(&doc),
        [("Makefile".to_string(), 2, "GR001".to_string())]
    );

    // Through the cycle explicitly: still bounded, still the one finding.
    let out =
        run_bounded(
            bin()
                .current_dir(d)
                .args(["check", "--format", "json", "sub/up/sub/up"]),
        );
    assert!(!stderr_of(&out).contains("panicked"));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(diagnostics(&doc).len(), 1, "{doc}");
}

#[cfg(unix)]
#[test]
fn directory_symlink_cycle_given_explicitly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // a/b -> ../a: a directory cycle; `a/b/b/b/Makefile` resolves to a/Makefile.
    std::fs::create_dir_all(d.join("a")).unwrap();
    std::os::unix::fs::symlink("../a", d.join("a/b")).unwrap();
    std::fs::write(d.join("a/Makefile"), ONE_CALLSITE).unwrap();
    let out = run_bounded(
        bin()
            .current_dir(d)
            .args(["check", "--quiet", "a", "a/b/b/b/Makefile"]),
    );
    assert!(!stderr_of(&out).contains("panicked"));
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
}

#[test]
fn missing_include_warns_without_changing_the_exit_code() {
    let clean = module_with("include mk/missing.mk\n\nall:\n\t@echo hi\n");
    let out = bin()
        .current_dir(clean.path())
        .args(["check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains("warning"), "{err}");
    assert!(err.contains("Makefile:1:"), "{err}");
    assert!(err.contains("mk/missing.mk"), "{err}");

    let dirty = module_with("include mk/missing.mk\n\ngen:\n\tgo run ./scripts/gen\n");
    let out = bin()
        .current_dir(dirty.path())
        .args(["check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("mk/missing.mk"));
}

#[test]
fn optional_missing_include_is_silent() {
    let dir = module_with("-include local.mk\nsinclude other.mk\n\nall:\n\t@echo hi\n");
    bin()
        .current_dir(dir.path())
        .args(["check"])
        .assert()
        .code(0)
        .stderr(predicate::str::is_empty());
}

#[test]
fn a_200kb_line_works() {
    let dir = fixture("bad-input/pos/longline");
    let len = std::fs::read_to_string(dir.join("Makefile"))
        .unwrap()
        .lines()
        .map(str::len)
        .max()
        .unwrap();
    assert!(len > 200_000, "the fixture has a long line ({len})");
    let start = Instant::now();
    let doc = json_in(&dir, &[], 1);
    assert!(start.elapsed() < Duration::from_secs(20));
    assert_eq!(
        locations(&doc),
        [
            ("Makefile".to_string(), 9, "GR001".to_string()),
            ("Makefile".to_string(), 11, "GR001".to_string()),
        ]
    );
}

#[test]
fn crlf_callsites_are_on_the_right_lines() {
    let doc = json_in(&fixture("bad-input/pos/crlf"), &[], 1);
    let diags = diagnostics(&doc);
    assert_eq!(
        locations(&doc),
        [
            ("Makefile".to_string(), 8, "GR001".to_string()),
            ("Makefile".to_string(), 12, "GR001".to_string()),
        ]
    );
    // `$(GO) run ./gen` on line 8 starts after the tab.
    assert_eq!(diags[0]["column"], 2);
    assert_eq!(diags[0]["package"], "./gen");
    // No `\r` leaks into what is reported.
    for d in diags {
        assert!(!d.to_string().contains("\\r"), "{d}");
    }
}

// ---------------------------------------------------------------------------
// --stdin-filename
// ---------------------------------------------------------------------------

#[test]
fn stdin_filename_reports_that_path() {
    let dir = module_with("all:\n\t@echo on disk\n");
    let out = bin()
        .current_dir(dir.path())
        .args(["check", "--format", "json", "--stdin-filename", "Makefile"])
        .write_stdin("# from stdin\ngen:\n\tgo run ./scripts/gen -v\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        locations(&doc),
        [("Makefile".to_string(), 3, "GR001".to_string())]
    );
    assert_eq!(diagnostics(&doc)[0]["tool"], "gen");
}

#[test]
fn stdin_filename_in_a_subdirectory() {
    let dir = module_with("");
    bin()
        .current_dir(dir.path())
        .args(["check", "--quiet", "--stdin-filename", "build/rules.mk"])
        .write_stdin("gen:\n\tgo run ../scripts/gen\n")
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("build/rules.mk:2:2: GR001"));
}

#[test]
fn stdin_clean_text_exits_0() {
    bin()
        .args(["check", "--stdin-filename", "Makefile"])
        .write_stdin("all:\n\tgo build ./...\n")
        .assert()
        .code(0);
}

// ---------------------------------------------------------------------------
// Allowlist
// ---------------------------------------------------------------------------

#[test]
fn allowlist_hides_allowed_callsites_and_reports_unused_entries() {
    let dir = fixture("allowlist/pos");
    let doc = json_in(&dir, &[], 1);
    let toml = std::fs::read_to_string(dir.join(".gorun-lint.toml")).unwrap();
    let unused_line = toml
        .lines()
        .position(|l| l.starts_with("unused-tool"))
        .unwrap() as u64
        + 1;
    assert_eq!(
        locations(&doc),
        [
            (
                ".gorun-lint.toml".to_string(),
                unused_line,
                "GR006".to_string()
            ),
            ("Makefile".to_string(), 16, "GR001".to_string()),
            ("Makefile".to_string(), 29, "GR001".to_string()),
        ]
    );
    let diags = diagnostics(&doc);
    assert_eq!(diags[0]["name"], "unused-allow");
    assert_eq!(diags[0]["severity"], "warning");
    assert!(diags[0]["message"]
        .as_str()
        .unwrap()
        .contains("unused-tool"));
    assert_eq!(diags[1]["tool"], "migrate-test-data");
    assert_eq!(diags[2]["tool"], "apitypings");
    // migrate-ci, migrate-test and the two allowed `gen` callsites.
    assert_eq!(doc["summary"]["allowed"], 4);
    let tools: Vec<&str> = diags.iter().filter_map(|d| d["tool"].as_str()).collect();
    for allowed in ["migrate-ci", "migrate-test", "gen"] {
        assert!(!tools.contains(&allowed), "{allowed} is allowed: {tools:?}");
    }
}

#[test]
fn allowlist_unused_entries_need_the_whole_directory() {
    let doc = json_in(&fixture("allowlist/pos"), &["Makefile"], 1);
    assert_eq!(
        locations(&doc),
        [
            ("Makefile".to_string(), 16, "GR001".to_string()),
            ("Makefile".to_string(), 29, "GR001".to_string()),
        ]
    );
    assert_eq!(doc["summary"]["allowed"], 4);
}

#[test]
fn allowlist_neg_has_no_callsites_so_every_allowance_is_unused() {
    // The negative twin has the same config and allow comments but no
    // `go run`: nothing but GR006 for each entry and each comment.
    let doc = json_in(&fixture("allowlist/neg"), &[], 1);
    assert_eq!(
        locations(&doc),
        [
            (".gorun-lint.toml".to_string(), 2, "GR006".to_string()),
            (".gorun-lint.toml".to_string(), 3, "GR006".to_string()),
            (".gorun-lint.toml".to_string(), 4, "GR006".to_string()),
            ("Makefile".to_string(), 12, "GR006".to_string()),
            ("Makefile".to_string(), 14, "GR006".to_string()),
        ]
    );
    assert_eq!(doc["summary"]["allowed"], 0);
}

#[test]
fn unused_inline_allow_comment_is_reported() {
    let dir =
        module_with("gen:\n# gorun-lint: allow other -- not this one\n\tgo build ./scripts/gen\n");
    let doc = json_in(dir.path(), &[], 1);
    assert_eq!(
        locations(&doc),
        [("Makefile".to_string(), 2, "GR006".to_string())]
    );
}

/// A Makefile reached by two names (`GNUmakefile -> Makefile`) is one file:
/// reported once, edited once.
#[cfg(unix)]
#[test]
fn a_makefile_linked_under_two_names_is_read_once() {
    let dir = module_with("gen:\n\tgo run ./scripts/gen > out.txt\n");
    std::os::unix::fs::symlink("Makefile", dir.path().join("GNUmakefile")).unwrap();
    let doc = json_in(dir.path(), &[], 1);
    let files: Vec<String> = locations(&doc).into_iter().map(|l| l.0).collect();
    assert_eq!(files, ["Makefile"], "{doc}");
}

/// An `include` glob is expanded as make expands it: `GO_CMD := go` in a
/// file it matches is the definition of `$(GO_CMD)`. Where it matches
/// nothing, `include` says the file is missing (as make does, naming the
/// pattern) and the finding says the variable's definition was not seen;
/// `-include` says nothing.
#[test]
fn include_globs_define_the_go_command() {
    let dir =
        module_with("include make/_shared/*/00_mod.mk\n\ngen:\n\t$(GO_CMD) run ./scripts/gen\n");
    let unseen = "`$(GO_CMD)` is taken as the go command: its definition was not seen";
    let run = |dir: &Path| {
        let out = bin()
            .current_dir(dir)
            .args(["check", "--format", "json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
        let doc: Value = serde_json::from_str(&stdout_of(&out)).unwrap();
        let messages: Vec<String> = diagnostics(&doc)
            .iter()
            .map(|d| d["message"].as_str().unwrap().to_string())
            .collect();
        (messages, stderr_of(&out))
    };
    // Nothing matches: missing, and the variable was not seen.
    let (messages, stderr) = run(dir.path());
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].ends_with(unseen), "{messages:?}");
    assert!(
        stderr.contains(
            "Makefile:1: included file `make/_shared/*/00_mod.mk` not found; variables defined there are not known"
        ),
        "{stderr}"
    );
    // `-include`: the same finding, no warning.
    let makefile = dir.path().join("Makefile");
    let text = std::fs::read_to_string(&makefile).unwrap();
    std::fs::write(&makefile, format!("-{text}")).unwrap();
    let (messages, stderr) = run(dir.path());
    assert!(messages[0].ends_with(unseen), "{messages:?}");
    assert!(!stderr.contains("not found"), "{stderr}");
    // A matching file defines it.
    let shared = dir.path().join("make/_shared/go");
    std::fs::create_dir_all(&shared).unwrap();
    std::fs::write(shared.join("00_mod.mk"), "GO_CMD := go\n").unwrap();
    std::fs::write(&makefile, text).unwrap();
    let (messages, stderr) = run(dir.path());
    assert_eq!(
        messages,
        ["`go run ./scripts/gen` caches a new executable of `gen` in GOCACHE on every change"]
    );
    assert!(!stderr.contains("not found"), "{stderr}");
}

/// Procfiles are a source of their own: read by default, alone under
/// `--only procfiles` or config `sources = ["procfiles"]`, and left out by
/// any other choice; the process name is in the message.
#[test]
fn only_procfiles_chooses_the_procfiles() {
    let dir = module_with("gen:\n\tbash scripts/gen.sh\n");
    std::fs::write(
        dir.path().join("scripts/gen.sh"),
        "#!/bin/sh\ngo run ./scripts/gen > out.txt\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("Procfile"),
        "# api: go run ./scripts/gen\ngen: cd scripts && go run ./gen --watch\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("Procfile.dev"), "gen: ./bin/gen\n").unwrap();
    let files = |args: &[&str], code| -> Vec<(String, u64, String)> {
        locations(&json_in(dir.path(), args, code))
    };
    let procfile = ("Procfile".to_string(), 2, "GR001".to_string());
    assert_eq!(
        files(&[], 1),
        [
            procfile.clone(),
            ("scripts/gen.sh".into(), 2, "GR001".into())
        ]
    );
    assert_eq!(
        files(&["--only", "procfiles"], 1),
        std::slice::from_ref(&procfile)
    );
    assert_eq!(files(&["--only", "scripts,makefiles"], 1).len(), 1);
    assert!(!files(&["--only", "scripts"], 1).contains(&procfile));
    let doc = json_in(dir.path(), &["--only", "procfiles"], 1);
    let d = &diagnostics(&doc)[0];
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .ends_with("in Procfile process `gen`"),
        "{d}"
    );
    assert!(
        d["help"]
            .as_str()
            .unwrap()
            .starts_with("no automatic fix for Procfiles"),
        "{d}"
    );
    assert!(d["fix"].is_null(), "{d}");
    std::fs::write(
        dir.path().join(".gorun-lint.toml"),
        "sources = [\"procfiles\"]\n",
    )
    .unwrap();
    assert_eq!(files(&[], 1), [procfile]);
    // Allowed inline, on the line above, as in scripts.
    std::fs::write(
        dir.path().join("Procfile"),
        "# gorun-lint: allow gen -- dev only\ngen: cd scripts && go run ./gen --watch\n",
    )
    .unwrap();
    assert!(files(&[], 0).is_empty());
}

/// `--only go` reads the `exec.Command` calls of `.go` files and not their
/// directives, `--only generate` the reverse; config `sources` does the
/// same, and the default reads both. GR016 alone reports Go code's
/// callsites; an inline comment above one allows it, and a comment for the
/// source not read is not called unused.
#[test]
fn only_go_reads_go_code() {
    let dir = module_with("all:\n\techo ok\n");
    std::fs::write(
        dir.path().join("gen.go"),
        "package tmp\n\nimport \"os/exec\"\n\n//go:generate go run ./scripts/gen\n\nfunc gen() error {\n\treturn exec.Command(\"go\", \"run\", \"./scripts/gen\").Run()\n}\n\nfunc allowed() error {\n\t// gorun-lint: allow gen -- runs the generator on purpose\n\treturn exec.Command(\"go\", \"run\", \"./scripts/gen\", \"-v\").Run()\n}\n",
    )
    .unwrap();
    let found = |args: &[&str], code| -> Vec<(String, u64, String)> {
        locations(&json_in(dir.path(), args, code))
    };
    let code = ("gen.go".to_string(), 8, "GR016".to_string());
    let directive = ("gen.go".to_string(), 5, "GR001".to_string());
    assert_eq!(found(&[], 1), [directive.clone(), code.clone()]);
    assert_eq!(found(&["--only", "go"], 1), std::slice::from_ref(&code));
    assert_eq!(
        found(&["--only", "generate"], 1),
        std::slice::from_ref(&directive)
    );
    assert_eq!(found(&["--only", "makefiles,scripts"], 0), []);
    // The file named alone: its project's answer.
    assert_eq!(
        found(&["--only", "go", "gen.go"], 1),
        std::slice::from_ref(&code)
    );
    std::fs::write(dir.path().join(".gorun-lint.toml"), "sources = [\"go\"]\n").unwrap();
    assert_eq!(found(&[], 1), std::slice::from_ref(&code));
    assert_eq!(found(&["--only", "generate"], 1), [directive]);
    // `--select`/`--ignore` know the rule by code and name.
    assert_eq!(found(&["--ignore", "go-run-in-go-code"], 0), []);
    let doc = json_in(dir.path(), &["--select", "GR016"], 1);
    let d = &diagnostics(&doc)[0];
    assert_eq!(d["package"], "./scripts/gen", "{doc}");
    assert!(d["help"].as_str().unwrap().contains("TestMain"), "{doc}");
}

/// `--only` chooses the sources; an unknown one is a usage error naming the
/// choices.
#[test]
fn only_chooses_sources() {
    let dir = module_with("gen:\n\tbash scripts/gen.sh\n");
    std::fs::write(
        dir.path().join("scripts/gen.sh"),
        "#!/bin/sh\ngo run ./scripts/gen > out.txt\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join(".github/workflows")).unwrap();
    std::fs::write(
        dir.path().join(".github/workflows/ci.yml"),
        "on: push\njobs:\n  gen:\n    runs-on: ubuntu-latest\n    steps:\n      - run: go run ./scripts/gen\n",
    )
    .unwrap();
    let files = |args: &[&str], code| -> Vec<String> {
        let mut f: Vec<String> = locations(&json_in(dir.path(), args, code))
            .into_iter()
            .map(|l| l.0)
            .collect();
        f.dedup();
        f
    };
    assert_eq!(
        files(&[], 1),
        [".github/workflows/ci.yml", "scripts/gen.sh"]
    );
    assert_eq!(
        files(&["--only", "workflows"], 1),
        [".github/workflows/ci.yml"]
    );
    assert_eq!(files(&["--only", "makefiles"], 0), Vec::<String>::new());
    // Config `sources` does the same; `--only` overrides it.
    std::fs::write(
        dir.path().join(".gorun-lint.toml"),
        "sources = [\"scripts\"]\n",
    )
    .unwrap();
    assert_eq!(files(&[], 1), ["scripts/gen.sh"]);
    assert_eq!(
        files(&["--only", "workflows"], 1),
        [".github/workflows/ci.yml"]
    );
    std::fs::write(
        dir.path().join(".gorun-lint.toml"),
        "sources = [\"nope\"]\n",
    )
    .unwrap();
    let out = bin()
        .current_dir(dir.path())
        .args(["check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("unknown source `nope`"),
        "{}",
        stderr_of(&out)
    );
    std::fs::remove_file(dir.path().join(".gorun-lint.toml")).unwrap();
    let out = bin()
        .current_dir(dir.path())
        .args(["check", "--only", "bogus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("makefiles, scripts, generate, go, workflows"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn a_go_generate_alias_used_twice_is_one_finding() {
    // Both directives run the `go run` written on the alias's line: one
    // place to change, reported once (it was reported twice).
    let dir = module_with("");
    std::fs::write(
        dir.path().join("a.go"),
        "package a\n\n//go:generate -command gen go run ./scripts/gen\n//go:generate gen -out a.txt\n//go:generate gen -out b.txt\n",
    )
    .unwrap();
    let doc = json_in(dir.path(), &[], 1);
    assert_eq!(
        locations(&doc),
        [("a.go".to_string(), 3, "GR001".to_string())]
    );
    assert_eq!(doc["summary"]["findings"], 1);
    // Its twin: an alias holding only the go command, used with two
    // packages, is two findings (the packages differ).
    std::fs::create_dir_all(dir.path().join("scripts/other")).unwrap();
    std::fs::write(dir.path().join("scripts/other/main.go"), GO_MAIN).unwrap();
    std::fs::write(
        dir.path().join("a.go"),
        "package a\n\n//go:generate -command run go run\n//go:generate run ./scripts/gen\n//go:generate run ./scripts/other\n",
    )
    .unwrap();
    let doc = json_in(dir.path(), &[], 1);
    assert_eq!(doc["summary"]["findings"], 2, "{doc}");
}

#[test]
fn env_options_before_go_are_kept_in_the_fix_or_get_none() {
    // `env -C sub` runs the package of `sub/`, and the helper's path would
    // be written for the wrong directory: no fix (it was offered one, and
    // read as the root's package). `env -u GOOS` builds for the host: the
    // helper is built with the same `env -u GOOS` (it was built in make's
    // environment, for whatever GOOS make exports).
    let dir = module_with(
        "a:\n\tgo run ./scripts/gen\nc:\n\tenv -C sub go run ./scripts/gen\nu:\n\tenv -u GOOS go run ./scripts/gen\n",
    );
    std::fs::create_dir_all(dir.path().join("sub/scripts/gen")).unwrap();
    std::fs::write(dir.path().join("sub/scripts/gen/main.go"), GO_MAIN).unwrap();
    let doc = json_in(dir.path(), &[], 1);
    let ds = diagnostics(&doc);
    let field = |i: usize, k: &str| ds[i][k].clone();
    assert_eq!(ds.len(), 3, "{doc}");
    assert_eq!(field(0, "fix")["applicability"], "safe");
    assert!(field(1, "fix").is_null(), "{doc}");
    assert_eq!(field(2, "fix")["applicability"], "safe");
    // Three builds: the root's, `sub/`'s, the root's without GOOS.
    assert_ne!(field(1, "target"), field(0, "target"), "{doc}");
    assert_ne!(field(2, "target"), field(0, "target"), "{doc}");
    let diff = fix_diff_in(dir.path());
    assert!(
        diff.contains(
            "+\tenv -u GOOS go build -buildvcs=false -ldflags=\"-s -w\" -o $@ ./scripts/gen"
        ),
        "{diff}"
    );
    assert!(
        diff.contains(" \tenv -C sub go run ./scripts/gen"),
        "{diff}"
    );
    // Its twin: without the env options, every callsite is fixed, the
    // same package and build everywhere.
    let dir = module_with("a:\n\tgo run ./scripts/gen\nc:\n\tgo run ./scripts/gen\n");
    let doc = json_in(dir.path(), &[], 1);
    let ds = diagnostics(&doc);
    assert!(
        ds.iter().all(|d| d["fix"]["applicability"] == "safe"),
        "{doc}"
    );
    assert_eq!(ds[0]["target"], ds[1]["target"]);
}

/// A workflow's `${{ ... }}` is expanded by GitHub Actions before the step
/// runs: the message says so. Twin: a shell variable is the shell's.
#[test]
fn workflow_expressions_are_expanded_by_actions_not_the_shell() {
    let dir = module_with("");
    std::fs::remove_file(dir.path().join("Makefile")).unwrap();
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    std::fs::write(
        workflows.join("ci.yml"),
        concat!(
            "on: push\n",
            "jobs:\n",
            "  gen:\n",
            "    runs-on: ubuntu-latest\n",
            "    steps:\n",
            "      - run: go run ${{ matrix.pkg }}\n",
            "      - run: go run $PKG\n",
        ),
    )
    .unwrap();
    let doc = json_in(dir.path(), &[], 1);
    let messages: Vec<&str> = diagnostics(&doc)
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 2, "{doc}");
    assert!(
        messages[0].contains("`${{ matrix.pkg }}` is expanded by GitHub Actions"),
        "{doc}"
    );
    assert!(
        messages[1].contains("`$PKG` is expanded by the shell"),
        "{doc}"
    );
}

/// The go command's own `-C dir` before the verb (`go -C dir run`) is the
/// same build as `go run -C dir`; twin: `go -C dir vet` runs nothing.
#[test]
fn go_dash_c_before_the_verb() {
    let dir = module_with(concat!(
        "a:\n\tgo -C scripts run ./gen\n",
        "b:\n\tgo -C=scripts run ./gen\n",
        "c:\n\tgo run -C scripts ./gen\n",
        "d:\n\tgo -C scripts vet ./...\n",
    ));
    let doc = json_in(dir.path(), &[], 1);
    let ds = diagnostics(&doc);
    assert_eq!(
        locations(&doc),
        [
            ("Makefile".to_string(), 2, "GR001".to_string()),
            ("Makefile".to_string(), 4, "GR001".to_string()),
            ("Makefile".to_string(), 6, "GR001".to_string()),
        ],
        "{doc}"
    );
    for d in ds {
        assert_eq!(d["package"], "./gen", "{doc}");
        assert_eq!(d["target"], ds[2]["target"], "{doc}");
        assert_eq!(d["fix"]["applicability"], "safe", "{doc}");
    }
}

/// GR004 says where a dependency's package comes from: a required module,
/// or nowhere in go.mod (the go command resolves it).
#[test]
fn dependency_messages_say_where_the_package_comes_from() {
    let dir = module_with(concat!(
        "a:\n\tgo run example.org/tools/cmd/gen\n",
        "b:\n\tgo run golang.org/x/tools/cmd/stringer -type=X\n",
    ));
    std::fs::write(
        dir.path().join("go.mod"),
        "module example.com/tmp\n\ngo 1.24\n\nrequire example.org/tools v1.2.3\n",
    )
    .unwrap();
    let doc = json_in(dir.path(), &["--select", "GR004"], 1);
    let messages: Vec<&str> = diagnostics(&doc)
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "`go run example.org/tools/cmd/gen` (from required module example.org/tools) caches an executable in GOCACHE on every change",
            "`go run golang.org/x/tools/cmd/stringer` (not required in go.mod: the go command resolves it) caches an executable in GOCACHE on every change",
        ],
        "{doc}"
    );
}

/// `go run` inside `bash -c "..."`: found in the string as written, and in
/// a string with escapes, read as the inner shell gets it (located on its
/// own bytes). Fixed where the callsite's own words hold no escape (the fix
/// copies them into the helper's build); twin: an escape in a flag's value
/// leaves it reported, not fixed.
#[test]
fn go_run_in_a_shell_string() {
    let dir = module_with(concat!(
        "a:\n\tbash -c \"cd scripts && go run ./gen --name x\"\n",
        "b:\n\tbash -c \"cd scripts && go run ./gen --name \\\"x y\\\"\"\n",
        "c:\n\tbash -c \"cd scripts && go run -ldflags \\\"-s -w\\\" ./gen\"\n",
    ));
    let doc = json_in(dir.path(), &[], 1);
    let ds = diagnostics(&doc);
    assert_eq!(ds.len(), 3, "{doc}");
    for d in &ds[..2] {
        assert_eq!(d["rule"], "GR001", "{doc}");
        assert_eq!(d["package"], "./gen", "{doc}");
        // The same bytes on both lines: `go run ./gen`.
        assert_eq!(d["column"], ds[0]["column"], "{doc}");
        assert_eq!(d["end_column"], ds[0]["end_column"], "{doc}");
        assert_eq!(d["fix"]["applicability"], "safe", "{doc}");
    }
    assert_eq!(
        ds[0]["end_column"].as_u64().unwrap() - ds[0]["column"].as_u64().unwrap(),
        "go run ./gen".len() as u64,
        "{doc}"
    );
    assert_eq!(ds[2]["package"], "./gen", "{doc}");
    assert!(ds[2]["fix"].is_null(), "{doc}");
    let diff = fix_diff_in(dir.path());
    assert!(
        diff.contains("+\tbash -c \"cd scripts && $(CURDIR)/_gen/bin/gen --name \\\"x y\\\"\"\n"),
        "{diff}"
    );
    assert!(
        diff.contains(" \tbash -c \"cd scripts && go run -ldflags \\\"-s -w\\\" ./gen\"\n"),
        "{diff}"
    );
}

/// Make's `$(CURDIR)` is the directory the recipe starts in: `go run
/// $(CURDIR)/scripts/gen` (also through a variable) and `cd $(CURDIR) &&`
/// resolve, and the package is shown with `$(CURDIR)`, not this machine's
/// path. Twin: an undefined variable in its place stays unresolved.
#[test]
fn curdir_is_where_the_recipe_starts() {
    let dir = module_with(concat!(
        "GEN := $(CURDIR)/scripts/gen\n",
        "a:\n\tgo run $(CURDIR)/scripts/gen\n",
        "b:\n\tgo run $(GEN)\n",
        "c:\n\tcd $(CURDIR) && go run ./scripts/gen\n",
        "d:\n\tgo run $(ELSEWHERE)/scripts/gen\n",
    ));
    let doc = json_in(dir.path(), &[], 1);
    let ds = diagnostics(&doc);
    let got: Vec<(&str, &str, &Value)> = ds
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap(),
                d["package"].as_str().unwrap(),
                &d["fix"]["applicability"],
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("GR001", "$(CURDIR)/scripts/gen", &Value::from("safe")),
            ("GR001", "$(CURDIR)/scripts/gen", &Value::from("safe")),
            ("GR001", "./scripts/gen", &Value::from("safe")),
            ("GR005", "$(ELSEWHERE)/scripts/gen", &Value::Null),
        ],
        "{doc}"
    );
    assert_eq!(ds[0]["target"], ds[2]["target"], "{doc}");
}

/// A recipe's `cd` to a make variable follows the variable's value
/// (`$(CURDIR)/...` or a relative literal); twin: an undefined variable
/// leaves the directory unknown and the callsite unfixed.
#[test]
fn cd_to_a_make_variable() {
    let dir = module_with(concat!(
        "ROOT := $(CURDIR)\n",
        "SCRIPTS := scripts\n",
        "a:\n\tcd $(ROOT)/scripts && go run ./gen\n",
        "b:\n\tcd $(SCRIPTS) && go run ./gen\n",
        "c:\n\tcd $(ELSEWHERE) && go run ./gen\n",
    ));
    let doc = json_in(dir.path(), &[], 1);
    let ds = diagnostics(&doc);
    assert_eq!(ds.len(), 3, "{doc}");
    assert_eq!(ds[0]["fix"]["applicability"], "safe", "{doc}");
    assert_eq!(ds[1]["fix"]["applicability"], "safe", "{doc}");
    assert!(ds[2]["fix"].is_null(), "{doc}");
    let diff = fix_diff_in(dir.path());
    // The helper from make's directory, whatever the variable holds.
    assert!(
        diff.contains("+\tcd $(ROOT)/scripts && $(CURDIR)/_gen/bin/gen\n"),
        "{diff}"
    );
    assert!(
        diff.contains("+\tcd $(SCRIPTS) && $(CURDIR)/_gen/bin/gen\n"),
        "{diff}"
    );
    assert!(
        diff.contains(" \tcd $(ELSEWHERE) && go run ./gen\n"),
        "{diff}"
    );
    assert!(
        ds[2]["message"]
            .as_str()
            .unwrap()
            .contains("`cd $(ELSEWHERE)` depends on a variable"),
        "{doc}"
    );
}

/// `vendor/` and `testdata/` are not the project's (issue 19): a `go run`
/// in a vendored module's or a test input's Makefile is neither reported
/// nor fixed when the tree is walked; its twin at the project's own
/// `tools/` is. Named on the command line, the directory is checked.
#[test]
fn vendor_and_testdata_are_not_walked() {
    let dir = module_with(ONE_CALLSITE);
    let d = dir.path();
    for sub in ["vendor/example.com/dep", "x/testdata/proj", "tools"] {
        std::fs::create_dir_all(d.join(sub).join("gen")).unwrap();
        std::fs::write(d.join(sub).join("gen/main.go"), GO_MAIN).unwrap();
        std::fs::write(
            d.join(sub).join("Makefile"),
            ONE_CALLSITE.replace("scripts/", ""),
        )
        .unwrap();
    }
    let out = bin()
        .current_dir(d)
        .args(["check", "--format", "json", "."])
        .output()
        .unwrap();
    let json = stdout_of(&out);
    assert!(json.contains("\"Makefile\""), "{json}");
    assert!(json.contains("tools/Makefile"), "{json}");
    assert!(!json.contains("vendor/"), "{json}");
    assert!(!json.contains("testdata/"), "{json}");
    let diff = fix_diff_in(d);
    assert!(diff.contains("tools/Makefile"), "{diff}");
    assert!(
        !diff.contains("vendor/") && !diff.contains("testdata/"),
        "{diff}"
    );
    // Named, they are checked.
    for named in ["vendor/example.com/dep", "x/testdata/proj/Makefile"] {
        let out = bin()
            .current_dir(d)
            .args(["check", "--format", "json", named])
            .output()
            .unwrap();
        let json = stdout_of(&out);
        assert!(json.contains("GR001"), "{named}: {json}");
    }
}

/// `-flag=value` is one word for the flag parser whatever the value holds
/// (issue 19): `-tags=$(TAGS)` and `-ldflags="$${LDFLAGS}"` were read as
/// the package (a false GR005, the GR001 fix missed). The helper's build
/// keeps the flag as written. Its twin: a package that is a variable stays
/// unresolved.
#[test]
fn a_flag_whose_value_is_a_variable_is_a_flag() {
    let dir = module_with(
        "a:\n\tgo run -tags=$(TAGS) ./scripts/gen\nb:\n\tgo run -ldflags=\"$${LDFLAGS}\" ./scripts/gen\nc:\n\tgo run -tags=x $(PKG)\n",
    );
    let out = bin()
        .current_dir(dir.path())
        .args(["check", "--format", "json", "."])
        .output()
        .unwrap();
    let json = stdout_of(&out);
    assert_eq!(json.matches("\"GR001\"").count(), 2, "{json}");
    assert_eq!(json.matches("\"GR005\"").count(), 1, "{json}");
    assert!(json.contains("\"package\": \"$(PKG)\""), "{json}");
    let diff = fix_diff_in(dir.path());
    assert!(
        diff.contains(
            "go build -buildvcs=false -ldflags=\"-s -w\" -tags=$(TAGS) -o $@ ./scripts/gen"
        ),
        "{diff}"
    );
    assert!(
        diff.contains(
            "go build -buildvcs=false -ldflags=\"-s -w $${LDFLAGS}\" -o $@ ./scripts/gen"
        ),
        "{diff}"
    );
}

/// Issue 20: a run that could not check something never reads as a clean
/// one, in any format: a malformed config and a path that does not exist
/// are in the human summary, JSON's `errors` (and `summary.errors`),
/// SARIF's invocation (`executionSuccessful: false` and a notification)
/// and a GitHub `::error` annotation; the exit code stays 2. The twin: a
/// clean run has no error anywhere.
#[test]
fn errors_are_in_every_format() {
    let dir = module_with("gen:\n\tgo run ./scripts/gen\n");
    std::fs::write(dir.path().join(".gorun-lint.toml"), "out-dir = 3\n").unwrap();
    let run = |args: &[&str]| {
        let out = bin().current_dir(dir.path()).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stdout_of(&out));
        stdout_of(&out)
    };
    let human = run(&["check", "."]);
    assert!(
        human.contains("1 error: no `go run` findings (0 files checked)."),
        "{human}"
    );
    assert!(!human.contains("No `go run` findings"), "{human}");
    let json: Value = serde_json::from_str(&run(&["check", "--format", "json", "."])).unwrap();
    assert_eq!(json["summary"]["errors"], 1, "{json}");
    assert_eq!(json["errors"][0]["file"], ".gorun-lint.toml", "{json}");
    assert_eq!(json["errors"][0]["line"], 1, "{json}");
    let sarif: Value = serde_json::from_str(&run(&["check", "--format", "sarif", "."])).unwrap();
    let inv = &sarif["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false, "{inv}");
    assert_eq!(
        inv["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]
            ["artifactLocation"]["uri"],
        ".gorun-lint.toml",
        "{inv}"
    );
    let github = run(&["check", "--format", "github", "."]);
    assert!(
        github.starts_with("::error file=.gorun-lint.toml,line=1,"),
        "{github}"
    );
    // A path that does not exist, from a clean directory.
    std::fs::remove_file(dir.path().join(".gorun-lint.toml")).unwrap();
    let json: Value =
        serde_json::from_str(&run(&["check", "--format", "json", "missing-dir"])).unwrap();
    assert_eq!(json["errors"][0]["file"], "missing-dir", "{json}");
    // The twin: a clean run.
    let out = bin()
        .current_dir(dir.path())
        .args(["check", "--format", "sarif", "."])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
    let out = bin()
        .current_dir(dir.path())
        .args(["check", "--format", "github", "."])
        .output()
        .unwrap();
    assert!(!stdout_of(&out).contains("gorun-lint error"));
}

/// Issue 20: flags that keep their word. Rule selectors take code
/// prefixes, as ruff's do (`GR00` is GR001-GR009; `GR1` selects nothing and
/// is refused); `check --fix` points at `gorun-lint fix`; `fix --dry-run`
/// is `fix --diff`.
#[test]
fn selectors_take_prefixes_and_fix_flags_point_the_way() {
    let dir = module_with(
        "gen:\n\tgo run ./scripts/gen\n\tgo run golang.org/x/tools/cmd/stringer@latest\n",
    );
    let rules = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--exit-zero"];
        all.extend(args);
        let doc = json_in(dir.path(), &all, 0);
        diagnostics(&doc)
            .iter()
            .map(|d| d["rule"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(rules(&["--select", "GR00"]), ["GR001", "GR003"]);
    assert_eq!(rules(&["--select", "gr001"]), ["GR001"]);
    assert_eq!(rules(&["--ignore", "GR0"]), Vec::<String>::new());
    assert_eq!(rules(&["--ignore", "remote-go-run"]), ["GR001"]);
    let out = bin()
        .current_dir(dir.path())
        .args(["check", "--select", "GR1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bin()
        .current_dir(dir.path())
        .args(["check", "--fix"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("run `gorun-lint fix`"));
    let diff = |flag: &str| {
        let out = bin()
            .current_dir(dir.path())
            .args(["fix", flag])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{flag}");
        stdout_of(&out)
    };
    assert_eq!(diff("--dry-run"), diff("--diff"));
    assert!(diff("--dry-run").contains("+\t_gen/bin/gen"));
}

/// Issue 20: `fix --stdin-filename PATH` (for editors) prints the fixed text
/// of PATH, read from standard input, and writes nothing; the other files
/// the fix would change are named on standard error. The twin: text with
/// nothing to fix comes back as it was.
#[test]
fn fix_stdin_filename_prints_the_fixed_text() {
    let dir = module_with("gen:\n\tgo run ./scripts/gen\n");
    let on_disk = std::fs::read_to_string(dir.path().join("Makefile")).unwrap();
    let out = bin()
        .current_dir(dir.path())
        .args(["fix", "--stdin-filename", "Makefile"])
        .write_stdin("gen:\n\tgo run ./scripts/gen > x\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    assert!(
        text.starts_with("gen: | _gen/bin/gen\n\t_gen/bin/gen > x\n"),
        "{text}"
    );
    assert!(text.contains("\n_gen/bin/gen: go.mod"), "{text}");
    assert!(
        stderr_of(&out).contains(".gitignore"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Makefile")).unwrap(),
        on_disk
    );
    assert!(!dir.path().join(".gitignore").exists());
    let out = bin()
        .current_dir(dir.path())
        .args(["fix", "--stdin-filename", "Makefile"])
        .write_stdin("all:\n\techo hi\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout_of(&out), "all:\n\techo hi\n");
}

/// Issue 20: an inline suppression needs a reason, as a config entry does:
/// without one it allows nothing, the callsite is reported, and GR006 says
/// why. The twin: with a reason it allows the callsite.
#[test]
fn an_inline_allow_without_a_reason_allows_nothing() {
    let dir = module_with(
        "a:\n\t# gorun-lint: allow gen\n\tgo run ./scripts/gen\n\nb:\n\t# gorun-lint: allow gen -- generated at release only\n\tgo run ./scripts/gen\n",
    );
    let doc = json_in(dir.path(), &[], 1);
    let got: Vec<(String, u64)> = diagnostics(&doc)
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [("GR006".to_string(), 2), ("GR001".to_string(), 3)],
        "{doc}"
    );
    assert!(
        diagnostics(&doc)[0]["message"]
            .as_str()
            .unwrap()
            .contains("has no reason"),
        "{doc}"
    );
    assert_eq!(doc["summary"]["allowed"], 1, "{doc}");
}

/// Issue 20: a config error names the offending key's line, whatever the
/// check that failed (serde's, or gorun-lint's own: unknown rule codes,
/// globs, the out dir).
#[test]
fn config_errors_name_the_keys_line() {
    let dir = module_with("gen:\n\tgo run ./scripts/gen\n");
    for (config, line) in [
        ("# ours\nout-dir = \"_gen\"\nignore = [\"GR999\"]\n", 3),
        ("\n\nexclude = [\"a[\"]\n", 3),
        ("clean-target = \"clean\"\nout-dir = \"/abs\"\n", 2),
        ("out-dir = \"_gen\"\n\n[allow]\ngen = \"\"\n", 4),
    ] {
        std::fs::write(dir.path().join(".gorun-lint.toml"), config).unwrap();
        let doc = json_in(dir.path(), &[], 2);
        assert_eq!(doc["errors"][0]["line"], line, "{config:?}: {doc}");
    }
}

/// Issue 20: SARIF's driver carries the tool's version, and no address
/// that does not exist (`informationUri` only from Cargo.toml's
/// `repository`, which is not set).
#[test]
fn sarif_driver_has_a_version_and_no_made_up_address() {
    let dir = module_with("gen:\n\tgo run ./scripts/gen\n");
    let out = bin()
        .current_dir(dir.path())
        .args(["check", "--format", "sarif"])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let driver = &sarif["runs"][0]["tool"]["driver"];
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"), "{driver}");
    assert_eq!(
        driver.get("informationUri").and_then(|v| v.as_str()),
        option_env!("CARGO_PKG_REPOSITORY").filter(|u| !u.is_empty()),
        "{driver}"
    );
}

/// Issue 20: an allowlist key written as a path names the package, however
/// a callsite spells it: `"./scripts/gen"` allows `cd scripts/gen && go
/// run .` and, from `sub/Makefile`, `go run ../scripts/gen`. The twin: a
/// key for another directory allows neither.
#[test]
fn a_path_key_allows_every_spelling_of_its_package() {
    let dir = module_with("a:\n\tcd scripts/gen && go run .\n");
    std::fs::create_dir_all(dir.path().join("sub")).unwrap();
    std::fs::write(
        dir.path().join("sub/Makefile"),
        "b:\n\tgo run ../scripts/gen\n",
    )
    .unwrap();
    let config = dir.path().join(".gorun-lint.toml");
    std::fs::write(
        &config,
        "[allow]\n\"./scripts/gen\" = \"kept: release only\"\n",
    )
    .unwrap();
    let doc = json_in(dir.path(), &[], 0);
    assert!(diagnostics(&doc).is_empty(), "{doc}");
    assert_eq!(doc["summary"]["allowed"], 2, "{doc}");
    // The module import path, and a file of the package, are the package.
    for key in ["example.com/tmp/scripts/gen", "./scripts/gen/main.go"] {
        std::fs::write(&config, format!("[allow]\n\"{key}\" = \"kept\"\n")).unwrap();
        let doc = json_in(dir.path(), &[], 0);
        assert_eq!(doc["summary"]["allowed"], 2, "{key}: {doc}");
    }
    std::fs::write(&config, "[allow]\n\"./scripts/other\" = \"kept\"\n").unwrap();
    let doc = json_in(dir.path(), &[], 1);
    let rules: Vec<&str> = diagnostics(&doc)
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["GR006", "GR001", "GR001"], "{doc}");
}

/// Issue 20: `go run gen.go` is keyed by its files' directory, as
/// docs/config.md says (the helper is named after it too), not by the
/// file's stem.
#[test]
fn a_file_run_is_keyed_by_its_directory() {
    let dir = module_with("gen:\n\tcd tools && go run gen.go\n");
    std::fs::create_dir_all(dir.path().join("tools")).unwrap();
    std::fs::write(
        dir.path().join("tools/gen.go"),
        "//go:build ignore\n\npackage main\n\nfunc main() {}\n",
    )
    .unwrap();
    let config = dir.path().join(".gorun-lint.toml");
    std::fs::write(&config, "[allow]\ntools = \"kept\"\n").unwrap();
    let doc = json_in(dir.path(), &[], 0);
    assert_eq!(doc["summary"]["allowed"], 1, "{doc}");
    std::fs::write(&config, "[allow]\ngen = \"kept\"\n").unwrap();
    let doc = json_in(dir.path(), &[], 1);
    let rules: Vec<&str> = diagnostics(&doc)
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["GR006", "GR001"], "{doc}");
    assert_eq!(diagnostics(&doc)[1]["tool"], "tools", "{doc}");
}

// ---------------------------------------------------------------------------
// Man pages (issue 20)
// ---------------------------------------------------------------------------

/// `text` as roff writes it in a page (`-` is `\-`).
fn roff(text: &str) -> String {
    text.replace('-', "\\-")
}

/// The page `gorun-lint man ARGS` prints.
fn man_page(args: &[&str]) -> String {
    let out = bin().arg("man").args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    stdout_of(&out)
}

/// Every command (and gorun-lint itself) has a page of its own, named as
/// git's are, with the options clap knows and the sections it does not.
#[test]
fn every_command_has_a_man_page_with_its_options_and_exit_status() {
    let pages: &[(&str, &[&str])] = &[
        (
            "",
            &["gorun-lint-check(1)", "gorun-lint-fix(1)", "--version"],
        ),
        (
            "check",
            &[
                "--statistics",
                "--select",
                "--ignore",
                "--baseline",
                "--only",
            ],
        ),
        (
            "fix",
            &[
                "--unsafe-fixes",
                "--diff",
                "--out-dir",
                "--stdin-filename",
                "--select",
                "--ignore",
            ],
        ),
        ("migrate", &["--apply", "--unsafe-fixes"]),
        ("cache", &["--prune", "--gocache", "--all-executables"]),
        ("completions", &["SHELL"]),
        ("man", &["--dir", "COMMAND"]),
        ("rules", &["--help"]),
        ("rule", &["CODE"]),
    ];
    for (command, options) in pages {
        let args: Vec<&str> = Some(*command)
            .filter(|c| !c.is_empty())
            .into_iter()
            .collect();
        let page = man_page(&args);
        let name = if command.is_empty() {
            "gorun-lint".to_string()
        } else {
            format!("gorun-lint-{command}")
        };
        assert!(page.contains(&format!(".TH {name} 1")), "{name}:\n{page}");
        assert!(
            page.contains(&format!(".SH NAME\n{} \\-", roff(&name))),
            "{name}:\n{page}"
        );
        for option in *options {
            assert!(
                page.contains(&roff(option)),
                "{name} lacks {option}:\n{page}"
            );
        }
        for section in [
            ".SH SYNOPSIS",
            ".SH \"EXIT STATUS\"",
            ".SH FILES",
            ".SH ENVIRONMENT",
            ".SH EXAMPLES",
            ".SH \"SEE ALSO\"",
        ] {
            assert!(page.contains(section), "{name} lacks {section}:\n{page}");
        }
        // Examples are of this command.
        let examples = &page[page.find(".SH EXAMPLES").unwrap()..];
        assert!(
            examples.contains(&format!(
                "\\fB{}",
                roff(format!("gorun-lint {command}").trim())
            )),
            "{name}:\n{page}"
        );
        // The roff apostrophe preamble once, at the top.
        assert_eq!(page.matches(".ds Aq").count(), 2, "{name}:\n{page}");
    }
    // What each command really exits with, and reads.
    let check = man_page(&["check"]);
    assert!(check.contains("\\fB1\\fR\nFindings"), "{check}");
    assert!(check.contains("\\fBNO_COLOR\\fR"), "{check}");
    assert!(check.contains("\\fBGORUN_LINT_TIMINGS\\fR"), "{check}");
    assert!(check.contains("\\fB.gorun\\-lint.toml\\fR"), "{check}");
    // (GOCACHE for --cache-cost.)
    assert!(check.contains("\\fBGOCACHE\\fR"), "{check}");
    let fix = man_page(&["fix"]);
    assert!(
        fix.contains("\\fB1\\fR\nWith \\-\\-diff: there are changes"),
        "{fix}"
    );
    let cache = man_page(&["cache"]);
    assert!(cache.contains("\\fBGOCACHE\\fR"), "{cache}");
    assert!(
        !cache.contains("\\fB1\\fR"),
        "cache never exits 1:\n{cache}"
    );
    assert!(!cache.contains("NO_COLOR"), "{cache}");
}

#[test]
fn man_of_an_unknown_command_exits_2_naming_the_pages() {
    bin()
        .args(["man", "chek"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("no man page for `chek`"))
        .stderr(predicate::str::contains("check, fix"));
    bin().args(["man", "check", "--dir", "x"]).assert().code(2);
}

/// `man --dir` writes every page, each the one `man COMMAND` prints; and,
/// where man-db is installed, each renders without a warning.
#[test]
fn man_dir_writes_one_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    bin()
        .args(["man", "--dir"])
        .arg(&out)
        .assert()
        .code(0)
        .stdout("");
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let commands = [
        "cache",
        "check",
        "completions",
        "fix",
        "man",
        "migrate",
        "rule",
        "rules",
    ];
    let mut expected: Vec<String> = commands
        .iter()
        .map(|c| format!("gorun-lint-{c}.1"))
        .collect();
    expected.push("gorun-lint.1".into());
    expected.sort();
    assert_eq!(files, expected);
    for c in commands {
        let written = std::fs::read_to_string(out.join(format!("gorun-lint-{c}.1"))).unwrap();
        assert_eq!(written, man_page(&[c]), "{c}");
    }
    assert_eq!(
        std::fs::read_to_string(out.join("gorun-lint.1")).unwrap(),
        man_page(&[])
    );
    let has_man = std::process::Command::new("man")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_man {
        eprintln!("man is not installed: pages not rendered");
        return;
    }
    for f in &files {
        let r = std::process::Command::new("man")
            .args(["--warnings", "-l"])
            .arg(out.join(f))
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "80")
            .output()
            .unwrap();
        let stderr = stderr_of(&r);
        assert!(r.status.success() && stderr.is_empty(), "{f}: {stderr}");
        assert!(stdout_of(&r).contains("EXIT STATUS"), "{f}");
    }
}

// ---------------------------------------------------------------------------
// check --show-files, --show-settings (issue 20)
// ---------------------------------------------------------------------------

/// A module with a callsite at the top, a sub-directory with its own
/// config (which excludes `third_party/`), a script, and what the walk
/// passes over: `vendor/`, a git-ignored directory.
fn show_tree() -> tempfile::TempDir {
    let dir = module_with(ONE_CALLSITE);
    let write = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        "sub/.gorun-lint.toml",
        "out-dir = \"bin/tools\"\nexclude = [\"third_party/**\"]\ngo-commands = [\"./hack/gow\"]\nexec-wrappers = [{ name = \"addlicense\", skip-flags = [\"-file\"] }]\n\n[allow]\ngen = \"release only\"\n",
    );
    write("sub/Makefile", "x:\n\tgo run ../scripts/gen\n");
    write("sub/third_party/rules.mk", "y:\n\tgo run ./z\n");
    write("tools/gen.sh", "#!/bin/sh\ngo run ./scripts/gen\n");
    write("vendor/Makefile", "v:\n\tgo run ./v\n");
    write(".gitignore", "ignored/\n");
    write("ignored/Makefile", "i:\n\tgo run ./i\n");
    dir
}

fn lines_of(dir: &Path, args: &[&str], code: i32) -> Vec<String> {
    let out = bin().current_dir(dir).args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(code), "{}", stderr_of(&out));
    stdout_of(&out).lines().map(String::from).collect()
}

/// The files are the check's own walk (`.gitignore`, `vendor/`, config
/// `exclude`, `--only` respected), relative and sorted; nothing is checked
/// (the tree has findings, the exit code is 0).
#[test]
fn show_files_lists_what_check_would_read_and_checks_nothing() {
    let dir = show_tree();
    json_in(dir.path(), &[], 1);
    let all = [
        "Makefile",
        "scripts/gen/main.go",
        "sub/Makefile",
        "tools/gen.sh",
    ];
    assert_eq!(lines_of(dir.path(), &["check", "--show-files"], 0), all);
    assert_eq!(
        lines_of(dir.path(), &["check", "--show-files", "."], 0),
        all
    );
    assert_eq!(
        lines_of(
            dir.path(),
            &["check", "--show-files", "--only", "makefiles"],
            0
        ),
        ["Makefile", "sub/Makefile"]
    );
    // Named on the command line, a file is always checked.
    assert_eq!(
        lines_of(
            dir.path(),
            &["check", "--show-files", "sub/third_party/rules.mk", "tools"],
            0
        ),
        ["sub/third_party/rules.mk", "tools/gen.sh"]
    );
    // A missing path is an error, as for a check.
    let out = bin()
        .current_dir(dir.path())
        .args(["check", "--show-files", "nope", "tools"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout_of(&out), "tools/gen.sh\n");
    assert!(stderr_of(&out).contains("nope"), "{}", stderr_of(&out));
    // They check nothing: flags about the report do not go with them.
    bin()
        .current_dir(dir.path())
        .args(["check", "--show-files", "--format", "json"])
        .assert()
        .code(2);
}

/// Each configuration that applies, once, with its files and every
/// setting (defaults included); `--config` applies to every file.
#[test]
fn show_settings_names_the_config_of_each_file_and_its_settings() {
    let dir = show_tree();
    let out = lines_of(dir.path(), &["check", "--show-settings"], 0).join("\n");
    let blocks: Vec<&str> = out.split("\n\n# config: ").collect();
    assert_eq!(blocks.len(), 2, "{out}");
    let (top, sub) = (blocks[0], blocks[1]);
    assert!(top.starts_with("# config: defaults"), "{out}");
    assert!(
        top.contains("# files:\n#   Makefile\n#   scripts/gen/main.go\n#   tools/gen.sh\n"),
        "{out}"
    );
    for line in [
        "out-dir = \"_gen/bin\"",
        "clean-target = \"clean\"",
        "prerequisites = \"go-list\"",
        "go-commands = []",
        "exec-wrappers = []",
        "exclude = []",
        "ignore = []",
        "sources = [\"makefiles\", \"scripts\", \"generate\", \"go\", \"workflows\", \"procfiles\"]",
        "[allow]",
    ] {
        assert!(top.lines().any(|l| l == line), "{line}:\n{out}");
    }
    assert!(
        sub.starts_with("sub/.gorun-lint.toml\n# files:\n#   sub/Makefile\n"),
        "{out}"
    );
    for line in [
        "out-dir = \"bin/tools\"",
        "go-commands = [\"./hack/gow\"]",
        "exec-wrappers = [{ name = \"addlicense\", skip-flags = [\"-file\"] }]",
        "exclude = [\"third_party/**\"]",
        "\"gen\" = \"release only\"",
    ] {
        assert!(sub.lines().any(|l| l == line), "{line}:\n{out}");
    }
    // For one path; and with --config, that file for every file.
    let one = lines_of(dir.path(), &["check", "--show-settings", "sub/Makefile"], 0);
    assert_eq!(one[0], "# config: sub/.gorun-lint.toml");
    assert_eq!(one[2], "#   sub/Makefile");
    let forced = lines_of(
        dir.path(),
        &[
            "check",
            "--show-settings",
            "--config",
            "sub/.gorun-lint.toml",
            "--only",
            "makefiles",
        ],
        0,
    );
    assert_eq!(
        forced[..4],
        [
            "# config: sub/.gorun-lint.toml",
            "# files:",
            "#   Makefile",
            "#   sub/Makefile"
        ]
    );
    assert!(
        forced.contains(&"sources = [\"makefiles\"]  # from --only".to_string()),
        "{forced:?}"
    );
    // A directory with nothing to check still shows what applies there.
    std::fs::create_dir_all(dir.path().join("sub/empty")).unwrap();
    let empty = lines_of(dir.path(), &["check", "--show-settings", "sub/empty"], 0);
    assert_eq!(
        empty[..2],
        ["# config: sub/.gorun-lint.toml", "# files: none"]
    );
}

// ---------------------------------------------------------------------------
// fix --select, --ignore (issue 20)
// ---------------------------------------------------------------------------

/// What `fix --diff ARGS` prints in `dir`, with its exit code.
fn fix_diff_with(dir: &Path, args: &[&str]) -> (String, Option<i32>) {
    let out = bin()
        .current_dir(dir)
        .args(["fix", "--diff"])
        .args(args)
        .output()
        .unwrap();
    (stdout_of(&out), out.status.code())
}

/// `fix` chooses rules as `check` does: only the chosen rules' fixes are
/// applied (a GR001 and a GR003 callsite in one recipe), and an unknown
/// selector is a usage error.
#[test]
fn fix_select_and_ignore_choose_whose_fixes_are_applied() {
    let dir = module_with(
        "gen:\n\tgo run ./scripts/gen\n\tgo run golang.org/x/tools/cmd/stringer@v0.20.0 -type=X\n",
    );
    let local = "+\t_gen/bin/gen\n";
    let remote = "+\t_gen/bin/stringer@v0.20.0 -type=X\n";
    let (all, code) = fix_diff_with(dir.path(), &[]);
    assert_eq!(code, Some(1));
    assert!(all.contains(local) && all.contains(remote), "{all}");
    for args in [
        &["--select", "GR001"][..],
        &["--ignore", "GR003"],
        &["--select", "local-go-run"],
    ] {
        let (diff, code) = fix_diff_with(dir.path(), args);
        assert_eq!(code, Some(1), "{args:?}");
        assert!(diff.contains(local), "{args:?}:\n{diff}");
        assert!(!diff.contains("stringer@v0.20.0:"), "{args:?}:\n{diff}");
        assert!(
            diff.contains("\n \tgo run golang.org/x/tools/cmd/stringer@v0.20.0 -type=X\n"),
            "{args:?}: the remote callsite stays:\n{diff}"
        );
    }
    for args in [
        &["--select", "GR003"][..],
        &["--ignore", "GR001"],
        &["--select", "GR00", "--ignore", "gr001"],
    ] {
        let (diff, code) = fix_diff_with(dir.path(), args);
        assert_eq!(code, Some(1), "{args:?}");
        assert!(diff.contains(remote), "{args:?}:\n{diff}");
        assert!(!diff.contains(local), "{args:?}:\n{diff}");
        assert!(
            diff.contains("\n \tgo run ./scripts/gen\n"),
            "{args:?}:\n{diff}"
        );
    }
    // Rules with nothing to fix: no change (exit 0).
    assert_eq!(
        fix_diff_with(dir.path(), &["--select", "GR012"]),
        (String::new(), Some(0))
    );
    // Unknown selectors, as in check.
    for args in [["--select", "GR1"], ["--ignore", "no-such-rule"]] {
        let out = bin()
            .current_dir(dir.path())
            .arg("fix")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr_of(&out).contains(&format!("unknown rule `{}`", args[1])),
            "{}",
            stderr_of(&out)
        );
    }
    // Nothing was written.
    assert!(!dir.path().join(".gitignore").exists());
    // Applied, only the chosen fix is written.
    bin()
        .current_dir(dir.path())
        .args(["fix", "--select", "GR003"])
        .assert()
        .code(0);
    let makefile = std::fs::read_to_string(dir.path().join("Makefile")).unwrap();
    assert!(makefile.contains("\tgo run ./scripts/gen\n"), "{makefile}");
    assert!(!makefile.contains("go run golang.org"), "{makefile}");
    assert!(
        makefile.contains("\t_gen/bin/stringer@v0.20.0 -type=X\n"),
        "{makefile}"
    );
}

/// GR012 and GR013 share one fix on a migrated Makefile; each chosen
/// alone does its own part (`clean`, `.gitignore`), both together both.
#[test]
fn fix_select_splits_the_clean_and_ignore_fix_of_the_guard_rules() {
    let dir = module_with(
        "gen: | _gen/bin/gen\n\t_gen/bin/gen\n\n_gen/bin/gen: go.mod $(wildcard scripts/gen/*.go)\n\tgo build -o $@ ./scripts/gen\n",
    );
    let clean = "+clean:\n+\trm -rf _gen/bin\n";
    let ignore = "+++ b/.gitignore\n";
    let (both, _) = fix_diff_with(dir.path(), &[]);
    assert!(both.contains(clean) && both.contains(ignore), "{both}");
    let (diff, code) = fix_diff_with(dir.path(), &["--select", "GR012"]);
    assert_eq!(code, Some(1));
    assert!(diff.contains(clean) && !diff.contains(ignore), "{diff}");
    let (diff, code) = fix_diff_with(dir.path(), &["--select", "out-dir-not-ignored"]);
    assert_eq!(code, Some(1));
    assert!(!diff.contains(clean) && diff.contains(ignore), "{diff}");
    assert_eq!(
        fix_diff_with(dir.path(), &["--ignore", "GR012,GR013"]),
        (String::new(), Some(0))
    );
}

/// `--timings` (and `GORUN_LINT_TIMINGS`) add the stages' table to standard
/// error and change nothing else: the same report, the same exit code.
#[test]
fn timings_add_a_table_and_change_no_report() {
    let demo = root().join("fixtures/demo");
    let plain = bin()
        .current_dir(&demo)
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let timed = bin()
        .current_dir(&demo)
        .args(["check", "--format", "json", "--timings"])
        .output()
        .unwrap();
    let by_env = bin()
        .current_dir(&demo)
        .env("GORUN_LINT_TIMINGS", "1")
        .args(["fix", "--diff"])
        .output()
        .unwrap();
    assert_eq!(plain.status.code(), Some(1));
    assert_eq!(timed.status.code(), plain.status.code());
    assert_eq!(stdout_of(&timed), stdout_of(&plain));
    assert_eq!(stderr_of(&plain), "");
    for err in [stderr_of(&timed), stderr_of(&by_env)] {
        let stages: Vec<&str> = err
            .lines()
            .skip_while(|l| !l.starts_with("gorun-lint timings"))
            .skip(2)
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        assert_eq!(
            stages,
            [
                "walk",
                "read",
                "prefilter",
                "parse",
                "scan",
                "classify",
                "name",
                "rules",
                "render",
                "(summed)",
                "wall",
                "cpu"
            ],
            "{err}"
        );
    }
    // The demo's nine files were read, and every one counted.
    let read = stderr_of(&timed)
        .lines()
        .find(|l| l.trim_start().starts_with("read "))
        .map(|l| l.split_whitespace().nth(3).unwrap().parse::<u64>().unwrap());
    assert_eq!(read, Some(9));
}
