//! `check`: diagnostics from the analysis.

use std::path::Path;
use std::sync::Arc;

use crate::lint::analysis::Analysis;
use crate::lint::config::Selection;
use crate::lint::diagnostic::{Diagnostic, RuleInfo, Severity};
use crate::lint::rules::{self, Site};
use crate::syntax::source::SourceFile;

/// The result of `check`: its findings in report order, and what the
/// summary counts.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub files_checked: usize,
    /// Callsites exempted by the allowlist (reported by `--statistics`).
    pub allowed: usize,
    /// Paths, files and configs that could not be checked: every format
    /// shows them, so a run that failed never reads as a clean one.
    pub errors: Vec<ReportError>,
}

/// A path, file or config that could not be checked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReportError {
    /// Relative to the working directory, when the error is about a file.
    pub file: Option<String>,
    pub line: Option<usize>,
    pub message: String,
}

impl ReportError {
    pub fn new(e: &crate::error::Error, cwd: &Path) -> ReportError {
        ReportError {
            file: e
                .path()
                .map(|p| crate::syntax::source::display_path(p, cwd)),
            line: e.line(),
            message: e.message(),
        }
    }
}

impl Report {
    /// Every finding, in report order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.diagnostics.iter()
    }

    /// All findings.
    pub fn len(&self) -> usize {
        self.diagnostics.len()
    }

    pub fn is_empty(&self) -> bool {
        self.diagnostics.is_empty()
    }

    /// Findings that fail the run (warnings and errors, not info notes).
    pub fn failing(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity() >= Severity::Warning)
            .count()
    }

    /// Findings with a fix.
    pub fn fixable(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.fix.is_some()).count()
    }

    /// Whether any finding fails the run (info notes do not).
    pub fn has_findings(&self) -> bool {
        self.failing() > 0
    }
}

/// Turn an analysis into diagnostics: those of its files, those of the
/// Makefiles finished while walking ([`Analysis::finished`], moved into the
/// report), and the unused allowlist entries of the configs.
pub fn check(analysis: &mut Analysis, selection: &Selection, cwd: &Path) -> Report {
    let trees = crate::lint::guard::analyse(analysis);
    let mut report = check_files(analysis, selection, trees);
    // (Files read only for context are not checked.)
    let reported = (0..analysis.files.len())
        .filter(|&fi| analysis.reports_file(fi))
        .count();
    report.files_checked = analysis.files_walked.max(reported);
    // The findings of the files finished while walking join the others'.
    // The largest list is the one the others join, and each is freed as it
    // is moved: with one Makefile of 400,000 callsites, a copy of its list
    // beside the list would double the report's memory. (The order is
    // restored by the sort below; each file's findings keep theirs.)
    if let Some(largest) = analysis
        .finished
        .iter_mut()
        .max_by_key(|f| f.diagnostics.len())
        .filter(|f| f.diagnostics.len() > report.diagnostics.len())
    {
        let mut joined = std::mem::take(&mut largest.diagnostics);
        joined.append(&mut report.diagnostics);
        report.diagnostics = joined;
    }
    let finished: usize = analysis.finished.iter().map(|f| f.diagnostics.len()).sum();
    report.diagnostics.reserve_exact(finished);
    for f in &mut analysis.finished {
        report
            .diagnostics
            .extend(std::mem::take(&mut f.diagnostics));
        report.allowed += f.allowed;
    }
    unused_config_entries(analysis, selection, cwd, &mut report);
    // The helpers the findings name, by the naming of all files.
    for d in &mut report.diagnostics {
        if let Some(h) = &d.helper {
            let name = analysis.names.get(&h.build).cloned();
            debug_assert!(name.is_some(), "every helper a finding names is named");
            d.name_helper(name.as_deref().unwrap_or("<helper>"));
        }
    }
    // Named files alone: a guard tree's findings in the files around them
    // are not theirs.
    if analysis.named.is_some() {
        report
            .diagnostics
            .retain(|d| analysis.reports(&d.file.path));
    }
    Diagnostic::sort(&mut report.diagnostics);
    report.errors = analysis
        .errors
        .iter()
        .map(|e| ReportError::new(e, cwd))
        .collect();
    report
}

/// The diagnostics of the analysis's files: their callsites, tools and
/// inline suppressions, and the guard rules over their include trees
/// (`trees`: [`crate::lint::guard::analyse`] of the analysis).
pub(crate) fn check_files(
    analysis: &Analysis,
    selection: &Selection,
    trees: Vec<crate::lint::guard::Tree>,
) -> Report {
    let mut report = Report::default();
    // About one finding per callsite: room for them at once, rather than
    // a doubling vector's slack (a Makefile with 400,000 callsites).
    report.diagnostics.reserve(
        (analysis.files.iter().enumerate())
            .filter(|&(fi, _)| analysis.reports_file(fi))
            .map(|(_, f)| f.sites.len() + f.tools.len())
            .sum(),
    );
    for (fi, f) in analysis.files.iter().enumerate() {
        if !analysis.reports_file(fi) {
            continue;
        }
        tool_findings(analysis, fi, selection, &mut report);
        for si in 0..f.sites.len() {
            site_findings(analysis, fi, si, selection, &mut report);
        }
        unused_suppressions(analysis, fi, selection, &mut report);
    }
    // (`guard::analyse` leaves out the trees of files read only for context.)
    for tree in trees {
        let ctx = rules::guard_common::GuardCtx {
            analysis,
            tree: &tree,
        };
        let ignore = &analysis.files[tree.root].config.ignore;
        let wants = |r: &RuleInfo| selection.wants(r, ignore);
        report.diagnostics.extend(rules::check_guard(&ctx, wants));
    }
    report.diagnostics = in_order_once(std::mem::take(&mut report.diagnostics));
    report
}

/// [`check_files`] of a one-file analysis that no guard tree covers (a
/// Makefile finished while walking), the same findings, with each site
/// released once its rules have run: the sites and the findings are not
/// both whole at once (a Makefile of 400,000 callsites held both, 1.1 and
/// 0.7 KB a callsite). The per-callsite rules read their own site and
/// their file, never another site, so the sites are taken last to first,
/// and their findings put back in the callsites' order.
pub(crate) fn check_alone(analysis: &mut Analysis, selection: &Selection) -> Report {
    debug_assert_eq!(analysis.files.len(), 1, "one file");
    let mut report = Report::default();
    if !analysis.reports_file(0) {
        return report;
    }
    let n = analysis.files[0].sites.len();
    report
        .diagnostics
        .reserve(n + analysis.files[0].tools.len());
    tool_findings(analysis, 0, selection, &mut report);
    let first = report.diagnostics.len();
    // How many findings each site gave, last site first.
    let mut given: Vec<usize> = Vec::with_capacity(n);
    for si in (0..n).rev() {
        let before = report.diagnostics.len();
        site_findings(analysis, 0, si, selection, &mut report);
        given.push(report.diagnostics.len() - before);
        let sites = &mut analysis.files[0].sites;
        sites.pop();
        if sites.capacity() > 4096 && sites.len() < sites.capacity() / 8 * 7 {
            sites.shrink_to_fit();
        }
    }
    // Reversed whole, the sites' groups are in order, each one backwards.
    let region = &mut report.diagnostics[first..];
    region.reverse();
    let mut at = 0;
    for &len in given.iter().rev() {
        region[at..at + len].reverse();
        at += len;
    }
    unused_suppressions(analysis, 0, selection, &mut report);
    report.diagnostics = in_order_once(std::mem::take(&mut report.diagnostics));
    report
}

/// The `go tool` findings of file `fi`.
fn tool_findings(analysis: &Analysis, fi: usize, selection: &Selection, report: &mut Report) {
    let f = &analysis.files[fi];
    for t in &f.tools {
        if selection.wants(&rules::go_tool::RULE, &f.config.ignore) {
            report.diagnostics.push(rules::go_tool::check(&f.file, t));
        }
    }
}

/// The findings of site `si` of file `fi`, less what its allowance covers.
fn site_findings(
    analysis: &Analysis,
    fi: usize,
    si: usize,
    selection: &Selection,
    report: &mut Report,
) {
    let f = &analysis.files[fi];
    let s = &f.sites[si];
    let site = Site::new(analysis, fi, si);
    let wants = |r: &RuleInfo| selection.wants(r, &f.config.ignore);
    match &s.allowed {
        None => report.diagnostics.extend(rules::check(&site, wants)),
        // An allowance silences the rules it covers: a callsite it
        // covers wholly counts as allowed, the rest is reported.
        Some(a) => {
            let found = rules::check(&site, wants);
            let before = found.len();
            let left: Vec<Diagnostic> = found.into_iter().filter(|d| !a.covers(d.rule)).collect();
            if left.is_empty() || left.len() < before {
                report.allowed += 1;
            }
            report.diagnostics.extend(left);
        }
    }
}

/// Inline suppressions of file `fi` that matched nothing.
fn unused_suppressions(analysis: &Analysis, fi: usize, selection: &Selection, report: &mut Report) {
    let f = &analysis.files[fi];
    for sup in f.suppressions.iter().filter(|s| !s.used) {
        if selection.wants(&rules::unused_allow::RULE, &f.config.ignore) {
            report
                .diagnostics
                .push(rules::unused_allow::comment(&f.file, sup));
        }
    }
}

/// Diagnostics in report order, each thing reported at a place once
/// ([`Diagnostic::same_report`]). In place: a second vector of them would
/// double the report's memory at its peak.
fn in_order_once(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    Diagnostic::sort(&mut diagnostics);
    // `kept` findings are kept, in order, at the front; the one at `i` is
    // compared with the kept ones of its place.
    let mut kept = 0;
    for i in 0..diagnostics.len() {
        let (front, rest) = diagnostics.split_at(i);
        let d = &rest[0];
        let seen = front[..kept]
            .iter()
            .rev()
            .take_while(|o| Diagnostic::order(o, d).is_eq())
            .any(|o| o.same_report(d));
        if !seen {
            diagnostics.swap(kept, i);
            kept += 1;
        }
    }
    diagnostics.truncate(kept);
    diagnostics
}

/// Allowlist entries of configs whose whole directory was checked, that
/// matched no callsite.
fn unused_config_entries(
    analysis: &Analysis,
    selection: &Selection,
    cwd: &Path,
    report: &mut Report,
) {
    let mut seen = Vec::new();
    let configs = analysis.files.iter().map(|f| &f.config);
    let finished = analysis.finished.iter().map(|f| &f.config);
    for cfg in configs.chain(finished) {
        let (Some(path), Some(dir)) = (&cfg.path, cfg.dir()) else {
            continue;
        };
        if seen.contains(path) || !analysis.dirs.iter().any(|d| dir.starts_with(d)) {
            continue;
        }
        seen.push(path.clone());
        if !selection.wants(&rules::unused_allow::RULE, &cfg.ignore) {
            continue;
        }
        let used = analysis.used_allow.get(path).cloned().unwrap_or_default();
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let file = Arc::new(SourceFile::new(path, cwd, text, false));
        for (key, _) in cfg.allow.iter().filter(|(k, _)| !used.contains(k)) {
            let span = cfg
                .allow_lines
                .get(key)
                .map_or(0..0, |&l| file.line_span(l));
            report
                .diagnostics
                .push(rules::unused_allow::entry(&file, span, key));
        }
    }
}
