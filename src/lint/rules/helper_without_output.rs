//! # GR011 helper-without-output
//!
//! ## What it does
//! Finds a helper target of the out dir whose recipe runs `go build`
//! without `-o $@` (or `-o` with the target's path).
//!
//! ## Why is this bad?
//! The target file is never written, so make rebuilds the helper on every
//! run, and recipes that run `_gen/bin/<tool>` run a missing or old binary.
//!
//! ## Example
//! ```make
//! _gen/bin/x: $(wildcard scripts/x/*.go) go.mod
//! 	go build ./scripts/x
//! ```
//! Use instead:
//! ```make
//! _gen/bin/x: $(wildcard scripts/x/*.go) go.mod
//! 	go build -o $@ ./scripts/x
//! ```
//!
//! ## Fix safety
//! No automatic fix.

use super::guard_common::GuardCtx;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::diagnostic::{FixAvailability, RuleInfo};

pub static RULE: RuleInfo = RuleInfo {
    code: "GR011",
    name: "helper-without-output",
    summary: "helper target built with `go build` without `-o $@`",
    severity: Severity::Error,
    fix: FixAvailability::Never,
    source: include_str!("helper_without_output.rs"),
};

pub fn check(ctx: &GuardCtx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for h in &ctx.tree.helpers {
        let Some(b) = h.build else { continue };
        if h.has_output {
            continue;
        }
        let build = &ctx.analysis.files[h.file].builds[b];
        out.push(ctx.at(
            &RULE,
            h.file,
            build.span.clone(),
            format!("this `go build` does not write `{}`", h.target),
            "build with `-o $@`",
        ));
    }
    out
}
