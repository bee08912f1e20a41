//! `migrate`: the one-off migration of a legacy repository. Prints a plan
//! (each helper with its package, callsites, files and fix safety, and what
//! stays on `go run` and why), then with `--apply` applies the fixes,
//! records each callsite that stays with its reason, and prints the lines
//! to add to CI, so that `check` passes from then on.
//!
//! What stays is recorded at the callsite, not for the tool: an inline
//! `gorun-lint: allow` comment on the line above it, in the comment syntax
//! of its source (`#` in Makefiles, scripts and workflows, `//` above a
//! directive). A tool-wide allowlist key would let every later `go run` of
//! that tool pass, in any file and at read time too, and the guard would
//! be weaker after the migration than before it. Where no comment line can
//! go (a `define` body, a line continued from the one above), the entry
//! goes to `.gorun-lint.toml` scoped to the file and to the rules the
//! callsite has (`{ reason, files, rules }`).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use crate::lint::analysis::{Analysis, Site};
use crate::lint::classify::Class;
use crate::lint::diagnostic::Applicability;
use crate::lint::edit::{Edit, FileEdits};
use crate::lint::rules;
use crate::syntax::callsite::Origin;
use crate::syntax::sources::Kind;

/// One helper the migration creates.
#[derive(Debug, Default)]
pub struct PlannedHelper {
    pub target: String,
    /// The tool names `go run` gave its executables (for the cache).
    pub tools: Vec<String>,
    pub package: String,
    pub callsites: usize,
    pub files: Vec<String>,
    pub safety: String,
}

/// A callsite that stays on `go run`, with the reason.
#[derive(Debug)]
pub struct Staying {
    /// (file, site) in the analysis.
    pub index: (usize, usize),
    pub location: String,
    pub package: String,
    pub tool: Option<String>,
    pub why: String,
}

/// The migration plan.
#[derive(Debug, Default)]
pub struct MigrationPlan {
    pub helpers: Vec<PlannedHelper>,
    pub staying: Vec<Staying>,
}

/// Build the plan from an analysis.
pub fn plan(analysis: &Analysis) -> MigrationPlan {
    let offers = crate::lint::rules::local_go_run::offers(analysis);
    let mut helpers: BTreeMap<String, PlannedHelper> = BTreeMap::new();
    let mut staying = Vec::new();
    for (fi, f) in analysis.files.iter().enumerate() {
        for (si, s) in f.sites.iter().enumerate() {
            // `go tool X` stays the team's choice: never migrated (GR015
            // notes it without failing the run); in Go code it is GR016's,
            // a warning, and stays allowlisted like Go code's `go run`.
            if s.callsite.verb != crate::syntax::callsite::Verb::Run
                && s.callsite.origin != Origin::GoCode
            {
                continue;
            }
            let line = f.file.line_col(s.callsite.span.start).0;
            let location = format!("{}:{line}", f.file.display);
            match offers.get(&(fi, si)) {
                Some(a) => {
                    let target = crate::lint::paths::relative(
                        &analysis.cwd,
                        s.helper.as_deref().expect("offers have helpers"),
                    );
                    let h = helpers.entry(target.clone()).or_default();
                    h.target = target;
                    h.package = s.class.package.clone();
                    h.callsites += 1;
                    if let Some(t) = &s.class.tool {
                        if !h.tools.contains(t) {
                            h.tools.push(t.clone());
                        }
                    }
                    if !h.files.contains(&f.file.display) {
                        h.files.push(f.file.display.clone());
                    }
                    let safety = match a {
                        Applicability::Safe => "safe",
                        Applicability::Unsafe => "unsafe",
                    };
                    if h.safety.is_empty() || safety == "unsafe" {
                        h.safety = safety.to_string();
                    }
                }
                None => staying.push(Staying {
                    index: (fi, si),
                    location,
                    package: s.class.package.clone(),
                    tool: s
                        .class
                        .tool
                        .clone()
                        .filter(|_| !matches!(s.class.class, Class::Dynamic { .. })),
                    why: why_staying(s),
                }),
            }
        }
    }
    MigrationPlan {
        helpers: helpers.into_values().collect(),
        staying,
    }
}

fn why_staying(s: &Site) -> String {
    if let Some(a) = &s.allowed {
        return format!("allowlisted ({}: {})", a.key, a.reason);
    }
    if matches!(s.callsite.origin, Origin::ReadTime { .. }) || s.deferred_read_time {
        return "read-time: runs while make reads the Makefile".into();
    }
    if s.callsite.origin == Origin::Generate {
        return "//go:generate: no automatic fix".into();
    }
    if let Origin::Procfile { process } = &s.callsite.origin {
        return format!("Procfile process `{process}`: no automatic fix");
    }
    if s.callsite.origin == Origin::GoCode {
        return "Go code (exec.Command): no automatic fix".into();
    }
    match &s.class.class {
        Class::Remote { version } => format!("remote module at {version}"),
        Class::Dependency { .. } => "dependency module path".into(),
        Class::Pattern => "package pattern".into(),
        Class::Dynamic { reason } => format!("dynamic: {reason}"),
        Class::Local { module: None, .. } => "no go.mod found".into(),
        Class::Local {
            unknown_dir: Some(why),
            ..
        } => format!("working directory unknown: {why}"),
        Class::Local { .. } => "no rule consumes it (fix not offered)".into(),
    }
}

/// The plan as text tables.
pub fn render(plan: &MigrationPlan) -> String {
    let mut out = String::new();
    if plan.helpers.is_empty() {
        out.push_str("No helper to migrate.\n");
    } else {
        let rows: Vec<[String; 5]> = plan
            .helpers
            .iter()
            .map(|h| {
                [
                    h.target.clone(),
                    h.package.clone(),
                    h.callsites.to_string(),
                    h.files.join(", "),
                    h.safety.clone(),
                ]
            })
            .collect();
        out.push_str(&table(
            ["helper", "package", "callsites", "files", "fix"],
            &rows,
        ));
    }
    if !plan.staying.is_empty() {
        out.push_str("\nStays on `go run`:\n");
        let rows: Vec<[String; 3]> = plan
            .staying
            .iter()
            .map(|s| [s.location.clone(), s.package.clone(), s.why.clone()])
            .collect();
        out.push_str(&table(["where", "package", "why"], &rows));
    }
    out
}

fn table<const N: usize>(head: [&str; N], rows: &[[String; N]]) -> String {
    let mut widths: Vec<usize> = head.iter().map(|h| h.len()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cells: Vec<&str>, out: &mut String| {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        let _ = writeln!(out, "  {}", parts.join("  ").trim_end());
    };
    line(head.to_vec(), &mut out);
    line(
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .collect(),
        &mut out,
    );
    for r in rows {
        line(r.iter().map(String::as_str).collect(), &mut out);
    }
    out
}

/// How the migration records the callsites that stay: comment lines to
/// insert (as edits of their files) and the scoped allow entries for the
/// callsites no comment can sit above.
#[derive(Debug, Default)]
pub struct Kept {
    pub comments: Vec<FileEdits>,
    /// (key, the entry's TOML value).
    pub entries: Vec<(String, String)>,
    /// How many callsites were recorded.
    pub callsites: usize,
}

/// Record each callsite of the plan that stays on `go run` (and is not
/// allowed already) at the callsite.
pub fn keep(analysis: &Analysis, plan: &MigrationPlan, config_dir: &Path) -> Kept {
    let mut kept = Kept::default();
    let mut comments: BTreeMap<usize, FileEdits> = BTreeMap::new();
    for st in &plan.staying {
        let (fi, si) = st.index;
        let f = &analysis.files[fi];
        let s = &f.sites[si];
        if s.allowed.is_some() || f.context_only || !f.editable() {
            continue;
        }
        let reason = format!("kept on go run by gorun-lint migrate: {}; review", st.why);
        let key = st
            .tool
            .clone()
            .filter(|t| !t.contains(char::is_whitespace))
            .unwrap_or_else(|| s.class.package.clone());
        let comment = (!key.contains(char::is_whitespace))
            .then(|| comment_line(f, s, &key, &reason))
            .flatten();
        kept.callsites += 1;
        match comment {
            Some(edit) => comments
                .entry(fi)
                .or_insert_with(|| FileEdits {
                    path: f.file.path.clone(),
                    display: f.file.display.clone(),
                    original: f.file.text.to_string(),
                    created: false,
                    edits: Vec::new(),
                })
                .edits
                .push(edit),
            None => {
                // Scoped to this file and to the rules this callsite has.
                let site = rules::Site::new(analysis, fi, si);
                let mut codes: Vec<&str> = rules::check(&site, |_| true)
                    .iter()
                    .map(|d| d.rule.code)
                    .collect();
                codes.sort_unstable();
                codes.dedup();
                let file = f
                    .file
                    .path
                    .strip_prefix(config_dir)
                    .unwrap_or(&f.file.path)
                    .to_string_lossy()
                    .into_owned();
                let list = |items: &[&str]| {
                    items
                        .iter()
                        .map(|i| toml_string(i))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let value = format!(
                    "{{ reason = {}, files = [{}], rules = [{}] }}",
                    toml_string(&format!("{reason} ({})", st.location)),
                    list(&[file.as_str()]),
                    list(&codes)
                );
                // One entry per key: a second callsite of the same key in
                // another file widens its files.
                match kept.entries.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, v)) if !v.contains(&toml_string(&file)) => {
                        *v = v.replacen(
                            "files = [",
                            &format!("files = [{}, ", toml_string(&file)),
                            1,
                        );
                    }
                    Some(_) => {}
                    None => kept.entries.push((key, value)),
                }
            }
        }
    }
    kept.comments = comments.into_values().collect();
    kept
}

/// The line to insert above a kept callsite: `# gorun-lint: allow KEY --
/// REASON` (`//` in a `.go` file), indented as the line it sits above, a
/// make comment at the margin in a Makefile (a tab would hand it to the
/// shell). `None` where a line cannot go: in a `define` body (it would
/// become part of the variable), or after a line continued with `\`.
fn comment_line(
    f: &crate::lint::analysis::FileAnalysis,
    s: &Site,
    key: &str,
    reason: &str,
) -> Option<Edit> {
    if matches!(s.callsite.origin, Origin::Define { .. }) {
        return None;
    }
    let text = &f.file.text;
    let at = text[..s.callsite.line_span.start]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let before = text[..at].trim_end_matches('\n').trim_end_matches('\r');
    if at > 0 && before.ends_with('\\') {
        return None;
    }
    let line = &text[at..];
    let indent = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
    if f.kind == Kind::Workflow && !workflow_comment_fits(&text[..at], line) {
        return None;
    }
    let (indent, mark) = match f.kind {
        Kind::Makefile => ("", "#"),
        Kind::Generate | Kind::Go => (indent, "//"),
        Kind::Script | Kind::Workflow | Kind::Procfile => (indent, "#"),
    };
    Some(Edit::insert(
        at,
        format!("{indent}{mark} gorun-lint: allow {key} -- {reason}\n"),
    ))
}

/// Whether a `#` line above `line` of a workflow stays a comment of the
/// step's script: above the `run:` key itself (a YAML comment), or inside a
/// literal block (`run: |`, a shell comment). In a folded (`>`) or plain
/// multi-line scalar it would be joined to the command and comment it out.
fn workflow_comment_fits(before: &str, line: &str) -> bool {
    let first = line.lines().next().unwrap_or("");
    let body = first.trim_start();
    if body.starts_with("run:") || body.starts_with("- run:") {
        return true;
    }
    let indent = first.len() - body.len();
    let parent = before.lines().rev().find(|l| {
        let t = l.trim_start();
        !t.is_empty() && l.len() - t.len() < indent
    });
    parent.is_some_and(|p| {
        let p = p.trim_end();
        let t = p.trim_start().trim_start_matches("- ").trim_start();
        t.starts_with("run:") && (p.ends_with('|') || p.ends_with("|-") || p.ends_with("|+"))
    })
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `text` (a config file, possibly empty) with `entries` added to its
/// `[allow]` table, creating the table (and the file's header) if needed.
/// (`entries`: key and TOML value.)
pub fn add_allow_entries(text: &str, entries: &[(String, String)], out_dir: &str) -> String {
    let quote = toml_string;
    let lines: String = entries
        .iter()
        .map(|(k, v)| format!("{} = {v}\n", quote(k)))
        .collect();
    if text.trim().is_empty() {
        return format!(
            "# gorun-lint configuration, written by `gorun-lint migrate`.\nout-dir = {}\n\n[allow]\n{lines}",
            quote(out_dir)
        );
    }
    let mut out = String::new();
    let mut inserted = false;
    for line in text.split_inclusive('\n') {
        out.push_str(line);
        if !inserted && line.trim() == "[allow]" {
            if !line.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&lines);
            inserted = true;
        }
    }
    if !inserted {
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str("\n[allow]\n");
        out.push_str(&lines);
    }
    out
}

/// The CI lines to add after the migration.
pub fn ci_lines(root: &Path, cwd: &Path) -> String {
    let path = crate::lint::paths::relative(cwd, root);
    format!(
        "Add to CI (GitHub Actions):\n\n  - name: gorun-lint\n    run: gorun-lint check --format github {path}\n\nor, for code scanning:\n\n  - run: gorun-lint check --format sarif {path} > gorun-lint.sarif || true\n  - uses: github/codeql-action/upload-sarif@v3\n    with:\n      sarif_file: gorun-lint.sarif\n"
    )
}
