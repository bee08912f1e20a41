//! # GR009 helper-not-prerequisite
//!
//! ## What it does
//! Finds a recipe that runs a helper binary from the out dir
//! (`_gen/bin/x`, `$(CURDIR)/_gen/bin/x`, `../_gen/bin/x` after a `cd`)
//! while its rule does not depend on that helper.
//!
//! ## Why is this bad?
//! Without the prerequisite, `make -j` may run the recipe before the helper
//! is built, and a clean checkout fails with "No such file or directory".
//!
//! ## Example
//! ```make
//! gen:
//! 	_gen/bin/apitypings > api.ts
//! ```
//! Use instead:
//! ```make
//! gen: | _gen/bin/apitypings
//! 	_gen/bin/apitypings > api.ts
//! ```
//!
//! ## Fix safety
//! Safe: `gorun-lint fix` adds the helper as an order-only prerequisite
//! (after `|`), which leaves `$<`, `$^`, `$+` and `$?` unchanged and only
//! orders the build. A `#` or blank in the helper's name is written escaped
//! (`_gen/bin/e\#`); a name make cannot read as one word (`:`, `%`, `=`,
//! `$`, parentheses, glob characters) gets no fix.

use super::guard_common::{with_safe_fix, GuardCtx};
use crate::lint::diagnostic::{Diagnostic, Intent, Severity};
use crate::lint::diagnostic::{FixAvailability, RuleInfo};

pub static RULE: RuleInfo = RuleInfo {
    code: "GR009",
    name: "helper-not-prerequisite",
    summary: "recipe runs a helper binary its rule does not depend on",
    severity: Severity::Error,
    fix: FixAvailability::Sometimes,
    source: include_str!("helper_not_prerequisite.rs"),
};

pub fn check(ctx: &GuardCtx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for run in ctx.tree.runs.iter().filter(|r| !r.listed) {
        let f = &ctx.analysis.files[run.file];
        let exec = &f.execs[run.exec];
        let target = crate::lint::paths::relative(&f.base, &run.path);
        let word = crate::lint::edit::helper_prerequisite(&target);
        let help = match &word {
            Some(w) => format!("add `| {w}` to the rule's prerequisites"),
            None => "rename the helper: make cannot list this name as a prerequisite".into(),
        };
        let mut d = ctx.at(
            &RULE,
            run.file,
            exec.word.span.clone(),
            format!("runs `{}` but its rule does not depend on `{target}`: `make -j` may run it before it is built", exec.word.text),
            &help,
        );
        d.target = Some(target);
        out.push(match word {
            Some(_) => with_safe_fix(
                d,
                "Add the helper as an order-only prerequisite",
                Intent::Prerequisite {
                    file: run.file,
                    exec: run.exec,
                },
            ),
            None => d,
        });
    }
    out
}
