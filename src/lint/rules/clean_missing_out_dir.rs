//! # GR012 clean-missing-out-dir
//!
//! ## What it does
//! Checks that when the Makefile has helper targets, its `clean` target
//! (config `clean-target`) removes the out dir or a parent of it.
//!
//! ## Why is this bad?
//! `make clean` is how people recover from a bad state; a helper binary it
//! leaves behind survives, and a stale one keeps generating old output.
//!
//! ## Example
//! ```make
//! clean:
//! 	rm -rf out
//! ```
//! Use instead:
//! ```make
//! clean:
//! 	rm -rf out
//! 	rm -rf _gen/bin
//! ```
//!
//! ## Fix safety
//! Safe: `gorun-lint fix` adds `rm -rf <out-dir>` to `clean` (or creates
//! a `.PHONY` `clean` target); it only removes build outputs.

use super::guard_common::{with_safe_fix, GuardCtx};
use crate::lint::diagnostic::{Diagnostic, Intent, Severity};
use crate::lint::diagnostic::{FixAvailability, RuleInfo};

pub static RULE: RuleInfo = RuleInfo {
    code: "GR012",
    name: "clean-missing-out-dir",
    summary: "no `clean` target removes the helper out dir",
    severity: Severity::Warning,
    fix: FixAvailability::Always,
    source: include_str!("clean_missing_out_dir.rs"),
};

pub fn check(ctx: &GuardCtx) -> Vec<Diagnostic> {
    if ctx.tree.clean_ok {
        return Vec::new();
    }
    let Some((hf, hspan)) = ctx.first_helper() else {
        return Vec::new();
    };
    let root = &ctx.analysis.files[ctx.tree.root];
    let clean = &root.config.clean_target;
    let (fi, span, message) = match ctx.tree.clean_rule {
        Some((fi, r)) => {
            let f = &ctx.analysis.files[fi];
            let out_rel = crate::lint::paths::relative(&f.base, &f.out_dir);
            (
                fi,
                ctx.header(fi, r),
                format!("`{clean}` does not remove `{out_rel}`"),
            )
        }
        None => (
            hf,
            hspan,
            format!(
                "there is no `{clean}` target to remove `{}`",
                out_rel(ctx, hf)
            ),
        ),
    };
    let fix_rel = out_rel(ctx, fi);
    vec![with_safe_fix(
        ctx.at(
            &RULE,
            fi,
            span,
            message,
            &format!("add `rm -rf {fix_rel}` to `{clean}`"),
        ),
        "Make `clean` remove the out dir",
        Intent::CleanAndIgnore {
            root: ctx.tree.root,
        },
    )]
}

fn out_rel(ctx: &GuardCtx, fi: usize) -> String {
    let f = &ctx.analysis.files[fi];
    crate::lint::paths::relative(&f.base, &f.out_dir)
}
