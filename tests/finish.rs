//! `check` finishes the Makefiles no other file's analysis reads while it
//! walks, keeping only their findings (`Options::finish`). These tests hold
//! the report to the one the whole analysis gives: over every fixture, and
//! for the two things known only at the end (an include of a finished file,
//! a helper name clash between finished files).

mod common;

use std::path::{Path, PathBuf};

use gorun_lint::analysis::{Analysis, Options};
use gorun_lint::check::{self, Selection};
use gorun_lint::render::{Format, RenderOptions};

/// The JSON and human reports of checking `dir` from `cwd`, and the number
/// of files finished while walking.
fn reports(dir: &Path, cwd: &Path, finish: bool) -> (String, String, usize) {
    let (json, human, finished, _) = reports_spilling(dir, cwd, finish, None);
    (json, human, finished)
}

/// [`reports`], with finished files written out past `spill_after`; also
/// the number of files with findings that were finished and held in
/// memory, and the number written out.
fn reports_spilling(
    dir: &Path,
    cwd: &Path,
    finish: bool,
    spill_after: Option<usize>,
) -> (String, String, usize, (usize, usize)) {
    let selection = Selection::default();
    let mut analysis = Analysis::run(
        &Options {
            paths: vec![dir.to_path_buf()],
            finish: finish.then(|| selection.clone()),
            spill_after,
            // Written out, every record goes through a run on disk.
            run_len: spill_after.map(|_| 1),
            ..Default::default()
        },
        cwd,
    )
    .unwrap();
    let held = analysis
        .finished
        .iter()
        .filter(|f| !f.diagnostics.is_empty())
        .count();
    let report = check::check(&mut analysis, &selection, cwd);
    let opts = RenderOptions {
        statistics: true,
        ..Default::default()
    };
    let human = Format::Human.renderer().render(&report, &opts);
    let json = Format::Json.renderer().render(&report, &opts);
    assert_eq!(*report.lost.lock().unwrap(), None);
    (
        json,
        human,
        analysis.finished.len(),
        (held, written_with_findings(&report)),
    )
}

/// Files written out with findings.
fn written_with_findings(report: &check::Report) -> usize {
    report.written.as_ref().map_or(0, |w| {
        w.records()
            .filter(|r| r.as_ref().unwrap().chunk.is_some())
            .count()
    })
}

/// Check `dir` whole, finishing files while walking, and spilling every
/// finished file's findings: the same reports. Returns the files finished.
fn assert_same_reports(dir: &Path, cwd: &Path) -> usize {
    let (json, human, finished) = reports(dir, cwd, true);
    let (whole_json, whole_human, none) = reports(dir, cwd, false);
    let (_, _, _, (with_findings, _)) = reports_spilling(dir, cwd, true, None);
    let (spilled_json, spilled_human, _, (held, spilled)) =
        reports_spilling(dir, cwd, true, Some(0));
    assert_eq!(held, 0, "{}: a file with findings held", dir.display());
    assert_eq!(
        none,
        0,
        "{}: finished without Options::finish",
        dir.display()
    );
    assert_eq!(json, whole_json, "{}: JSON report differs", dir.display());
    assert_eq!(
        human,
        whole_human,
        "{}: human report differs",
        dir.display()
    );
    assert_eq!(
        spilled,
        with_findings,
        "{}: every finished file with findings spills",
        dir.display()
    );
    assert_eq!(
        spilled_json,
        whole_json,
        "{}: JSON report differs when spilled",
        dir.display()
    );
    assert_eq!(
        spilled_human,
        whole_human,
        "{}: human report differs when spilled",
        dir.display()
    );
    finished
}

/// Every directory under `fixtures/` that holds a Makefile directly.
fn fixture_dirs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")];
    while let Some(d) = stack.pop() {
        let mut has_makefile = false;
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if gorun_lint::discover::is_makefile_name(
                &p.file_name().unwrap().to_string_lossy(),
            ) {
                has_makefile = true;
            }
        }
        if has_makefile {
            out.push(d);
        }
    }
    out.sort();
    out
}

#[test]
fn finishing_while_walking_changes_no_fixture_report() {
    let cwd = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dirs = fixture_dirs();
    assert!(dirs.len() > 20, "fixture directories: {dirs:?}");
    let finished: usize = dirs.iter().map(|d| assert_same_reports(d, cwd)).sum();
    let spilled: usize = dirs
        .iter()
        .map(|d| reports_spilling(d, cwd, true, Some(0)).3 .1)
        .sum();
    // Most finished ones have findings, and spill them.
    assert!(spilled >= 20, "only {spilled} fixture Makefiles spilled");
    // About half of the 81 fixture Makefiles are finished; the others sit
    // at their project root (a `.gorun-lint.toml` beside them), include or
    // are included, define helper targets or run scripts.
    assert!(finished >= 30, "only {finished} fixture Makefiles finished");
}

/// A module with a `.git` at `root`, and `Makefile`s at the given
/// directories with the given text.
fn repo(makefiles: &[(&str, &str)], mains: &[&str]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    common::go_module(d.path(), mains);
    std::fs::create_dir(d.path().join(".git")).unwrap();
    for (dir, text) in makefiles {
        std::fs::create_dir_all(d.path().join(dir)).unwrap();
        std::fs::write(d.path().join(dir).join("Makefile"), text).unwrap();
    }
    d
}

#[test]
fn a_finished_makefile_that_another_includes_is_analysed_in_full() {
    // `lib/Makefile` alone is finished while walking; `app/Makefile`
    // includes it, so make runs its recipe from `app/`, where `./gen` is
    // another package.
    let d = repo(
        &[
            ("lib", "gen:\n\tgo run ./gen\n"),
            (
                "app",
                "include ../lib/Makefile\n\nall: gen\n\tgo run ./tool\n",
            ),
        ],
        &["lib/gen", "app/gen", "app/tool"],
    );
    let finished = assert_same_reports(d.path(), d.path());
    assert_eq!(finished, 0, "the included file must not stay finished");
    let (json, _, _) = reports(d.path(), d.path(), true);
    assert!(json.contains("\"package\": \"./gen\""), "{json}");
    assert!(json.contains("app/Makefile"), "{json}");
    // Its twin: nothing includes it, it stays finished and is reported
    // from its own directory.
    let d = repo(
        &[
            ("lib", "gen:\n\tgo run ./gen\n"),
            ("app", "all:\n\tgo run ./tool\n"),
        ],
        &["lib/gen", "app/tool"],
    );
    assert_eq!(assert_same_reports(d.path(), d.path()), 2);
}

#[test]
fn finished_findings_get_the_helper_names_all_files_give() {
    // Two Makefiles each run their own `./scripts/gen`: alone, each would
    // name its helper `_gen/bin/gen`; together they share the out dir at
    // the root, so one of them gets another name.
    let d = repo(
        &[
            ("a", "gen:\n\tgo run ./scripts/gen\n"),
            ("b", "gen:\n\tgo run ./scripts/gen\n"),
        ],
        &["a/scripts/gen", "b/scripts/gen"],
    );
    assert_eq!(assert_same_reports(d.path(), d.path()), 2);
    let targets = helper_targets(d.path());
    assert_eq!(targets.len(), 2, "{targets:?}");
    assert_ne!(targets[0], targets[1]);
    // Its twin: the same package run from both (one build, one name).
    let d = repo(
        &[
            ("a", "gen:\n\tcd .. && go run ./scripts/gen\n"),
            ("b", "gen:\n\tcd .. && go run ./scripts/gen\n"),
        ],
        &["scripts/gen"],
    );
    assert_eq!(assert_same_reports(d.path(), d.path()), 2);
    assert_eq!(
        helper_targets(d.path()),
        ["\"../_gen/bin/gen\",", "\"../_gen/bin/gen\","]
    );
}

/// The `target` values of the JSON report of checking `dir`.
fn helper_targets(dir: &Path) -> Vec<String> {
    let (json, _, _) = reports(dir, dir, true);
    json.lines()
        .filter_map(|l| l.trim().strip_prefix("\"target\": "))
        .map(str::to_string)
        .collect()
}

#[test]
fn overlapping_paths_report_each_file_once() {
    // Found in review: a file under two of the paths given was finished
    // twice and reported twice.
    let cwd = Path::new(env!("CARGO_MANIFEST_DIR"));
    let json = |paths: &[&str], finish: bool, spill_after: Option<usize>| {
        let selection = Selection::default();
        let mut analysis = Analysis::run(
            &Options {
                paths: paths.iter().map(|p| cwd.join(p)).collect(),
                finish: finish.then(|| selection.clone()),
                spill_after,
                run_len: spill_after.map(|_| 1),
                ..Default::default()
            },
            cwd,
        )
        .unwrap();
        let report = check::check(&mut analysis, &selection, cwd);
        Format::Json
            .renderer()
            .render(&report, &RenderOptions::default())
    };
    let once = json(&["fixtures/check"], false, None);
    assert!(once.matches("\"rule\"").count() > 50, "{once}");
    for (finish, spill_after) in [(false, None), (true, None), (true, Some(0))] {
        // Its twin is `once` itself: the same tree named once.
        assert_eq!(
            json(&["fixtures/check"], finish, spill_after),
            once,
            "{finish} {spill_after:?}"
        );
        assert_eq!(
            json(
                &[
                    "fixtures/check",
                    "fixtures/check/arguments",
                    "fixtures/check"
                ],
                finish,
                spill_after
            ),
            once,
            "{finish} {spill_after:?}"
        );
    }
}

/// `check` through the command line, with the findings held in memory or
/// all written to the spill (`GORUN_LINT_SPILL_AFTER=0`): (exit code,
/// stdout, stderr).
fn cli_check(spill_after: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let out = assert_cmd::Command::cargo_bin("gorun-lint")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env("GORUN_LINT_SPILL_AFTER", spill_after)
        .arg("check")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn spilled_findings_report_the_same_in_every_format() {
    for format in ["human", "json", "sarif", "github"] {
        let args = ["--format", format, "--statistics", "fixtures"];
        let in_memory = cli_check("1000000", &args);
        let spilled = cli_check("0", &args);
        // (2: `fixtures/` holds unreadable input on purpose.)
        assert_eq!(in_memory.0, Some(2), "{format}: {}", in_memory.2);
        assert!(
            in_memory.1.lines().count() > 50,
            "{format}: {}",
            in_memory.1
        );
        assert_eq!(spilled, in_memory, "{format}");
    }
    // The baseline options read the spilled findings back first.
    let d = tempfile::tempdir().unwrap();
    let baseline = d.path().join("baseline.json");
    let baseline = baseline.to_str().unwrap();
    let written = cli_check("0", &["--write-baseline", baseline, "fixtures"]);
    assert_eq!(written.0, Some(2), "{}", written.2);
    assert!(written.2.contains("wrote"), "{}", written.2);
    let text = std::fs::read_to_string(baseline).unwrap();
    cli_check("1000000", &["--write-baseline", baseline, "fixtures"]);
    assert_eq!(std::fs::read_to_string(baseline).unwrap(), text);
    for spill_after in ["0", "1000000"] {
        let (code, stdout, _) = cli_check(spill_after, &["--baseline", baseline, "fixtures"]);
        assert_eq!(code, Some(2), "{spill_after}: {stdout}");
        assert!(
            stdout.contains("No `go run` findings in"),
            "{spill_after}: {stdout}"
        );
    }
    // Its twin: a bad value is a usage error.
    let (code, _, stderr) = cli_check("many", &["fixtures"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("GORUN_LINT_SPILL_AFTER"), "{stderr}");
}

#[test]
fn each_file_is_counted_once_however_it_is_named() {
    // Files named and walked, under two of the paths given, included, or
    // skipped by the prefilter: the count of files checked is the tree's,
    // whether files are held, finished or written out (every record through
    // a file on disk).
    let d = repo(
        &[
            ("", "include lib/Makefile\nall:\n\tgo run ./cmd/a\n"),
            ("lib", "x:\n\tgo run ./cmd/lib\n"),
            ("plain", "all:\n\techo hi\n"),
            ("b", "gen:\n\tgo run ./cmd/b\n"),
            ("b/c", "gen:\n\tgo run ./cmd/c\n"),
        ],
        &["cmd/a", "cmd/b", "cmd/c", "cmd/lib"],
    );
    let count = |paths: &[&str], finish: bool, spill_after: Option<usize>| {
        let analysis = Analysis::run(
            &Options {
                paths: paths.iter().map(|p| d.path().join(p)).collect(),
                finish: finish.then(Selection::default),
                spill_after,
                run_len: spill_after.map(|_| 1),
                ..Default::default()
            },
            d.path(),
        )
        .unwrap();
        analysis.files_walked
    };
    let named = [
        ".",
        "plain/Makefile",
        "b/Makefile",
        "Makefile",
        "lib/Makefile",
        "b",
        "plain",
    ];
    // Five Makefiles and the four commands' main.go (read for
    // //go:generate).
    let tree = 9;
    for (finish, spill_after) in [(false, None), (true, None), (true, Some(0))] {
        assert_eq!(count(&["."], finish, spill_after), tree, "{finish}");
        assert_eq!(count(&named, finish, spill_after), tree, "{finish}");
        // Its twin: a file outside the tree, named, counts.
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("Makefile"), "all:\n\techo\n").unwrap();
        let path = outside.path().join("Makefile");
        let with = [".", path.to_str().unwrap()];
        assert_eq!(count(&with, finish, spill_after), tree + 1, "{finish}");
    }
}
