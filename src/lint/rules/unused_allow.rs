//! # GR006 unused-allow
//!
//! ## What it does
//! Reports an allowlist entry in `.gorun-lint.toml`, or an inline
//! `# gorun-lint: allow <tool> -- <reason>` comment, that matches no
//! callsite; and an inline comment without a reason, which allows nothing
//! (a config entry without one is refused as invalid).
//!
//! ## Why is this bad?
//! A stale exception hides the next `go run` of that name that creeps back,
//! and misleads readers about which helpers still use `go run`.
//!
//! ## Example
//! ```toml
//! [allow]
//! migrate-ci = "CI-only helper"   # but nothing runs migrate-ci any more
//! ```
//! Use instead: delete the entry.
//!
//! ## Fix safety
//! No fix. Config entries are reported only when the whole directory holding
//! the config file was checked.

use std::sync::Arc;

use crate::lint::allow::Suppression;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::diagnostic::{FixAvailability, RuleInfo};
use crate::syntax::source::{SourceFile, Span};

pub static RULE: RuleInfo = RuleInfo {
    code: "GR006",
    name: "unused-allow",
    summary: "allowlist entry or suppression comment that matches no callsite",
    severity: Severity::Warning,
    fix: FixAvailability::Never,
    source: include_str!("unused_allow.rs"),
};

/// An inline `gorun-lint: allow` comment that matched no callsite.
pub fn comment(file: &Arc<SourceFile>, sup: &Suppression) -> Diagnostic {
    Diagnostic {
        rule: &RULE,
        file: file.clone(),
        span: sup.span.clone(),
        message: if sup.reason.trim().is_empty() {
            format!(
                "`gorun-lint: allow {}` has no reason, so it allows nothing",
                sup.tool
            )
        } else {
            format!(
                "`gorun-lint: allow {}` matches no `go run` callsite on this or the next line",
                sup.tool
            )
        },
        help: Some(if sup.reason.trim().is_empty() {
            format!(
                "say why after ` -- `: `gorun-lint: allow {} -- <reason>`",
                sup.tool
            )
        } else {
            "remove the comment".into()
        }),
        tool: Some(sup.tool.clone()),
        package: None,
        target: None,
        helper: None,
        fix: None,
        exe: None,
    }
}

/// A config's allowlist entry `key` (at `span` of the config `file`) that
/// matched no callsite.
pub fn entry(file: &Arc<SourceFile>, span: Span, key: &str) -> Diagnostic {
    Diagnostic {
        rule: &RULE,
        file: file.clone(),
        span,
        message: format!("allowlist entry `{key}` matches no `go run` callsite"),
        help: Some("remove the entry".into()),
        tool: Some(key.to_string()),
        package: None,
        target: None,
        helper: None,
        fix: None,
        exe: None,
    }
}
