//! # GR005 unresolved-go-run
//!
//! ## What it does
//! Finds `go run` in a recipe whose package cannot be resolved: it comes from
//! a variable that is not a literal defined in the Makefile, from a shell
//! variable, or it is a pattern (`./cmd/...`).
//!
//! ## Why is this bad?
//! Whatever it runs is linked and cached in GOCACHE on each change, and
//! gorun-lint cannot tell which helper it is, so it cannot offer a fix or
//! match it against the allowlist by tool name.
//!
//! ## Example
//! ```make
//! gen:
//! 	go run $(TOOL_PKG)
//! ```
//! Use instead: name the package literally (`TOOL_PKG := ./cmd/x`), or
//! allowlist it by the package text (`"$(TOOL_PKG)" = "reason"`).
//!
//! ## Fix safety
//! No fix.

use super::Site;
use crate::lint::classify::Class;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::diagnostic::{FixAvailability, RuleInfo};

pub static RULE: RuleInfo = RuleInfo {
    code: "GR005",
    name: "unresolved-go-run",
    summary: "`go run` whose package cannot be resolved (dynamic or pattern)",
    severity: Severity::Warning,
    fix: FixAvailability::Never,
    source: include_str!("unresolved_go_run.rs"),
};

pub fn check(site: &Site) -> Option<Diagnostic> {
    if site.read_time() {
        return None;
    }
    let why = match &site.class.class {
        Class::Dynamic { reason } => reason.clone(),
        Class::Pattern => "a package pattern matches any number of packages".into(),
        _ => return None,
    };
    let mut d = site.note_source(
        site.diagnostic(
            &RULE,
            format!("`go run {}` cannot be resolved: {why}", site.class.package),
        ),
        true,
    );
    d.help = Some("name the package literally, or allowlist it with a reason".into());
    Some(d)
}
