//! Diagnostics: what a rule reports, with everything each renderer needs,
//! and the types every rule and renderer shares: a rule's identity
//! ([`RuleInfo`]), its severity and whether its fix may change behaviour
//! ([`Applicability`]).

use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use crate::syntax::source::SourceFile;
use crate::syntax::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Shown, never fails the run.
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Whether a fix may change behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Keeps behaviour: applied by `fix`.
    Safe,
    /// May change behaviour: applied with `--unsafe-fixes`.
    Unsafe,
}

/// Whether a rule offers a fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixAvailability {
    Always,
    Sometimes,
    Never,
}

/// A rule's identity and documentation.
#[derive(Debug)]
pub struct RuleInfo {
    pub code: &'static str,
    pub name: &'static str,
    /// One line for `gorun-lint rules`.
    pub summary: &'static str,
    pub severity: Severity,
    pub fix: FixAvailability,
    /// The rule module's source; its `//!` lines are the documentation.
    pub source: &'static str,
}

impl RuleInfo {
    /// Whether `key` names this rule: its code (any case) or its name.
    pub fn is_named(&self, key: &str) -> bool {
        self.code.eq_ignore_ascii_case(key) || self.name == key
    }

    /// Whether a selector (`--select`, `--ignore`, a config's `ignore`)
    /// chooses this rule: its code or name, or a prefix of its code (`GR0`,
    /// `GR00`, `GR01`), as ruff's selectors work.
    pub fn is_selected_by(&self, key: &str) -> bool {
        self.is_named(key)
            || (key.len() >= 2
                && key.len() < self.code.len()
                && self.code.is_char_boundary(key.len())
                && self.code[..key.len()].eq_ignore_ascii_case(key))
    }

    /// The documentation: the module's `//!` comment.
    pub fn doc(&self) -> String {
        let mut out = String::new();
        for line in self.source.lines() {
            if let Some(rest) = line.strip_prefix("//!") {
                out.push_str(rest.strip_prefix(' ').unwrap_or(rest));
                out.push('\n');
            } else if !out.is_empty() {
                break;
            }
        }
        out
    }
}

impl PartialEq for RuleInfo {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
    }
}

/// A rule's fix: whether it may change behaviour, what it does in words
/// (what reports show), and what it does as data ([`Intent`]s, which the
/// fix stage turns into byte edits once every helper has its name). The
/// rule that finds the problem builds its fix; nothing else decides
/// whether a finding can be fixed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub applicability: Applicability,
    pub description: String,
    /// (Indices into the analysis the rule ran on: not reported.)
    #[serde(skip)]
    pub intents: Vec<Intent>,
}

/// What a fix does, by the analysis's indices: the edits are assembled
/// from all fixes at once, so an intent two findings share (two callsites
/// of one helper add one target) is applied once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Intent {
    /// Run the helper instead of `go run` at callsite `site` of `file`,
    /// and build it: its file target, the consuming rules' order-only
    /// prerequisites, `clean` and `.gitignore` for its out dir (a script
    /// callsite builds it in place instead).
    RunHelper { file: usize, site: usize },
    /// List the helper that recipe command `exec` of `file` runs as an
    /// order-only prerequisite of its rule.
    Prerequisite { file: usize, exec: usize },
    /// The include tree rooted at `root` keeps `clean` removing its out
    /// dir and git ignoring it.
    CleanAndIgnore { root: usize },
}

/// Lines a report shows around a finding's span; findings kept without
/// their file's analysis keep that many
/// ([`crate::syntax::source::SourceFile::excerpt`]).
pub const CONTEXT_LINES: usize = 1;

/// A helper build, as findings name it: a hash of its out dir and build
/// key ([`crate::lint::naming::build_id`]; 64 bits: a collision, one in
/// 2^64 for two builds, would give one the other's name). Its name is
/// given by the naming of all files and looked up when the report is
/// assembled, so nothing is renamed after the fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BuildId(pub u64);

/// The helper a finding names: its build, and the directory its file
/// target is shown in (relative to where make runs: `_gen/bin`, or `.`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelperRef {
    pub build: BuildId,
    pub dir: String,
}

/// Where a finding's text shows its helper's target before the helper is
/// named: [`Diagnostic::name_helper`] puts the target there.
pub const HELPER_TARGET: &str = "\u{1}helper\u{1}";

/// Where a finding's text shows its helper's name alone (a workflow step
/// builds it outside the out dir): [`Diagnostic::name_helper`] puts it there.
pub const HELPER_NAME: &str = "\u{1}name\u{1}";

/// The executable a `go run` or `go tool` callsite links, as the go command
/// stores it in GOCACHE (`<hash>-d/<name>`, since Go 1.24): what
/// `check --cache-cost` looks up there. The lint says what is built
/// ([`crate::lint::classify::Classified::cached_exe`]); reading the cache is
/// the command layer's.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CachedExe {
    /// The go command's name for it: the cached file's name (`.exe` aside).
    pub name: String,
    /// The main package's import path, when known: the executable's
    /// embedded build information names it, which tells this repository's
    /// `gen` from another project's.
    pub package: Option<String>,
    /// For a files run (`go run ./x/main.go`, built as
    /// `command-line-arguments`): the first file, absolute, when its
    /// directory is known.
    pub file: Option<PathBuf>,
}

/// One finding.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub rule: &'static RuleInfo,
    pub file: Arc<SourceFile>,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    /// The helper's name.
    pub tool: Option<String>,
    /// The package (or file list) as written or expanded.
    pub package: Option<String>,
    /// The helper file target the fix creates (`_gen/bin/<tool>`).
    pub target: Option<String>,
    /// The helper it names, until named ([`Diagnostic::name_helper`]).
    pub helper: Option<HelperRef>,
    pub fix: Option<Fix>,
    /// What a `go run` / `go tool` callsite leaves in GOCACHE, for
    /// `check --cache-cost`; `None` for findings that are not such a
    /// callsite, or whose package is not known (a pattern, a variable).
    pub exe: Option<CachedExe>,
}

impl Diagnostic {
    /// Give the finding its helper's name: its `target`, and the target
    /// where its help and fix description show it ([`HELPER_TARGET`]).
    pub fn name_helper(&mut self, name: &str) {
        let Some(h) = self.helper.take() else {
            return;
        };
        // A team's own target outside the out dir is named from it
        // (`../../.bin/clidoc`): the path is written without the detour.
        let target = match h.dir.as_str() {
            "." => name.to_string(),
            dir => {
                let mut parts: Vec<&str> = Vec::new();
                for p in dir.split('/').chain(name.split('/')) {
                    match p {
                        ".." if parts.last().is_some_and(|l| *l != "..") => {
                            parts.pop();
                        }
                        "." | "" => {}
                        p => parts.push(p),
                    }
                }
                parts.join("/")
            }
        };
        if let Some(help) = &mut self.help {
            *help = help
                .replace(HELPER_TARGET, &target)
                .replace(HELPER_NAME, name);
        }
        if let Some(fix) = &mut self.fix {
            fix.description = fix
                .description
                .replace(HELPER_TARGET, &target)
                .replace(HELPER_NAME, name);
        }
        self.target = Some(target);
    }

    pub fn severity(&self) -> Severity {
        self.rule.severity
    }

    /// 1-based (line, column) of the start and end.
    pub fn range(&self) -> ((usize, usize), (usize, usize)) {
        (
            self.file.line_col(self.span.start),
            self.file.line_col(self.span.end),
        )
    }

    /// Whether `other` reports the same thing at the same place (a
    /// `//go:generate` alias used twice runs the `go run` on its definition
    /// line twice: one place to change, one finding).
    pub fn same_report(&self, other: &Diagnostic) -> bool {
        self.rule.code == other.rule.code
            && self.span == other.span
            && self.file.display == other.file.display
            && self.message == other.message
            && self.help == other.help
            && self.tool == other.tool
            && self.package == other.package
            && self.target == other.target
            && self.helper == other.helper
            && self.fix == other.fix
    }

    /// Order for reports: file, then position, then rule.
    pub fn order(a: &Diagnostic, b: &Diagnostic) -> std::cmp::Ordering {
        (a.file.display.as_str(), a.span.start, a.rule.code).cmp(&(
            b.file.display.as_str(),
            b.span.start,
            b.rule.code,
        ))
    }

    /// Sort findings into report order ([`Diagnostic::order`]), stably
    /// (findings of one place keep the order the rules gave them), without
    /// the scratch copy of half of them that a stable sort of the findings
    /// themselves takes: their indices are sorted, and the findings moved
    /// along the permutation's cycles.
    pub fn sort(findings: &mut [Diagnostic]) {
        let mut order: Vec<usize> = (0..findings.len()).collect();
        order.sort_by(|&a, &b| Diagnostic::order(&findings[a], &findings[b]));
        permute(findings, &mut order);
    }
}

/// Rearrange `items` so that position `i` holds what was at `order[i]`;
/// `order` (a permutation) is used up.
fn permute<T>(items: &mut [T], order: &mut [usize]) {
    const DONE: usize = usize::MAX;
    for start in 0..items.len() {
        let mut j = start;
        while order[j] != DONE {
            let from = order[j];
            order[j] = DONE;
            if from == start {
                break;
            }
            items.swap(j, from);
            j = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::permute;

    /// Every permutation of six items, against applying it by copying.
    #[test]
    fn permute_applies_every_permutation() {
        fn all(n: usize) -> Vec<Vec<usize>> {
            if n == 0 {
                return vec![Vec::new()];
            }
            let mut out = Vec::new();
            for p in all(n - 1) {
                for at in 0..=p.len() {
                    let mut q = p.clone();
                    q.insert(at, n - 1);
                    out.push(q);
                }
            }
            out
        }
        let perms = all(6);
        assert_eq!(perms.len(), 720);
        for p in perms {
            let items: Vec<String> = (0..6).map(|i| format!("item {i}")).collect();
            let want: Vec<String> = p.iter().map(|&i| items[i].clone()).collect();
            let mut got = items;
            permute(&mut got, &mut p.clone());
            assert_eq!(got, want, "{p:?}");
        }
    }
}
