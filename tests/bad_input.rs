//! Hostile and broken input: `check` and `fix` finish in bounded time and
//! memory, with a clear message where they refuse, and never run anything.
//!
//! Each case runs the binary under a memory limit (`ulimit -v`) and a
//! deadline; the deadlines are generous for a debug build on a loaded
//! machine, and far above what a release build needs.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("gorun-lint")
}

/// A Go repository with one helper package and `makefile` as its Makefile.
fn repo(makefile: &[u8]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    common::go_module(d.path(), &["scripts/gen"]);
    std::fs::write(d.path().join("Makefile"), makefile).unwrap();
    d
}

/// A finished run.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
}

/// Run `gorun-lint args` in `dir` with at most `mem_mb` of address space,
/// killed after `limit`.
fn run(dir: &Path, args: &[&str], limit: Duration, mem_mb: u64) -> Run {
    let start = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {} && exec \"$0\" \"$@\"", mem_mb * 1024))
        .arg(bin())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read the pipes while waiting, so a large report cannot block the child.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut s).unwrap();
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut s).unwrap();
        s
    });
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("gorun-lint {args:?} took longer than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = start.elapsed();
    let stdout = String::from_utf8_lossy(&t_out.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&t_err.join().unwrap()).into_owned();
    assert!(
        status.code().is_some(),
        "gorun-lint {args:?} was killed by a signal (a crash or the memory limit): {status:?}\n{stderr}"
    );
    assert_ne!(
        status.code(),
        Some(101),
        "gorun-lint {args:?} panicked:\n{stderr}"
    );
    Run {
        code: status.code(),
        stdout,
        stderr,
        took,
    }
}

const SECONDS_20: Duration = Duration::from_secs(20);
/// The memory limit for ordinary bad input.
const MB: u64 = 1024;

fn check(dir: &Path) -> Run {
    run(dir, &["check", "--quiet", "."], SECONDS_20, MB)
}

fn fix(dir: &Path) -> Run {
    run(dir, &["fix"], SECONDS_20, MB)
}

#[test]
fn fifty_megabyte_makefile() {
    // A generated Makefile: half a million object rules, a callsite at
    // either end. Larger than tree-sitter is given (8 MB), so the line
    // reader reads it; a release build takes a few seconds, a debug build
    // some tens.
    let mut text = String::with_capacity(52 << 20);
    text.push_str("GO ?= go\n\ngen:\n\t$(GO) run ./scripts/gen -o gen.txt\n\n");
    let mut i = 0;
    while text.len() < 50 << 20 {
        text.push_str(&format!(
            "obj/f{i:07}.o: src/f{i:07}.c include/common.h include/f{i:07}.h\n\t$(CC) -c -o $@ $<\n\n"
        ));
        i += 1;
    }
    text.push_str("last:\n\tgo run ./scripts/gen -final\n");
    let d = repo(text.as_bytes());
    let (limit, mem) = if cfg!(debug_assertions) {
        (Duration::from_secs(150), 3 * MB)
    } else {
        (SECONDS_20, 3 * MB)
    };
    let r = run(d.path(), &["check", "--quiet", "."], limit, mem);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(r.stdout.matches("GR001").count(), 2, "{}", r.stdout);
    let r = run(d.path(), &["fix"], limit, mem);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let new = std::fs::read_to_string(d.path().join("Makefile")).unwrap();
    assert!(new.starts_with("GO ?= go\n\ngen: | _gen/bin/gen\n\t_gen/bin/gen -o gen.txt\n"));
    assert!(new.contains("last: | _gen/bin/gen\n\t_gen/bin/gen -final\n"));
    assert!(new.len() > text.len() && new.len() < text.len() + 2000);
    eprintln!("50 MB: fix took {:?}", r.took);
}

#[test]
fn one_megabyte_single_line() {
    let words: Vec<String> = (0..120_000).map(|i| format!("w{i:07}")).collect();
    let line = words.join(" ");
    assert!(line.len() > 1 << 20);
    // A recipe line with the callsite at its end, an assignment, and the
    // same line with no newline at all.
    let text = format!("x:\n\techo {line} && go run ./scripts/gen\nV = {line}\ny:\n\techo {line}");
    let d = repo(text.as_bytes());
    let r = check(d.path());
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stdout.contains("Makefile:2:"), "{}", r.stdout);
    let r = fix(d.path());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let new = std::fs::read_to_string(d.path().join("Makefile")).unwrap();
    assert!(new.contains(&format!("\techo {line} && _gen/bin/gen\n")));
    assert!(
        new.contains(&format!("\techo {line}\n")),
        "the last line lost"
    );
}

#[test]
fn deeply_nested_references_and_substitutions() {
    let n = 100_000;
    let open_close = |open: &str, close: &str| format!("{}x{}", open.repeat(n), close.repeat(n));
    let cases = [
        format!(
            "x:\n\techo {} && go run ./scripts/gen\n",
            open_close("$(", ")")
        ),
        format!(
            "X := {}\nx:\n\tgo run ./scripts/gen\n",
            open_close("$(shell ", ")")
        ),
        format!(
            "X := {}\nx:\n\tgo run ./scripts/gen\n",
            open_close("$(foreach a,b,", ")")
        ),
        format!("x:\n\t{} ; go run ./scripts/gen\n", open_close("$$(", ")")),
        format!("x:\n\t{} ; go run ./scripts/gen\n", open_close("( ", ")")),
        format!(
            "x:\n\techo \"{}\" ; go run ./scripts/gen\n",
            open_close("`", "")
        ),
        format!("{}\nx:\n\tgo run ./scripts/gen\n", "$(".repeat(n)),
        format!(
            "{}x:\n\tgo run ./scripts/gen\n{}",
            "ifeq (a,b)\n".repeat(n),
            "endif\n".repeat(n)
        ),
        format!(
            "{}\tgo run ./scripts/gen\n{}x:\n\tgo run ./scripts/gen\n",
            "define A\n".repeat(n),
            "endef\n".repeat(n)
        ),
    ];
    for (i, text) in cases.iter().enumerate() {
        let d = repo(text.as_bytes());
        let r = check(d.path());
        // The callsite at the top level is still found.
        assert_eq!(r.code, Some(1), "case {i}: {}", r.stderr);
        assert!(r.stdout.contains("GR001"), "case {i}: {}", r.stdout);
        let r = fix(d.path());
        assert!(matches!(r.code, Some(0 | 2)), "case {i}: {}", r.stderr);
    }
}

#[test]
fn nul_bytes_are_refused_by_name() {
    let d = repo(b"gen:\n\tgo run ./scripts/gen\x00\n");
    std::fs::create_dir(d.path().join("ok")).unwrap();
    std::fs::write(
        d.path().join("ok/Makefile"),
        "x:\n\tgo run ../scripts/gen\n",
    )
    .unwrap();
    let r = check(d.path());
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr
            .contains("Makefile: binary file (NUL byte at offset 26), not checked"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.contains("ok/Makefile:2:"),
        "the other file is still checked"
    );
    let before = std::fs::read(d.path().join("Makefile")).unwrap();
    let r = fix(d.path());
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert_eq!(std::fs::read(d.path().join("Makefile")).unwrap(), before);
    // On standard input too.
    let out = Command::new(bin())
        .args(["check", "--stdin-filename", "Makefile"])
        .current_dir(d.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin
                .take()
                .unwrap()
                .write_all(b"x:\n\tgo run ./a\x00\n")?;
            c.wait_with_output()
        })
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("binary file"));
}

#[test]
fn invalid_utf8_in_a_recipe_is_checked_but_not_edited() {
    let original: &[u8] = b"gen:\n\techo \xff\xfe caf\xe9\n\tgo run ./scripts/gen\n";
    let d = repo(original);
    let r = check(d.path());
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stdout.contains("Makefile:3:2: GR001"), "{}", r.stdout);
    assert!(r.stderr.contains("not valid UTF-8"), "{}", r.stderr);
    let r = fix(d.path());
    assert!(matches!(r.code, Some(0 | 2)), "{}", r.stderr);
    assert!(r.stderr.contains("`fix` will not edit it"), "{}", r.stderr);
    assert_eq!(std::fs::read(d.path().join("Makefile")).unwrap(), original);
}

#[test]
fn symlink_loops_end_with_a_clear_error() {
    let d = repo(b"");
    std::fs::remove_file(d.path().join("Makefile")).unwrap();
    // A Makefile that links to itself, a pair that link to each other, and
    // a directory link back up the tree.
    std::os::unix::fs::symlink("Makefile", d.path().join("Makefile")).unwrap();
    std::os::unix::fs::symlink("b.mk", d.path().join("a.mk")).unwrap();
    std::os::unix::fs::symlink("a.mk", d.path().join("b.mk")).unwrap();
    std::fs::create_dir(d.path().join("sub")).unwrap();
    std::os::unix::fs::symlink("..", d.path().join("sub/up")).unwrap();
    std::fs::write(
        d.path().join("sub/Makefile"),
        "x:\n\tgo run ../scripts/gen\n",
    )
    .unwrap();
    let r = check(d.path());
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "Makefile: symlink that cannot be followed (dangling or a loop), not checked"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("a.mk"), "{}", r.stderr);
    assert_eq!(r.stdout.matches("GR001").count(), 1, "{}", r.stdout);
    let r = fix(d.path());
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(std::fs::read_to_string(d.path().join("sub/Makefile"))
        .unwrap()
        .contains("../_gen/bin/gen"));
    // Named on the command line.
    let r = run(d.path(), &["check", "Makefile"], SECONDS_20, MB);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("Makefile"), "{}", r.stderr);
}

#[test]
fn include_cycles_terminate_and_fix_once() {
    let d = repo(b"include a.mk\n\nall: gen\n");
    std::fs::write(
        d.path().join("a.mk"),
        "include b.mk\nGO ?= go\ngen:\n\t$(GO) run ./scripts/gen\n",
    )
    .unwrap();
    std::fs::write(d.path().join("b.mk"), "include a.mk\ninclude b.mk\n").unwrap();
    let r = check(d.path());
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(r.stdout.matches("GR001").count(), 1, "{}", r.stdout);
    let r = fix(d.path());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let a = std::fs::read_to_string(d.path().join("a.mk")).unwrap();
    assert!(a.contains("\t_gen/bin/gen\n"), "{a}");
    // Once: a second fix changes nothing.
    let snapshot = |p: &str| std::fs::read(d.path().join(p)).unwrap();
    let before = ["Makefile", "a.mk", "b.mk", ".gitignore"].map(snapshot);
    let r = fix(d.path());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stderr.contains("Nothing to fix"), "{}", r.stderr);
    assert_eq!(
        ["Makefile", "a.mk", "b.mk", ".gitignore"].map(snapshot),
        before
    );
}

#[test]
fn windows_line_endings_are_kept() {
    let original =
        "GO ?= go\r\n\r\ngen:\r\n\t@echo gen\r\n\t$(GO) run ./scripts/gen \\\r\n\t\t-v\r\n";
    let d = repo(original.as_bytes());
    let r = check(d.path());
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stdout.contains("Makefile:5:2: GR001"), "{}", r.stdout);
    let r = fix(d.path());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let new = std::fs::read_to_string(d.path().join("Makefile")).unwrap();
    assert_eq!(
        new.matches('\n').count(),
        new.matches("\r\n").count(),
        "a bare LF in:\n{new}"
    );
    assert!(new.contains("\t_gen/bin/gen \\\r\n\t\t-v\r\n"), "{new}");
    let r = fix(d.path());
    assert!(r.stderr.contains("Nothing to fix"), "{}", r.stderr);
}

/// `check` and `fix` never run make, a shell, go or git: with PATH holding
/// only stubs of them that leave a marker and fail, the results are normal
/// and no marker appears.
#[test]
fn nothing_executes() {
    use std::os::unix::fs::PermissionsExt;
    let d = repo(
        b"GO ?= go\nV := $(shell go run ./scripts/gen)\nW != make -v\nX := $(shell sh -c 'echo hi')\n\ngen:\n\t$(GO) run ./scripts/gen\n\tbash -c 'go run ./scripts/gen'\n",
    );
    let stubs = tempfile::tempdir().unwrap();
    let marker = stubs.path().join("ran");
    // The stubs are scripts run by an interpreter outside PATH.
    for name in ["go", "make", "gmake", "sh", "bash", "git", "env"] {
        let p = stubs.path().join(name);
        std::fs::write(
            &p,
            format!(
                "#!/bin/sh\necho {name} \"$@\" >> {}\nexit 1\n",
                marker.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let gorun = |args: &[&str]| {
        Command::new(bin())
            .args(args)
            .current_dir(d.path())
            .env_clear()
            .env("PATH", stubs.path())
            .env("HOME", d.path())
            .output()
            .unwrap()
    };
    let out: Output = gorun(&["check", "--format", "json", "."]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"GR001") && rules.contains(&"GR002"),
        "{rules:?}"
    );
    let out = gorun(&["fix"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read_to_string(d.path().join("Makefile"))
        .unwrap()
        .contains("\t_gen/bin/gen\n"));
    let out = gorun(&["fix", "--diff"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        !marker.exists(),
        "gorun-lint ran: {}",
        std::fs::read_to_string(&marker).unwrap_or_default()
    );
}

/// Issue 20: a FIFO named on the command line is refused at once (opening
/// it would wait for a writer forever), with a one-line error naming it;
/// walked, it is passed over with a warning.
#[cfg(unix)]
#[test]
fn a_named_fifo_is_refused_at_once() {
    let d = tempfile::tempdir().unwrap();
    common::go_module(d.path(), &["scripts/gen"]);
    let fifo = d.path().join("Makefile");
    let ok = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "mkfifo failed under CI");
        eprintln!("FIFO TEST SKIPPED: mkfifo failed");
        return;
    }
    let r = run(d.path(), &["check", "Makefile"], Duration::from_secs(1), MB);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("Makefile: not a regular file"),
        "{}",
        r.stderr
    );
    // Walked: passed over with a warning, the walk goes on (the script
    // beside it is still checked).
    std::fs::write(d.path().join("gen.sh"), "#!/bin/sh\ngo run ./scripts/gen\n").unwrap();
    let r = run(d.path(), &["check", "."], Duration::from_secs(5), MB);
    assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("warning: Makefile: not a regular file"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("gen.sh"), "{}", r.stdout);
}
