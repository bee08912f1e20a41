//! The promises `check` and `fix` keep on any input, checked the same way
//! by both fuzz targets and by the regression tests (tests/properties.rs
//! includes this file).
//!
//! Each input becomes the `Makefile` of a small Go repository (a go.mod, a
//! few `package main` helpers, an included `common.mk`). Then, as
//! `gorun-lint check` and `gorun-lint fix` would:
//!
//! 1. analyse the tree and plan every fix (unsafe ones included): no panic;
//! 2. render the fixed texts: a refusal is fine only when it is the
//!    "would have more unparsable regions" safety net, never an internal
//!    error (overlapping edits, an edit outside the text);
//! 3. for every file the fix changes: the new text re-parses with no more
//!    ERROR regions than the old one, and every original line that no edit
//!    touches is still there, in order;
//! 4. write the new texts and fix again: nothing changes (idempotence);
//! 5. the same input as `sub/Makefile`, which `check` finishes while it
//!    walks (not at the project root): the report is the whole analysis's.
//!
//! Time per input is bounded by libFuzzer's `-timeout` (scripts/fuzz.sh).

use std::path::Path;

use gorun_lint::command::render::{Format, RenderOptions};
use gorun_lint::lint::analysis::{Analysis, Options};
use gorun_lint::lint::edit::Edit;
use gorun_lint::lint::fix::apply::{apply_edits, render, Change};
use gorun_lint::lint::fix::plan::plan;
use gorun_lint::syntax::parse::tree::MakeParser;
use gorun_lint::syntax::parse::MakeDoc;

/// The Go repository every input is dropped into.
pub const TEMPLATE: &[(&str, &str)] = &[
    ("go.mod", "module example.com/fz\n\ngo 1.24\n"),
    (
        "scripts/gen/main.go",
        "package main\n\nimport _ \"example.com/fz/internal/lib\"\n\nfunc main() {}\n",
    ),
    ("cmd/tool/main.go", "package main\n\nfunc main() {}\n"),
    ("tools/x/main.go", "package main\n\nfunc main() {}\n"),
    ("internal/lib/lib.go", "package lib\n"),
    ("sub/main.go", "package main\n\nfunc main() {}\n"),
    (
        "common.mk",
        "GO ?= go\nHOSTGO := env -u GOOS -- go\nGO_RUN := go run\n",
    ),
    // A program that runs its trailing arguments (issue 21).
    (
        ".gorun-lint.toml",
        "exec-wrappers = [{ name = \"addlicense\", skip-flags = [\"-file\"] }]\n",
    ),
];

/// A fresh copy of the template repository with `makefile` as its Makefile.
fn repo(makefile: &[u8]) -> tempfile::TempDir {
    repo_at(makefile, "Makefile")
}

/// A fresh copy of the template repository with `makefile` at `rel`.
fn repo_at(makefile: &[u8], rel: &str) -> tempfile::TempDir {
    // /dev/shm keeps the many small writes off the disk when it is there.
    let dir = if Path::new("/dev/shm").is_dir() {
        tempfile::tempdir_in("/dev/shm")
    } else {
        tempfile::tempdir()
    }
    .expect("temp dir");
    for (rel, text) in TEMPLATE {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    std::fs::write(dir.path().join(rel), makefile).unwrap();
    dir
}

fn analyse(dir: &Path) -> Analysis {
    let opts = Options {
        paths: vec![dir.to_path_buf()],
        ..Default::default()
    };
    gorun_lint::lint::driver::run(&opts, dir).expect("analysis runs with the template's config")
}

/// Plan and render every fix; `None` when rendering refused (as `fix` would,
/// writing nothing).
fn fixes(analysis: &Analysis) -> Option<Vec<Change>> {
    let p = plan(analysis, true, None);
    match render(&p.files) {
        Ok(changes) => Some(changes),
        Err(e) => {
            let msg = e.to_string();
            // The safety nets: refusals that write nothing, never internal
            // errors.
            assert!(
                (msg.contains("unparsable regions") || msg.contains("sets `.RECIPEPREFIX`"))
                    && !msg.contains("internal error"),
                "render failed: {msg}"
            );
            None
        }
    }
}

/// `check` as the command runs it: the Makefiles no other file's analysis
/// reads are finished while walking. Its JSON and human reports.
fn check_reports(dir: &Path, finish: bool) -> (String, String) {
    let selection = gorun_lint::lint::config::Selection::default();
    let opts = Options {
        paths: vec![dir.to_path_buf()],
        finish: finish.then(|| selection.clone()),
        ..Default::default()
    };
    let mut analysis = gorun_lint::lint::driver::run(&opts, dir)
        .expect("analysis runs with the template's config");
    let report = gorun_lint::lint::check::check(&mut analysis, &selection, dir);
    let opts = RenderOptions::default();
    (
        Format::Json.renderer().render(&report, &opts),
        Format::Human.renderer().render(&report, &opts),
    )
}

/// Run the whole check on one input; panics on any broken promise.
pub fn check_and_fix(makefile: &[u8]) {
    let sub = repo_at(makefile, "sub/Makefile");
    let whole = check_reports(sub.path(), false);
    assert!(
        check_reports(sub.path(), true) == whole,
        "check reports differently when it finishes sub/Makefile while walking\n--- input:\n{}",
        String::from_utf8_lossy(makefile)
    );
    drop(sub);
    let dir = repo(makefile);
    let mut analysis = analyse(dir.path());
    // What `check` prints, in every format, must not panic either.
    let report = gorun_lint::lint::check::check(&mut analysis, &Default::default(), dir.path());
    for format in [Format::Human, Format::Json, Format::Sarif, Format::Github] {
        let opts = RenderOptions {
            color: true,
            statistics: true,
            quiet: false,
            ..Default::default()
        };
        let _ = format.renderer().render(&report, &opts);
    }
    let Some(changes) = fixes(&analysis) else {
        return;
    };
    if changes.is_empty() {
        return;
    }
    let mut parser = MakeParser::new();
    for c in &changes {
        let fe = &c.edits;
        assert_eq!(
            apply_edits(&fe.original, &fe.edits).as_deref(),
            Ok(c.new_text.as_str()),
            "render and apply_edits disagree"
        );
        let name = fe.path.file_name().unwrap().to_string_lossy();
        if gorun_lint::syntax::sources::is_makefile_name(&name) {
            let before = MakeDoc::parse(&fe.original, &mut parser)
                .error_regions
                .len();
            let after = MakeDoc::parse(&c.new_text, &mut parser).error_regions.len();
            assert!(
                after <= before,
                "{name}: fix adds parse errors ({before} -> {after})\n--- new text:\n{}",
                c.new_text
            );
        }
        untouched_lines_kept(&fe.original, &fe.edits, &c.new_text);
    }
    // Write the fixed texts, then fix again: nothing may change.
    for c in &changes {
        std::fs::write(&c.edits.path, &c.new_text).unwrap();
    }
    let again = analyse(dir.path());
    let second = fixes(&again).expect("the fixed tree renders");
    if let Some(c) = second.first() {
        panic!(
            "fix is not idempotent: {} changes again\n--- input:\n{}\n--- after the first fix:\n{}\n--- after the second:\n{}",
            c.edits.display,
            String::from_utf8_lossy(makefile),
            c.edits.original,
            c.new_text
        );
    }
}

/// Every line of `original` that no edit touches is a line of `new`, in the
/// same order. An edit touches a line when its span meets the line's text,
/// its ends included (an insertion at either end of a line touches it).
pub fn untouched_lines_kept(original: &str, edits: &[Edit], new: &str) {
    let mut kept = Vec::new();
    let mut start = 0;
    for line in original.split_inclusive('\n') {
        let text = line.trim_end_matches('\n').trim_end_matches('\r');
        let end = start + text.len();
        let touched = edits
            .iter()
            .any(|e| e.span.start <= end && e.span.end >= start);
        if !touched {
            kept.push(text);
        }
        start += line.len();
    }
    let mut new_lines = new
        .split_inclusive('\n')
        .map(|l| l.trim_end_matches('\n').trim_end_matches('\r'));
    for k in kept {
        assert!(
            new_lines.any(|n| n == k),
            "untouched line {k:?} is missing or out of order in the fixed text:\n{new}"
        );
    }
}
