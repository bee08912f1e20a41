//! # GR010 phony-helper
//!
//! ## What it does
//! Finds a helper target of the out dir listed in `.PHONY`.
//!
//! ## Why is this bad?
//! A phony target is remade on every `make` run: the helper is rebuilt each
//! time, which is the cost the migration away from `go run` removed.
//!
//! ## Example
//! ```make
//! .PHONY: gen _gen/bin/x
//! ```
//! Use instead: keep helper targets out of `.PHONY`; their prerequisites
//! decide when they are rebuilt.
//!
//! ## Fix safety
//! No automatic fix.

use super::guard_common::GuardCtx;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::diagnostic::{FixAvailability, RuleInfo};

pub static RULE: RuleInfo = RuleInfo {
    code: "GR010",
    name: "phony-helper",
    summary: "helper target declared .PHONY",
    severity: Severity::Warning,
    fix: FixAvailability::Never,
    source: include_str!("phony_helper.rs"),
};

pub fn check(ctx: &GuardCtx) -> Vec<Diagnostic> {
    ctx.tree
        .helpers
        .iter()
        .filter(|h| h.phony)
        .map(|h| {
            ctx.at(
                &RULE,
                h.file,
                ctx.header(h.file, h.rule),
                format!(
                    "`{}` is .PHONY, so it is rebuilt on every make run",
                    h.target
                ),
                "remove it from .PHONY",
            )
        })
        .collect()
}
