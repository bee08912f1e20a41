//! # GR006 unused-allow
//!
//! ## What it does
//! Reports an allowlist entry in `.gorun-lint.toml`, or an inline
//! `# gorun-lint: allow <tool> -- <reason>` comment, that matches no
//! callsite.
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

use super::{FixAvailability, RuleInfo};
use crate::lint::diagnostic::Severity;

pub static RULE: RuleInfo = RuleInfo {
    code: "GR006",
    name: "unused-allow",
    summary: "allowlist entry or suppression comment that matches no callsite",
    severity: Severity::Warning,
    fix: FixAvailability::Never,
    source: include_str!("unused_allow.rs"),
};
