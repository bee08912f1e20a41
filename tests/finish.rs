//! `check` finishes the Makefiles no other file's analysis reads while it
//! walks, keeping only their findings (`Options::finish`). These tests hold
//! the report to the one the whole analysis gives: over every fixture, and
//! for the two things known only at the end (an include of a finished file,
//! a helper name clash between finished files).

mod common;

use std::path::{Path, PathBuf};

use gorun_lint::command::render::{Format, RenderOptions};
use gorun_lint::lint::analysis::Options;
use gorun_lint::lint::check;
use gorun_lint::lint::config::Selection;

/// The JSON and human reports of checking `dir` from `cwd`, and the number
/// of files finished while walking.
fn reports(dir: &Path, cwd: &Path, finish: bool) -> (String, String, usize) {
    let selection = Selection::default();
    let mut analysis = gorun_lint::lint::driver::run(
        &Options {
            paths: vec![dir.to_path_buf()],
            finish: finish.then(|| selection.clone()),
            ..Default::default()
        },
        cwd,
    )
    .unwrap();
    let report = check::check(&mut analysis, &selection, cwd);
    let opts = RenderOptions {
        statistics: true,
        ..Default::default()
    };
    // The findings themselves (`--statistics` would print only counts).
    let human = Format::Human
        .renderer()
        .render(&report, &RenderOptions::default());
    let json = Format::Json.renderer().render(&report, &opts);
    (json, human, analysis.finished.len())
}

/// Check `dir` whole and finishing files while walking: the same reports.
/// Returns the files finished.
fn assert_same_reports(dir: &Path, cwd: &Path) -> usize {
    let (json, human, finished) = reports(dir, cwd, true);
    let (whole_json, whole_human, none) = reports(dir, cwd, false);
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
            } else if gorun_lint::syntax::sources::is_makefile_name(
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
    let json = |paths: &[&str], finish: bool| {
        let selection = Selection::default();
        let mut analysis = gorun_lint::lint::driver::run(
            &Options {
                paths: paths.iter().map(|p| cwd.join(p)).collect(),
                finish: finish.then(|| selection.clone()),
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
    let once = json(&["fixtures/check"], false);
    assert!(once.matches("\"rule\"").count() > 50, "{once}");
    for finish in [false, true] {
        // Its twin is `once` itself: the same tree named once.
        assert_eq!(json(&["fixtures/check"], finish), once, "{finish}");
        assert_eq!(
            json(
                &[
                    "fixtures/check",
                    "fixtures/check/arguments",
                    "fixtures/check"
                ],
                finish
            ),
            once,
            "{finish}"
        );
    }
}

#[test]
fn each_file_is_counted_once_however_it_is_named() {
    // Files named and walked, under two of the paths given, included, or
    // skipped by the prefilter: the count of files checked is the tree's,
    // whether files are held or finished.
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
    let count = |paths: &[&str], finish: bool| {
        let analysis = gorun_lint::lint::driver::run(
            &Options {
                paths: paths.iter().map(|p| d.path().join(p)).collect(),
                finish: finish.then(Selection::default),
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
    for finish in [false, true] {
        assert_eq!(count(&["."], finish), tree, "{finish}");
        assert_eq!(count(&named, finish), tree, "{finish}");
        // Its twin: a file outside the tree, named, counts.
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("Makefile"), "all:\n\techo\n").unwrap();
        let path = outside.path().join("Makefile");
        let with = [".", path.to_str().unwrap()];
        assert_eq!(count(&with, finish), tree + 1, "{finish}");
    }
}
