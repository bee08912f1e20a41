//! # GR007 parse-error
//!
//! ## What it does
//! Reports a callsite that sits in lines tree-sitter-make could not parse.
//! gorun-lint found it anyway, by reading those lines with GNU make's own
//! reading rules; this note says so, and that a fix there is offered only
//! where the rule structure is unambiguous.
//!
//! ## Why is this bad?
//! It is not: the Makefile may be fine for GNU make. The note tells you the
//! attribution of this callsite to its rule came from the fallback reader.
//! It is informational and never fails a run.
//!
//! ## Example
//! ```make
//! .RECIPEPREFIX = >
//! check:
//! > go run ./scripts/x
//! ```
//!
//! ## Fix safety
//! Not applicable.

use super::Site;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::diagnostic::{FixAvailability, RuleInfo};

pub static RULE: RuleInfo = RuleInfo {
    code: "GR007",
    name: "parse-error",
    summary: "callsite in lines the grammar could not parse (found by the line reader)",
    severity: Severity::Info,
    fix: FixAvailability::Never,
    source: include_str!("parse_error.rs"),
};

pub fn check(site: &Site) -> Option<Diagnostic> {
    if !site.callsite.recovered {
        return None;
    }
    let mut d = site.diagnostic(
        &RULE,
        "tree-sitter-make could not parse the lines around this callsite; it was found by reading them as GNU make does".into(),
    );
    d.help = Some("nothing to change unless make itself rejects the file".into());
    Some(d)
}
