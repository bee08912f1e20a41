//! Diagnostics: what a rule reports, with everything each renderer needs.

use std::sync::Arc;

use serde::Serialize;

use crate::lint::fix::Applicability;
use crate::lint::rules::RuleInfo;
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

/// What a fix would do, as reports show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FixSummary {
    pub applicability: Applicability,
    pub description: String,
}

/// Lines a report shows around a finding's span; findings kept without
/// their file's analysis keep that many
/// ([`crate::syntax::source::SourceFile::excerpt`]).
pub const CONTEXT_LINES: usize = 1;

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
    pub fix: Option<FixSummary>,
}

impl Diagnostic {
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
}
