//! # GR013 out-dir-not-ignored
//!
//! ## What it does
//! Checks that git ignores the out dir of the helper binaries (with
//! `.gitignore` semantics, reading each `.gitignore` from the repository
//! root down).
//!
//! ## Why is this bad?
//! Binaries of tens of megabytes end up in `git status`, and sooner or
//! later in a commit.
//!
//! ## Example
//! A repository whose `.gitignore` lacks the out dir.
//!
//! Use instead:
//! ```text
//! /_gen/bin/
//! ```
//!
//! ## Fix safety
//! Safe: `gorun-lint fix` appends the out dir to the repository's
//! `.gitignore`.

use super::guard_common::{with_safe_fix, GuardCtx};
use crate::lint::diagnostic::{Diagnostic, Intent, Severity};
use crate::lint::diagnostic::{FixAvailability, RuleInfo};

pub static RULE: RuleInfo = RuleInfo {
    code: "GR013",
    name: "out-dir-not-ignored",
    summary: "git does not ignore the helper out dir",
    severity: Severity::Warning,
    fix: FixAvailability::Always,
    source: include_str!("out_dir_not_ignored.rs"),
};

pub fn check(ctx: &GuardCtx) -> Vec<Diagnostic> {
    if ctx.tree.ignored {
        return Vec::new();
    }
    let Some((fi, span)) = ctx.first_helper() else {
        return Vec::new();
    };
    let root = &ctx.analysis.files[ctx.tree.root];
    let git_root = crate::lint::guard::git_root(&root.out_dir);
    let entry = format!(
        "/{}/",
        crate::lint::paths::relative(&git_root, &root.out_dir)
    );
    vec![with_safe_fix(
        ctx.at(
            &RULE,
            fi,
            span,
            format!(
                "git does not ignore the helper binaries in `{}`",
                crate::lint::paths::relative(&root.base, &root.out_dir)
            ),
            &format!(
                "add `{entry}` to {}/.gitignore",
                crate::lint::paths::relative(&root.base, &git_root)
            ),
        ),
        "Add the out dir to .gitignore",
        Intent::CleanAndIgnore {
            root: ctx.tree.root,
        },
    )]
}
