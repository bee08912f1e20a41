//! Rules: one module per rule. Each module's `//!` comment is its
//! documentation (what it does, why, example, fix safety), printed by
//! `gorun-lint rule CODE` straight from the source, so it cannot drift.

use std::sync::Arc;

use crate::lint::classify::Classified;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::syntax::callsite::Callsite;
use crate::syntax::source::SourceFile;

#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod clean_missing_out_dir;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod dependency_go_run;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod go_tool;
pub mod guard_common;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod helper_not_prerequisite;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod helper_stale_prerequisites;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod helper_without_output;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod local_go_run;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod out_dir_not_ignored;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod parse_error;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod phony_helper;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod read_time_go_run;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod remote_go_run;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod unresolved_go_run;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod unused_allow;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod unused_helper;

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

/// Every rule, in code order.
pub fn all() -> [&'static RuleInfo; 15] {
    [
        &local_go_run::RULE,
        &read_time_go_run::RULE,
        &remote_go_run::RULE,
        &dependency_go_run::RULE,
        &unresolved_go_run::RULE,
        &unused_allow::RULE,
        &parse_error::RULE,
        &helper_stale_prerequisites::RULE,
        &helper_not_prerequisite::RULE,
        &phony_helper::RULE,
        &helper_without_output::RULE,
        &clean_missing_out_dir::RULE,
        &out_dir_not_ignored::RULE,
        &unused_helper::RULE,
        &go_tool::RULE,
    ]
}

/// Run every guard rule over one include tree.
pub fn check_guard(ctx: &guard_common::GuardCtx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    out.extend(helper_stale_prerequisites::check(ctx));
    out.extend(helper_not_prerequisite::check(ctx));
    out.extend(phony_helper::check(ctx));
    out.extend(helper_without_output::check(ctx));
    out.extend(clean_missing_out_dir::check(ctx));
    out.extend(out_dir_not_ignored::check(ctx));
    out.extend(unused_helper::check(ctx));
    out
}

/// A rule by code (`GR001`, any case) or name (`local-go-run`).
pub fn lookup(key: &str) -> Option<&'static RuleInfo> {
    all()
        .into_iter()
        .find(|r| r.code.eq_ignore_ascii_case(key) || r.name == key)
}

/// One classified callsite, as the per-callsite rules see it.
pub struct Site<'a> {
    pub file: &'a Arc<SourceFile>,
    pub callsite: &'a Callsite,
    pub class: &'a Classified,
    /// The helper file target a fix creates, for repo-local callsites.
    pub target: Option<&'a str>,
    /// The fix the planner offers for this callsite, if any.
    pub fix: Option<crate::lint::fix::Applicability>,
    /// For `NAME = $(shell go run ...)`: the variable is expanded when the
    /// Makefile is read somewhere.
    pub deferred_read_time: bool,
    /// For a script: which directory its relative paths were taken from.
    pub base_note: Option<&'a str>,
}

impl Site<'_> {
    /// Whether the callsite runs when the Makefile is read.
    pub fn read_time(&self) -> bool {
        match self.callsite.origin {
            crate::syntax::callsite::Origin::ReadTime { .. } => true,
            crate::syntax::callsite::Origin::Deferred { .. } => self.deferred_read_time,
            _ => false,
        }
    }

    pub fn diagnostic(&self, rule: &'static RuleInfo, message: String) -> Diagnostic {
        Diagnostic {
            rule,
            file: self.file.clone(),
            span: self.callsite.span.clone(),
            message,
            help: None,
            tool: self.class.tool.clone(),
            package: Some(self.class.package.clone()),
            target: None,
            fix: None,
        }
    }

    /// Add [`Site::source_note`] to a diagnostic's message; `paths`: the
    /// finding depends on where relative paths lead (else a script's base
    /// is not worth a note).
    pub fn note_source(&self, mut d: Diagnostic, paths: bool) -> Diagnostic {
        let relevant = paths || self.callsite.origin != crate::syntax::callsite::Origin::Script;
        if let Some(n) = self.source_note().filter(|_| relevant) {
            d.message.push_str(&format!("; {n}"));
        }
        d
    }

    /// Where the callsite is, for messages: `None` for a Makefile recipe.
    pub fn source_note(&self) -> Option<String> {
        use crate::syntax::callsite::Origin;
        match &self.callsite.origin {
            Origin::Script => self.base_note.map(str::to_string),
            Origin::Workflow { job, step, .. } => {
                Some(format!("in workflow job `{job}`, step `{step}`"))
            }
            _ => None,
        }
    }

    /// The help for a callsite no fix can rewrite, by where it is.
    pub fn manual_help(&self) -> Option<String> {
        use crate::syntax::callsite::Origin;
        let target = self.target.unwrap_or("_gen/bin/<tool>");
        let package = &self.class.package;
        match &self.callsite.origin {
            Origin::Generate => Some(format!(
                "no automatic fix for `//go:generate`: build it once (`go build -o {target} {package}`, a Makefile file target that the `go generate` target depends on) and run that binary in the directive, or allowlist it with a reason"
            )),
            Origin::Workflow { .. } => Some(format!(
                "no automatic fix for workflows: build it in an earlier step (`go build -o {target} {package}`, or the make target that does) and run the binary, or allowlist this CI-only helper with a reason"
            )),
            _ => None,
        }
    }

    /// How the go command is spelled, for messages about assumed variables.
    pub fn spelling_note(&self) -> Option<String> {
        match &self.callsite.spelling {
            crate::syntax::vars::GoSpelling::Assumed { name } => Some(format!(
                "`$({name})` is taken as the go command: its definition was not seen"
            )),
            _ => None,
        }
    }
}

/// Run every per-callsite rule.
pub fn check(site: &Site) -> Vec<Diagnostic> {
    [
        local_go_run::check(site),
        read_time_go_run::check(site),
        remote_go_run::check(site),
        dependency_go_run::check(site),
        unresolved_go_run::check(site),
        parse_error::check(site),
    ]
    .into_iter()
    .flatten()
    .collect()
}
