//! The gap to the naive approach, `grep -n 'go run'`: it misses callsites
//! spelled through a variable or split over a `\` continuation, and matches
//! text that never runs `go run`. gorun-lint reports exactly the real ones.

use std::path::Path;
use std::process::Command;

use assert_cmd::Command as BinCommand;

/// One line per case; the comment after each case says what it is.
const MAKEFILE: &str = "\
GO ?= go

.PHONY: a b c d e f

# (a) the go command through a variable
a:
\t$(GO) run ./scripts/a

# (b) `go` and `run` on two lines joined by a continuation
b:
\tgo \\
\trun ./scripts/b

# (c) the words inside an -ldflags string of a go build
c:
\tgo build -ldflags \"-X main.hint=go run ./x\" -o bin/app ./x

# (d) go test with a -run flag
d:
\tgo test -run TestX ./...

# (e) an echo string
e:
\techo \"go run ./x\"

# (f) a shell comment in a recipe
f:
\t# go run ./x
";

const MAIN_GO: &str = "package main\n\nfunc main() {}\n";

/// 1-based line of the first line containing `needle`.
fn line_of(needle: &str) -> usize {
    MAKEFILE
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} is in the Makefile"))
        + 1
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("go.mod"), "module example.com/gap\n\ngo 1.24\n").unwrap();
    for pkg in ["scripts/a", "scripts/b", "x"] {
        std::fs::create_dir_all(d.join(pkg)).unwrap();
        std::fs::write(d.join(pkg).join("main.go"), MAIN_GO).unwrap();
    }
    std::fs::write(d.join("Makefile"), MAKEFILE).unwrap();
    dir
}

/// The line numbers `grep -n 'go run' Makefile` prints.
fn grep_lines(dir: &Path) -> Vec<usize> {
    let out = Command::new("grep")
        .args(["-n", "go run", "Makefile"])
        .current_dir(dir)
        .output()
        .expect("grep runs");
    assert_eq!(out.status.code(), Some(0), "grep found something");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split(':').next().unwrap().parse().unwrap())
        .collect()
}

#[test]
fn grep_misses_real_callsites_and_matches_false_ones() {
    let dir = setup();
    let a = line_of("$(GO) run ./scripts/a");
    let b = line_of("\tgo \\");
    let c = line_of("main.hint=go run");
    let d = line_of("go test -run");
    let e = line_of("echo \"go run");
    let f = line_of("\t# go run");

    let grep = grep_lines(dir.path());
    // Misses the two real callsites...
    assert!(!grep.contains(&a), "grep misses (a): {grep:?}");
    assert!(!grep.contains(&b), "grep misses (b): {grep:?}");
    assert!(
        !grep.contains(&(b + 1)),
        "grep misses (b)'s second line too"
    );
    // ...and reports three that never run `go run` (d is not matched at all).
    assert!(grep.contains(&c), "grep matches (c): {grep:?}");
    assert!(grep.contains(&e), "grep matches (e): {grep:?}");
    assert!(grep.contains(&f), "grep matches (f): {grep:?}");
    assert!(!grep.contains(&d), "{grep:?}");
    assert_eq!(grep, [c, e, f]);
}

#[test]
fn gorun_lint_reports_exactly_the_real_callsites() {
    let dir = setup();
    let out = BinCommand::cargo_bin("gorun-lint")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, u64, String, String)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["rule"].as_str().unwrap().to_string(),
                d["tool"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let a = line_of("$(GO) run ./scripts/a") as u64;
    let b = line_of("\tgo \\") as u64;
    assert_eq!(
        found,
        [
            (
                "Makefile".to_string(),
                a,
                "GR001".to_string(),
                "a".to_string()
            ),
            (
                "Makefile".to_string(),
                b,
                "GR001".to_string(),
                "b".to_string()
            ),
        ]
    );
    // Classified as this module's packages (no "no go.mod" note).
    for d in doc["diagnostics"].as_array().unwrap() {
        let msg = d["message"].as_str().unwrap();
        assert!(!msg.contains("no go.mod"), "{msg}");
        assert_eq!(d["fix"]["applicability"], "safe", "{d}");
    }
}
