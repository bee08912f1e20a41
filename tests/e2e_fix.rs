//! End-to-end proof that `gorun-lint fix` is behaviour-preserving and stops
//! `go run` from piling executables into GOCACHE.
//!
//! For every fixture repository under `fixtures/e2e/<name>/` the test makes
//! two copies, `orig` and `fixed`, runs `gorun-lint fix .` in `fixed` only and
//! then drives both with real `make` and `go`:
//!
//! 1. `make gen` on both: every generated file must be byte-identical;
//! 2. GOCACHE: `orig` holds one cached `go run` executable per helper,
//!    `fixed` holds none named after a helper;
//! 3. repeat runs (outputs deleted, `_gen/bin` kept): `fixed` is faster and
//!    does not rebuild its helper binaries;
//! 4. staleness: identical edits to a helper, an imported package and an
//!    embedded file reach the outputs on both sides;
//! 5. `make -j8 gen` from a clean tree, `make clean` removing `_gen/bin`,
//!    `.gitignore` covering the binaries;
//! 6. `gorun-lint fix --diff .` on the fixed copy is a silent no-op.
//!
//! Needs `go` (>= 1.24), GNU `make` and `git` on PATH. Without them the tests
//! print one `E2E SKIPPED` line and pass, unless `CI` is set: then they fail.
//! Set `GORUN_E2E_KEEP=1` to keep the temporary copies for inspection.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant, SystemTime};

/// An identical edit applied to both copies in the staleness step.
struct Edit {
    /// File to edit, relative to the repository root.
    file: &'static str,
    from: &'static str,
    to: &'static str,
    /// Generated files whose content this edit must change (checked on `orig`
    /// so that the staleness step cannot pass vacuously).
    changes: &'static [&'static str],
}

struct Fixture {
    name: &'static str,
    /// Name of the executable that `go run` caches under
    /// `GOCACHE/??/<hash>-d/` for each helper the fix converts: the package
    /// directory's name, or `main` for `go run dir/main.go`.
    cached_exes: &'static [&'static str],
    /// Files `make gen` must produce (sanity check of the fixture itself).
    outputs: &'static [&'static str],
    edits: &'static [Edit],
}

const MULTI: Fixture = Fixture {
    name: "multi",
    cached_exes: &[
        "upper", "render", "tagged", "main", "gen2", "concat", "docs", "subgen",
    ],
    outputs: &[
        "out/words.txt",
        "out/page.html",
        "out/tagged.txt",
        "out/single.txt",
        "out/gen2.txt",
        "out/x.txt",
        "out/api.md",
        "out/shell.txt",
        "out/sub/settings.txt",
    ],
    edits: &[
        // a helper's own file (its rule reads `$^`)
        Edit {
            file: "scripts/concat/main.go",
            from: r#""== %s (%d bytes) ==\n""#,
            to: r#""=== %s [%d bytes] ===\n""#,
            changes: &["out/x.txt"],
        },
        // a package of the module imported by three helpers, one of them
        // built from the sub-directory Makefile
        Edit {
            file: "internal/shared/shared.go",
            from: r#"const Banner = "multi-gen v1""#,
            to: r#"const Banner = "multi-gen v2""#,
            changes: &[
                "out/words.txt",
                "out/page.html",
                "out/shell.txt",
                "out/sub/settings.txt",
            ],
        },
        // the embedded template
        Edit {
            file: "scripts/render/tmpl/page.tmpl",
            from: "<h1>{{.Title}}</h1>",
            to: "<h1 class=\"title\">{{.Title}}</h1>",
            changes: &["out/page.html"],
        },
        // the file that only exists under `-tags gen`
        Edit {
            file: "hack/tagged/mode_gen.go",
            from: "return i * i * 10",
            to: "return i * i * 100",
            changes: &["out/tagged.txt"],
        },
        // the single-file helper
        Edit {
            file: "scripts/single/main.go",
            from: "lines=%d words=%d",
            to: "l=%d w=%d",
            changes: &["out/single.txt"],
        },
        // the helper of the nested tools module
        Edit {
            file: "tools/gen2/main.go",
            from: "rounds=%d",
            to: "n=%d",
            changes: &["out/gen2.txt"],
        },
    ],
};

const EIGHT: Fixture = Fixture {
    name: "eight",
    cached_exes: &[
        "report",
        "prettyjson",
        "consts",
        "csvsum",
        "checksums",
        "xmlgen",
        "mdhtml",
        "enumstr",
        "bundle",
        "badge",
    ],
    outputs: &[
        "out/report.txt",
        "out/catalog.pretty.json",
        "out/consts.go.txt",
        "out/summary.csv",
        "out/checksums.txt",
        "out/catalog.xml",
        "out/readme.html",
        "out/color_string.go.txt",
        "out/bundle.b64",
        "out/badge.png",
    ],
    edits: &[
        Edit {
            file: "scripts/checksums/main.go",
            from: "# file sha256",
            to: "# path sha256",
            changes: &["out/checksums.txt"],
        },
        Edit {
            file: "internal/textutil/textutil.go",
            from: r#"const Version = "eight-gen 1.0""#,
            to: r#"const Version = "eight-gen 1.1""#,
            changes: &[
                "out/report.txt",
                "out/catalog.pretty.json",
                "out/consts.go.txt",
                "out/catalog.xml",
                "out/color_string.go.txt",
            ],
        },
        Edit {
            file: "scripts/report/report.tmpl",
            from: "CATALOG REPORT\n==============",
            to: "INVENTORY REPORT\n================",
            changes: &["out/report.txt"],
        },
    ],
};

/// File names with blanks: an embedded file and an embedded directory that
/// holds one. make splits a prerequisite list at blanks, so the fix writes
/// them escaped (`tmpl/page\\ header.txt`); an edit to either reaches the
/// output.
/// Issue 21: helpers handed to other programs to run: `find -exec`, a
/// `sh -c` string after `xargs`, and an ANSI-C quoted (`$$'...'`) `bash
/// -c` string.
const HANDED: Fixture = Fixture {
    name: "handed",
    cached_exes: &["upper", "count"],
    outputs: &["out/upper.txt", "out/count.txt", "out/ansi.txt"],
    edits: &[Edit {
        file: "tools/count/main.go",
        from: "%s: %d",
        to: "%s has %d words",
        changes: &["out/count.txt", "out/ansi.txt"],
    }],
};

#[test]
fn handed() {
    run_fixture(&HANDED);
}

/// Issue 21: helpers run by a configured exec wrapper (`stamp -o FILE
/// COMMAND...`, itself run with `go run`): both the wrapper and the
/// command it runs become file targets, and an edit to either reaches the
/// outputs.
const WRAPPERS: Fixture = Fixture {
    name: "wrappers",
    cached_exes: &["stamp", "upper"],
    outputs: &["out/upper.txt", "out/lower.txt"],
    edits: &[
        Edit {
            file: "tools/upper/main.go",
            from: "word: %s",
            to: "word> %s",
            changes: &["out/upper.txt", "out/lower.txt"],
        },
        Edit {
            file: "tools/stamp/main.go",
            from: "Code generated by stamp.",
            to: "Code generated by stamp v2.",
            changes: &["out/upper.txt", "out/lower.txt"],
        },
    ],
};

#[test]
fn wrappers() {
    run_fixture(&WRAPPERS);
}

/// Issue 21: a helper GNU parallel runs, as command words before `:::` and
/// as one quoted word of shell text.
const PARALLEL: Fixture = Fixture {
    name: "parallel",
    cached_exes: &["upper"],
    outputs: &["out/upper.txt", "out/lower.txt"],
    edits: &[Edit {
        file: "tools/upper/main.go",
        from: "strings.ToUpper(string(b))",
        to: "\"> \" + strings.ToUpper(string(b))",
        changes: &["out/upper.txt", "out/lower.txt"],
    }],
};

#[test]
fn parallel() {
    if required_tool("parallel") {
        run_fixture(&PARALLEL);
    }
}

const ODDNAMES: Fixture = Fixture {
    name: "oddnames",
    cached_exes: &["render"],
    outputs: &["out/page.txt"],
    edits: &[
        Edit {
            file: "scripts/render/tmpl/page header.txt",
            from: "Page header v1",
            to: "Page header v2",
            changes: &["out/page.txt"],
        },
        Edit {
            file: "scripts/render/static files/a b.css",
            from: "color: black;",
            to: "color: navy;",
            changes: &["out/page.txt"],
        },
    ],
};

#[test]
fn multi() {
    run_fixture(&MULTI);
}

#[test]
fn eight() {
    run_fixture(&EIGHT);
}

#[test]
fn oddnames() {
    run_fixture(&ODDNAMES);
}

/// Issue 7: a Makefile recipe runs a script that runs two helpers with `go
/// run` (one by a path relative to the caller, one through the script's own
/// location). `fix` rewrites only the script (and .gitignore); afterwards
/// `make gen` writes the same outputs, GOCACHE holds no executable of either
/// helper, and a second `fix --diff` is empty.
#[test]
fn script_run_by_make() {
    if !tools_available() {
        return;
    }
    let fx = Fixture {
        name: "script",
        cached_exes: &["upper", "count"],
        outputs: &["out/upper.txt", "out/upper-again.txt", "out/count.txt"],
        edits: &[],
    };
    let (_keep, orig, fixed) = two_copies(fx.name);
    let pristine = snapshot(&fixed.dir);

    let out = gorun_lint(&fixed, &["fix", "."]);
    assert!(
        out.status.success(),
        "[script] `gorun-lint fix .` failed\n{}",
        describe_output(&out)
    );
    let changed = changed_paths(&pristine, &snapshot(&fixed.dir));
    let want: BTreeSet<String> = [".gitignore", "scripts/gen.sh"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(
        changed, want,
        "[script] fix should change only the script and .gitignore"
    );

    orig.make(&["gen"]);
    fixed.make(&["gen"]);
    let generated = snapshot(&orig.dir);
    for want in fx.outputs {
        assert!(
            generated.get(*want).is_some_and(|b| !b.is_empty()),
            "[script] fixture broken: `make gen` in orig did not produce {want}"
        );
    }
    compare_sides(&fx, &orig, &fixed, &changed, "`make gen`");
    check_gocache(&fx, &orig, &fixed, "after `make gen`");
    let bins = gen_bin_files(&fixed.dir);
    assert_eq!(
        bins.len(),
        2,
        "[script] helper binaries under _gen/bin: {bins:?}"
    );

    // A second run from another directory: the binary path comes from the
    // script's own location.
    remove_outputs(&orig.dir);
    remove_outputs(&fixed.dir);
    orig.make(&["gen"]);
    fixed.make(&["gen"]);
    compare_sides(&fx, &orig, &fixed, &changed, "repeat `make gen`");
    check_gocache(&fx, &orig, &fixed, "after repeat `make gen`");

    let before = snapshot(&fixed.dir);
    let out = gorun_lint(&fixed, &["fix", "--diff", "."]);
    assert!(
        out.status.code() == Some(0) && out.stdout.is_empty(),
        "[script] second `fix --diff` should be empty\n{}",
        describe_output(&out)
    );
    assert_trees_equal(
        &before,
        &snapshot(&fixed.dir),
        &BTreeSet::new(),
        ("before", "after"),
        "[script] second `fix --diff` must write nothing",
    );
}

/// `env -u GOOS -u GOARCH -- go run` builds its helper for the machine
/// running make whatever GOOS make's environment holds; the fixed helper
/// must be built the same way (it was built in make's environment: under
/// `GOOS=windows` a Windows binary, which the recipe then failed to run).
#[test]
fn env_unset_before_go_is_kept_in_the_helper_build() {
    if !tools_available() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let side = small_module(
        root.path(),
        "example.com/envu",
        "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"ok\") }\n",
        "host.txt:\n\tenv -u GOOS -u GOARCH -- go run ./scripts/gen > $@\n\nplain.txt:\n\tgo run ./scripts/gen > $@\n",
    );
    let out = gorun_lint(&side, &["fix", "."]);
    assert!(
        out.status.success(),
        "[env-u] `gorun-lint fix .` failed\n{}",
        describe_output(&out)
    );
    let other_os = if std::env::consts::OS == "windows" {
        "linux"
    } else {
        "windows"
    };
    let make_for = |target: &str| {
        let mut cmd = Command::new("make");
        cmd.arg(target);
        side.env(&mut cmd);
        cmd.env("GOOS", other_os);
        cmd.output().expect("start make")
    };
    let host = make_for("host.txt");
    assert!(
        host.status.success(),
        "[env-u] make host.txt with GOOS={other_os} failed\n{}",
        describe_output(&host)
    );
    assert_eq!(
        fs::read_to_string(side.dir.join("host.txt")).unwrap(),
        "ok\n"
    );
    // Its twin: the plain callsite's helper is built in make's environment,
    // for GOOS, so its recipe cannot run it (as `go run` could not either).
    let plain = make_for("plain.txt");
    assert!(
        !plain.status.success(),
        "[env-u] the helper built for GOOS={other_os} ran\n{}",
        describe_output(&plain)
    );
}

// ---------------------------------------------------------------------------
// the scenario
// ---------------------------------------------------------------------------

/// Two copies of `fixtures/e2e/<name>` in a temporary directory, `orig` and
/// `fixed`, each with its own GOCACHE.
fn two_copies(name: &str) -> (KeepOnRequest, Side, Side) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/e2e")
        .join(name);
    assert!(
        src.join("go.mod").is_file(),
        "fixture {} is missing",
        src.display()
    );
    let tmp = tempfile::Builder::new()
        .prefix(&format!("gorun-e2e-{name}-"))
        .tempdir()
        .expect("create temp dir");
    let root = tmp.path().to_path_buf();
    let orig = Side::new("orig", &root);
    let fixed = Side::new("fixed", &root);
    copy_tree(&src, &orig.dir, true);
    copy_tree(&src, &fixed.dir, true);
    (KeepOnRequest(Some(tmp)), orig, fixed)
}

fn run_fixture(fx: &Fixture) {
    if !tools_available() {
        return;
    }
    let (_keep, orig, fixed) = two_copies(fx.name);
    let pristine = snapshot(&orig.dir);

    // --- `fix --diff` reports a change, exits 1 and writes nothing ---------
    let out = gorun_lint(&orig, &["fix", "--diff", "."]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "[{}] `gorun-lint fix --diff .` on the untouched copy should exit 1\n{}",
        fx.name,
        describe_output(&out)
    );
    assert!(
        !out.stdout.is_empty(),
        "[{}] `gorun-lint fix --diff .` on the untouched copy printed no diff\n{}",
        fx.name,
        describe_output(&out)
    );
    assert_trees_equal(
        &pristine,
        &snapshot(&orig.dir),
        &BTreeSet::new(),
        ("before", "after"),
        &format!("[{}] `fix --diff` must write nothing", fx.name),
    );

    // --- `fix` rewrites the fixed copy -------------------------------------
    let out = gorun_lint(&fixed, &["fix", "."]);
    assert!(
        out.status.success(),
        "[{}] `gorun-lint fix .` failed\n{}",
        fx.name,
        describe_output(&out)
    );
    let changed = changed_paths(&pristine, &snapshot(&fixed.dir));
    assert!(
        !changed.is_empty(),
        "[{}] `gorun-lint fix .` exited 0 but changed no file\n{}",
        fx.name,
        describe_output(&out)
    );
    for path in &changed {
        assert!(
            is_make_or_ignore_file(path),
            "[{}] `gorun-lint fix .` touched {path}, which is neither a Makefile, a .mk file nor a .gitignore (changed: {changed:?})",
            fx.name
        );
    }
    eprintln!("[{}] fix changed: {changed:?}", fx.name);

    // --- first `make gen`: identical outputs -------------------------------
    orig.make(&["gen"]);
    fixed.make(&["gen"]);
    let generated = snapshot(&orig.dir);
    for want in fx.outputs {
        let got = generated.get(*want);
        assert!(
            got.is_some_and(|bytes| !bytes.is_empty()),
            "[{}] fixture broken: `make gen` in orig did not produce non-empty {want}",
            fx.name
        );
    }
    compare_sides(fx, &orig, &fixed, &changed, "first `make gen`");

    // --- GOCACHE: go run executables only on the orig side ------------------
    check_gocache(fx, &orig, &fixed, "after first `make gen`");
    let bins = gen_bin_files(&fixed.dir);
    assert!(
        bins.len() >= fx.cached_exes.len(),
        "[{}] expected at least {} helper binaries under _gen/bin in the fixed copy, found {bins:?}",
        fx.name,
        fx.cached_exes.len()
    );

    // --- repeat runs: outputs deleted, _gen/bin kept ------------------------
    let bin_mtimes = mtimes(&fixed.dir, &bins);
    let mut orig_times = Vec::new();
    let mut fixed_times = Vec::new();
    for _ in 0..3 {
        for (side, times) in [(&orig, &mut orig_times), (&fixed, &mut fixed_times)] {
            remove_outputs(&side.dir);
            let start = Instant::now();
            side.make(&["gen"]);
            times.push(start.elapsed());
        }
    }
    compare_sides(fx, &orig, &fixed, &changed, "repeat `make gen`");
    let orig_min = orig_times.iter().min().copied().unwrap();
    let fixed_min = fixed_times.iter().min().copied().unwrap();
    eprintln!(
        "[{}] repeat `make gen`: orig min {orig_min:?} {orig_times:?}, fixed min {fixed_min:?} {fixed_times:?}",
        fx.name
    );
    assert!(
        fixed_min < orig_min,
        "[{}] repeat `make gen` should be faster after the fix: orig runs {orig_times:?}, fixed runs {fixed_times:?}",
        fx.name
    );
    assert_eq!(
        bin_mtimes,
        mtimes(&fixed.dir, &bins),
        "[{}] repeat `make gen` with unchanged sources rebuilt helper binaries under _gen/bin (mtimes changed)",
        fx.name
    );

    // --- staleness: edit sources identically, regenerate -------------------
    // One edit at a time, so that an edit to a shared package cannot mask a
    // missing prerequisite on, say, the embedded template.
    for edit in fx.edits {
        let before_edit = snapshot(&orig.dir);
        for side in [&orig, &fixed] {
            apply_edit(&side.dir, edit);
            remove_outputs(&side.dir);
        }
        make_newer_than_binaries(&fixed.dir.join(edit.file), &fixed.dir);
        for side in [&orig, &fixed] {
            side.make(&["gen"]);
        }
        let after_edit = snapshot(&orig.dir);
        for out_path in edit.changes {
            assert_ne!(
                before_edit.get(*out_path),
                after_edit.get(*out_path),
                "[{}] fixture broken: editing {} did not change {out_path} in orig",
                fx.name,
                edit.file
            );
        }
        compare_sides(
            fx,
            &orig,
            &fixed,
            &changed,
            &format!("`make gen` after editing {}", edit.file),
        );
    }

    // --- make -j8 from a clean state ---------------------------------------
    for side in [&orig, &fixed] {
        side.make(&["clean"]);
        remove_gen_dirs(&side.dir);
        side.make(&["-j8", "gen"]);
    }
    compare_sides(
        fx,
        &orig,
        &fixed,
        &changed,
        "`make -j8 gen` from a clean tree",
    );

    // --- make clean removes _gen/bin ---------------------------------------
    for side in [&orig, &fixed] {
        side.make(&["clean"]);
    }
    let leftovers = find_gen_bin_dirs(&fixed.dir);
    assert!(
        leftovers.is_empty(),
        "[{}] `make clean` in the fixed copy left these _gen/bin directories: {leftovers:?}",
        fx.name
    );
    compare_sides(fx, &orig, &fixed, &changed, "`make clean`");

    // --- .gitignore covers the helper binaries ------------------------------
    fixed.make(&["gen"]);
    let bins = gen_bin_files(&fixed.dir);
    assert!(
        !bins.is_empty(),
        "[{}] no helper binaries under _gen/bin after `make gen`",
        fx.name
    );
    fixed.git(&["init", "-q"]);
    for bin in &bins {
        let out = fixed.git_output(&["check-ignore", "-q", bin]);
        assert!(
            out.status.success(),
            "[{}] `git check-ignore -q {bin}` failed in the fixed copy: the binary is not ignored\n.gitignore:\n{}\n{}",
            fx.name,
            fs::read_to_string(fixed.dir.join(".gitignore")).unwrap_or_else(|e| format!("<{e}>")),
            describe_output(&out)
        );
    }

    // --- the helpers link as `go run` does: no VCS stamp --------------------
    // In a git checkout `go build` stamps the revision (and runs git for
    // it); `go run` does not, and neither do the helpers. The twin: the
    // same package built by a plain `go build` here is stamped.
    fixed.git(&["add", "-A"]);
    fixed.git(&[
        "-c",
        "user.email=e2e@example.com",
        "-c",
        "user.name=e2e",
        "commit",
        "-q",
        "-m",
        "fixed",
    ]);
    fixed.make(&["clean"]);
    fixed.make(&["gen"]);
    let mut packages = Vec::new();
    for bin in gen_bin_files(&fixed.dir) {
        let info = fixed.go(&["version", "-m", &bin]);
        let info = String::from_utf8_lossy(&info.stdout).into_owned();
        assert!(
            !info.contains("vcs.revision"),
            "[{}] {bin} is stamped with version-control information, which `go run` does not do:\n{info}",
            fx.name
        );
        packages.extend(
            info.lines()
                .filter_map(|l| l.trim().strip_prefix("path\t"))
                .filter(|p| !p.contains("command-line-arguments"))
                .map(str::to_string),
        );
    }
    // (A package of a nested module does not build from the root: the
    // first that does is enough.)
    let twin = fixed.gocache.with_file_name("twin-build");
    let stamped = packages.iter().any(|package| {
        let mut cmd = Command::new("go");
        cmd.args(["build", "-o", twin.to_str().unwrap(), package]);
        fixed.env(&mut cmd);
        if !cmd.output().expect("start go").status.success() {
            return false;
        }
        let twin_info = fixed.go(&["version", "-m", twin.to_str().unwrap()]);
        fs::remove_file(&twin).unwrap();
        String::from_utf8_lossy(&twin_info.stdout).contains("vcs.revision")
    });
    assert!(
        stamped,
        "[{}] twin: a plain `go build` of a helper's package ({packages:?}) in the committed checkout should be stamped",
        fx.name
    );

    // --- a second fix is a no-op -------------------------------------------
    let before = snapshot(&fixed.dir);
    let out = gorun_lint(&fixed, &["fix", "--diff", "."]);
    assert!(
        out.status.code() == Some(0) && out.stdout.is_empty() && out.stderr.is_empty(),
        "[{}] `gorun-lint fix --diff .` on the fixed copy should exit 0 and print nothing\n{}",
        fx.name,
        describe_output(&out)
    );
    assert_trees_equal(
        &before,
        &snapshot(&fixed.dir),
        &BTreeSet::new(),
        ("before", "after"),
        &format!("[{}] second `fix --diff` must write nothing", fx.name),
    );

    // Final GOCACHE check covers the staleness rebuild and the -j8 run too.
    check_gocache(fx, &orig, &fixed, "at the end");
}

/// Compares both copies file by file, ignoring `_gen/`, `.git` and the files
/// the fix itself changed.
#[track_caller]
fn compare_sides(fx: &Fixture, orig: &Side, fixed: &Side, changed: &BTreeSet<String>, step: &str) {
    assert_trees_equal(
        &snapshot(&orig.dir),
        &snapshot(&fixed.dir),
        changed,
        ("orig", "fixed"),
        &format!("[{}] {step}: orig vs fixed", fx.name),
    );
}

#[track_caller]
fn check_gocache(fx: &Fixture, orig: &Side, fixed: &Side, when: &str) {
    let orig_exes = cached_executables(&orig.gocache);
    let fixed_exes = cached_executables(&fixed.gocache);
    for name in fx.cached_exes {
        assert!(
            orig_exes.iter().any(|(n, _)| n == name),
            "[{}] {when}: expected a cached `go run` executable named {name:?} under {}/??/*-d/ on the orig side; found {:?}",
            fx.name,
            orig.gocache.display(),
            names(&orig_exes)
        );
    }
    let offenders: Vec<_> = fixed_exes
        .iter()
        .filter(|(n, _)| fx.cached_exes.contains(&n.as_str()))
        .collect();
    assert!(
        offenders.is_empty(),
        "[{}] {when}: the fixed side still caches `go run` executables: {offenders:?}",
        fx.name
    );
    eprintln!(
        "[{}] GOCACHE executables {when}: orig {} {:?}, fixed {} {:?}",
        fx.name,
        orig_exes.len(),
        names(&orig_exes),
        fixed_exes.len(),
        names(&fixed_exes)
    );
}

// ---------------------------------------------------------------------------
// environment: tools on PATH, per-side Go environment
// ---------------------------------------------------------------------------

/// Returns false (after one loud line on stderr) when the tools are missing;
/// panics instead when `CI` is set.
fn tools_available() -> bool {
    let problem = if find_on_path("go").is_none() {
        Some("go not found on PATH".to_string())
    } else if find_on_path("make").is_none() {
        Some("make not found on PATH".to_string())
    } else if find_on_path("git").is_none() {
        Some("git not found on PATH".to_string())
    } else {
        match Command::new("go")
            .arg("version")
            .env("GOTOOLCHAIN", "local")
            .output()
        {
            Err(e) => Some(format!("`go version` failed to start: {e}")),
            Ok(out) if !out.status.success() => {
                Some(format!("`go version` failed\n{}", describe_output(&out)))
            }
            Ok(out) => {
                let text = String::from_utf8_lossy(&out.stdout).into_owned();
                match parse_go_version(&text) {
                    Some((1, minor)) if minor < 24 => {
                        Some(format!("go >= 1.24 required, found {}", text.trim()))
                    }
                    _ => None,
                }
            }
        }
    };
    match problem {
        None => true,
        Some(why) if std::env::var_os("CI").is_some() => {
            panic!("E2E cannot run: {why} (CI is set, so this is an error)")
        }
        Some(why) => {
            // Written to the real stderr, not via eprintln!, which the test
            // harness captures and hides for passing tests.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "E2E SKIPPED: {why} (tests e2e_fix::* did not run)"
            );
            false
        }
    }
}

/// Whether a program one fixture needs (beyond go, make and git) is on
/// PATH: as [`tools_available`], one loud line when it is not, and a
/// failure under `CI` (`.ci/run` installs it).
fn required_tool(name: &str) -> bool {
    if find_on_path(name).is_some() {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!("E2E cannot run: {name} not found on PATH (CI is set, so this is an error)");
    }
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "E2E SKIPPED: {name} not found on PATH (the fixture that needs it did not run)"
    );
    false
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file() || p.with_extension("exe").is_file()
}

/// `go version go1.26.8 linux/amd64` -> (1, 26). `None` for devel builds.
fn parse_go_version(text: &str) -> Option<(u32, u32)> {
    let word = text.split_whitespace().find(|w| w.starts_with("go1"))?;
    let mut parts = word.trim_start_matches("go").split('.');
    let major = parts.next()?.parse().ok()?;
    let minor: String = parts
        .next()?
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    Some((major, minor.parse().ok()?))
}

/// One copy of the fixture with its own Go build cache.
struct Side {
    label: &'static str,
    dir: PathBuf,
    gocache: PathBuf,
    gomodcache: PathBuf,
}

impl Side {
    fn new(label: &'static str, root: &Path) -> Side {
        let side = Side {
            label,
            dir: root.join(label),
            gocache: root.join(format!("gocache-{label}")),
            gomodcache: root.join(format!("gomodcache-{label}")),
        };
        fs::create_dir_all(&side.gocache).unwrap();
        side
    }

    /// Applies the isolated Go environment (and a make-neutral one) to `cmd`.
    fn env(&self, cmd: &mut Command) {
        cmd.current_dir(&self.dir)
            .env("GOCACHE", &self.gocache)
            .env("GOMODCACHE", &self.gomodcache)
            .env("GOFLAGS", "-modcacherw")
            .env("GOTOOLCHAIN", "local")
            .env("GOPROXY", "off")
            .env("GOWORK", "off")
            .env("GOENV", "off")
            .env("LC_ALL", "C");
        for var in [
            "GO",
            "GOOS",
            "GOARCH",
            "GOEXPERIMENT",
            "MAKEFLAGS",
            "MFLAGS",
            "MAKELEVEL",
            "MAKEFILES",
            "GNUMAKEFLAGS",
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
        ] {
            cmd.env_remove(var);
        }
    }

    fn make(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new("make");
        cmd.args(args);
        self.env(&mut cmd);
        run_ok(cmd, &format!("{}: make {}", self.label, args.join(" ")))
    }

    fn git(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new("git");
        cmd.args(args);
        self.env(&mut cmd);
        run_ok(cmd, &format!("{}: git {}", self.label, args.join(" ")))
    }

    fn go(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new("go");
        cmd.args(args);
        self.env(&mut cmd);
        run_ok(cmd, &format!("{}: go {}", self.label, args.join(" ")))
    }

    fn git_output(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new("git");
        cmd.args(args);
        self.env(&mut cmd);
        cmd.output().expect("start git")
    }
}

fn gorun_lint(side: &Side, args: &[&str]) -> Output {
    let mut cmd = assert_cmd::Command::cargo_bin("gorun-lint").expect("gorun-lint binary");
    cmd.args(args)
        .current_dir(&side.dir)
        .env("GOCACHE", &side.gocache)
        .env("GOMODCACHE", &side.gomodcache)
        .env("GOFLAGS", "-modcacherw")
        .env("GOTOOLCHAIN", "local")
        .env("GOPROXY", "off")
        .env("GOWORK", "off")
        .env("GOENV", "off")
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE");
    cmd.output().expect("start gorun-lint")
}

/// Runs `cmd`, panicking with its output unless it succeeds.
fn run_ok(mut cmd: Command, what: &str) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("`{what}` failed to start: {e}"));
    assert!(
        out.status.success(),
        "`{what}` failed\n{}",
        describe_output(&out)
    );
    out
}

fn describe_output(out: &Output) -> String {
    format!(
        "status: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Keeps the temporary directory when `GORUN_E2E_KEEP` is set.
struct KeepOnRequest(Option<tempfile::TempDir>);

impl Drop for KeepOnRequest {
    fn drop(&mut self) {
        if std::env::var_os("GORUN_E2E_KEEP").is_some() {
            if let Some(dir) = self.0.take() {
                let path = dir.keep();
                eprintln!("GORUN_E2E_KEEP: left {}", path.display());
            }
        }
    }
}

// ---------------------------------------------------------------------------
// file-tree helpers
// ---------------------------------------------------------------------------

type Tree = BTreeMap<String, Vec<u8>>;

fn skipped_component(name: &OsStr) -> bool {
    name == "_gen" || name == ".git"
}

/// Every file under `root` as relative path (with `/`) -> content, skipping
/// `_gen` and `.git` directories at any depth. Symlinks are recorded by target.
fn snapshot(root: &Path) -> Tree {
    let mut tree = Tree::new();
    walk(root, root, &mut tree);
    tree
}

fn walk(root: &Path, dir: &Path, tree: &mut Tree) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.unwrap())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if skipped_component(&entry.file_name()) {
            continue;
        }
        let ty = entry.file_type().unwrap();
        if ty.is_dir() {
            walk(root, &path, tree);
            continue;
        }
        let bytes = if ty.is_symlink() {
            let target = fs::read_link(&path).unwrap();
            format!("<symlink to {}>", target.display()).into_bytes()
        } else {
            fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
        };
        tree.insert(rel(root, &path), bytes);
    }
}

fn rel(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap();
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn changed_paths(before: &Tree, after: &Tree) -> BTreeSet<String> {
    before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect()
}

#[track_caller]
fn assert_trees_equal(
    left: &Tree,
    right: &Tree,
    ignore: &BTreeSet<String>,
    (lname, rname): (&str, &str),
    what: &str,
) {
    let mut problems = Vec::new();
    for path in changed_paths(left, right) {
        if ignore.contains(&path) {
            continue;
        }
        match (left.get(&path), right.get(&path)) {
            (Some(_), None) => problems.push(format!("{path}: only in {lname}")),
            (None, Some(_)) => problems.push(format!("{path}: only in {rname}")),
            (Some(a), Some(b)) => problems.push(format!(
                "{path}: contents differ ({} vs {} bytes)\n  {lname}: {}\n  {rname}: {}",
                a.len(),
                b.len(),
                preview(a),
                preview(b)
            )),
            (None, None) => unreachable!(),
        }
    }
    assert!(
        problems.is_empty(),
        "{what}: {} file(s) differ\n{}",
        problems.len(),
        problems.join("\n")
    );
}

fn preview(bytes: &[u8]) -> String {
    const MAX: usize = 400;
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(MAX)]);
    let more = if bytes.len() > MAX { "…" } else { "" };
    format!("{:?}{more}", text)
}

fn is_make_or_ignore_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    matches!(name, "Makefile" | "makefile" | "GNUmakefile" | ".gitignore") || name.ends_with(".mk")
}

/// Copies a fixture; `top` marks its root, whose `out/` (left by a local
/// `make gen` in the fixture) is not copied, like `_gen` and `.git` anywhere.
fn copy_tree(from: &Path, to: &Path, top: bool) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if skipped_component(&name) || (top && name == "out") {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        let ty = entry.file_type().unwrap();
        if ty.is_dir() {
            copy_tree(&src, &dst, false);
        } else if ty.is_symlink() {
            #[cfg(unix)]
            std::os::unix::fs::symlink(fs::read_link(&src).unwrap(), &dst).unwrap();
        } else {
            fs::copy(&src, &dst)
                .unwrap_or_else(|e| panic!("copy {} -> {}: {e}", src.display(), dst.display()));
        }
    }
}

fn remove_outputs(dir: &Path) {
    let out = dir.join("out");
    if out.exists() {
        fs::remove_dir_all(&out).unwrap();
    }
}

fn apply_edit(dir: &Path, edit: &Edit) {
    let path = dir.join(edit.file);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    assert!(
        text.contains(edit.from),
        "fixture broken: {} does not contain {:?}",
        path.display(),
        edit.from
    );
    fs::write(&path, text.replacen(edit.from, edit.to, 1)).unwrap();
}

/// make compares mtimes: keep an edited source strictly newer than every
/// helper binary even on a file system with coarse timestamps.
fn make_newer_than_binaries(file: &Path, root: &Path) {
    let newest = mtimes(root, &gen_bin_files(root))
        .into_iter()
        .map(|(_, t)| t)
        .max();
    let Some(newest) = newest else { return };
    for _ in 0..3 {
        if fs::metadata(file).unwrap().modified().unwrap() > newest {
            return;
        }
        std::thread::sleep(Duration::from_millis(1100));
        let f = fs::OpenOptions::new().append(true).open(file).unwrap();
        f.set_modified(SystemTime::now()).unwrap();
    }
    panic!(
        "could not make {} newer than the helper binaries",
        file.display()
    );
}

/// Directories named `bin` directly inside a directory named `_gen`.
fn find_gen_bin_dirs(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    find_dirs(
        root,
        &mut |p| {
            p.file_name() == Some(OsStr::new("bin"))
                && p.parent().and_then(Path::file_name) == Some(OsStr::new("_gen"))
        },
        &mut found,
    );
    found.iter().map(|p| rel(root, p)).collect()
}

fn remove_gen_dirs(root: &Path) {
    let mut found = Vec::new();
    find_dirs(
        root,
        &mut |p| p.file_name() == Some(OsStr::new("_gen")),
        &mut found,
    );
    for dir in found {
        fs::remove_dir_all(&dir).unwrap();
    }
}

fn find_dirs(dir: &Path, pred: &mut dyn FnMut(&Path) -> bool, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if !entry.file_type().unwrap().is_dir() || entry.file_name() == ".git" {
            continue;
        }
        let path = entry.path();
        if pred(&path) {
            found.push(path);
        } else {
            find_dirs(&path, pred, found);
        }
    }
}

/// Files inside every `_gen/bin` directory, relative to `root`.
/// The helper binaries under every `_gen/bin` (not their `.d` files).
fn gen_bin_files(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    for dir in find_gen_bin_dirs(root) {
        for entry in fs::read_dir(root.join(&dir)).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file()
                && entry.path().extension().is_none_or(|e| e != "d")
            {
                files.push(rel(root, &entry.path()));
            }
        }
    }
    files.sort();
    files
}

fn mtimes(root: &Path, files: &[String]) -> Vec<(String, SystemTime)> {
    files
        .iter()
        .map(|f| {
            (
                f.clone(),
                fs::metadata(root.join(f)).unwrap().modified().unwrap(),
            )
        })
        .collect()
}

/// Executables that `go run` left in the build cache: files in the
/// directories `GOCACHE/??/<hash>-d/` (ordinary cache entries are files named
/// `<hash>-d`; only linked executables get such a directory), as
/// (file name, path).
fn cached_executables(gocache: &Path) -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    let Ok(top) = fs::read_dir(gocache) else {
        return found;
    };
    for shard in top.map(|e| e.unwrap()) {
        let shard_name = shard.file_name().to_string_lossy().into_owned();
        let is_shard = shard_name.len() == 2 && shard_name.chars().all(|c| c.is_ascii_hexdigit());
        if !is_shard || !shard.file_type().unwrap().is_dir() {
            continue;
        }
        for entry in fs::read_dir(shard.path()).unwrap().map(|e| e.unwrap()) {
            let is_exe_dir = entry.file_name().to_string_lossy().ends_with("-d")
                && entry.file_type().unwrap().is_dir();
            if !is_exe_dir {
                continue;
            }
            for exe in fs::read_dir(entry.path()).unwrap().map(|e| e.unwrap()) {
                if exe.file_type().unwrap().is_file() {
                    found.push((exe.file_name().to_string_lossy().into_owned(), exe.path()));
                }
            }
        }
    }
    found.sort();
    found
}

fn names(exes: &[(String, PathBuf)]) -> Vec<&str> {
    exes.iter().map(|(n, _)| n.as_str()).collect()
}

/// A `clean` whose first line fails (`test -d bin && $(RM) bin/*` without
/// `bin/`, as in a large project's Makefile) stops make: the out dir line
/// the fix adds comes first, so `make clean` still removes `_gen/bin`, and
/// `_gen/` with it once empty (issue 19). The twin: the same line added
/// last, as the fix used to, leaves the helper behind.
#[test]
fn clean_removes_the_out_dir_before_a_line_that_fails() {
    if !tools_available() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let side = small_module(
        root.path(),
        "example.com/clean",
        "package main\n\nfunc main() {}\n",
        "gen:\n\tgo run ./scripts/gen\n\nclean:\n\ttest -d bin && $(RM) bin/*\n",
    );
    let out = gorun_lint(&side, &["fix", "."]);
    assert!(
        out.status.success(),
        "[clean] `gorun-lint fix .` failed\n{}",
        describe_output(&out)
    );
    let make = |target: &str| {
        let mut cmd = Command::new("make");
        cmd.arg(target);
        side.env(&mut cmd);
        cmd.output().expect("start make")
    };
    assert!(make("gen").status.success());
    assert!(side.dir.join("_gen/bin/gen").is_file());
    // `bin/` is absent: the recipe's own line fails, after the fix's ran.
    assert!(!make("clean").status.success());
    assert!(
        !side.dir.join("_gen").exists(),
        "[clean] `make clean` left _gen behind:\n{}",
        fs::read_to_string(side.dir.join("Makefile")).unwrap()
    );
    // The twin: the out dir line last.
    let fixed = fs::read_to_string(side.dir.join("Makefile")).unwrap();
    let last = fixed.replace(
        "clean:\n\trm -rf _gen/bin\n\trmdir _gen 2>/dev/null || true\n\ttest -d bin && $(RM) bin/*\n",
        "clean:\n\ttest -d bin && $(RM) bin/*\n\trm -rf _gen/bin\n",
    );
    assert_ne!(last, fixed, "the fix's clean recipe changed:\n{fixed}");
    fs::write(side.dir.join("Makefile"), last).unwrap();
    assert!(make("gen").status.success());
    assert!(!make("clean").status.success());
    assert!(side.dir.join("_gen/bin/gen").is_file());
}

/// A module at `root`'s `fixed` side: `go.mod` (`module`), `scripts/gen`
/// holding `main_go`, and `makefile`.
fn small_module(root: &Path, module: &str, main_go: &str, makefile: &str) -> Side {
    let side = Side::new("fixed", root);
    fs::create_dir_all(side.dir.join("scripts/gen")).unwrap();
    fs::write(
        side.dir.join("go.mod"),
        format!("module {module}\n\ngo 1.24\n"),
    )
    .unwrap();
    fs::write(side.dir.join("scripts/gen/main.go"), main_go).unwrap();
    fs::write(side.dir.join("Makefile"), makefile).unwrap();
    side
}

// ---------------------------------------------------------------------------
// dependency files: prerequisites that go lists (issue 19)
// ---------------------------------------------------------------------------

/// `make -q target`: whether make thinks `target` is up to date (with the
/// Go environment of `side`, plus `extra`).
fn up_to_date(side: &Side, target: &str, extra: &[(&str, Option<&str>)]) -> bool {
    let mut cmd = Command::new("make");
    cmd.args(["-q", target]);
    side.env(&mut cmd);
    for (k, v) in extra {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let out = cmd.output().expect("start make");
    match out.status.code() {
        Some(0) => true,
        Some(1) => false,
        _ => panic!("make -q {target} failed\n{}", describe_output(&out)),
    }
}

/// `make target` with the Go environment of `side`, plus `extra`.
fn make_with(side: &Side, target: &str, extra: &[(&str, Option<&str>)]) -> Output {
    let mut cmd = Command::new("make");
    cmd.arg(target);
    side.env(&mut cmd);
    for (k, v) in extra {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    run_ok(cmd, &format!("make {target}"))
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn fix_ok(side: &Side, what: &str) {
    let out = gorun_lint(side, &["fix", "."]);
    assert!(
        out.status.success(),
        "[{what}] `gorun-lint fix .` failed\n{}",
        describe_output(&out)
    );
}

/// A helper in a nested module that the root `go.work` puts in one
/// workspace with the root module, importing a root-module package and a
/// module `replace`d by a local directory: a change to either rebuilds it;
/// a change to a root-module file it does not import does not.
#[test]
fn workspace_and_local_replace_rebuild_what_the_helper_imports() {
    if !tools_available() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let side = Side::new("fixed", root.path());
    let d = &side.dir;
    write(d, "go.mod", "module example.com/root\n\ngo 1.24\n");
    write(d, "lib/lib.go", "package lib\n\nconst Name = \"lib\"\n");
    write(d, "unused/unused.go", "package unused\n\nconst X = 1\n");
    write(
        d,
        "tools/go.mod",
        "module example.com/tools\n\ngo 1.24\n\nrequire example.com/other v0.0.0\n\nreplace example.com/other => ../other\n",
    );
    write(
        d,
        "tools/gen/main.go",
        "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/other/util\"\n\t\"example.com/root/lib\"\n)\n\nfunc main() { fmt.Println(lib.Name, util.Name) }\n",
    );
    write(d, "other/go.mod", "module example.com/other\n\ngo 1.24\n");
    write(
        d,
        "other/util/util.go",
        "package util\n\nconst Name = \"util\"\n",
    );
    write(d, "go.work", "go 1.24\n\nuse (\n\t.\n\t./tools\n)\n");
    write(d, "Makefile", "out.txt:\n\tgo run -C tools ./gen > $@\n");
    fix_ok(&side, "workspace");
    let work: &[(&str, Option<&str>)] = &[("GOWORK", None)];
    make_with(&side, "out.txt", work);
    assert_eq!(fs::read_to_string(d.join("out.txt")).unwrap(), "lib util\n");
    assert!(up_to_date(&side, "_gen/bin/gen", work));
    let depfile = fs::read_to_string(d.join("_gen/bin/gen.d")).unwrap();
    for touched in [
        "lib/lib.go",
        "other/util/util.go",
        "go.work",
        "tools/go.mod",
    ] {
        make_newer_than_binaries(&d.join(touched), d);
        assert!(
            !up_to_date(&side, "_gen/bin/gen", work),
            "[workspace] touching {touched} does not rebuild the helper; its .d:\n{depfile}"
        );
        make_with(&side, "_gen/bin/gen", work);
        assert!(up_to_date(&side, "_gen/bin/gen", work));
    }
    // The twin: a root-module package the helper does not import.
    make_newer_than_binaries(&d.join("unused/unused.go"), d);
    assert!(
        up_to_date(&side, "_gen/bin/gen", work),
        "[workspace] a package the helper does not import rebuilds it; its .d:\n{depfile}"
    );
    // And the change reaches the output, as with `go run`.
    write(d, "lib/lib.go", "package lib\n\nconst Name = \"lib2\"\n");
    fs::remove_file(d.join("out.txt")).unwrap();
    make_with(&side, "out.txt", work);
    assert_eq!(
        fs::read_to_string(d.join("out.txt")).unwrap(),
        "lib2 util\n"
    );
}

/// A new import in the helper is picked up without editing the Makefile:
/// the helper's own file changed, so it is rebuilt, and its new `.d` lists
/// the package it now imports.
#[test]
fn a_new_import_is_picked_up_without_editing_the_makefile() {
    if !tools_available() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let side = small_module(
        root.path(),
        "example.com/imp",
        "package main\n\nfunc main() { println(\"a\") }\n",
        "gen:\n\tgo run ./scripts/gen\n",
    );
    let d = &side.dir;
    write(
        d,
        "internal/extra/extra.go",
        "package extra\n\nconst X = \"x\"\n",
    );
    fix_ok(&side, "import");
    make_with(&side, "gen", &[]);
    let makefile = fs::read_to_string(d.join("Makefile")).unwrap();
    // Not imported yet: its changes do not matter.
    make_newer_than_binaries(&d.join("internal/extra/extra.go"), d);
    assert!(up_to_date(&side, "_gen/bin/gen", &[]));
    write(
        d,
        "scripts/gen/main.go",
        "package main\n\nimport \"example.com/imp/internal/extra\"\n\nfunc main() { println(extra.X) }\n",
    );
    make_newer_than_binaries(&d.join("scripts/gen/main.go"), d);
    make_with(&side, "gen", &[]);
    make_newer_than_binaries(&d.join("internal/extra/extra.go"), d);
    assert!(
        !up_to_date(&side, "_gen/bin/gen", &[]),
        "[import] the new import's package does not rebuild the helper:\n{}",
        fs::read_to_string(d.join("_gen/bin/gen.d")).unwrap()
    );
    assert_eq!(fs::read_to_string(d.join("Makefile")).unwrap(), makefile);
}

/// A deleted source file rebuilds the helper (its empty rule in the `.d`
/// keeps make going, as `gcc -MP` writes them), and the rebuilt binary no
/// longer runs the deleted file's `init`; a dot-file that an embed glob
/// matches (make's wildcard would skip it) rebuilds it too.
#[test]
fn a_deleted_file_and_an_embedded_dot_file_rebuild_the_helper() {
    if !tools_available() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let side = small_module(
        root.path(),
        "example.com/del",
        "package main\n\nimport (\n\t\"embed\"\n\t\"fmt\"\n)\n\n//go:embed templates/*.tmpl\nvar t embed.FS\n\nfunc main() {\n\tb, _ := t.ReadFile(\"templates/.gitignore.tmpl\")\n\tfmt.Print(string(b))\n}\n",
        "out.txt:\n\tgo run ./scripts/gen > $@\n",
    );
    let d = &side.dir;
    write(
        d,
        "scripts/gen/extra.go",
        "package main\n\nimport \"fmt\"\n\nfunc init() { fmt.Println(\"extra\") }\n",
    );
    write(d, "scripts/gen/templates/.gitignore.tmpl", "one\n");
    fix_ok(&side, "deleted");
    make_with(&side, "out.txt", &[]);
    assert_eq!(
        fs::read_to_string(d.join("out.txt")).unwrap(),
        "extra\none\n"
    );
    write(d, "scripts/gen/templates/.gitignore.tmpl", "two\n");
    make_newer_than_binaries(&d.join("scripts/gen/templates/.gitignore.tmpl"), d);
    assert!(
        !up_to_date(&side, "_gen/bin/gen", &[]),
        "[deleted] the embedded dot-file does not rebuild the helper"
    );
    fs::remove_file(d.join("out.txt")).unwrap();
    make_with(&side, "out.txt", &[]);
    assert_eq!(
        fs::read_to_string(d.join("out.txt")).unwrap(),
        "extra\ntwo\n"
    );
    fs::remove_file(d.join("scripts/gen/extra.go")).unwrap();
    fs::remove_file(d.join("out.txt")).unwrap();
    make_with(&side, "out.txt", &[]);
    assert_eq!(
        fs::read_to_string(d.join("out.txt")).unwrap(),
        "two\n",
        "[deleted] the helper still runs the deleted file"
    );
}

/// `go.mod: FORCE` (a rule that tidies the module) must not run because a
/// helper depends on go.mod: the helper names the file by its absolute
/// path, so make checks its time without running its rule. The twin: a
/// rule that depends on `go.mod` as written does run it.
#[test]
fn a_go_mod_rule_of_the_makefile_does_not_run_for_the_helper() {
    if !tools_available() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let side = small_module(
        root.path(),
        "example.com/force",
        "package main\n\nfunc main() { println(\"ok\") }\n",
        "gen:\n\tgo run ./scripts/gen\n\ntidy: go.mod\n\ngo.mod: FORCE\n\t@echo tidied >> tidy.log\n\nFORCE:\n",
    );
    let d = &side.dir;
    fix_ok(&side, "force");
    make_with(&side, "gen", &[]);
    make_with(&side, "gen", &[]);
    assert!(
        !d.join("tidy.log").exists(),
        "[force] `make gen` ran the go.mod rule:\n{}",
        fs::read_to_string(d.join("Makefile")).unwrap()
    );
    make_newer_than_binaries(&d.join("go.mod"), d);
    assert!(
        !up_to_date(&side, "_gen/bin/gen", &[]),
        "[force] go.mod no longer rebuilds the helper"
    );
    make_with(&side, "tidy", &[]);
    assert!(
        d.join("tidy.log").exists(),
        "[force] the twin did not run the rule"
    );
}

/// The recipe lines that write dependency files with the awk the machine
/// has: a helper whose sources have blanks and `#` in their names gets a
/// `.d` that make reads, and it is not rebuilt until one changes.
#[test]
fn dependency_files_escape_blanks_and_hashes() {
    if !tools_available() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let side = small_module(
        root.path(),
        "example.com/esc",
        "package main\n\nimport (\n\t\"embed\"\n\t\"fmt\"\n)\n\n//go:embed all:files\nvar t embed.FS\n\nfunc main() { fmt.Println(\"ok\") }\n",
        "gen:\n\tgo run ./scripts/gen\n",
    );
    let d = &side.dir;
    write(d, "scripts/gen/files/a b#c.txt", "x\n");
    write(d, "scripts/gen/files/d$e.txt", "x\n");
    fix_ok(&side, "escape");
    make_with(&side, "gen", &[]);
    assert!(
        up_to_date(&side, "_gen/bin/gen", &[]),
        "{}",
        fs::read_to_string(d.join("_gen/bin/gen.d")).unwrap()
    );
    for f in ["scripts/gen/files/a b#c.txt", "scripts/gen/files/d$e.txt"] {
        make_newer_than_binaries(&d.join(f), d);
        assert!(
            !up_to_date(&side, "_gen/bin/gen", &[]),
            "[escape] {f} does not rebuild the helper"
        );
        make_with(&side, "gen", &[]);
    }
}

/// The helper is the binary `go run` links: no version-control stamp (in a
/// git checkout, where `go build` would stamp one) and no DWARF. The twin:
/// a plain `go build` of the same package has both.
#[test]
fn the_helper_has_no_vcs_stamp_and_no_dwarf() {
    if !tools_available() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let side = small_module(
        root.path(),
        "example.com/link",
        "package main\n\nfunc main() { println(\"ok\") }\n",
        "gen:\n\tgo run -ldflags=\"-X main.v=1\" ./scripts/gen\n",
    );
    side.git(&["init", "-q"]);
    side.git(&["add", "."]);
    side.git(&[
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.com",
        "commit",
        "-qm",
        "init",
    ]);
    fix_ok(&side, "link");
    make_with(&side, "gen", &[]);
    side.go(&["build", "-o", "plain", "./scripts/gen"]);
    let facts = |bin: &str| {
        let info = String::from_utf8(side.go(&["version", "-m", bin]).stdout).unwrap();
        let bytes = fs::read(side.dir.join(bin)).unwrap();
        let dwarf = bytes.windows(11).any(|w| w == b".debug_info");
        (info.contains("vcs.revision"), dwarf)
    };
    assert_eq!(
        facts("plain"),
        (true, true),
        "the twin has no stamp or no DWARF"
    );
    assert_eq!(
        facts("_gen/bin/gen"),
        (false, false),
        "[link] the helper is not linked as `go run` links:\n{}",
        fs::read_to_string(side.dir.join("Makefile")).unwrap()
    );
}

/// A go command that a rule provides (`| $(NEEDS_GO)`, as a large project
/// downloads its toolchain) is ordered before the helper's build too: under
/// `make -j` on a fresh checkout the helper is not built before the go
/// command exists. The twin: without it on the helper target, the same
/// `make -j` fails.
#[test]
fn the_calling_rules_toolchain_prerequisite_goes_on_the_helper() {
    if !tools_available() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let side = small_module(
        root.path(),
        "example.com/needsgo",
        "package main\n\nfunc main() { println(\"ok\") }\n",
        "GO := $(CURDIR)/bin/go\nNEEDS_GO := bin/go\n\nbin/go:\n\tsleep 1\n\tmkdir -p bin\n\tprintf '#!/bin/sh\\nexec go \"$$@\"\\n' > $@.tmp && chmod +x $@.tmp && mv $@.tmp $@\n\ngen: | $(NEEDS_GO)\n\t$(GO) run ./scripts/gen\n",
    );
    let d = &side.dir;
    fix_ok(&side, "needs-go");
    let fixed = fs::read_to_string(d.join("Makefile")).unwrap();
    let helper_line = fixed
        .lines()
        .find(|l| l.starts_with("_gen/bin/gen:"))
        .unwrap_or_else(|| panic!("no helper target:\n{fixed}"))
        .to_string();
    assert!(helper_line.ends_with("| $(NEEDS_GO)"), "{fixed}");
    let fresh_make_j = || {
        let _ = fs::remove_dir_all(d.join("bin"));
        let _ = fs::remove_dir_all(d.join("_gen"));
        let mut cmd = Command::new("make");
        cmd.args(["-j4", "gen"]);
        side.env(&mut cmd);
        cmd.output().expect("start make")
    };
    let out = fresh_make_j();
    assert!(
        out.status.success(),
        "[needs-go] make -j gen\n{}",
        describe_output(&out)
    );
    // The twin: the helper target without the toolchain prerequisite.
    let twin = fixed.replace(&helper_line, helper_line.trim_end_matches(" | $(NEEDS_GO)"));
    fs::write(d.join("Makefile"), twin).unwrap();
    let out = fresh_make_j();
    assert!(
        !out.status.success(),
        "[needs-go] the twin built the helper before the go command existed\n{}",
        describe_output(&out)
    );
}

/// `cd gokrazy && ../tool/go run build.go` (a go wrapper named relative to
/// the directory the recipe `cd`s into): the helper's build runs from
/// make's directory, so it names the wrapper from there, and the callsite
/// runs the helper by `$(CURDIR)`, not by a count of `../`. The twin: the
/// wrapper's path as written does not exist from make's directory.
#[test]
fn a_go_wrapper_named_after_a_cd_builds_the_helper() {
    if !tools_available() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let side = small_module(
        root.path(),
        "example.com/wrapper",
        "package main\n\nfunc main() {}\n",
        "img:\n\tcd gokrazy && ../tool/go run build.go > ../img.txt\n",
    );
    let d = &side.dir;
    write(
        d,
        "tool/go",
        "#!/bin/sh\necho wrapper >> \"$(dirname \"$0\")/../wrapper.log\"\nexec go \"$@\"\n",
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(d.join("tool/go"), fs::Permissions::from_mode(0o755)).unwrap();
    }
    write(
        d,
        "gokrazy/build.go",
        "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"image\") }\n",
    );
    fix_ok(&side, "wrapper");
    let fixed = fs::read_to_string(d.join("Makefile")).unwrap();
    assert!(
        fixed.contains("\tcd gokrazy && $(CURDIR)/_gen/bin/"),
        "{fixed}"
    );
    assert!(!d.join("../tool/go").exists(), "the twin's path exists");
    make_with(&side, "img", &[]);
    assert_eq!(fs::read_to_string(d.join("img.txt")).unwrap(), "image\n");
    assert!(
        fs::read_to_string(d.join("wrapper.log")).is_ok_and(|l| l.contains("wrapper")),
        "[wrapper] the helper was not built with the wrapper:\n{fixed}"
    );
}

/// `release/Makefile`, "to be called from the project root" as `$(MAKE) -f
/// release/Makefile`: its recipes run in the root, so its callsites are
/// resolved and fixed from there, and the fixed target runs. The twin: run
/// with `-C release`, the same callsite names a package that is not there,
/// and gets no fix (the finding says why).
#[test]
fn a_makefile_run_with_f_from_the_root_is_fixed_from_the_root() {
    if !tools_available() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let side = small_module(
        root.path(),
        "example.com/rel",
        "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"notes\") }\n",
        ".PHONY: release other\nrelease:\n\t$(MAKE) -f release/Makefile notes\n\nother:\n\t$(MAKE) -C other notes\n",
    );
    let d = &side.dir;
    write(d, "release/Makefile", "# Should only be called from the project root.\nnotes:\n\tgo run ./scripts/gen > notes.txt\n");
    write(
        d,
        "other/Makefile",
        "notes:\n\tgo run ./scripts/gen > notes.txt\n",
    );
    fix_ok(&side, "-f");
    let release = fs::read_to_string(d.join("release/Makefile")).unwrap();
    assert!(
        release.contains("notes: | _gen/bin/gen\n\t_gen/bin/gen > notes.txt\n"),
        "{release}"
    );
    make_with(&side, "release", &[]);
    assert_eq!(fs::read_to_string(d.join("notes.txt")).unwrap(), "notes\n");
    assert!(d.join("_gen/bin/gen").is_file());
    // The twin: unchanged, and the finding says why.
    assert_eq!(
        fs::read_to_string(d.join("other/Makefile")).unwrap(),
        "notes:\n\tgo run ./scripts/gen > notes.txt\n"
    );
    let out = gorun_lint(&side, &["check", "--format", "json", "--exit-zero", "."]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("no fix: there is no `scripts/gen` where this file's recipes run"),
        "{text}"
    );
}

/// `go run` of a dependency's package (GR004), here a vendored module, is
/// fixed like a repo-local one: the helper is built from go.mod's
/// requirement, writes the same output, and leaves no executable in
/// GOCACHE. The twin, unfixed: `go run` leaves one. A package go.mod does
/// not require gets no fix (the go command would resolve it at run time).
#[test]
fn a_dependency_tool_is_built_from_the_requirement() {
    if !tools_available() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let makefile = "out.txt:\n\tgo run example.com/tool/cmd/t -n 2 > $@\n\nother:\n\tgo run example.com/unknown/cmd/u\n";
    let (orig, fixed) = &vendored_tool_sides(
        root.path(),
        "module example.com/dep\n\ngo 1.24\n\nrequire example.com/tool v1.0.0\n",
        makefile,
    );
    fix_ok(fixed, "dependency");
    let text = fs::read_to_string(fixed.dir.join("Makefile")).unwrap();
    assert!(
        text.contains(
            "\tgo build -buildvcs=false -ldflags=\"-s -w\" -o $@ example.com/tool/cmd/t\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("other:\n\tgo run example.com/unknown/cmd/u\n"),
        "{text}"
    );
    for side in [orig, fixed] {
        make_with(side, "out.txt", &[]);
        assert_eq!(
            fs::read_to_string(side.dir.join("out.txt")).unwrap(),
            "tool 2\n"
        );
    }
    assert_eq!(names(&cached_executables(&orig.gocache)), ["t"]);
    assert_eq!(
        names(&cached_executables(&fixed.gocache)),
        Vec::<&str>::new(),
        "[dependency] the helper left an executable in GOCACHE"
    );
    assert!(up_to_date(fixed, "_gen/bin/t", &[]));
    make_newer_than_binaries(&fixed.dir.join("go.mod"), &fixed.dir);
    assert!(
        !up_to_date(fixed, "_gen/bin/t", &[]),
        "[dependency] go.mod does not rebuild it"
    );
}

/// The `run:` values of a workflow, read with the YAML parser itself
/// (not gorun-lint's mapping of them to file lines).
fn workflow_runs(yaml: &str) -> Vec<String> {
    use saphyr_parser::{Event, Parser};
    let mut out = Vec::new();
    let mut after_run_key = false;
    for ev in Parser::new_from_str(yaml) {
        let (ev, _) = ev.expect("valid YAML");
        match ev {
            Event::Scalar(v, ..) if after_run_key => {
                out.push(v.to_string());
                after_run_key = false;
            }
            Event::Scalar(v, ..) => after_run_key = v == "run",
            _ => after_run_key = false,
        }
    }
    out
}

/// A workflow `run:` step (GR001): `go run PKG args` becomes `go build -o
/// "$RUNNER_TEMP/gorun-lint/<tool>" PKG && "$RUNNER_TEMP/gorun-lint/<tool>"
/// args` in place, in a literal block and a plain scalar, and the steps,
/// run with bash from the edited YAML, write what the original steps
/// wrote, leaving no executable in GOCACHE. The twin: a quoted scalar,
/// where a quote of the rewrite would end the string, is left alone.
#[test]
fn a_workflow_step_is_rewritten_in_place_and_runs() {
    if !tools_available() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let main_go = "package main\n\nimport (\n\t\"flag\"\n\t\"fmt\"\n)\n\nfunc main() {\n\tn := flag.Int(\"n\", 1, \"\")\n\tflag.Parse()\n\tfmt.Println(\"gen\", *n)\n}\n";
    let workflow = "name: ci\non: [push]\njobs:\n  gen:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v5\n      - name: block\n        run: |\n          go run ./scripts/gen -n 3 > out.txt\n          echo \"v=$(go run ./scripts/gen -n 1)\" >> out.txt\n      - name: plain\n        run: go run ./scripts/gen -n 2 >> out.txt\n      - name: quoted\n        run: \"go run ./scripts/gen -n 4 >> quoted.txt\"\n";
    let sides: Vec<Side> = ["orig", "fixed"]
        .into_iter()
        .map(|label| {
            let side = Side::new(label, root.path());
            write(&side.dir, "go.mod", "module example.com/wf\n\ngo 1.24\n");
            write(&side.dir, "scripts/gen/main.go", main_go);
            write(&side.dir, ".github/workflows/ci.yml", workflow);
            side
        })
        .collect();
    let (orig, fixed) = (&sides[0], &sides[1]);
    fix_ok(fixed, "workflow");
    let edited = fs::read_to_string(fixed.dir.join(".github/workflows/ci.yml")).unwrap();
    assert!(
        edited.contains("        run: \"go run ./scripts/gen -n 4 >> quoted.txt\"\n"),
        "[workflow] the quoted step changed:\n{edited}"
    );
    let runs = workflow_runs(&edited);
    assert_eq!(runs.len(), 3, "{edited}");
    assert!(runs[..2].iter().all(|r| !r.contains("go run")), "{edited}");
    let runner_temp = root.path().join("runner-temp");
    fs::create_dir_all(&runner_temp).unwrap();
    for (side, steps) in [(orig, workflow_runs(workflow)), (fixed, runs)] {
        for step in &steps[..2] {
            let mut cmd = Command::new("bash");
            cmd.args(["-e", "-c", step]);
            side.env(&mut cmd);
            cmd.env("RUNNER_TEMP", &runner_temp);
            run_ok(cmd, &format!("{}: bash -c {step:?}", side.label));
        }
    }
    assert_eq!(
        fs::read_to_string(fixed.dir.join("out.txt")).unwrap(),
        fs::read_to_string(orig.dir.join("out.txt")).unwrap()
    );
    assert_eq!(
        fs::read_to_string(orig.dir.join("out.txt")).unwrap(),
        "gen 3\nv=gen 1\ngen 2\n"
    );
    assert_eq!(names(&cached_executables(&orig.gocache)), ["gen"]);
    assert!(
        cached_executables(&fixed.gocache).is_empty(),
        "[workflow] the rewritten steps left an executable in GOCACHE"
    );
    assert!(runner_temp.join("gorun-lint/gen").is_file());
}

/// `-tags=$(TAGS)` and `-ldflags="${LDFLAGS}"` (one word each, a variable
/// inside) are the helper's build flags, `-s -w` merged into the ldflags:
/// the helper prints what `go run` printed. Makefiles under `vendor/` and
/// `testdata/` (another module's, regenerated) are left alone.
#[test]
fn flags_with_variables_reach_the_build_and_foreign_makefiles_stay() {
    if !tools_available() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let side = small_module(
        root.path(),
        "example.com/flags",
        "package main\n\nimport \"fmt\"\n\nvar v = \"unset\"\n\nfunc main() { fmt.Println(v, tag) }\n",
        "TAGS := extra\nLDFLAGS := -X main.v=7\n\nout.txt:\n\tgo run -tags=$(TAGS) -ldflags=\"${LDFLAGS}\" ./scripts/gen > $@\n",
    );
    let d = &side.dir;
    write(
        d,
        "scripts/gen/tag_extra.go",
        "//go:build extra\n\npackage main\n\nconst tag = \"extra\"\n",
    );
    write(
        d,
        "scripts/gen/tag_plain.go",
        "//go:build !extra\n\npackage main\n\nconst tag = \"plain\"\n",
    );
    let foreign = "gen:\n\tgo run ./scripts/gen\n";
    write(d, "vendor/example.com/lib/Makefile", foreign);
    write(d, "testdata/project/Makefile", foreign);
    make_with(&side, "out.txt", &[]);
    let before = fs::read_to_string(d.join("out.txt")).unwrap();
    assert_eq!(before, "7 extra\n");
    fs::remove_file(d.join("out.txt")).unwrap();
    fix_ok(&side, "flags");
    let text = fs::read_to_string(d.join("Makefile")).unwrap();
    assert!(
        text.contains("go build -buildvcs=false -tags=$(TAGS) -ldflags=\"-s -w ${LDFLAGS}\" -o $@ ./scripts/gen"),
        "{text}"
    );
    make_with(&side, "out.txt", &[]);
    assert_eq!(fs::read_to_string(d.join("out.txt")).unwrap(), before);
    for f in [
        "vendor/example.com/lib/Makefile",
        "testdata/project/Makefile",
    ] {
        assert_eq!(
            fs::read_to_string(d.join(f)).unwrap(),
            foreign,
            "[flags] {f} was edited"
        );
    }
}

/// A zip archive of `files` (name, bytes), stored (no compression): the
/// module zip a `GOPROXY=file://` proxy serves.
fn stored_zip(files: &[(&str, &[u8])]) -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let (mut out, mut central) = (Vec::new(), Vec::new());
    for (name, data) in files {
        let (crc, size, offset) = (crc32(data), data.len() as u32, out.len() as u32);
        let fixed = |sig: u32, v: &mut Vec<u8>| {
            v.extend(sig.to_le_bytes());
            if sig == 0x0201_4b50 {
                v.extend(20u16.to_le_bytes()); // made by
            }
            for h in [20u16, 0, 0, 0, 0x21] {
                v.extend(h.to_le_bytes()); // version, flags, stored, time, date
            }
            v.extend(crc.to_le_bytes());
            v.extend(size.to_le_bytes());
            v.extend(size.to_le_bytes());
            v.extend((name.len() as u16).to_le_bytes());
            v.extend(0u16.to_le_bytes()); // extra
        };
        fixed(0x0403_4b50, &mut out);
        out.extend(name.as_bytes());
        out.extend(*data);
        fixed(0x0201_4b50, &mut central);
        for h in [0u16, 0, 0] {
            central.extend(h.to_le_bytes()); // comment, disk, internal attrs
        }
        central.extend(0u32.to_le_bytes()); // external attrs
        central.extend(offset.to_le_bytes());
        central.extend(name.as_bytes());
    }
    let (cd_offset, cd_size, n) = (out.len() as u32, central.len() as u32, files.len() as u16);
    out.extend(central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    for h in [0u16, 0, n, n] {
        out.extend(h.to_le_bytes());
    }
    out.extend(cd_size.to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// `go run pkg@version` (GR003) from a module proxy (a local
/// `GOPROXY=file://` one: no network) becomes a file target keyed by the
/// version, installed with `GOBIN=... go install`: the same output, no
/// executable left in GOCACHE (the twin, unfixed, leaves one), and a new
/// version written in the Makefile is a new target, installed on the next
/// run. `@latest` resolves anew each run: no fix.
#[test]
fn a_pinned_remote_tool_gets_a_version_keyed_target() {
    if !tools_available() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let proxy = root.path().join("proxy/example.com/rtool/@v");
    fs::create_dir_all(&proxy).unwrap();
    for v in ["v1.2.3", "v1.2.4"] {
        let main = format!("package main\n\nimport (\n\t\"flag\"\n\t\"fmt\"\n)\n\nfunc main() {{\n\tn := flag.Int(\"n\", 1, \"\")\n\tflag.Parse()\n\tfmt.Println(\"rt {v}\", *n)\n}}\n");
        let gomod = "module example.com/rtool\n\ngo 1.24\n";
        fs::write(
            proxy.join(format!("{v}.info")),
            format!("{{\"Version\":\"{v}\",\"Time\":\"2024-01-01T00:00:00Z\"}}"),
        )
        .unwrap();
        fs::write(proxy.join(format!("{v}.mod")), gomod).unwrap();
        let prefix = format!("example.com/rtool@{v}");
        fs::write(
            proxy.join(format!("{v}.zip")),
            stored_zip(&[
                (&format!("{prefix}/go.mod"), gomod.as_bytes()),
                (&format!("{prefix}/cmd/rt/main.go"), main.as_bytes()),
            ]),
        )
        .unwrap();
    }
    fs::write(proxy.join("list"), "v1.2.3\nv1.2.4\n").unwrap();
    let url = format!("file://{}", root.path().join("proxy").display());
    let env: &[(&str, Option<&str>)] = &[("GOPROXY", Some(&url)), ("GOSUMDB", Some("off"))];
    let makefile = "out.txt:\n\tgo run example.com/rtool/cmd/rt@v1.2.3 -n 5 > $@\n\nlatest:\n\tgo run example.com/rtool/cmd/rt@latest\n";
    let sides: Vec<Side> = ["orig", "fixed"]
        .into_iter()
        .map(|label| {
            let side = Side::new(label, root.path());
            write(&side.dir, "go.mod", "module example.com/user\n\ngo 1.24\n");
            write(&side.dir, "Makefile", makefile);
            side
        })
        .collect();
    let (orig, fixed) = (&sides[0], &sides[1]);
    fix_ok(fixed, "remote");
    let text = fs::read_to_string(fixed.dir.join("Makefile")).unwrap();
    assert!(
        text.contains("out.txt: | _gen/bin/rt@v1.2.3\n\t_gen/bin/rt@v1.2.3 -n 5 > $@\n"),
        "{text}"
    );
    assert!(
        text.contains("latest:\n\tgo run example.com/rtool/cmd/rt@latest\n"),
        "{text}"
    );
    for side in [orig, fixed] {
        make_with(side, "out.txt", env);
        assert_eq!(
            fs::read_to_string(side.dir.join("out.txt")).unwrap(),
            "rt v1.2.3 5\n"
        );
    }
    assert_eq!(names(&cached_executables(&orig.gocache)), ["rt"]);
    assert!(
        cached_executables(&fixed.gocache).is_empty(),
        "[remote] the installed helper left an executable in GOCACHE"
    );
    // A new version written in the Makefile: a new target, installed.
    fs::write(fixed.dir.join("Makefile"), text.replace("v1.2.3", "v1.2.4")).unwrap();
    fs::remove_file(fixed.dir.join("out.txt")).unwrap();
    make_with(fixed, "out.txt", env);
    assert_eq!(
        fs::read_to_string(fixed.dir.join("out.txt")).unwrap(),
        "rt v1.2.4 5\n"
    );
}

/// `go tool X` of a go.mod `tool` directive (GR015) gets the GR004 helper
/// only as an unsafe fix (it changes the team's idiom): `fix` alone leaves
/// it; with `--unsafe-fixes` the recipe runs `_gen/bin/t`, built from the
/// requirement, with the same output and no executable left in GOCACHE
/// (where `go tool` leaves one, as `go run` does).
#[test]
fn a_go_tool_directive_gets_the_helper_as_an_unsafe_fix() {
    if !tools_available() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let makefile = "out.txt:\n\tgo tool t -n 3 > $@\n";
    let (orig, fixed) = &vendored_tool_sides(root.path(), "module example.com/tl\n\ngo 1.24\n\nrequire example.com/tool v1.0.0\n\ntool example.com/tool/cmd/t\n", makefile);
    fix_ok(fixed, "go-tool");
    assert_eq!(
        fs::read_to_string(fixed.dir.join("Makefile")).unwrap(),
        makefile,
        "[go-tool] a safe fix changed it"
    );
    let out = gorun_lint(fixed, &["fix", "--unsafe-fixes", "."]);
    assert!(out.status.success(), "{}", describe_output(&out));
    let text = fs::read_to_string(fixed.dir.join("Makefile")).unwrap();
    assert!(
        text.contains("out.txt: | _gen/bin/t\n\t_gen/bin/t -n 3 > $@\n"),
        "{text}"
    );
    assert!(text.contains("-o $@ example.com/tool/cmd/t\n"), "{text}");
    for side in [orig, fixed] {
        make_with(side, "out.txt", &[]);
        assert_eq!(
            fs::read_to_string(side.dir.join("out.txt")).unwrap(),
            "tool 3\n"
        );
    }
    assert_eq!(names(&cached_executables(&orig.gocache)), ["t"]);
    assert!(
        cached_executables(&fixed.gocache).is_empty(),
        "[go-tool] the helper left an executable in GOCACHE"
    );
}

/// Two copies (`orig`, `fixed`) of a module with `gomod` and `makefile`
/// whose `vendor/` holds `example.com/tool/cmd/t` (prints `tool N` for
/// `-n N`): a dependency tool without network.
fn vendored_tool_sides(root: &Path, gomod: &str, makefile: &str) -> (Side, Side) {
    let side = |label| {
        let side = Side::new(label, root);
        let d = &side.dir;
        write(d, "go.mod", gomod);
        write(
            d,
            "vendor/modules.txt",
            "# example.com/tool v1.0.0\n## explicit\nexample.com/tool/cmd/t\n",
        );
        write(
            d,
            "vendor/example.com/tool/cmd/t/main.go",
            "package main\n\nimport (\n\t\"flag\"\n\t\"fmt\"\n)\n\nfunc main() {\n\tn := flag.Int(\"n\", 1, \"\")\n\tflag.Parse()\n\tfmt.Println(\"tool\", *n)\n}\n",
        );
        write(d, "Makefile", makefile);
        side
    };
    (side("orig"), side("fixed"))
}
