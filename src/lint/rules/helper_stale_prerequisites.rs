//! # GR008 helper-stale-prerequisites
//!
//! ## What it does
//! Checks that each helper target in the out dir is rebuilt when a source
//! that can change its binary changes: either its recipe writes a
//! dependency file (`$@.d`, from `go list -deps`) that the Makefile
//! includes, or its prerequisites list every such source: the `.go` files
//! of its package and of every package of the same module it imports
//! (transitively), its `//go:embed` files, and go.mod/go.sum.
//!
//! ## Why is this bad?
//! Make rebuilds a file target only when a prerequisite is newer. A helper
//! that imports `internal/shared` but depends only on
//! `$(wildcard scripts/x/*.go)` keeps running a stale binary after a change
//! to `internal/shared`, and generated files silently go out of date.
//!
//! ## Example
//! ```make
//! _gen/bin/x: $(wildcard scripts/x/*.go)
//! 	go build -o $@ ./scripts/x
//! ```
//! Use instead (what `gorun-lint fix` writes; the variables are defined
//! once in its helper block):
//! ```make
//! -include $(wildcard _gen/bin/*.d)
//!
//! _gen/bin/x: go.mod $(wildcard go.sum)
//! 	go build -o $@ ./scripts/x
//! 	@go list $(GORUN_LINT_DEPS) ./scripts/x | $(GORUN_LINT_DEPFILE)
//! ```
//! or, with `prerequisites = "static"`, the whole list:
//! ```make
//! _gen/bin/x: $(wildcard scripts/x/*.go) $(wildcard internal/shared/*.go) go.mod $(wildcard go.sum)
//! 	go build -o $@ ./scripts/x
//! ```
//!
//! ## Fix safety
//! No automatic fix yet: the helper target `gorun-lint fix` writes is the
//! one to copy. Not reported when a prerequisite uses a function other
//! than `$(wildcard ...)` that gorun-lint cannot expand.

use super::guard_common::GuardCtx;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::diagnostic::{FixAvailability, RuleInfo};

pub static RULE: RuleInfo = RuleInfo {
    code: "GR008",
    name: "helper-stale-prerequisites",
    summary: "helper target that is not rebuilt when some of its sources change",
    severity: Severity::Error,
    fix: FixAvailability::Never,
    source: include_str!("helper_stale_prerequisites.rs"),
};

pub fn check(ctx: &GuardCtx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for h in &ctx.tree.helpers {
        let Some(missing) = &h.missing else { continue };
        if missing.is_empty() {
            continue;
        }
        let base = &ctx.analysis.files[h.file].base;
        let names: Vec<String> = missing
            .iter()
            .take(3)
            .map(|p| crate::lint::paths::relative(base, p))
            .collect();
        let more = if missing.len() > 3 {
            format!(" and {} more", missing.len() - 3)
        } else {
            String::new()
        };
        let mut d = ctx.at(
            &RULE,
            h.file,
            ctx.header(h.file, h.rule),
            format!("`{}` is not rebuilt when {}{more} change{}", h.target, names.join(", "), if missing.len() == 1 { "s" } else { "" }),
            "write a dependency file from `go list -deps` in its recipe and include it (as `gorun-lint fix` does), or depend on the package's files, the module packages it imports, its //go:embed files and go.mod/go.sum",
        );
        d.target = Some(h.target.clone());
        out.push(d);
    }
    out
}
