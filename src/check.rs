//! `check`: diagnostics from the analysis.

use std::path::Path;
use std::sync::Arc;

use crate::analysis::Analysis;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{self, RuleInfo, Site};
use crate::source::SourceFile;

/// Which rules to report.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only these (codes or names); empty means all.
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    fn wants(&self, rule: &RuleInfo, config_ignore: &[String]) -> bool {
        let named = |keys: &[String]| {
            keys.iter()
                .any(|k| k.eq_ignore_ascii_case(rule.code) || k == rule.name)
        };
        (self.select.is_empty() || named(&self.select))
            && !named(&self.ignore)
            && !named(config_ignore)
    }
}

/// The result of `check`. Its findings are `diagnostics`, in report order,
/// and those of finished files written out (`written`, in report order):
/// [`Report::iter`] gives them all, reading a written file's findings back
/// only when they are next.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub written: Option<crate::spill::Written>,
    pub files_checked: usize,
    /// Callsites exempted by the allowlist (reported by `--statistics`).
    pub allowed: usize,
    /// Why findings could not be read back from the spill, when they could
    /// not: the report written is then incomplete, and the run an error.
    pub lost: std::sync::Mutex<Option<String>>,
}

impl Report {
    /// Every finding, in report order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            report: self,
            next_memory: 0,
            records: self.written.as_ref().map(|w| Box::new(w.records()) as _),
            renames: self.written.as_ref().map(|w| w.renames.iter().peekable()),
            chunk: std::collections::VecDeque::new(),
        }
    }

    /// All findings.
    pub fn len(&self) -> usize {
        self.diagnostics.len() + self.written.as_ref().map_or(0, |w| w.count)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Findings that fail the run (warnings and errors, not info notes).
    pub fn failing(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity() >= Severity::Warning)
            .count()
            + self.written.as_ref().map_or(0, |w| w.failing)
    }

    /// Findings with a fix.
    pub fn fixable(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.fix.is_some()).count()
            + self.written.as_ref().map_or(0, |w| w.fixable)
    }

    /// Whether any finding fails the run (info notes do not).
    pub fn has_findings(&self) -> bool {
        self.failing() > 0
    }

    /// Read the written findings back into `diagnostics` (what the baseline
    /// options need: they edit the list).
    pub fn materialize(&mut self) -> Result<(), String> {
        if self.written.is_none() {
            return Ok(());
        }
        let all: Vec<Diagnostic> = self.iter().map(std::borrow::Cow::into_owned).collect();
        if let Some(e) = self.lost.lock().expect("lost").take() {
            return Err(e);
        }
        self.diagnostics = all;
        self.written = None;
        Ok(())
    }
}

/// A written file's records, in report order.
type Records<'a> = Box<dyn Iterator<Item = Result<crate::spill::FileRecord, String>> + 'a>;

/// [`Report::iter`]: the findings in memory merged with the written ones,
/// one written file held at a time, with its renames.
pub struct Iter<'a> {
    report: &'a Report,
    next_memory: usize,
    records: Option<Records<'a>>,
    renames:
        Option<std::iter::Peekable<crate::external_sort::Merge<'a, crate::spill::RenameRecord>>>,
    chunk: std::collections::VecDeque<Diagnostic>,
}

impl Iter<'_> {
    /// The next written file's findings, renamed.
    fn read_next(&mut self) -> Option<Result<Vec<Diagnostic>, String>> {
        let w = self.report.written.as_ref()?;
        let record = match self.records.as_mut()?.next()? {
            Ok(r) => r,
            Err(e) => return Some(Err(e)),
        };
        // Its renames: those of files before it (not counted) are passed.
        let mut mine = Vec::new();
        let renames = self.renames.as_mut()?;
        loop {
            let r = match renames.peek() {
                None => break,
                Some(Err(_)) => match renames.next() {
                    Some(Err(e)) => return Some(Err(e)),
                    _ => unreachable!("peeked"),
                },
                Some(Ok(r)) => r,
            };
            let order = (&r.display, &r.path).cmp(&(&record.display, &record.path));
            if order.is_gt() {
                break;
            }
            let r = renames.next().expect("peeked").expect("peeked");
            if order.is_eq() {
                mine.push(r);
            }
        }
        Some(record.read(&w.spill, &mine))
    }
}

impl<'a> Iterator for Iter<'a> {
    type Item = std::borrow::Cow<'a, Diagnostic>;

    fn next(&mut self) -> Option<Self::Item> {
        let r = self.report;
        while self.chunk.is_empty() {
            match self.read_next() {
                None => break,
                Some(Ok(ds)) => self.chunk = ds.into(),
                Some(Err(e)) => {
                    let mut lost = r.lost.lock().expect("lost");
                    lost.get_or_insert(e);
                    // What follows a damaged record cannot be trusted.
                    self.records = None;
                }
            }
        }
        let memory = r.diagnostics.get(self.next_memory);
        let from_memory = match (memory, self.chunk.front()) {
            (Some(m), Some(c)) => Diagnostic::order(m, c).is_le(),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return None,
        };
        if from_memory {
            self.next_memory += 1;
            memory.map(std::borrow::Cow::Borrowed)
        } else {
            self.chunk.pop_front().map(std::borrow::Cow::Owned)
        }
    }
}

/// Turn an analysis into diagnostics: those of its files, those of the
/// Makefiles finished while walking ([`Analysis::finished`], moved into the
/// report), and the unused allowlist entries of the configs.
pub fn check(analysis: &mut Analysis, selection: &Selection, cwd: &Path) -> Report {
    let trees = crate::guard::analyse(analysis);
    let mut report = check_files(analysis, selection, trees);
    report.files_checked = analysis.files_walked.max(analysis.files.len());
    let finished: usize = analysis.finished.iter().map(|f| f.diagnostics.len()).sum();
    report.diagnostics.reserve(finished);
    for f in &mut analysis.finished {
        report.diagnostics.append(&mut f.diagnostics);
        report.allowed += f.allowed;
    }
    unused_config_entries(analysis, selection, cwd, &mut report);
    report.diagnostics.sort_by(Diagnostic::order);
    report.written = analysis.written.take();
    report.allowed += report.written.as_ref().map_or(0, |w| w.allowed);
    report
}

/// The diagnostics of the analysis's files: their callsites, tools and
/// inline suppressions, and the guard rules over their include trees
/// (`trees`: [`crate::guard::analyse`] of the analysis).
pub(crate) fn check_files(
    analysis: &Analysis,
    selection: &Selection,
    trees: Vec<crate::guard::Tree>,
) -> Report {
    let mut report = Report::default();
    let offers = crate::fix::plan::offers(analysis);
    for (fi, f) in analysis.files.iter().enumerate() {
        if f.context_only {
            continue;
        }
        for t in &f.tools {
            if selection.wants(&rules::go_tool::RULE, &f.config.ignore) {
                report.diagnostics.push(rules::go_tool::check(&f.file, t));
            }
        }
        for (si, s) in f.sites.iter().enumerate() {
            if s.allowed.is_some() {
                report.allowed += 1;
                continue;
            }
            let site = Site {
                file: &f.file,
                callsite: &s.callsite,
                class: &s.class,
                target: s.target.as_deref(),
                fix: offers.get(&(fi, si)).copied(),
                deferred_read_time: s.deferred_read_time,
                base_note: f.base_note.as_deref().filter(|_| s.assumed_base),
            };
            for d in rules::check(&site) {
                if selection.wants(d.rule, &f.config.ignore) {
                    report.diagnostics.push(d);
                }
            }
        }
        // Inline suppressions that matched nothing.
        for sup in f.suppressions.iter().filter(|s| !s.used) {
            if selection.wants(&rules::unused_allow::RULE, &f.config.ignore) {
                report.diagnostics.push(Diagnostic {
                    rule: &rules::unused_allow::RULE,
                    file: f.file.clone(),
                    span: sup.span.clone(),
                    message: format!("`gorun-lint: allow {}` matches no `go run` callsite on this or the next line", sup.tool),
                    help: Some("remove the comment".into()),
                    tool: Some(sup.tool.clone()),
                    package: None,
                    target: None,
                    fix: None,
                });
            }
        }
    }
    // (`guard::analyse` leaves out the trees of files read only for context.)
    for tree in trees {
        let ctx = rules::guard_common::GuardCtx {
            analysis,
            tree: &tree,
        };
        for d in rules::check_guard(&ctx) {
            let ignore = &analysis.files[tree.root].config.ignore;
            if selection.wants(d.rule, ignore) {
                report.diagnostics.push(d);
            }
        }
    }
    report.diagnostics = in_order_once(std::mem::take(&mut report.diagnostics));
    report
}

/// Diagnostics in report order, each thing reported at a place once
/// ([`Diagnostic::same_report`]).
fn in_order_once(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics.sort_by(Diagnostic::order);
    let mut out: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        let seen = out
            .iter()
            .rev()
            .take_while(|o| Diagnostic::order(o, &d).is_eq())
            .any(|o| o.same_report(&d));
        if !seen {
            out.push(d);
        }
    }
    out
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
    for cfg in configs.chain(finished).chain(&analysis.written_configs) {
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
            report.diagnostics.push(Diagnostic {
                rule: &rules::unused_allow::RULE,
                file: file.clone(),
                span,
                message: format!("allowlist entry `{key}` matches no `go run` callsite"),
                help: Some("remove the entry".into()),
                tool: Some(key.clone()),
                package: None,
                target: None,
                fix: None,
            });
        }
    }
}
