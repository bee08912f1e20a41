//! # GR002 read-time-go-run
//!
//! ## What it does
//! Finds `go run` that make runs while it reads the Makefile: `$(shell go run
//! ...)` in a `:=` assignment, a `!=` assignment, a target-specific `:=`
//! variable, a rule line or at the top level, and `NAME = $(shell go run ...)`
//! when `$(NAME)` is expanded while reading.
//!
//! ## Why is this bad?
//! It runs on every `make` invocation, even `make clean` or `make help`, pays
//! the `go run` staleness check each time and, since Go 1.24, caches an
//! executable in GOCACHE. It cannot become a prerequisite: make has read the
//! value before it builds anything.
//!
//! ## Example
//! ```make
//! VERSION := $(shell go run ./scripts/version)
//! ```
//! Use instead: compute the value in the recipes that need it, from a built
//! helper:
//! ```make
//! release: | _gen/bin/version
//! 	VERSION=$$(_gen/bin/version); ...
//! ```
//!
//! ## Fix safety
//! No fix: moving the computation changes when and how often it runs.

use super::Site;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::diagnostic::{FixAvailability, RuleInfo};
use crate::syntax::callsite::Origin;

pub static RULE: RuleInfo = RuleInfo {
    code: "GR002",
    name: "read-time-go-run",
    summary: "`go run` evaluated when the Makefile is read",
    severity: Severity::Error,
    fix: FixAvailability::Never,
    source: include_str!("read_time_go_run.rs"),
};

pub fn check(site: &Site) -> Option<Diagnostic> {
    if !site.read_time() {
        return None;
    }
    let context = match &site.callsite.origin {
        Origin::ReadTime { context } => context.clone(),
        Origin::Deferred { variable } => {
            format!("`$({variable})`, expanded while make reads the file")
        }
        _ => return None,
    };
    let mut message = format!(
        "`go run {}` in {context} runs every time make reads this file, even for `make clean`",
        site.class.package
    );
    if let Some(n) = site.spelling_note() {
        message.push_str(&format!("; {n}"));
    }
    let mut d = site.diagnostic(&RULE, message);
    d.help = Some(match site.target {
        Some(t) => {
            format!("compute it inside the recipes that need it, running a helper built as `{t}`")
        }
        None => "compute it inside the recipes that need it".into(),
    });
    d.helper = site.helper.clone();
    Some(d)
}
