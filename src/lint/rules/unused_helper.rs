//! # GR014 unused-helper
//!
//! ## What it does
//! Finds a helper target of the out dir that no recipe runs and no rule
//! depends on.
//!
//! ## Why is this bad?
//! It is dead code left after a helper was removed or renamed, and it keeps
//! a build rule (and its prerequisites) that readers must still understand.
//!
//! ## Example
//! ```make
//! _gen/bin/old-tool: $(wildcard scripts/old-tool/*.go) go.mod
//! 	go build -o $@ ./scripts/old-tool
//! ```
//! Use instead: delete the target.
//!
//! ## Fix safety
//! No automatic fix.

use super::guard_common::GuardCtx;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::diagnostic::{FixAvailability, RuleInfo};

pub static RULE: RuleInfo = RuleInfo {
    code: "GR014",
    name: "unused-helper",
    summary: "helper target that nothing runs or depends on",
    severity: Severity::Warning,
    fix: FixAvailability::Never,
    source: include_str!("unused_helper.rs"),
};

pub fn check(ctx: &GuardCtx) -> Vec<Diagnostic> {
    ctx.tree
        .helpers
        .iter()
        .filter(|h| !h.used)
        .map(|h| {
            ctx.at(
                &RULE,
                h.file,
                ctx.header(h.file, h.rule),
                format!("nothing runs or depends on `{}`", h.target),
                "delete the target, or run it where it is needed",
            )
        })
        .collect()
}
