//! Shared by the guard rules (GR008-GR014): what they read and how they
//! report. Not a rule.

use crate::lint::analysis::Analysis;
use crate::lint::diagnostic::{Diagnostic, Intent};
use crate::lint::guard::Tree;
use crate::syntax::source::Span;

use crate::lint::diagnostic::RuleInfo;

/// One include tree's guard state, as the guard rules see it.
pub struct GuardCtx<'a> {
    pub analysis: &'a Analysis,
    pub tree: &'a Tree,
}

impl GuardCtx<'_> {
    /// A diagnostic at `span` of file `fi`.
    pub fn at(
        &self,
        rule: &'static RuleInfo,
        fi: usize,
        span: Span,
        message: String,
        help: &str,
    ) -> Diagnostic {
        Diagnostic {
            rule,
            file: self.analysis.files[fi].file.clone(),
            span,
            message,
            help: Some(help.to_string()),
            tool: None,
            package: None,
            target: None,
            helper: None,
            fix: None,
            exe: None,
        }
    }

    /// The rule line of a helper target (its header, first line).
    pub fn header(&self, fi: usize, rule: usize) -> Span {
        let h = &self.analysis.files[fi].doc.rules[rule].header;
        let text = &self.analysis.files[fi].file.text[h.clone()];
        h.start..h.start + text.find('\n').unwrap_or(text.len())
    }

    /// Where tree-wide findings go: the first helper target's rule line.
    pub fn first_helper(&self) -> Option<(usize, Span)> {
        self.tree
            .helpers
            .first()
            .map(|h| (h.file, self.header(h.file, h.rule)))
    }
}

/// `d` with a safe fix described by `description`, doing `intent`.
pub fn with_safe_fix(mut d: Diagnostic, description: &str, intent: Intent) -> Diagnostic {
    d.fix = Some(crate::lint::diagnostic::Fix {
        applicability: crate::lint::diagnostic::Applicability::Safe,
        description: description.to_string(),
        intents: vec![intent],
    });
    d
}
