//! `migrate`: the one-off migration of a legacy repository. Prints a plan
//! (each helper with its package, callsites, files and fix safety, and what
//! stays on `go run` and why), then with `--apply` applies the fixes,
//! records what stays in the `.gorun-lint.toml` allowlist with its reason
//! (creating the file when there is none), and prints the lines to add to
//! CI, so that `check` passes from then on.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use crate::lint::analysis::{Analysis, Site};
use crate::lint::classify::Class;
use crate::lint::diagnostic::Applicability;
use crate::syntax::callsite::Origin;

/// One helper the migration creates.
#[derive(Debug, Default)]
pub struct PlannedHelper {
    pub target: String,
    pub package: String,
    pub callsites: usize,
    pub files: Vec<String>,
    pub safety: String,
}

/// A callsite that stays on `go run`, with the reason.
#[derive(Debug)]
pub struct Staying {
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
            // `go tool X` stays the team's choice: never migrated.
            if s.callsite.verb != crate::syntax::callsite::Verb::Run {
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
    if let Some((key, reason)) = &s.allowed {
        return format!("allowlisted ({key}: {reason})");
    }
    if matches!(s.callsite.origin, Origin::ReadTime { .. }) || s.deferred_read_time {
        return "read-time: runs while make reads the Makefile".into();
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

/// Allowlist entries for what stays on `go run` and is not allowlisted yet:
/// (key, reason). Keys are tool names, or the package as written when the
/// tool is unknown.
pub fn allow_entries(plan: &MigrationPlan) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for s in &plan.staying {
        if s.why.starts_with("allowlisted") {
            continue;
        }
        let key = s.tool.clone().unwrap_or_else(|| s.package.clone());
        if out.iter().any(|(k, _)| *k == key) {
            continue;
        }
        out.push((
            key,
            format!(
                "kept on go run by gorun-lint migrate: {} ({}); review",
                s.why, s.location
            ),
        ));
    }
    out
}

/// `text` (a config file, possibly empty) with `entries` added to its
/// `[allow]` table, creating the table (and the file's header) if needed.
pub fn add_allow_entries(text: &str, entries: &[(String, String)], out_dir: &str) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let lines: String = entries
        .iter()
        .map(|(k, r)| format!("{} = {}\n", quote(k), quote(r)))
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
